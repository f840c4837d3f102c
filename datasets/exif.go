package datasets

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"html"
	"io"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/text/encoding/japanese"
)

// The EXIF reader is written here over the TIFF structure rather than taken
// from a library: the candidates either pull in a large dependency tree
// (dsoprea/go-exif) or trust the counts in the file (rwcarlsen/goexif
// multiplies a tag's count by its type size in 32 bits, so a 4-byte LONG
// with a count of 0x40000001 passes its length check and then allocates
// 8 GiB). Uploads are hostile input; this reader never allocates more than
// the metadata it was given and never follows a pointer twice.

// EXIF is what a photo's metadata tells the import: the defaults it offers
// (when and where the photo was taken) and the fields that identify the
// camera's owner, which the personal-information guard reports.
type EXIF struct {
	// Taken is DateTimeOriginal as the camera's clock showed it. With
	// OffsetTimeOriginal, TakenZone is true and Taken carries that offset;
	// without, the clock's time is kept in UTC as written (not converted).
	Taken     time.Time
	TakenZone bool
	// Lat and Lon are the GPS position in decimal degrees, when HasGPS.
	Lat, Lon float64
	HasGPS   bool
	// Owner are the fields that identify the camera's owner: Artist,
	// XPAuthor, CameraOwnerName, BodySerialNumber, LensSerialNumber and
	// XMP dc:creator (and the XMP forms of the others).
	Owner []EXIFField
	// Comments are free text written in the camera or by software
	// (UserComment, XPComment), which may name people.
	Comments []EXIFField
	// Copyright is the rights notice. It is not a finding: a notice is
	// written to be published with the work (docs/admin.md).
	Copyright string
}

// EXIFField is one metadata field and its text.
type EXIFField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ErrNotImage is returned for data that is neither JPEG nor PNG.
var ErrNotImage = &catalog.Error{Kind: catalog.Invalid, Message: "not a JPEG or PNG image"}

var (
	jpegSignature = []byte{0xFF, 0xD8}
	pngSignature  = []byte("\x89PNG\r\n\x1a\n")
	exifHeader    = []byte("Exif\x00\x00")
	xmpHeader     = []byte("http://ns.adobe.com/xap/1.0/\x00")
)

// maxPNGMetadata bounds what ReadEXIF holds of one PNG chunk: a chunk may
// claim 2 GiB, and a JPEG segment is at most 64 KiB anyway.
const maxPNGMetadata = 1 << 20

// ReadEXIF reads the metadata of a JPEG or PNG image: the EXIF block and
// the XMP packet. It reads only up to the image data. A field that cannot
// be read is left out; ErrNotImage when r is neither format, and the
// reader's own errors. It never panics on malformed input.
func ReadEXIF(r io.Reader) (*EXIF, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(pngSignature))
	var tiff, xmp []byte
	var err error
	switch {
	case bytes.HasPrefix(head, jpegSignature):
		tiff, xmp, err = jpegMetadata(br)
	case bytes.HasPrefix(head, pngSignature):
		tiff, xmp, err = pngMetadata(br)
	default:
		return nil, ErrNotImage
	}
	if err != nil {
		return nil, err
	}
	x := &EXIF{}
	x.readTIFF(tiff)
	x.readXMP(xmp)
	return x, nil
}

