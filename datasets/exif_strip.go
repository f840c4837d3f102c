package datasets

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math"
)

// StripMetadata copies a JPEG or PNG image from r to w without its
// metadata: what is published of a photo must not carry its owner's name,
// its camera's serial number or where it was taken. The image data is
// copied byte for byte (nothing is decoded or re-encoded), and so are the
// parts that decide how it looks.
//
// JPEG keeps APP0 JFIF, APP2 ICC_PROFILE, APP14 Adobe and every segment
// that is not an application segment or a comment; it loses APP1 (Exif,
// XMP), APP13 (IPTC, Photoshop), the other APPn (maker data, MPF) and COM,
// and whatever follows the end of the image (trailers and the further
// images of MPF files, which carry their own EXIF). PNG keeps the critical
// chunks and the ancillary chunks that affect rendering or animation; it
// loses eXIf, tEXt, iTXt, zTXt, tIME and any other ancillary chunk
// (private ones may hold metadata too), and what follows IEND. The chunks
// kept keep their CRC.
//
// A file that ends early is copied up to where it ends. ErrNotImage when r
// is neither format (nothing is written); otherwise r's and w's errors.
func StripMetadata(w io.Writer, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(pngSignature))
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch {
	case bytes.HasPrefix(head, jpegSignature):
		err = stripJPEG(bw, br)
	case bytes.HasPrefix(head, pngSignature):
		err = stripPNG(bw, br)
	default:
		return ErrNotImage
	}
	if err = keepEnd(err); err != nil {
		return err
	}
	return bw.Flush()
}

// stripJPEG copies a JPEG segment by segment. Scans (the entropy-coded
// data after each SOS) are copied as they are; a later segment may still
// follow them (progressive JPEGs have several scans), so the copy goes on
// to EOI.
func stripJPEG(w *bufio.Writer, br *bufio.Reader) error {
	br.Discard(len(jpegSignature))
	w.Write(jpegSignature)
	m, err := nextMarker(br)
	for err == nil {
		if standalone(m) {
			w.Write([]byte{0xFF, m})
			if m == markerEOI {
				return nil
			}
			m, err = nextMarker(br)
			continue
		}
		var n int
		if n, err = segmentLength(br); err != nil {
			return err
		}
		id, _ := br.Peek(min(n, 12))
		if keepSegment(m, id) {
			w.Write([]byte{0xFF, m, byte((n + 2) >> 8), byte(n + 2)})
			if _, err = io.CopyN(w, br, int64(n)); err != nil {
				return err
			}
		} else if _, err = br.Discard(n); err != nil {
			return err
		}
		if m == markerSOS {
			m, err = copyScan(w, br)
		} else {
			m, err = nextMarker(br)
		}
	}
	return err
}

// keepSegment tells the segments a published JPEG keeps, by marker and the
// first bytes of the segment: those that change how it looks.
func keepSegment(m byte, id []byte) bool {
	switch {
	case m == markerAPP0:
		return bytes.HasPrefix(id, []byte("JFIF\x00"))
	case m == markerAPP2:
		return bytes.HasPrefix(id, []byte("ICC_PROFILE\x00"))
	case m == markerAPP14:
		return bytes.HasPrefix(id, []byte("Adobe"))
	case m >= markerAPP0 && m <= 0xEF, m == markerCOM:
		return false
	}
	return true
}

// copyScan copies entropy-coded data up to the next marker that is not a
// stuffed 0xFF00 or a restart marker, and returns that marker. Fill bytes
// before it are dropped: they are padding, not image data.
func copyScan(w *bufio.Writer, br *bufio.Reader) (byte, error) {
	for {
		chunk, err := br.ReadSlice(0xFF)
		if err == bufio.ErrBufferFull {
			w.Write(chunk)
			continue
		}
		if err != nil {
			w.Write(chunk)
			return 0, err
		}
		w.Write(chunk[:len(chunk)-1])
		c, err := br.ReadByte()
		for err == nil && c == 0xFF {
			c, err = br.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if c == 0 || c >= 0xD0 && c <= 0xD7 {
			w.Write([]byte{0xFF, c})
			continue
		}
		return c, nil
	}
}

// pngKept are the ancillary chunks a published PNG keeps: colour,
// transparency, pixel size and animation (APNG).
var pngKept = map[string]bool{
	"tRNS": true, "cHRM": true, "gAMA": true, "iCCP": true, "sBIT": true, "sRGB": true, "cICP": true,
	"mDCV": true, "cLLI": true, "bKGD": true, "hIST": true, "pHYs": true, "sPLT": true,
	"acTL": true, "fcTL": true, "fdAT": true,
}

// stripPNG copies a PNG chunk by chunk.
func stripPNG(w *bufio.Writer, br *bufio.Reader) error {
	br.Discard(len(pngSignature))
	w.Write(pngSignature)
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return err
		}
		n, typ := int64(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:])
		if n > math.MaxInt32 {
			return nil // not a chunk: the file is broken from here
		}
		// A critical chunk (upper-case first letter) is one a decoder must
		// understand, so it is image, not metadata.
		if hdr[4]&0x20 == 0 || pngKept[typ] {
			w.Write(hdr[:])
			if _, err := io.CopyN(w, br, n+4); err != nil {
				return err
			}
		} else if _, err := br.Discard(int(n) + 4); err != nil {
			return err
		}
		if typ == "IEND" {
			return nil
		}
	}
}
