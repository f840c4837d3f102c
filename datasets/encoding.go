package datasets

import (
	"bytes"
	"errors"
	"io"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decodedReader returns src converted to UTF-8 with every line end (CRLF,
// lone CR and, after decoding, NEL) turned into "\n", so that one "\n" in the
// result is one physical line of the file. src must be at its start.
func decodedReader(src io.Reader, enc Encoding) (io.Reader, error) {
	switch enc {
	case UTF8:
	case UTF8BOM:
		var bom [3]byte
		if _, err := io.ReadFull(src, bom[:]); err != nil {
			return nil, err
		}
	case ShiftJIS:
		src = japanese.ShiftJIS.NewDecoder().Reader(src)
	case EUCJP:
		src = japanese.EUCJP.NewDecoder().Reader(src)
	case UTF16LE:
		src = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Reader(src)
	case UTF16BE:
		src = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Reader(src)
	default:
		return nil, errors.New("unknown encoding " + string(enc))
	}
	return transform.NewReader(src, lineEnds{}), nil
}

// lineEnds turns CRLF, a lone CR and NEL (U+0085, as UTF-8 C2 85) into LF.
// It runs on decoded UTF-8: in Shift_JIS the byte 85 is a lead byte, not NEL.
// encoding/csv-style parsers know only LF and CRLF; normalising here keeps
// line counting exact (one LF per physical line) and quoted values free of
// stray CRs.
type lineEnds struct{ transform.NopResetter }

func (lineEnds) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	crAt, c2At := -2, -2 // next index of '\r' / 0xC2 in src; -1 none, -2 not searched yet
	for nSrc < len(src) {
		if crAt != -1 && crAt < nSrc {
			crAt = indexFrom(src, nSrc, '\r')
		}
		if c2At != -1 && c2At < nSrc {
			c2At = indexFrom(src, nSrc, 0xc2)
		}
		next := len(src)
		if crAt >= 0 {
			next = crAt
		}
		if c2At >= 0 && c2At < next {
			next = c2At
		}
		n := copy(dst[nDst:], src[nSrc:next])
		nDst += n
		nSrc += n
		if nSrc < next {
			return nDst, nSrc, transform.ErrShortDst
		}
		if next == len(src) {
			break
		}
		if nSrc+1 == len(src) && !atEOF {
			return nDst, nSrc, transform.ErrShortSrc // need the next byte to decide
		}
		if nDst == len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		c := src[nSrc]
		var follow byte
		if nSrc+1 < len(src) {
			follow = src[nSrc+1]
		}
		switch {
		case c == '\r' && follow == '\n':
			dst[nDst] = '\n'
			nSrc += 2
		case c == '\r':
			dst[nDst] = '\n'
			nSrc++
		case follow == 0x85: // C2 85: NEL
			dst[nDst] = '\n'
			nSrc += 2
		default:
			dst[nDst] = c
			nSrc++
		}
		nDst++
	}
	return nDst, nSrc, nil
}

func indexFrom(b []byte, from int, c byte) int {
	i := bytes.IndexByte(b[from:], c)
	if i < 0 {
		return -1
	}
	return from + i
}
