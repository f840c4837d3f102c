package web

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"image/jpeg"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestPhotoZIP(t *testing.T) {
	ts := newPhotoServer(t)
	tests := []struct {
		size  string
		width int // of big-photos-7 (1200 wide); 0 for the original
	}{
		{"thumbnail", 200}, {"display", 800}, {"full", 1200}, {"", 800}, {"original", 0},
	}
	for _, tt := range tests {
		t.Run(tt.size, func(t *testing.T) {
			path := "/api/v1/datasets/big-photos/photos.zip"
			if tt.size != "" {
				path += "?size=" + tt.size
			}
			res := ts.get(t, path)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if res.ContentLength != -1 {
				t.Errorf("Content-Length %d: not streamed", res.ContentLength)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "big-photos-photos-") {
				t.Errorf("Content-Disposition %q", cd)
			}
			body := readAll(t, res.Body)
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
			}
			if !slices.Equal(names, []string{"metadata.csv", "big-photos-7.jpg"}) {
				t.Fatalf("entries %v", names)
			}
			img := zr.File[1]
			if img.Method != zip.Store {
				t.Errorf("%s: method %d, want Store", img.Name, img.Method)
			}
			r, err := img.Open()
			if err != nil {
				t.Fatal(err)
			}
			data := readAll(t, r)
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s does not decode: %v", img.Name, err)
			}
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				t.Fatalf("%s does not decode: %v", img.Name, err)
			}
			want := tt.width
			if want == 0 {
				want = 1200 // the original
			}
			if cfg.Width != want {
				t.Errorf("width %d, want %d", cfg.Width, want)
			}
			meta := readZipCSV(t, zr.File[0])
			if len(meta) != 2 || meta[0][0] != "file" || meta[1][0] != "big-photos-7.jpg" || meta[1][2] != "大きな写真" {
				t.Errorf("metadata.csv %q", meta)
			}
		})
	}
}

func readZipCSV(t *testing.T, f *zip.File) [][]string {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, r)
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Error("metadata.csv has no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestPhotoZIPDemo: the demo archive, every photo an entry named by its id.
func TestPhotoZIPDemo(t *testing.T) {
	ts := newPhotoServer(t)
	res := ts.get(t, "/api/v1/datasets/photo-archive/photos.zip?size=thumbnail")
	body := readAll(t, res.Body)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 25 { // metadata.csv and 24 photos
		t.Fatalf("%d entries", len(zr.File))
	}
	for _, f := range zr.File[1:] {
		if !strings.HasPrefix(f.Name, "photo-archive-") || !strings.HasSuffix(f.Name, ".jpg") || strings.ContainsAny(f.Name, "/\\") {
			t.Errorf("entry %q", f.Name)
		}
	}
	if meta := readZipCSV(t, zr.File[0]); len(meta) != 25 || meta[2][4] != "昭和40年代" || meta[2][5] != "1965-01-01" {
		t.Errorf("metadata.csv row 2: %q", meta[2])
	}
}

func TestPhotoZIPRefusals(t *testing.T) {
	ts := newPhotoServer(t)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/api/v1/datasets/events/photos.zip", 404},
		{"/api/v1/datasets/no-such/photos.zip", 404},
		{"/api/v1/datasets/big-photos/photos.zip?size=huge", 400},
		{"/api/v1/datasets/big-photos/photos.zip?size=../../etc", 400},
	} {
		res := ts.get(t, tt.path)
		if res.StatusCode != tt.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: status %d (%s), want %d", tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.status)
		}
	}
	// A second download revalidates.
	res := ts.get(t, "/api/v1/datasets/big-photos/photos.zip?size=thumbnail")
	io.Copy(io.Discard, res.Body)
	etag := res.Header.Get("ETag")
	if res := ts.get(t, "/api/v1/datasets/big-photos/photos.zip?size=thumbnail", "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %q: status %d", etag, res.StatusCode)
	}
	if res := ts.get(t, "/api/v1/datasets/big-photos/photos.zip?size=display", "If-None-Match", etag); res.StatusCode != 200 {
		t.Errorf("another size with the thumbnail's ETag: status %d", res.StatusCode)
	}
}

// TestPhotoMetadataDownloads: a photo dataset's metadata downloads as the
// other kinds' do.
func TestPhotoMetadataDownloads(t *testing.T) {
	ts := newPhotoServer(t)
	for _, f := range []string{"data.csv", "data.json", "data.geojson"} {
		res := ts.get(t, "/api/v1/datasets/photo-archive/"+f)
		body := readAll(t, res.Body)
		if res.StatusCode != 200 || !bytes.Contains(body, []byte("昭和40年代の駅前商店街")) {
			t.Errorf("%s: status %d, %.200s", f, res.StatusCode, body)
		}
	}
}

// TestPhotoIIIFRevalidation: info.json and manifests carry ETags and a
// lifetime, and a matching If-None-Match gets 304.
func TestPhotoIIIFRevalidation(t *testing.T) {
	ts := newPhotoServer(t)
	for _, path := range []string{"/iiif/big-photos-7/info.json", "/iiif/big-photos-7/manifest.json",
		"/iiif/datasets/big-photos/manifest.json", "/iiif/big-photos-7/full/200,/0/default.jpg"} {
		res := ts.get(t, path)
		io.Copy(io.Discard, res.Body)
		etag, cc := res.Header.Get("ETag"), res.Header.Get("Cache-Control")
		if res.StatusCode != 200 || etag == "" || !strings.Contains(cc, "max-age=") {
			t.Errorf("%s: status %d, ETag %q, Cache-Control %q", path, res.StatusCode, etag, cc)
			continue
		}
		if res := ts.get(t, path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s If-None-Match: status %d", path, res.StatusCode)
		}
		if res := ts.get(t, path, "If-None-Match", `"other"`); res.StatusCode != 200 {
			t.Errorf("%s other ETag: status %d", path, res.StatusCode)
		}
	}
}
