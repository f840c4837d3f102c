//go:build (linux || darwin || freebsd) && (amd64 || arm64)

package turbojpeg

import (
	"fmt"
	"unsafe"

	"github.com/ebitengine/purego"
)

// names are where the library is looked for, most specific first.
var names = []string{"libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib",
	"/opt/homebrew/opt/jpeg-turbo/lib/libturbojpeg.dylib", "/usr/local/opt/jpeg-turbo/lib/libturbojpeg.dylib"}

// Open loads libturbojpeg; ErrUnavailable (wrapped) when the system does not
// have it or it lacks a function used here.
func Open() (*Lib, error) {
	var handle uintptr
	var err error
	for _, name := range names {
		if handle, err = purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL); err == nil {
			break
		}
	}
	if handle == 0 {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	l := &Lib{}
	for name, fn := range map[string]any{
		"tjInitDecompress": &l.initDecompress, "tjInitCompress": &l.initCompress, "tjDestroy": &l.destroy,
		"tjDecompressHeader3": &l.decompressHeader3, "tjDecompress2": &l.decompress2, "tjCompress2": &l.compress2,
		"tjFree": &l.free, "tjGetErrorStr2": &l.errorStr2, "tjGetScalingFactors": &l.scalingFactors,
	} {
		sym, err := purego.Dlsym(handle, name)
		if err != nil {
			purego.Dlclose(handle)
			return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, name, err)
		}
		purego.RegisterFunc(fn, sym)
	}
	var n int32
	p := l.scalingFactors(&n)
	if p == nil || n <= 0 || n > 64 {
		purego.Dlclose(handle)
		return nil, fmt.Errorf("%w: no scaling factors", ErrUnavailable)
	}
	for _, f := range unsafe.Slice(p, n) {
		if f.num > 0 && f.denom > 0 {
			l.factors = append(l.factors, Factor{int(f.num), int(f.denom)})
		}
	}
	return l, nil
}

// cBytes is the C buffer p of size bytes, not copied.
func cBytes(p *byte, size uint64) []byte { return unsafe.Slice(p, size) }
