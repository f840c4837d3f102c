package datasets

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/catalog"
)

// The fixtures are made here, not committed: a small image encoded by the
// standard library, with metadata blocks built field by field.

// byteOrder reads and appends: binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one field of a test EXIF block; data is the value's bytes
// in the block's byte order.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func asciiEntry(tag uint16, s string) tiffEntry {
	return tiffEntry{tag, typeASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

func rationals(order byteOrder, vals ...[2]uint32) []byte {
	var b []byte
	for _, v := range vals {
		b = order.AppendUint32(b, v[0])
		b = order.AppendUint32(b, v[1])
	}
	return b
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

// buildTIFF lays out IFD0, then the Exif and GPS directories (pointed to
// from IFD0 when not empty), each followed by its values.
func buildTIFF(order byteOrder, ifd0, exif, gps []tiffEntry) []byte {
	size := func(es []tiffEntry) uint32 {
		if len(es) == 0 {
			return 0
		}
		n := uint32(2 + 12*len(es) + 4)
		for _, e := range es {
			if len(e.data) > 4 {
				n += uint32(len(e.data)+1) &^ 1
			}
		}
		return n
	}
	ifd0 = append([]tiffEntry(nil), ifd0...)
	if len(exif) > 0 {
		ifd0 = append(ifd0, tiffEntry{tagExifIFD, typeLong, 1, nil})
	}
	if len(gps) > 0 {
		ifd0 = append(ifd0, tiffEntry{tagGPSIFD, typeLong, 1, nil})
	}
	exifAt := 8 + size(ifd0)
	gpsAt := exifAt + size(exif)
	for i, e := range ifd0 {
		switch e.tag {
		case tagExifIFD:
			ifd0[i].data = order.AppendUint32(nil, exifAt)
		case tagGPSIFD:
			ifd0[i].data = order.AppendUint32(nil, gpsAt)
		}
	}
	b := []byte("II*\x00")
	if order.String() == binary.BigEndian.String() {
		b = []byte("MM\x00*")
	}
	b = order.AppendUint32(b, 8)
	for _, es := range [][]tiffEntry{ifd0, exif, gps} {
		if len(es) == 0 {
			continue
		}
		start := uint32(len(b))
		values := start + uint32(2+12*len(es)+4)
		var data []byte
		b = order.AppendUint16(b, uint16(len(es)))
		for _, e := range es {
			b = order.AppendUint16(b, e.tag)
			b = order.AppendUint16(b, e.typ)
			b = order.AppendUint32(b, e.count)
			if len(e.data) <= 4 {
				b = append(b, append(e.data, make([]byte, 4-len(e.data))...)...)
				continue
			}
			b = order.AppendUint32(b, values+uint32(len(data)))
			data = append(data, e.data...)
			if len(data)%2 == 1 {
				data = append(data, 0)
			}
		}
		b = order.AppendUint32(b, 0)
		b = append(b, data...)
	}
	return b
}

// ownerTIFF is an EXIF block with everything the reader looks for: a date
// with its offset, a position in Tokyo (35°41'22.2"N 139°41'30.1"E), and
// the owner fields.
func ownerTIFF(order byteOrder) []byte {
	comment := append([]byte("ASCII\x00\x00\x00"), "山田さんの写真"...)
	return buildTIFF(order,
		[]tiffEntry{
			asciiEntry(0x010F, "Canon"),
			asciiEntry(0x013B, "Taro Yamada"),
			asciiEntry(tagCopyright, "Copyright City of Machi"),
			{0x9C9D, typeByte, uint32(len(utf16LE("山田太郎"))), utf16LE("山田太郎")},
		},
		[]tiffEntry{
			asciiEntry(tagDateTimeOriginal, "2024:05:03 14:22:10"),
			asciiEntry(tagOffsetTimeOriginal, "+09:00"),
			{0x9286, typeUndefined, uint32(len(comment)), comment},
			asciiEntry(0xA430, "山田太郎"),
			asciiEntry(0xA431, "012345678901"),
			asciiEntry(0xA435, "0000abcd"),
		},
		[]tiffEntry{
			asciiEntry(1, "N"),
			{2, typeRational, 3, rationals(order, [2]uint32{35, 1}, [2]uint32{41, 1}, [2]uint32{222, 10})},
			asciiEntry(3, "E"),
			{4, typeRational, 3, rationals(order, [2]uint32{139, 1}, [2]uint32{41, 1}, [2]uint32{301, 10})},
		})
}

const testXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" aux:SerialNumber="987654">` +
	`<dc:creator><rdf:Seq><rdf:li>Hanako &amp; Taro</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`

// testImage is a 32×24 gradient, big enough for several 8×8 blocks.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		for y := 0; y < 24; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 90, 255})
		}
	}
	return img
}

