package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// exifPhoto is a JPEG whose EXIF names its owner (Artist) and where it was
// taken (GPS 35°30'N 139°45'E), with an XMP packet and a comment too.
func exifPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for x := 0; x < 48; x++ {
		for y := 0; y < 32; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 5), uint8(y * 7), 120, 255})
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, nil); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	entry := func(b []byte, tag, typ uint16, count, value uint32) []byte {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		return le.AppendUint32(b, value)
	}
	// IFD0 at 8: Artist (ASCII at 38) and the GPS pointer (to 50); the
	// GPS directory: N, 35/1 30/1 0/1 (at 104), E, 139/1 45/1 0/1 (at 128).
	tiff := []byte("II*\x00\x08\x00\x00\x00\x02\x00")
	tiff = entry(tiff, 0x013B, 2, 12, 38)
	tiff = entry(tiff, 0x8825, 4, 1, 50)
	tiff = le.AppendUint32(tiff, 0)
	tiff = append(tiff, "Taro Yamada\x00"...)
	tiff = le.AppendUint16(tiff, 4)
	tiff = entry(tiff, 1, 2, 2, 'N')
	tiff = entry(tiff, 2, 5, 3, 104)
	tiff = entry(tiff, 3, 2, 2, 'E')
	tiff = entry(tiff, 4, 5, 3, 128)
	tiff = le.AppendUint32(tiff, 0)
	for _, v := range []uint32{35, 1, 30, 1, 0, 1, 139, 1, 45, 1, 0, 1} {
		tiff = le.AppendUint32(tiff, v)
	}
	seg := func(marker byte, payload string) []byte {
		return append([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	}
	plain := enc.Bytes()
	out := append([]byte{}, plain[:2]...)
	out = append(out, seg(0xE1, "Exif\x00\x00"+string(tiff))...)
	out = append(out, seg(0xE1, "http://ns.adobe.com/xap/1.0/\x00<dc:creator><rdf:li>Taro Yamada</rdf:li></dc:creator>")...)
	out = append(out, seg(0xFE, "Taro Yamada")...)
	return append(out, plain[2:]...)
}

// importExifPhoto publishes the photo, over the guard's findings, with a
// metadata CSV so that the version has two files.
func importExifPhoto(t *testing.T, ts *testServer, photo []byte) *catalog.Version {
	t.Helper()
	csv := "NO,名称,画像ファイル\r\n1,駅前,station.jpg\r\n"
	res, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "exif-photos", Kind: catalog.KindPhoto,
		Department: "shisan", Meta: &catalog.Dataset{TitleJA: "写真"}, Publish: true, Override: "市の職員が撮影",
		Files: []datasets.File{{Name: "station.csv", Data: strings.NewReader(csv)}, {Name: "station.jpg", Data: bytes.NewReader(photo)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PII) == 0 {
		t.Fatal("the guard found nothing in the photo's EXIF")
	}
	d, err := ts.store.DatasetBySlug(context.Background(), "exif-photos")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ts.store.Version(context.Background(), d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkStripped fails unless b is photo without its metadata: no EXIF or
// XMP block, no owner, no GPS, and the same pixels.
func checkStripped(t *testing.T, b, photo []byte) {
	t.Helper()
	for _, gone := range []string{"Exif\x00\x00", "http://ns.adobe.com/xap", "Yamada"} {
		if bytes.Contains(b, []byte(gone)) {
			t.Errorf("%q is still in the download", gone)
		}
	}
	x, err := datasets.ReadEXIF(bytes.NewReader(b))
	if err != nil || x.HasGPS || len(x.Owner) > 0 {
		t.Errorf("metadata left: %+v, %v", x, err)
	}
	want, err := jpeg.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	got, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the download is not a JPEG: %v", err)
	}
	wy, gy := want.(*image.YCbCr), got.(*image.YCbCr)
	if wy.Rect != gy.Rect || !bytes.Equal(wy.Y, gy.Y) || !bytes.Equal(wy.Cb, gy.Cb) || !bytes.Equal(wy.Cr, gy.Cr) {
		t.Error("the pixels differ")
	}
}

func TestDownloadOriginalPhotoWithoutEXIF(t *testing.T) {
	ts := newTestServer(t)
	photo := exifPhoto(t)
	v := importExifPhoto(t, ts, photo)
	var img catalog.VersionFile
	for _, f := range v.Files {
		if f.Role == "image" {
			img = f
		}
	}
	path := "/api/v1/datasets/exif-photos/versions/1/original?file=" + img.SHA256
	res := ts.get(t, path)
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", res.StatusCode, err)
	}
	checkStripped(t, body, photo)
	if ct := res.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type %q", ct)
	}
	if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n != len(body) {
		t.Errorf("Content-Length %q for %d bytes", res.Header.Get("Content-Length"), len(body))
	}
	etag := res.Header.Get("ETag")
	if etag == "" || etag == `"`+img.SHA256+`"` {
		t.Errorf("ETag %q must name the stripped copy, not the upload", etag)
	}

	// The stored file keeps every byte of the upload.
	stored, err := os.ReadFile(ts.srv.files.Path(img.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(stored); !bytes.Equal(stored, photo) || hex.EncodeToString(sum[:]) != img.SHA256 {
		t.Error("the stored original changed")
	}

	if res := ts.get(t, path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	head := ts.do(t, http.MethodHead, path)
	if n, _ := io.Copy(io.Discard, head.Body); head.StatusCode != http.StatusOK || n != 0 || head.Header.Get("ETag") != etag {
		t.Errorf("HEAD: status %d, %d bytes, ETag %q", head.StatusCode, n, head.Header.Get("ETag"))
	}

	// In the ZIP of the whole version, too; the CSV is as uploaded.
	zres := ts.get(t, "/api/v1/datasets/exif-photos/versions/1/original")
	zb, err := io.ReadAll(zres.Body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch zf.Name {
		case "station.jpg":
			checkStripped(t, b, photo)
		case "station.csv":
			if !strings.HasPrefix(string(b), "NO,名称") {
				t.Errorf("CSV in the ZIP: %q", b)
			}
		default:
			t.Errorf("unexpected %s in the ZIP", zf.Name)
		}
	}
}

// TestPhotoZIPOriginalsWithoutEXIF: the photo archive's "original" size is
// the original as published, its owner and GPS stripped like the single
// download's.
func TestPhotoZIPOriginalsWithoutEXIF(t *testing.T) {
	ts := newTestServer(t)
	photo := exifPhoto(t)
	importExifPhoto(t, ts, photo)
	res := ts.get(t, "/api/v1/datasets/exif-photos/photos.zip?size=original")
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", res.StatusCode, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var images int
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".jpg") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		checkStripped(t, b, photo)
		images++
	}
	if images != 1 {
		t.Fatalf("%d images in the archive", images)
	}
}
