// Package turbojpeg decodes JPEGs at a reduced scale and encodes JPEGs with
// libjpeg-turbo's TurboJPEG library, loaded at run time when the system has
// it (Debian and Ubuntu: libturbojpeg0; macOS: Homebrew's jpeg-turbo).
//
// Why: a photo archive's thumbnails are mostly JPEG decoding, and Go's
// image/jpeg always decodes the whole image, with no SIMD. libjpeg-turbo
// decodes with SIMD and scales inside the inverse DCT (a 3000-pixel photo
// comes out 1125 pixels wide at 3/8, most of the work never done), and
// encodes several times faster too.
//
// Why loaded at run time (github.com/ebitengine/purego's dlopen) and not
// linked with cgo: the portal must build and run on a machine with only Go
// and gcc, where the library's headers are not installed; there the caller
// keeps Go's own codec, and a server with the library gets the speed without
// another build.
package turbojpeg

import (
	"errors"
	"fmt"
	"image"
)

// The TurboJPEG 2 API's constants (turbojpeg.h), stable since 1.2; the 3.x
// library keeps these functions.
const (
	pixelFormatRGBA   = 7       // TJPF_RGBA
	subsamp420        = 2       // TJSAMP_420
	flagStopOnWarning = 1 << 13 // TJFLAG_STOPONWARNING
	flagLimitScans    = 1 << 15 // TJFLAG_LIMITSCANS (2.1; ignored before)
)

// Lib is a loaded libturbojpeg. Its methods may be called at once from
// many goroutines: each call has its own TurboJPEG handle.
type Lib struct {
	initDecompress    func() uintptr
	initCompress      func() uintptr
	destroy           func(h uintptr) int32
	decompressHeader3 func(h uintptr, buf []byte, size uint64, width, height, subsamp, colorspace *int32) int32
	decompress2       func(h uintptr, buf []byte, size uint64, dst []byte, width, pitch, height, pixelFormat, flags int32) int32
	compress2         func(h uintptr, src []byte, width, pitch, height, pixelFormat int32, out **byte, outSize *uint64, subsamp, quality, flags int32) int32
	free              func(p *byte)
	errorStr2         func(h uintptr) string
	scalingFactors    func(n *int32) *cFactor

	factors []Factor
}

// cFactor is tjscalingfactor.
type cFactor struct{ num, denom int32 }

// Factors are the scaling factors the library decodes at.
func (l *Lib) Factors() []Factor { return append([]Factor(nil), l.factors...) }

// ErrUnavailable is returned by Open where the library cannot be loaded.
var ErrUnavailable = errors.New("libturbojpeg is not available")

// Factor is a scaling factor the decoder supports, Num/Denom.
type Factor struct{ Num, Denom int }

// scaled is a dimension at f, as TurboJPEG rounds it (up).
func (f Factor) scaled(dim int) int { return (dim*f.Num + f.Denom - 1) / f.Denom }

// Header is what a JPEG's header says.
type Header struct {
	Width, Height int
}

// pick returns the smallest factor, of those given largest first, that
// keeps the image at least minWidth wide (1/1 when minWidth is 0 or not
// below the width). Factors over 1 (enlarging) are never chosen.
func pick(factors []Factor, width, minWidth int) Factor {
	best := Factor{1, 1}
	if minWidth <= 0 || minWidth >= width {
		return best
	}
	for _, f := range factors {
		if f.Num > f.Denom {
			continue
		}
		if f.scaled(width) >= minWidth && f.Num*best.Denom < best.Num*f.Denom {
			best = f
		}
	}
	return best
}

// Decode decodes a JPEG into RGBA at the smallest scale the library offers
// that keeps the image at least minWidth pixels wide (0: full size), and
// returns it with the original's header. maxPixels bounds the original's
// size, checked before anything is allocated: a header can claim 65535 ×
// 65535 pixels in a few bytes.
func (l *Lib) Decode(data []byte, minWidth, maxPixels int) (*image.RGBA, Header, error) {
	if len(data) == 0 {
		return nil, Header{}, errors.New("turbojpeg: no data")
	}
	h := l.initDecompress()
	if h == 0 {
		return nil, Header{}, errors.New("turbojpeg: cannot start a decompressor")
	}
	defer l.destroy(h)
	var w, ht, subsamp, colorspace int32
	if l.decompressHeader3(h, data, uint64(len(data)), &w, &ht, &subsamp, &colorspace) != 0 {
		return nil, Header{}, fmt.Errorf("turbojpeg: %s", l.errorStr2(h))
	}
	hdr := Header{int(w), int(ht)}
	if hdr.Width <= 0 || hdr.Height <= 0 || hdr.Width*hdr.Height > maxPixels {
		return nil, hdr, fmt.Errorf("turbojpeg: %d×%d pixels, over the limit of %d", hdr.Width, hdr.Height, maxPixels)
	}
	f := pick(l.factors, hdr.Width, minWidth)
	sw, sh := f.scaled(hdr.Width), f.scaled(hdr.Height)
	img := image.NewRGBA(image.Rect(0, 0, sw, sh))
	// LIMITSCANS refuses progressive JPEGs of more than 500 scans (a few
	// bytes each can make a decoder work for minutes); a warning (corrupt
	// or truncated data) fails the decode, as it does in image/jpeg.
	if l.decompress2(h, data, uint64(len(data)), img.Pix, int32(sw), int32(img.Stride), int32(sh),
		pixelFormatRGBA, flagLimitScans|flagStopOnWarning) != 0 {
		return nil, hdr, fmt.Errorf("turbojpeg: %s", l.errorStr2(h))
	}
	return img, hdr, nil
}

// Encode encodes img as a baseline JPEG with 4:2:0 chroma (what Go's
// image/jpeg writes) at quality 1–100. The alpha channel is ignored.
func (l *Lib) Encode(img *image.RGBA, quality int) ([]byte, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("turbojpeg: empty image")
	}
	h := l.initCompress()
	if h == 0 {
		return nil, errors.New("turbojpeg: cannot start a compressor")
	}
	defer l.destroy(h)
	var out *byte
	var size uint64
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	if l.compress2(h, pix, int32(b.Dx()), int32(img.Stride), int32(b.Dy()), pixelFormatRGBA,
		&out, &size, subsamp420, int32(min(max(quality, 1), 100)), 0) != 0 {
		if out != nil {
			l.free(out)
		}
		return nil, fmt.Errorf("turbojpeg: %s", l.errorStr2(h))
	}
	defer l.free(out)
	return append([]byte(nil), cBytes(out, size)...), nil
}
