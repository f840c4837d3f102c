package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
)

// encodingError is what DetectEncoding returns when the bytes are not text
// in a supported encoding. Line is the 1-based physical line where decoding
// fails, 0 when the problem is the whole file (binary).
type encodingError struct {
	Line   int
	Reason string
}

func (e *encodingError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// magics are file signatures of formats people upload by mistake under a
// .csv name; naming the format makes the refusal actionable.
var magics = []struct {
	prefix string
	what   string
}{
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"%PDF-", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one: save it as CSV first)"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook or Word document (save it as CSV first)"},
	{"\x1f\x8b", "a gzip archive"},
	{"SQLite format 3\x00", "an SQLite database"},
}

// DetectEncoding reads all of r (in fixed-size chunks, so in constant memory)
// and tells its encoding. It stops early at a UTF-16 byte-order mark or a
// known binary signature.
//
// Byte-order marks decide first (UTF-8 BOM, FF FE, FE FF). Otherwise valid
// UTF-8 is UTF8. Otherwise the bytes are checked against the structure of
// Shift_JIS (Windows-31J/CP932: lead 81–9F/E0–FC with trail 40–7E/80–FC,
// half-width katakana A1–DF) and EUC-JP (A1–FE pairs, 8E kana, 8F JIS X 0212);
// when both fit, the one whose characters are more plausible Japanese
// (hiragana, katakana, JIS level 1/2 kanji rather than half-width kana, gaiji
// or unassigned rows) wins, Shift_JIS on a tie. UTF-16 without a BOM is
// recognised from NUL bytes falling almost all on the same byte parity.
//
// Errors (whose text names the line where decoding fails): "not a text file"
// for binary data (NUL bytes outside UTF-16, many control bytes, known binary
// signatures); a file that mixes UTF-8 lines with lines in another encoding;
// a file valid in no supported encoding. Read errors of r are returned as is.
func DetectEncoding(r io.Reader) (Encoding, error) {
	enc, _, err := detect(r)
	return enc, err
}

// detect is DetectEncoding, also returning what the pass learnt.
func detect(r io.Reader) (Encoding, *detector, error) {
	d := &detector{line: 1, tables: unmappedSequences()}
	buf := make([]byte, 64<<10)
	first := true
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			p := buf[:n]
			if first {
				first = false
				for _, m := range magics {
					if bytes.HasPrefix(p, []byte(m.prefix)) {
						return "", d, &encodingError{Reason: "not a text file: it looks like " + m.what}
					}
				}
				switch {
				case bytes.HasPrefix(p, []byte{0xff, 0xfe}):
					return UTF16LE, d, nil
				case bytes.HasPrefix(p, []byte{0xfe, 0xff}):
					return UTF16BE, d, nil
				case bytes.HasPrefix(p, []byte{0xef, 0xbb, 0xbf}):
					d.bom = true
					p = p[3:]
					d.n = 3
				}
			}
			d.feed(p)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", d, err
		}
	}
	enc, err := d.finish()
	return enc, d, err
}

// detector runs the UTF-8, Shift_JIS and EUC-JP validity machines side by
// side over the stream, one byte at a time, and counts what binary
// detection needs.
type detector struct {
	n      int64
	line   int // physical line of the byte being looked at
	prevCR bool
	bom    bool

	nul, nulOdd, ctrl int64

	// UTF-8: per line, so that a file mixing UTF-8 and other lines is told
	// apart from a file that is simply not UTF-8.
	u8need            int
	u8lo, u8hi        byte
	u8seqLen          int
	u8badLine         int // first line with invalid UTF-8
	u8lineBad         bool
	u8lineStrong      bool // the line holds a valid 3- or 4-byte sequence
	u8lineSeqs        int  // valid multi-byte sequences in the line
	u8firstStrongLine int  // first line that is clearly UTF-8
	u8only            bool // set from u8firstStrongLine on

	sjLead    byte
	sjBadLine int
	sjScore   int
	// Characters that decode to U+FFFD (user-defined 外字, unassigned
	// codes): counted to warn, since the text loses them.
	sjUnmapped, sjUnmappedLine   int
	eucUnmapped, eucUnmappedLine int
	eucX0212                     byte
	tables                       unmappedTables

	eucState   int
	eucLead    byte
	eucBadLine int
	eucScore   int
}

const (
	eucGround = iota
	eucTrail
	eucKana
	eucX0212a
	eucX0212b
)

func (d *detector) feed(p []byte) {
	base := d.n
	d.n += int64(len(p))
	for i := 0; i < len(p); {
		if d.u8need == 0 && d.sjLead == 0 && d.eucState == eucGround {
			// Fast path: eight printable ASCII bytes at a time, valid in
			// every candidate encoding.
			for i+8 <= len(p) {
				w := binary.LittleEndian.Uint64(p[i:])
				const ones, highs = 0x0101010101010101, 0x8080808080808080
				del := w ^ (0x7f * ones)
				if (w|(w-0x20*ones)|(del-ones)&^del)&highs != 0 {
					break // a non-ASCII, control or DEL byte in these eight
				}
				i += 8
				d.prevCR = false
			}
			if i == len(p) {
				break
			}
			if b := p[i]; b < 0x80 {
				if b < 0x20 || b == 0x7f {
					d.control(b, base+int64(i))
				} else {
					d.prevCR = false
				}
				i++
				continue
			}
		}
		b := p[i]
		if d.u8only && d.u8need == 0 && b >= 0x80 && i+utf8.UTFMax <= len(p) {
			// Only UTF-8 matters now: take whole characters.
			if r, size := utf8.DecodeRune(p[i:]); r != utf8.RuneError || size > 1 {
				d.u8lineStrong = d.u8lineStrong || size >= 3
				d.u8lineSeqs++
				d.prevCR = false
				i += size
				continue
			}
		}
		d.stepUTF8(b)
		// A machine that has failed needs no more bytes: its first bad line
		// is known and its score no longer counts.
		if d.u8only || d.sjBadLine != 0 {
			d.sjLead = 0
		} else {
			d.stepSJIS(b)
		}
		if d.u8only || d.eucBadLine != 0 {
			d.eucState = eucGround
		} else {
			d.stepEUC(b)
		}
		if b < 0x20 || b == 0x7f {
			d.control(b, base+int64(i))
		} else {
			d.prevCR = false
		}
		i++
	}
}

