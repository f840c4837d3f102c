package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
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

func (d *detector) stepUTF8(b byte) {
	if d.u8need > 0 {
		if b >= d.u8lo && b <= d.u8hi {
			d.u8need--
			d.u8lo, d.u8hi = 0x80, 0xbf
			if d.u8need == 0 {
				d.u8lineSeqs++
				d.u8lineStrong = d.u8lineStrong || d.u8seqLen >= 3
			}
			return
		}
		d.u8bad()
		d.u8need = 0 // resynchronise: look at b again as a lead byte
	}
	d.u8lo, d.u8hi = 0x80, 0xbf
	switch {
	case b < 0x80:
		return
	case b >= 0xc2 && b <= 0xdf:
		d.u8need = 1
	case b == 0xe0:
		d.u8need, d.u8lo = 2, 0xa0
	case b == 0xed:
		d.u8need, d.u8hi = 2, 0x9f
	case b >= 0xe1 && b <= 0xef:
		d.u8need = 2
	case b == 0xf0:
		d.u8need, d.u8lo = 3, 0x90
	case b >= 0xf1 && b <= 0xf3:
		d.u8need = 3
	case b == 0xf4:
		d.u8need, d.u8hi = 3, 0x8f
	default:
		d.u8bad()
		return
	}
	d.u8seqLen = d.u8need + 1
}

func (d *detector) u8bad() {
	d.u8lineBad = true
	if d.u8badLine == 0 {
		d.u8badLine = d.line
	}
}

// stepSJIS checks Windows-31J structure and scores plausibility: common
// Japanese characters count for, half-width katakana slightly and
// unassigned rows or gaiji strongly against.
func (d *detector) stepSJIS(b byte) {
	if d.sjLead != 0 {
		lead := d.sjLead
		d.sjLead = 0
		if (b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc) {
			d.sjScore += sjisPairScore(lead)
			if d.tables.sjis.has(lead, b) {
				d.sjUnmapped++
				if d.sjUnmappedLine == 0 {
					d.sjUnmappedLine = d.line
				}
			}
			return
		}
		if d.sjBadLine == 0 {
			d.sjBadLine = d.line
		}
	}
	switch {
	case b < 0x80:
	case (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc):
		d.sjLead = b
	case b >= 0xa1 && b <= 0xdf:
		d.sjScore-- // half-width katakana: valid but rare in modern text
	case b == 0x80:
		d.sjScore -= 4
	default: // A0, FD–FF
		if d.sjBadLine == 0 {
			d.sjBadLine = d.line
		}
	}
}

func sjisPairScore(lead byte) int {
	switch {
	case lead == 0x81, lead == 0x82, lead == 0x83: // symbols, full-width alphanumerics, kana
		return 2
	case lead >= 0x88 && lead <= 0x9f, lead >= 0xe0 && lead <= 0xea: // kanji
		return 2
	case lead == 0x84, lead == 0x87, lead >= 0xed && lead <= 0xee, lead >= 0xfa: // box drawing, NEC and IBM extensions
		return 1
	default: // 85–86, EB–EC unassigned; F0–F9 user-defined (gaiji)
		return -4
	}
}

func (d *detector) stepEUC(b byte) {
	bad := false
	switch d.eucState {
	case eucGround:
		switch {
		case b < 0x80:
		case b == 0x8e:
			d.eucState = eucKana
		case b == 0x8f:
			d.eucState = eucX0212a
		case b >= 0xa1 && b <= 0xfe:
			d.eucState, d.eucLead = eucTrail, b
		default:
			bad = true
		}
	case eucTrail:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xfe {
			bad = true
			break
		}
		if d.tables.euc.has(d.eucLead, b) {
			d.eucUnmappedAt()
		}
		switch lead := d.eucLead; {
		case lead >= 0xa1 && lead <= 0xa5, lead >= 0xb0 && lead <= 0xf4: // symbols, kana, kanji
			d.eucScore += 2
		case lead >= 0xa6 && lead <= 0xa8, lead == 0xad: // Greek, Cyrillic, box drawing, NEC row 13
			d.eucScore++
		default: // unassigned rows, user-defined area
			d.eucScore -= 4
		}
	case eucKana:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xdf {
			bad = true
		} else {
			d.eucScore--
		}
	case eucX0212a:
		d.eucState, d.eucX0212 = eucX0212b, b
		if b < 0xa1 || b > 0xfe {
			d.eucState, bad = eucGround, true
		}
	case eucX0212b:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xfe {
			bad = true
		} else {
			d.eucScore-- // JIS X 0212: valid, rare
			if d.tables.eucX0212.has(d.eucX0212, b) {
				d.eucUnmappedAt()
			}
		}
	}
	if bad && d.eucBadLine == 0 {
		d.eucBadLine = d.line
	}
	if bad && b < 0x80 {
		d.eucState = eucGround
	}
}

func (d *detector) eucUnmappedAt() {
	d.eucUnmapped++
	if d.eucUnmappedLine == 0 {
		d.eucUnmappedLine = d.line
	}
}

// pairSet is a set of two-byte sequences.
type pairSet [256][4]uint64

func (s *pairSet) has(a, b byte) bool { return s[a][b>>6]&(1<<(b&63)) != 0 }

// unmappedTables hold the structurally valid sequences that decode to
// U+FFFD, found once by asking the decoders themselves.
type unmappedTables struct{ sjis, euc, eucX0212 *pairSet }

var unmappedSequences = sync.OnceValue(func() unmappedTables {
	sjisLeads := [][2]byte{{0x81, 0x9f}, {0xe0, 0xfc}}
	sjisTrails := [][2]byte{{0x40, 0x7e}, {0x80, 0xfc}}
	euc := [][2]byte{{0xa1, 0xfe}}
	return unmappedTables{
		sjis:     unmappedPairs(japanese.ShiftJIS, nil, sjisLeads, sjisTrails),
		euc:      unmappedPairs(japanese.EUCJP, nil, euc, euc),
		eucX0212: unmappedPairs(japanese.EUCJP, []byte{0x8f}, euc, euc),
	}
})

func unmappedPairs(e encoding.Encoding, prefix []byte, leads, trails [][2]byte) *pairSet {
	set := new(pairSet)
	dec := e.NewDecoder()
	seq := append(prefix, 0, 0)
	for _, lr := range leads {
		for a := int(lr[0]); a <= int(lr[1]); a++ {
			for _, tr := range trails {
				for b := int(tr[0]); b <= int(tr[1]); b++ {
					seq[len(seq)-2], seq[len(seq)-1] = byte(a), byte(b)
					dec.Reset()
					if out, err := dec.Bytes(seq); err != nil || bytes.Contains(out, []byte("\ufffd")) {
						set[a][b>>6] |= 1 << (b & 63)
					}
				}
			}
		}
	}
	return set
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
