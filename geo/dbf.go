package geo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// dbfTable is a dBASE III table (a shapefile's .dbf) checked and sliced
// from its bytes. We read it ourselves rather than through go-shp, whose
// DBF reader takes the header's lengths on trust (as int16) and slices rows
// without bounds checks.
type dbfTable struct {
	fields    []dbfField
	records   int
	headerLen int
	recordLen int
	ldid      byte // language driver id, byte 29
	data      []byte
}

type dbfField struct {
	rawName  []byte
	typ      byte
	offset   int // in the record, after the deletion flag
	size     int
	decimals int
}

// parseDBF checks the header and the field descriptors. Errors are reasons
// for a ReadError about the .dbf.
func parseDBF(b []byte) (*dbfTable, error) {
	if len(b) < 33 {
		return nil, fmt.Errorf("the file is %d bytes long, shorter than a dBASE header", len(b))
	}
	t := &dbfTable{
		records:   int(binary.LittleEndian.Uint32(b[4:8])),
		headerLen: int(binary.LittleEndian.Uint16(b[8:10])),
		recordLen: int(binary.LittleEndian.Uint16(b[10:12])),
		ldid:      b[29],
		data:      b,
	}
	if t.headerLen < 33 || t.headerLen > len(b) {
		return nil, fmt.Errorf("the header says it is %d bytes long, which the %d-byte file cannot be", t.headerLen, len(b))
	}
	offset := 0
	for pos := 32; ; pos += 32 {
		if pos >= t.headerLen {
			return nil, fmt.Errorf("the field descriptors do not end (no 0x0D terminator within the %d-byte header)", t.headerLen)
		}
		if b[pos] == 0x0d {
			break
		}
		if pos+32 > t.headerLen {
			return nil, fmt.Errorf("field descriptor %d is cut off by the end of the header", len(t.fields)+1)
		}
		d := b[pos : pos+32]
		name := d[:11]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		f := dbfField{rawName: name, typ: d[11], offset: offset, size: int(d[16]), decimals: int(d[17])}
		if f.typ == 'C' {
			// dBASE and Clipper put a text width above 255 in the
			// decimals byte's place.
			f.size, f.decimals = int(d[16])|int(d[17])<<8, 0
		}
		if f.size == 0 {
			return nil, fmt.Errorf("field %d has width 0", len(t.fields)+1)
		}
		offset += f.size
		t.fields = append(t.fields, f)
	}
	if 1+offset > t.recordLen {
		return nil, fmt.Errorf("the fields need %d bytes a record but the header gives records %d", 1+offset, t.recordLen)
	}
	if have := (len(b) - t.headerLen) / t.recordLen; have < t.records {
		return nil, fmt.Errorf("the header announces %d records but the file holds %d (it is cut off)", t.records, have)
	}
	return t, nil
}

// row returns record i's bytes (from 0), deletion flag first.
func (t *dbfTable) row(i int) []byte {
	start := t.headerLen + i*t.recordLen
	return t.data[start : start+t.recordLen]
}

func (f dbfField) raw(row []byte) []byte {
	return row[1+f.offset : 1+f.offset+f.size]
}