// endOfData tells whether err only says the file stops early: a truncated
// image still has the metadata before the cut.
func endOfData(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// JPEG markers the reader and the stripper act on.
const (
	markerSOS   = 0xDA
	markerEOI   = 0xD9
	markerAPP0  = 0xE0
	markerAPP1  = 0xE1
	markerAPP2  = 0xE2
	markerAPP14 = 0xEE
	markerCOM   = 0xFE
)

// standalone tells the markers without a length: TEM, RSTn, SOI, EOI.
func standalone(m byte) bool { return m == 0x01 || m >= 0xD0 && m <= 0xD9 }

// nextMarker reads the next marker's code. Bytes before it that are not a
// marker are skipped, and so are fill bytes (0xFF), as decoders do: a
// stripper that stopped there would leave a segment further on that a
// lenient viewer still finds.
func nextMarker(br *bufio.Reader) (byte, error) {
	for {
		if _, err := br.ReadSlice(0xFF); err == bufio.ErrBufferFull {
			continue
		} else if err != nil {
			return 0, err
		}
		c, err := br.ReadByte()
		for err == nil && c == 0xFF {
			c, err = br.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if c != 0 {
			return c, nil
		}
	}
}

// segmentLength reads a segment's length field and returns the length of
// what follows it.
func segmentLength(br *bufio.Reader) (int, error) {
	var b [2]byte
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return 0, err
	}
	n := int(binary.BigEndian.Uint16(b[:])) - 2
	if n < 0 {
		return 0, io.ErrUnexpectedEOF // a length below 2 cannot be followed
	}
	return n, nil
}

// jpegMetadata returns the first EXIF block (TIFF data) and XMP packet of
// a JPEG, reading up to the first scan.
func jpegMetadata(br *bufio.Reader) (tiff, xmp []byte, err error) {
	br.Discard(len(jpegSignature))
	for {
		m, err := nextMarker(br)
		if err != nil || m == markerEOI || m == markerSOS {
			return tiff, xmp, keepEnd(err)
		}
		if standalone(m) {
			continue
		}
		n, err := segmentLength(br)
		if err != nil {
			return tiff, xmp, keepEnd(err)
		}
		if m != markerAPP1 {
			if _, err := br.Discard(n); err != nil {
				return tiff, xmp, keepEnd(err)
			}
			continue
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			return tiff, xmp, keepEnd(err)
		}
		switch {
		case tiff == nil && bytes.HasPrefix(b, exifHeader):
			tiff = b[len(exifHeader):]
		case xmp == nil && bytes.HasPrefix(b, xmpHeader):
			xmp = b[len(xmpHeader):]
		}
	}
}

// keepEnd turns the end of the data into no error, keeping real failures.
func keepEnd(err error) error {
	if err == nil || endOfData(err) {
		return nil
	}
	return err
}

// pngMetadata returns the eXIf chunk and the XMP packet (an iTXt chunk
// with the keyword XML:com.adobe.xmp) of a PNG, reading up to the image data.
func pngMetadata(br *bufio.Reader) (tiff, xmp []byte, err error) {
	br.Discard(len(pngSignature))
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return tiff, xmp, keepEnd(err)
		}
		n, typ := int64(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:])
		if typ == "IDAT" || typ == "IEND" || n > math.MaxInt32 {
			return tiff, xmp, nil
		}
		want := n <= maxPNGMetadata && (typ == "eXIf" && tiff == nil || typ == "iTXt" && xmp == nil)
		if !want {
			if _, err := br.Discard(int(n) + 4); err != nil {
				return tiff, xmp, keepEnd(err)
			}
			continue
		}
		b := make([]byte, n+4)
		if _, err := io.ReadFull(br, b); err != nil {
			return tiff, xmp, keepEnd(err)
		}
		b = b[:n] // without the CRC
		if typ == "eXIf" {
			tiff = bytes.TrimPrefix(b, exifHeader) // some writers keep the JPEG header
		} else {
			xmp = pngXMP(b)
		}
	}
}

// pngXMP is the text of an iTXt chunk if it is the XMP packet: keyword,
// NUL, compression flag and method, language tag, NUL, translated keyword,
// NUL, text (zlib-compressed when the flag is 1).
func pngXMP(b []byte) []byte {
	keyword, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || string(keyword) != "XML:com.adobe.xmp" || len(rest) < 2 {
		return nil
	}
	compressed := rest[0] == 1
	_, rest, ok = bytes.Cut(rest[2:], []byte{0}) // language tag
	if ok {
		_, rest, ok = bytes.Cut(rest, []byte{0}) // translated keyword
	}
	if !ok || !compressed {
		return rest
	}
	zr, err := zlib.NewReader(bytes.NewReader(rest))
	if err != nil {
		return nil
	}
	text, _ := io.ReadAll(io.LimitReader(zr, maxPNGMetadata))
	return text
}

// tiffData is an EXIF block: TIFF-structured, offsets from its start.
type tiffData struct {
	b     []byte
	order binary.ByteOrder
}

// ifdEntry is one field of an image file directory; val is nil when the
// entry points outside the block or has an unknown type.
type ifdEntry struct {
	tag, typ uint16
	val      []byte
}

// TIFF field types used here, and the size of each type's unit.
const (
	typeByte      = 1
	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeRational  = 5
	typeUndefined = 7
)

var typeSizes = [...]uint64{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4}

// maxIFDEntries bounds one directory: real ones have a few dozen fields.
const maxIFDEntries = 1000

// ifd reads the directory at off. Sizes are computed in 64 bits, so a
// count in the file can neither overflow nor reach past the block.
func (t tiffData) ifd(off uint32) []ifdEntry {
	if off < 8 || uint64(off)+2 > uint64(len(t.b)) {
		return nil
	}
	n := min(int(t.order.Uint16(t.b[off:])), maxIFDEntries)
	var out []ifdEntry
	for i := 0; i < n; i++ {
		p := uint64(off) + 2 + 12*uint64(i)
		if p+12 > uint64(len(t.b)) {
			break
		}
		e := ifdEntry{tag: t.order.Uint16(t.b[p:]), typ: t.order.Uint16(t.b[p+2:])}
		count := uint64(t.order.Uint32(t.b[p+4:]))
		if int(e.typ) < len(typeSizes) && typeSizes[e.typ] > 0 {
			size := count * typeSizes[e.typ]
			start := p + 8
			if size > 4 {
				start = uint64(t.order.Uint32(t.b[p+8:]))
			}
			if start+size <= uint64(len(t.b)) {
				e.val = t.b[start : start+size]
			}
		}
		out = append(out, e)
	}
	return out
}

