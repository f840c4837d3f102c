//go:build !((linux || darwin || freebsd) && (amd64 || arm64))

package turbojpeg

// The library is loaded only where purego calls C on a 64-bit Unix (where
// C's unsigned long is 64 bits, as Lib's signatures assume).

// Open reports the library unavailable.
func Open() (*Lib, error) { return nil, ErrUnavailable }

func cBytes(p *byte, size uint64) []byte { return nil }