// textBytes gathers the bytes whose encoding matters: field names and
// text values, each trimmed of padding and of a character cut in half by
// the field's width (see trimCut).
func (t *dbfTable) textBytes() [][]byte {
	var out [][]byte
	for _, f := range t.fields {
		out = append(out, f.rawName)
	}
	for i := 0; i < t.records; i++ {
		row := t.row(i)
		for _, f := range t.fields {
			if f.typ == 'C' {
				if v := bytes.Trim(f.raw(row), " \x00"); len(v) > 0 {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// Encodings the reader names.
const (
	EncodingCP932 = "CP932"
	EncodingUTF8  = "UTF-8"
)

// lookupEncoding maps a .cpg's or a person's name of an encoding to a
// decoder. Japanese files say SJIS, Shift_JIS, CP932, 932 or
// Windows-31J, all meaning Microsoft's CP932 in practice (x/text's
// ShiftJIS decodes the CP932 extensions too).
func lookupEncoding(name string) (string, encoding.Encoding, bool) {
	n := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
	n = strings.TrimSpace(strings.TrimPrefix(n, "ANSI"))
	switch strings.NewReplacer("-", "", "_", "", " ", "").Replace(n) {
	case "UTF8", "65001", "UTF8BOM":
		return EncodingUTF8, unicode.UTF8, true
	case "SJIS", "SHIFTJIS", "CP932", "932", "WINDOWS31J", "MS932", "MSKANJI", "XSJIS", "WINDOWS932", "IBM943":
		return EncodingCP932, japanese.ShiftJIS, true
	case "EUCJP", "20932", "51932":
		return "EUC-JP", japanese.EUCJP, true
	case "":
		return "", nil, false
	}
	if cp, err := strconv.Atoi(n); err == nil {
		n = "windows-" + strconv.Itoa(cp) // ANSI 1252 -> windows-1252
	}
	if e, err := htmlindex.Get(n); err == nil {
		canon, _ := htmlindex.Name(e)
		return canon, e, true
	}
	return "", nil, false
}

// detectDBFEncoding chooses between CP932 and UTF-8 for a DBF without a
// usable .cpg. Japanese municipal shapefiles are mostly CP932, so that is
// the answer unless the text is valid UTF-8 with non-ASCII characters and
// either is not valid CP932 or reads as Japanese at least as well in UTF-8.
// ASCII-only text is the same in both; CP932 is named.
func detectDBFEncoding(texts [][]byte) (string, encoding.Encoding) {
	var u8, sj strings.Builder
	validU8, validSJ, nonASCII := true, true, false
	dec := japanese.ShiftJIS.NewDecoder()
	for _, b := range texts {
		for _, c := range b {
			if c >= 0x80 {
				nonASCII = true
				break
			}
		}
		ub := trimCutUTF8(b)
		if !utf8.Valid(ub) {
			validU8 = false
		}
		u8.Write(ub)
		s, err := dec.Bytes(trimCutCP932(b))
		if err != nil || bytes.ContainsRune(s, utf8.RuneError) {
			validSJ = false
		}
		sj.Write(s)
	}
	if nonASCII && validU8 && (!validSJ || japaneseShare(u8.String()) >= japaneseShare(sj.String())) {
		return EncodingUTF8, unicode.UTF8
	}
	return EncodingCP932, japanese.ShiftJIS
}

// japaneseShare is the fraction of non-ASCII characters in s that are kana,
// kanji, Japanese punctuation or full-width forms.
func japaneseShare(s string) float64 {
	var jp, all int
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		all++
		switch {
		case r >= 0x3000 && r <= 0x30ff, // punctuation, hiragana, katakana
			r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
			r >= 0xff00 && r <= 0xffef: // full-width and half-width forms
			jp++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(jp) / float64(all)
}

// trimCutUTF8 drops an incomplete character at the end of b: fixed-width
// fields cut multi-byte text wherever the width ends.
func trimCutUTF8(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// trimCutCP932 drops a lone CP932 lead byte at the end of b.
func trimCutCP932(b []byte) []byte {
	lead := false
	for i := 0; i < len(b); i++ {
		if lead {
			lead = false
			continue
		}
		c := b[i]
		lead = (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)
	}
	if lead {
		return b[:len(b)-1]
	}
	return b
}

// decodeText decodes a name or text value, trimming padding and a
// character cut by the field width. Bytes the encoding cannot decode
// become U+FFFD; ok is false then.
func decodeText(e encoding.Encoding, b []byte) (string, bool) {
	b = bytes.Trim(b, " \x00")
	if len(b) == 0 {
		return "", true
	}
	if e == unicode.UTF8 {
		b = trimCutUTF8(b)
		s := strings.ToValidUTF8(string(b), "\ufffd")
		return strings.TrimSpace(s), utf8.Valid(b)
	}
	if e == japanese.ShiftJIS {
		b = trimCutCP932(b)
	}
	s, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\ufffd"), false
	}
	// Full-width spaces pad Japanese text as often as ASCII ones do.
	out := strings.TrimSpace(strings.Trim(string(s), "\u3000"))
	return out, !strings.ContainsRune(out, utf8.RuneError)
}

// value returns the text of a field in a row: decoded text for C; for N
// and F the number as written; for L "true", "false" or ""; for D the date
// as YYYY-MM-DD (as written when it is not a date); "" when empty.
func (f dbfField) value(e encoding.Encoding, row []byte) (string, bool) {
	raw := f.raw(row)
	switch f.typ {
	case 'C', 'M':
		return decodeText(e, raw)
	case 'N', 'F':
		s := strings.TrimSpace(strings.Trim(string(raw), "\x00"))
		if strings.Trim(s, "*") == "" { // overflow stars or nothing
			return "", true
		}
		return s, utf8.ValidString(s)
	case 'L':
		switch strings.TrimSpace(string(raw)) {
		case "T", "t", "Y", "y":
			return "true", true
		case "F", "f", "N", "n":
			return "false", true
		}
		return "", true
	case 'D':
		s := strings.TrimSpace(strings.Trim(string(raw), "\x00"))
		if s == "" || strings.Trim(s, "0") == "" {
			return "", true
		}
		if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
			return s[:4] + "-" + s[4:6] + "-" + s[6:], true
		}
		return decodeText(e, raw)
	}
	return decodeText(e, raw)
}