func segment(marker byte, payload []byte) []byte {
	return append([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
}

// exifJPEG is a JPEG with tiff as its EXIF block, xmp as its XMP packet,
// and the other segments metadata comes in: IPTC, a comment, an ICC
// profile, and a trailer after the end of the image.
func exifJPEG(t testing.TB, tiff []byte, xmp string) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	out := append([]byte{}, plain[:2]...)
	if tiff != nil {
		out = append(out, segment(markerAPP1, append(append([]byte{}, exifHeader...), tiff...))...)
	}
	if xmp != "" {
		out = append(out, segment(markerAPP1, append(append([]byte{}, xmpHeader...), xmp...))...)
	}
	out = append(out, segment(markerAPP2, []byte("ICC_PROFILE\x00\x01\x01fake profile"))...)
	out = append(out, segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04 by Yamada"))...)
	out = append(out, segment(markerCOM, []byte("taken by Yamada"))...)
	out = append(out, plain[2:]...)
	return append(out, "Exif\x00\x00 trailer GPS by Yamada"...)
}

// pngChunk is one chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// exifPNG is a PNG with an eXIf chunk, an XMP iTXt, a tEXt Author, a tIME,
// a private chunk, and gAMA (which must stay).
func exifPNG(t testing.TB, tiff []byte, xmp string) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage()); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	out := append([]byte{}, plain[:ihdrEnd]...)
	out = append(out, pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})...)
	out = append(out, pngChunk("eXIf", tiff)...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmp))...)
	out = append(out, pngChunk("tEXt", []byte("Author\x00Taro Yamada"))...)
	out = append(out, pngChunk("tIME", []byte{0x07, 0xE8, 5, 3, 14, 22, 10})...)
	out = append(out, pngChunk("prVt", []byte("private GPS"))...)
	return append(out, plain[ihdrEnd:]...)
}