// pointer is the offset a LONG field holds (a sub-directory); 0 when absent.
func (t tiffData) pointer(entries []ifdEntry, tag uint16) uint32 {
	for _, e := range entries {
		if e.tag == tag && (e.typ == typeLong || e.typ == 13) && len(e.val) >= 4 {
			return t.order.Uint32(e.val)
		}
	}
	return 0
}

// ownerTags are the fields that identify a camera's owner, in IFD0 or the
// Exif directory. The serial numbers name a camera, and through its
// registration or its other photos, its owner.
var ownerTags = map[uint16]string{
	0x013B: "Artist",
	0x9C9D: "XPAuthor",
	0xA430: "CameraOwnerName",
	0xA431: "BodySerialNumber",
	0xA435: "LensSerialNumber",
}

// commentTags are free-text fields.
var commentTags = map[uint16]string{
	0x9286: "UserComment",
	0x9C9C: "XPComment",
}

const (
	tagCopyright          = 0x8298
	tagExifIFD            = 0x8769
	tagGPSIFD             = 0x8825
	tagDateTimeOriginal   = 0x9003
	tagOffsetTimeOriginal = 0x9011
)

// readTIFF reads the fields the import uses from an EXIF block.
func (x *EXIF) readTIFF(b []byte) {
	if len(b) < 8 {
		return
	}
	t := tiffData{b: b}
	switch string(b[:4]) {
	case "II*\x00":
		t.order = binary.LittleEndian
	case "MM\x00*":
		t.order = binary.BigEndian
	default:
		return
	}
	ifd0 := t.ifd(t.order.Uint32(b[4:]))
	exif := t.ifd(t.pointer(ifd0, tagExifIFD))
	var dateText, offsetText string
	for _, e := range append(ifd0, exif...) {
		switch {
		case ownerTags[e.tag] != "":
			if v := t.text(e); v != "" {
				x.Owner = append(x.Owner, EXIFField{Name: ownerTags[e.tag], Value: v})
			}
		case commentTags[e.tag] != "":
			if v := t.text(e); v != "" {
				x.Comments = append(x.Comments, EXIFField{Name: commentTags[e.tag], Value: v})
			}
		case e.tag == tagCopyright:
			x.Copyright = t.text(e)
		case e.tag == tagDateTimeOriginal:
			dateText = t.text(e)
		case e.tag == tagOffsetTimeOriginal:
			offsetText = t.text(e)
		}
	}
	x.Taken, x.TakenZone = exifTime(dateText, offsetText)
	x.readGPS(t, t.ifd(t.pointer(ifd0, tagGPSIFD)))
}

// text decodes a text field: ASCII (cameras sold in Japan may write
// Shift_JIS there), the UTF-16LE of the XP fields, or UserComment's
// 8-byte character code and text. Blank text (some cameras fill Artist
// with spaces) is "".
func (t tiffData) text(e ifdEntry) string {
	v := e.val
	var s string
	switch {
	case e.tag == 0x9286 && len(v) >= 8:
		s = t.userComment(v[:8], v[8:])
	case e.tag >= 0x9C9B && e.tag <= 0x9C9F && (e.typ == typeByte || e.typ == typeUndefined):
		s = utf16Text(v, binary.LittleEndian) // Windows writes these little-endian whatever the block's order
	case e.typ == typeASCII || e.typ == typeUndefined || e.typ == typeByte:
		s = legacyText(bytes.ReplaceAll(bytes.TrimRight(v, "\x00"), []byte{0}, []byte(" / ")))
	}
	return strings.TrimSpace(strings.Trim(s, "\x00"))
}

func (t tiffData) userComment(code, v []byte) string {
	switch string(bytes.TrimRight(code, "\x00 ")) {
	case "ASCII", "":
		return legacyText(bytes.TrimRight(v, "\x00 "))
	case "UNICODE":
		return utf16Text(v, t.order)
	case "JIS":
		if len(bytes.Trim(v, "\x00 ")) > 0 {
			return "(JIS)" // JIS X 0208 text; enough to know something is written
		}
	}
	return ""
}