// control counts line ends (CR, LF, CRLF) and bytes no text file holds.
func (d *detector) control(b byte, offset int64) {
	switch b {
	case '\n':
		if !d.prevCR {
			d.endLine()
		}
		d.prevCR = false
		return
	case '\r':
		d.endLine()
		d.prevCR = true
		return
	case 0:
		d.nul++
		if offset%2 == 1 {
			d.nulOdd++
		}
	case '\t', '\f', 0x1a, 0x1b: // tab, form feed, DOS end-of-file mark, escape
	default:
		d.ctrl++
	}
	d.prevCR = false
}

func (d *detector) endLine() {
	// Clearly UTF-8: two or more characters, one of three bytes or more (a
	// single pair of Shift_JIS bytes can pass for one by chance).
	if d.u8lineStrong && d.u8lineSeqs >= 2 && !d.u8lineBad && d.u8firstStrongLine == 0 {
		// From now on the answer is UTF-8, or an error for mixing it with
		// something else: Shift_JIS and EUC-JP no longer matter.
		d.u8firstStrongLine = d.line
		d.u8only = true
	}
	d.u8lineBad, d.u8lineStrong, d.u8lineSeqs = false, false, 0
	d.line++
}

// unmapped returns how many characters of the file in encoding enc have no
// Unicode mapping and the line of the first.
func (d *detector) unmapped(enc Encoding) (n, line int) {
	switch enc {
	case ShiftJIS:
		return d.sjUnmapped, d.sjUnmappedLine
	case EUCJP:
		return d.eucUnmapped, d.eucUnmappedLine
	}
	return 0, 0
}

func (d *detector) finish() (Encoding, error) {
	// A sequence cut by the end of the file is invalid too.
	if d.u8need > 0 {
		d.u8bad()
	}
	if d.sjLead != 0 && d.sjBadLine == 0 {
		d.sjBadLine = d.line
	}
	if d.eucState != eucGround && d.eucBadLine == 0 {
		d.eucBadLine = d.line
	}
	d.endLine()

	if d.nul > 0 {
		// UTF-16 without a byte-order mark: ASCII characters leave a NUL
		// on every other byte, all on the same parity.
		if units := d.n / 2; d.n%2 == 0 && d.nul*10 >= units {
			switch {
			case d.nulOdd*20 >= d.nul*19:
				return UTF16LE, nil
			case (d.nul-d.nulOdd)*20 >= d.nul*19:
				return UTF16BE, nil
			}
		}
		return "", &encodingError{Reason: fmt.Sprintf("not a text file: it contains %d NUL bytes (binary data)", d.nul)}
	}
	if d.ctrl > 0 && d.ctrl*50 > d.n {
		return "", &encodingError{Reason: fmt.Sprintf("not a text file: %d of its %d bytes are control characters (binary data)", d.ctrl, d.n)}
	}
	if d.u8badLine == 0 {
		if d.bom {
			return UTF8BOM, nil
		}
		return UTF8, nil
	}
	if d.bom {
		return "", &encodingError{Line: d.u8badLine, Reason: "the file starts with a UTF-8 byte-order mark but this line is not valid UTF-8; the file seems to mix encodings: save it again in one encoding"}
	}
	if d.u8firstStrongLine > 0 {
		utf8Line, otherLine := d.u8firstStrongLine, d.u8badLine
		return "", &encodingError{
			Line: max(utf8Line, otherLine),
			Reason: fmt.Sprintf("the file mixes encodings: line %d is UTF-8 but line %d is not (Shift_JIS or EUC-JP?); save it again in one encoding",
				utf8Line, otherLine),
		}
	}
	sjOK, eucOK := d.sjBadLine == 0, d.eucBadLine == 0
	switch {
	case sjOK && eucOK:
		if d.eucScore > d.sjScore {
			return EUCJP, nil
		}
		return ShiftJIS, nil
	case sjOK:
		return ShiftJIS, nil
	case eucOK:
		return EUCJP, nil
	}
	// Name the line where the most plausible reading breaks down: the
	// encoding that goes on longest before failing.
	line, name := d.u8badLine, "UTF-8"
	if d.sjBadLine > line {
		line, name = d.sjBadLine, "Shift_JIS"
	}
	if d.eucBadLine > line {
		line, name = d.eucBadLine, "EUC-JP"
	}
	reason := "this line cannot be decoded: the file is not valid UTF-8, Shift_JIS or EUC-JP"
	if line > 1 {
		reason = fmt.Sprintf("this line cannot be decoded: lines 1–%d read as %s but this one does not (mixed encodings or damaged bytes?); the file is not valid UTF-8, Shift_JIS or EUC-JP",
			line-1, name)
	}
	return "", &encodingError{Line: line, Reason: reason}
}
