package datasets

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

func TestDecodedReader(t *testing.T) {
	sjisBytes := func(s string) []byte {
		b, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		return b
	}
	tests := []struct {
		name string
		enc  Encoding
		data []byte
		want string
	}{
		{"crlf", UTF8, []byte("a\r\nb\r\n"), "a\nb\n"},
		{"lone cr", UTF8, []byte("a\rb\r\rc"), "a\nb\n\nc"},
		{"cr at the end", UTF8, []byte("a\r"), "a\n"},
		{"nel", UTF8, []byte("a\u0085b\u0085"), "a\nb\n"},
		{"c2 not nel", UTF8, []byte("é¢\u00a0x\u0085"), "é¢\u00a0x\n"},
		{"bom removed", UTF8BOM, []byte("\xef\xbb\xbfa\r\n"), "a\n"},
		{"shift_jis 85 trail bytes", ShiftJIS, sjisBytes("キュート\r\nｅメール\r"), "キュート\nｅメール\n"},
		{"cp932 extensions", ShiftJIS, []byte{0x87, 0x40, 0x87, 0x8a, 0xfa, 0x40, 0xfb, 0xfc, 0xed, 0x40, 0xb1}, "①㈱ⅰ髙纊ｱ"},
		{"euc-jp", EUCJP, []byte{0xc5, 0xec, 0xb5, 0xfe, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1, 0x0d, 0x0a}, "東京ｱ丂\n"},
		{"utf-16le", UTF16LE, []byte{0xff, 0xfe, 'a', 0, 0x85, 0, 0x71, 0x67, '\r', 0, '\n', 0}, "a\n東\n"},
		{"utf-16be", UTF16BE, []byte{0xfe, 0xff, 0, 'a', 0, '\r', 0x67, 0x71}, "a\n東"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range []io.Reader{bytes.NewReader(tt.data), iotest.OneByteReader(bytes.NewReader(tt.data))} {
				r, err := decodedReader(src, tt.enc)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil || string(got) != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
			}
		})
	}
}

// TestLineEndsShortBuffers drives the transformer with tiny source windows
// and destinations, so that every CR and C2 falls on a boundary.
func TestLineEndsShortBuffers(t *testing.T) {
	in := []byte(strings.Repeat("ab\r\ncd\re\u0085f\u00a0\r", 20))
	want := strings.Repeat("ab\ncd\ne\nf\u00a0\n", 20)
	for srcWin := 1; srcWin <= 5; srcWin++ {
		for dstSize := 1; dstSize <= 5; dstSize++ {
			var out []byte
			dst := make([]byte, dstSize)
			pos, win := 0, srcWin
			for steps := 0; ; steps++ {
				if steps > 10*len(in) {
					t.Fatalf("window %d, dst %d: no progress at %d", srcWin, dstSize, pos)
				}
				end := min(pos+win, len(in))
				atEOF := end == len(in)
				nDst, nSrc, err := lineEnds{}.Transform(dst, in[pos:end], atEOF)
				out = append(out, dst[:nDst]...)
				pos += nSrc
				if err == transform.ErrShortSrc {
					win++ // needs more input to decide
					continue
				}
				if err != nil && err != transform.ErrShortDst {
					t.Fatal(err)
				}
				win = srcWin
				if err == nil && atEOF && pos == len(in) {
					break
				}
			}
			if string(out) != want {
				t.Errorf("window %d, dst %d: got %q", srcWin, dstSize, out)
			}
		}
	}
}