// legacyText is UTF-8 as is, else Shift_JIS, else UTF-8 with the bad bytes replaced.
func legacyText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if s, err := japanese.ShiftJIS.NewDecoder().Bytes(b); err == nil && utf8.Valid(s) {
		return string(s)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func utf16Text(b []byte, order binary.ByteOrder) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, order.Uint16(b[i:]))
	}
	return string(utf16.Decode(u))
}

// exifTime parses DateTimeOriginal ("2006:01:02 15:04:05") and its
// OffsetTimeOriginal ("+09:00"). Blank and zero dates ("0000:00:00 ...",
// what some cameras write before the clock is set) are no date.
func exifTime(date, offset string) (time.Time, bool) {
	if len(date) < 19 {
		return time.Time{}, false
	}
	date = strings.NewReplacer("-", ":", "T", " ").Replace(date[:19])
	t, err := time.Parse("2006:01:02 15:04:05", date)
	if err != nil || t.Year() < 1800 {
		return time.Time{}, false
	}
	if o, err := time.Parse("-07:00", offset); err == nil {
		_, secs := o.Zone()
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone("", secs)), true
	}
	return t, false
}

// readGPS reads GPSLatitude/GPSLongitude (degrees, minutes, seconds as
// three RATIONALs) with their N/S and E/W references. A position at 0,0,
// out of range, or with a zero denominator is no position.
func (x *EXIF) readGPS(t tiffData, gps []ifdEntry) {
	var latRef, lonRef string
	var lat, lon float64
	var okLat, okLon bool
	for _, e := range gps {
		switch e.tag {
		case 1:
			latRef = t.text(ifdEntry{typ: typeASCII, val: e.val})
		case 2:
			lat, okLat = t.degrees(e)
		case 3:
			lonRef = t.text(ifdEntry{typ: typeASCII, val: e.val})
		case 4:
			lon, okLon = t.degrees(e)
		}
	}
	if !okLat || !okLon || lat > 90 || lon > 180 || lat == 0 && lon == 0 {
		return
	}
	if latRef == "S" {
		lat = -lat
	}
	if lonRef == "W" {
		lon = -lon
	}
	x.Lat, x.Lon, x.HasGPS = lat, lon, true
}

func (t tiffData) degrees(e ifdEntry) (float64, bool) {
	if e.typ != typeRational || len(e.val) < 24 {
		return 0, false
	}
	deg := 0.0
	for i, unit := range []float64{1, 60, 3600} {
		num, den := t.order.Uint32(e.val[8*i:]), t.order.Uint32(e.val[8*i+4:])
		if den == 0 {
			if num == 0 && i > 0 {
				continue // 0/0 minutes or seconds: some receivers write nothing finer
			}
			return 0, false
		}
		deg += float64(num) / float64(den) / unit
	}
	return deg, true
}

// XMP properties naming the owner or the camera, as elements or attributes.
var xmpOwnerProps = []struct {
	name string
	re   *regexp.Regexp
}{
	{"XMP dc:creator", regexp.MustCompile(`(?s)<dc:creator\b[^>]*>(.*?)</dc:creator>`)},
	{"XMP aux:OwnerName", xmpProp("aux:OwnerName")},
	{"XMP aux:SerialNumber", xmpProp("aux:SerialNumber")},
	{"XMP aux:LensSerialNumber", xmpProp("aux:LensSerialNumber")},
	{"XMP exifEX:CameraOwnerName", xmpProp("exifEX:CameraOwnerName")},
	{"XMP exifEX:BodySerialNumber", xmpProp("exifEX:BodySerialNumber")},
	{"XMP exifEX:LensSerialNumber", xmpProp("exifEX:LensSerialNumber")},
}

func xmpProp(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + name + `="([^"]*)"|<` + name + `>([^<]*)</` + name + `>`)
}

var xmlTag = regexp.MustCompile(`<[^>]*>`)

// readXMP finds the owner properties of an XMP packet by pattern: XMP is
// RDF/XML that may be written in several equivalent forms, and these are
// the forms cameras and Lightroom write. It is a guard's look, not a parse.
func (x *EXIF) readXMP(b []byte) {
	if len(b) == 0 {
		return
	}
	for _, p := range xmpOwnerProps {
		for _, m := range p.re.FindAllSubmatch(b, 5) {
			v := m[1]
			if len(m) > 2 && len(v) == 0 {
				v = m[2]
			}
			// dc:creator is an rdf:Seq of names: keep the text, one space between.
			text := strings.Join(strings.Fields(html.UnescapeString(xmlTag.ReplaceAllString(string(v), " "))), " ")
			if text != "" {
				x.Owner = append(x.Owner, EXIFField{Name: p.name, Value: strings.ToValidUTF8(text, "\uFFFD")})
			}
		}
	}
}