func TestReadEXIF(t *testing.T) {
	want := &EXIF{
		Taken: time.Date(2024, 5, 3, 14, 22, 10, 0, time.FixedZone("", 9*3600)), TakenZone: true,
		Lat: 35 + 41.0/60 + 22.2/3600, Lon: 139 + 41.0/60 + 30.1/3600, HasGPS: true,
		Owner: []EXIFField{{"Artist", "Taro Yamada"}, {"XPAuthor", "山田太郎"}, {"CameraOwnerName", "山田太郎"},
			{"BodySerialNumber", "012345678901"}, {"LensSerialNumber", "0000abcd"},
			{"XMP dc:creator", "Hanako & Taro"}, {"XMP aux:SerialNumber", "987654"}},
		Comments:  []EXIFField{{"UserComment", "山田さんの写真"}},
		Copyright: "Copyright City of Machi",
	}
	tests := []struct {
		name string
		file []byte
	}{
		{"jpeg little-endian", exifJPEG(t, ownerTIFF(binary.LittleEndian), testXMP)},
		{"jpeg big-endian", exifJPEG(t, ownerTIFF(binary.BigEndian), testXMP)},
		{"png", exifPNG(t, ownerTIFF(binary.BigEndian), testXMP)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEXIF(bytes.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Taken.Equal(want.Taken) || got.Taken.Format(time.RFC3339) != "2024-05-03T14:22:10+09:00" {
				t.Errorf("taken %v", got.Taken)
			}
			got.Taken = want.Taken
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestReadEXIFQuietFields(t *testing.T) {
	le := binary.LittleEndian
	tests := []struct {
		name  string
		tiff  []byte
		check func(*EXIF) bool
	}{
		{"blank artist and unset clock", buildTIFF(le, []tiffEntry{asciiEntry(0x013B, "                    ")},
			[]tiffEntry{asciiEntry(tagDateTimeOriginal, "0000:00:00 00:00:00")}, nil),
			func(x *EXIF) bool { return len(x.Owner) == 0 && x.Taken.IsZero() }},
		{"date without offset stays as the clock showed", buildTIFF(le, nil, []tiffEntry{asciiEntry(tagDateTimeOriginal, "1999:12:31 23:59:59")}, nil),
			func(x *EXIF) bool { return !x.TakenZone && x.Taken.Format("2006-01-02 15:04") == "1999-12-31 23:59" }},
		{"southern and western", buildTIFF(le, nil, nil, []tiffEntry{asciiEntry(1, "S"),
			{2, typeRational, 3, rationals(le, [2]uint32{33, 1}, [2]uint32{52, 1}, [2]uint32{0, 0})}, asciiEntry(3, "W"),
			{4, typeRational, 3, rationals(le, [2]uint32{70, 1}, [2]uint32{30, 1}, [2]uint32{0, 1})}}),
			func(x *EXIF) bool { return x.HasGPS && x.Lat < -33.86 && x.Lat > -33.87 && x.Lon == -70.5 }},
		{"0,0 is no place", buildTIFF(le, nil, nil, []tiffEntry{asciiEntry(1, "N"),
			{2, typeRational, 3, rationals(le, [2]uint32{0, 1}, [2]uint32{0, 1}, [2]uint32{0, 1})}, asciiEntry(3, "E"),
			{4, typeRational, 3, rationals(le, [2]uint32{0, 1}, [2]uint32{0, 1}, [2]uint32{0, 1})}}),
			func(x *EXIF) bool { return !x.HasGPS }},
		{"Shift_JIS artist", buildTIFF(le, []tiffEntry{{0x013B, typeASCII, 5, []byte("\x8eR\x93c\x00")}}, nil, nil),
			func(x *EXIF) bool { return len(x.Owner) == 1 && x.Owner[0].Value == "山田" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ReadEXIF(bytes.NewReader(exifJPEG(t, tt.tiff, "")))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(x) {
				t.Errorf("%+v", x)
			}
		})
	}
}

func TestReadEXIFNotImage(t *testing.T) {
	for _, data := range []string{"", "a", "GIF89a", "II*\x00\x08\x00\x00\x00"} {
		if _, err := ReadEXIF(strings.NewReader(data)); !errors.Is(err, ErrNotImage) {
			t.Errorf("%q: %v", data, err)
		}
		if err := StripMetadata(io.Discard, strings.NewReader(data)); !errors.Is(err, ErrNotImage) {
			t.Errorf("strip %q: %v", data, err)
		}
	}
}

// decodePixels decodes an image to RGBA for comparison.
func decodePixels(t *testing.T, b []byte) []byte {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba.Pix
}

func TestStripMetadataJPEG(t *testing.T) {
	for _, order := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		in := exifJPEG(t, ownerTIFF(order), testXMP)
		var out bytes.Buffer
		if err := StripMetadata(&out, bytes.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		got := out.Bytes()
		if !bytes.Equal(decodePixels(t, in), decodePixels(t, got)) {
			t.Error("pixels differ")
		}
		for _, gone := range []string{"Exif\x00\x00", "http://ns.adobe.com/xap", "Photoshop", "Yamada", "山田"} {
			if bytes.Contains(got, []byte(gone)) {
				t.Errorf("%q is still there", gone)
			}
		}
		for _, kept := range []string{"JFIF\x00", "ICC_PROFILE\x00"} {
			if bytes.Contains(in, []byte(kept)) && !bytes.Contains(got, []byte(kept)) {
				t.Errorf("%q was removed", kept)
			}
		}
		// The image data itself is the same bytes: from the first SOS to EOI.
		sos := func(b []byte) []byte {
			return b[bytes.Index(b, []byte{0xFF, markerSOS}) : bytes.LastIndex(b, []byte{0xFF, markerEOI})+2]
		}
		if !bytes.Equal(sos(in), sos(got)) || !bytes.HasSuffix(got, []byte{0xFF, markerEOI}) {
			t.Error("the scan data changed, or the file does not end at EOI")
		}
		x, err := ReadEXIF(bytes.NewReader(got))
		if err != nil || x.HasGPS || len(x.Owner) > 0 || len(x.Comments) > 0 || !x.Taken.IsZero() || x.Copyright != "" {
			t.Errorf("after stripping: %+v, %v", x, err)
		}
		// Stripping twice changes nothing more.
		var again bytes.Buffer
		if err := StripMetadata(&again, bytes.NewReader(got)); err != nil || !bytes.Equal(again.Bytes(), got) {
			t.Errorf("not idempotent: %v", err)
		}
	}
}

func TestStripMetadataJPEGProgressiveMarkers(t *testing.T) {
	// Restart markers, stuffed bytes and a segment between two scans: the
	// scans are copied whole and the segment after them still judged.
	scan := []byte{0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56}
	in := []byte{0xFF, 0xD8}
	in = append(in, segment(0xDB, make([]byte, 65))...)
	in = append(in, segment(markerSOS, []byte{1, 1, 0, 0, 63, 0})...)
	in = append(in, scan...)
	in = append(in, segment(markerAPP1, []byte("Exif\x00\x00 hidden after a scan"))...)
	in = append(in, segment(0xC4, []byte{0x10, 1})...)
	in = append(in, segment(markerSOS, []byte{1, 1, 0, 0, 63, 0})...)
	in = append(in, scan...)
	in = append(in, 0xFF, 0xFF, 0xD9)
	var out bytes.Buffer
	if err := StripMetadata(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	want := bytes.Replace(in, segment(markerAPP1, []byte("Exif\x00\x00 hidden after a scan")), nil, 1)
	want = bytes.Replace(want, []byte{0xFF, 0xFF, 0xD9}, []byte{0xFF, 0xD9}, 1) // fill byte dropped
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("got  % x\nwant % x", out.Bytes(), want)
	}
}

func TestStripMetadataPNG(t *testing.T) {
	in := exifPNG(t, ownerTIFF(binary.BigEndian), testXMP)
	var out bytes.Buffer
	if err := StripMetadata(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	got := out.Bytes()
	if !bytes.Equal(decodePixels(t, in), decodePixels(t, got)) {
		t.Error("pixels differ")
	}
	var chunks []string
	for p := 8; p+8 <= len(got); {
		n := int(binary.BigEndian.Uint32(got[p:]))
		chunks = append(chunks, string(got[p+4:p+8]))
		p += 12 + n
	}
	if diff := cmp.Diff([]string{"IHDR", "gAMA", "IDAT", "IEND"}, chunks); diff != "" {
		t.Errorf("chunks (-want +got)\n%s", diff)
	}
	if _, err := png.Decode(bytes.NewReader(got)); err != nil {
		t.Errorf("decoding checks the CRCs: %v", err)
	}
	x, err := ReadEXIF(bytes.NewReader(got))
	if err != nil || x.HasGPS || len(x.Owner) > 0 {
		t.Errorf("after stripping: %+v, %v", x, err)
	}
}

// hostileInputs are damaged and crafted files: every cut of a full JPEG
// and PNG, random bytes written over them, and EXIF blocks whose counts
// and offsets point anywhere.
func hostileInputs(t testing.TB) [][]byte {
	le := binary.LittleEndian
	jpg := exifJPEG(t, ownerTIFF(le), testXMP)
	pngFile := exifPNG(t, ownerTIFF(binary.BigEndian), testXMP)
	var out [][]byte
	for _, f := range [][]byte{jpg, pngFile} {
		for n := 0; n < len(f); n += 7 {
			out = append(out, f[:n])
		}
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 200; i++ {
			g := append([]byte{}, f...)
			for j := 0; j < 1+r.IntN(8); j++ {
				g[r.IntN(len(g))] = byte(r.IntN(256))
			}
			out = append(out, g)
		}
	}
	crafted := [][]byte{
		// A LONG with a count whose size overflows 32 bits, and one past the end.
		buildTIFF(le, []tiffEntry{{0x013B, typeLong, 0x40000001, []byte{1, 2, 3, 4}}, {0x8298, typeRational, 0xFFFFFFFF, le.AppendUint32(nil, 8)}}, nil, nil),
		// A sub-directory pointing at IFD0 itself, and one past the end.
		buildTIFF(le, []tiffEntry{{tagExifIFD, typeLong, 1, le.AppendUint32(nil, 8)}, {tagGPSIFD, typeLong, 1, le.AppendUint32(nil, 0xFFFFFFF0)}}, nil, nil),
		// A directory claiming 65535 entries.
		append([]byte("II*\x00\x08\x00\x00\x00\xFF\xFF"), make([]byte, 30)...),
		// Unknown types, and GPS with the wrong type and too short.
		buildTIFF(le, []tiffEntry{{0x013B, 99, 5, []byte("hello")}}, nil, []tiffEntry{{2, typeASCII, 3, []byte("ab\x00")}, {4, typeRational, 1, rationals(le, [2]uint32{1, 1})}}),
	}
	for _, c := range crafted {
		out = append(out, exifJPEG(t, c, ""), exifPNG(t, c, ""))
	}
	// Segments with lengths below 2, a PNG chunk claiming 2 GiB.
	out = append(out, []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9},
		append(append([]byte{}, pngSignature...), 0x7F, 0xFF, 0xFF, 0xFF, 'e', 'X', 'I', 'f'),
		append(append([]byte{}, pngSignature...), 0xFF, 0xFF, 0xFF, 0xFF, 't', 'E', 'X', 't'))
	return out
}

func TestEXIFHostileInput(t *testing.T) {
	for i, in := range hostileInputs(t) {
		x, err := ReadEXIF(bytes.NewReader(in))
		if err == nil && x == nil {
			t.Errorf("input %d: no EXIF and no error", i)
		}
		var out bytes.Buffer
		if err := StripMetadata(&out, bytes.NewReader(in)); err != nil && !errors.Is(err, ErrNotImage) {
			t.Errorf("input %d: strip: %v", i, err)
		}
		if out.Len() > len(in)+4 {
			t.Errorf("input %d: %d bytes out of %d", i, out.Len(), len(in))
		}
	}
}

// FuzzReadEXIF: neither reading nor stripping panics, and what stripping
// leaves has no EXIF block a reader finds.
func FuzzReadEXIF(f *testing.F) {
	for _, in := range hostileInputs(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, err := ReadEXIF(bytes.NewReader(in)); err != nil && !errors.Is(err, ErrNotImage) {
			t.Fatalf("read: %v", err)
		}
		var out bytes.Buffer
		if err := StripMetadata(&out, bytes.NewReader(in)); err != nil {
			return
		}
		x, err := ReadEXIF(bytes.NewReader(out.Bytes()))
		if err == nil && (x.HasGPS || len(x.Owner) > 0 || !x.Taken.IsZero()) {
			t.Fatalf("stripped output still has metadata: %+v", x)
		}
	})
}

func TestImportPhotoEXIFDefaults(t *testing.T) {
	im := testImporter(t)
	gpsOnly := buildTIFF(binary.LittleEndian, nil, []tiffEntry{asciiEntry(tagDateTimeOriginal, "2024:05:03 14:22:10")},
		[]tiffEntry{asciiEntry(1, "N"), {2, typeRational, 3, rationals(binary.LittleEndian, [2]uint32{35, 1}, [2]uint32{30, 1}, [2]uint32{0, 1})},
			asciiEntry(3, "E"), {4, typeRational, 3, rationals(binary.LittleEndian, [2]uint32{139, 1}, [2]uint32{45, 1}, [2]uint32{0, 1})}})
	res, err := im.Import(context.Background(), ImportRequest{Slug: "exif-photos", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "a.jpg", Data: bytes.NewReader(exifJPEG(t, gpsOnly, ""))}, {Name: "b.png", Data: strings.NewReader("no metadata")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PII) != 0 {
		t.Errorf("GPS and a date are not personal: %+v", res.PII)
	}
	v, recs := recordsOf(t, im, "exif-photos")
	if len(recs) != 2 || recs[0]["撮影年月日"] != "2024-05-03" || recs[0]["緯度"] != 35.5 || recs[0]["経度"] != 139.75 {
		t.Fatalf("records = %+v", recs)
	}
	if recs[1]["撮影年月日"] != nil || recs[1]["緯度"] != nil {
		t.Errorf("an image without EXIF got %+v", recs[1])
	}
	if !v.HasGeometry || v.BBox == nil || v.BBox[0] != 139.75 || v.BBox[1] != 35.5 {
		t.Errorf("version geometry %v %v", v.HasGeometry, v.BBox)
	}
	fields := typedFields(t, im, v)
	if fields[0]["date"] != "2024-05-03" || fields[0]["lat"] != 35.5 || fields[0]["lon"] != 139.75 {
		t.Errorf("typed fields %+v", fields[0])
	}
	if diff := cmp.Diff([]any{"date", "lat", "lon"}, fields[0]["exif_defaults"]); diff != "" {
		t.Errorf("exif_defaults (-want +got)\n%s", diff)
	}

	// With a metadata CSV, what the row says wins; EXIF fills the gaps.
	meta := "タイトル,撮影年月日,緯度,経度,画像ファイル\r\n" +
		"書いてある,昭和40年,35.70,139.57,a.jpg\r\n" +
		"空欄,,,,a.jpg\r\n"
	if _, err := im.Import(context.Background(), ImportRequest{Slug: "exif-meta", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "m.csv", Data: strings.NewReader(meta)}, {Name: "a.jpg", Data: bytes.NewReader(exifJPEG(t, gpsOnly, ""))}}}); err != nil {
		t.Fatal(err)
	}
	v, _ = recordsOf(t, im, "exif-meta")
	fields = typedFields(t, im, v)
	if fields[0]["date"] != "1965" || fields[0]["lat"] != 35.7 || fields[0]["exif_defaults"] != nil {
		t.Errorf("row with its own values: %+v", fields[0])
	}
	if fields[1]["date"] != "2024-05-03" || fields[1]["lat"] != 35.5 || fields[1]["lon"] != 139.75 {
		t.Errorf("row left blank: %+v", fields[1])
	}
	if v.BBox == nil || v.BBox[0] != 139.57 || v.BBox[2] != 139.75 {
		t.Errorf("bbox %v", v.BBox)
	}
}

// typedFields returns the typed fields of a version's records, in order.
func typedFields(t *testing.T, im *Importer, v *catalog.Version) []map[string]any {
	t.Helper()
	var out []map[string]any
	err := (&Records{DB: im.Store.DB}).EachTyped(context.Background(), v, func(row int, fields, props []byte) error {
		var m map[string]any
		if err := json.Unmarshal(fields, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPIIEXIFOwnerBlocksPublish(t *testing.T) {
	im := testImporter(t)
	photo := exifJPEG(t, ownerTIFF(binary.LittleEndian), testXMP)
	req := func(publish bool, override string) ImportRequest {
		return ImportRequest{Slug: "owner", Kind: catalog.KindPhoto, Department: "bousai", Publish: publish, Override: override,
			Files: []File{{Name: "p1.jpg", Data: bytes.NewReader(photo)}}}
	}
	_, err := im.Import(context.Background(), req(true, ""))
	var pe *PIIError
	if catalog.KindOf(err) != catalog.Invalid || !errors.As(err, &pe) {
		t.Fatalf("publish without override: %v", err)
	}
	if msg := catalog.MessageOf(err); !strings.Contains(msg, "画像「p1.jpg EXIF:Artist」(exif_owner)") || strings.Contains(msg, "Yamada") {
		t.Errorf("message %q", msg)
	}
	var got []string
	for _, f := range pe.Findings {
		got = append(got, f.Column+" "+f.Rule+" "+f.Sample)
		if strings.Contains(f.Sample, "Yamada") || strings.Contains(f.Sample, "山田太郎") {
			t.Errorf("sample not masked: %+v", f)
		}
	}
	want := []string{
		"p1.jpg EXIF:Artist exif_owner T********", "p1.jpg EXIF:XPAuthor exif_owner 山***",
		"p1.jpg EXIF:CameraOwnerName exif_owner 山***", "p1.jpg EXIF:BodySerialNumber exif_owner 0********",
		"p1.jpg EXIF:LensSerialNumber exif_owner 0*******", "p1.jpg EXIF:XMP dc:creator exif_owner H********",
		"p1.jpg EXIF:XMP aux:SerialNumber exif_owner 9*****", "p1.jpg EXIF:UserComment exif_comment 山******",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got)\n%s", diff)
	}
	res, err := im.Import(context.Background(), req(false, ""))
	if err != nil || len(res.PII) != len(want) {
		t.Fatalf("draft: %v, %+v", err, res)
	}
	if _, err := im.Import(context.Background(), req(true, "市の職員が撮影; 所有者の同意あり")); err != nil {
		t.Fatalf("override: %v", err)
	}
}

// TestImportRefusesAnImageOverThePixelLimit: a JPEG whose header claims
// 20000 × 20000 pixels (a few hundred bytes; 1.2 GB once decoded) is
// refused at upload, by name, and nothing of the upload is kept.
func TestImportRefusesAnImageOverThePixelLimit(t *testing.T) {
	im := testImporter(t)
	var small bytes.Buffer
	if err := jpeg.Encode(&small, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	bomb := bytes.Clone(small.Bytes())
	sof := bytes.Index(bomb, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0 in Go's JPEG")
	}
	// FF C0, length (2), precision (1), height (2), width (2).
	binary.BigEndian.PutUint16(bomb[sof+5:], 20000)
	binary.BigEndian.PutUint16(bomb[sof+7:], 20000)
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(bomb)); err != nil || cfg.Width != 20000 {
		t.Fatalf("crafted header reads as %+v, %v", cfg, err)
	}
	_, err := im.Import(context.Background(), ImportRequest{Slug: "bomb", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "ok.jpg", Data: bytes.NewReader(small.Bytes())}, {Name: "huge.jpg", Data: bytes.NewReader(bomb)}}})
	if catalog.KindOf(err) != catalog.Invalid || !strings.Contains(err.Error(), "huge.jpg: 20000 × 20000 pixels, over the limit of 100 megapixels") {
		t.Fatalf("err = %v", err)
	}
	if _, err := im.Store.DatasetBySlug(context.Background(), "bomb"); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("the refused upload left a dataset: %v", err)
	}
}
