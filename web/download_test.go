package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// head sends a HEAD request.
func (ts *testServer) head(t *testing.T, path string) *http.Response {
	t.Helper()
	return ts.do(t, http.MethodHead, path)
}

// TestBrokenDownloadIsCut breaks a stored record far into a dataset, so the
// download has already sent bytes when it fails: the client must see a
// broken transfer, never a body that merely looks complete.
func TestBrokenDownloadIsCut(t *testing.T) {
	ts := newTestServer(t)
	var b strings.Builder
	b.WriteString("番号,名称,値\n")
	for i := 1; i <= 20_000; i++ {
		fmt.Fprintf(&b, "%d,施設%d,%d\n", i, i*7919%100_003, i*i%9_999_991)
	}
	ts.importCSV(t, "big", "大きな表", "big.csv", b.String())
	// Sound, the download is whole.
	if _, err := io.ReadAll(ts.get(t, "/api/v1/datasets/big/data.csv").Body); err != nil {
		t.Fatalf("sound download: %v", err)
	}
	res, err := ts.store.DB.Exec(`UPDATE records SET props = '{' WHERE row = 19000 AND version_id =
		(SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.slug = 'big' AND v.number = 1)`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("corrupt a record: %v (%d rows)", err, n)
	}
	for _, enc := range []string{"identity", "gzip"} {
		t.Run(enc, func(t *testing.T) {
			res := ts.get(t, "/api/v1/datasets/big/data.csv", "Accept-Encoding", enc)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: the failure came before the first byte; make the dataset bigger", res.StatusCode)
			}
			body, err := io.ReadAll(res.Body)
			if err == nil {
				t.Fatalf("read %d bytes and no error: a cut download looks complete", len(body))
			}
			if len(body) == 0 {
				t.Errorf("no bytes before the error: %v", err)
			}
		})
	}
}

// TestBrokenZIPIsCut loses a stored file of a two-file version: the ZIP of
// the originals is cut, not closed with a central directory.
func TestBrokenZIPIsCut(t *testing.T) {
	ts := newTestServer(t)
	first := make([]byte, 200<<10) // past every buffer, so bytes are on the wire
	rand.Read(first)
	second := []byte("the second photo")
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "photos", Kind: catalog.KindPhoto, Department: "shisan",
		Meta: &catalog.Dataset{TitleJA: "写真"}, Publish: true,
		Files: []datasets.File{{Name: "a.jpg", Data: bytes.NewReader(first)}, {Name: "b.jpg", Data: bytes.NewReader(second)}}})
	if err != nil {
		t.Fatal(err)
	}
	whole := ts.get(t, "/api/v1/datasets/photos/versions/1/original")
	if _, err := io.ReadAll(whole.Body); err != nil || whole.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("sound ZIP: %v, %s", err, whole.Header.Get("Content-Type"))
	}
	d, err := ts.store.DatasetBySlug(context.Background(), "photos")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ts.store.Version(context.Background(), d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ts.srv.files.Path(v.Files[1].SHA256)); err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, "/api/v1/datasets/photos/versions/1/original")
	if body, err := io.ReadAll(res.Body); err == nil {
		t.Errorf("status %d, %d bytes and no error: a cut ZIP looks complete", res.StatusCode, len(body))
	}
	// The one lost file alone: nothing sent yet, so a clean 500.
	res = ts.get(t, "/api/v1/datasets/photos/versions/1/original?file="+v.Files[1].SHA256)
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("lost file alone: status %d, want 500", res.StatusCode)
	}
}

// TestDownloadErrorsCarryNoDownloadHeaders: an error answer on a download
// route must not look like (or be cached as) the download.
func TestDownloadErrorsCarryNoDownloadHeaders(t *testing.T) {
	ts := newTestServer(t)
	ts.importCSV(t, "gaiji", "外字", "g.csv", "名前\n𠮷野家\n")
	for _, enc := range []string{"identity", "gzip"} {
		res := ts.get(t, "/api/v1/datasets/gaiji/data.csv?encoding=shift_jis", "Accept-Encoding", enc)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", enc, res.StatusCode)
		}
		for _, h := range []string{"ETag", "Last-Modified", "Content-Disposition", "Content-Encoding"} {
			if v := res.Header.Get(h); v != "" {
				t.Errorf("%s: error answer has %s: %s", enc, h, v)
			}
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %s", enc, ct)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", enc, cc)
		}
	}
}

func TestHEAD(t *testing.T) {
	ts := newTestServer(t)
	full := ts.get(t, "/api/v1/datasets/shisetsu/data.csv")
	readAll(t, full.Body)
	tests := []struct {
		path  string
		ctype string
		same  []string // headers that must equal the GET's
	}{
		{"/healthz", "application/json", nil},
		{"/api/v1/datasets/shisetsu/data.csv", "text/csv", []string{"ETag", "Last-Modified", "Content-Disposition", "Content-Type"}},
		{"/api/v1/datasets/shisetsu", "application/json", nil},
		{"/datasets/shisetsu", "text/html", nil},
		{"/api/v1/datasets/shisetsu/versions/1/original", "text/csv", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := ts.head(t, tt.path)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) {
				t.Fatalf("status %d, Content-Type %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if body := readAll(t, res.Body); len(body) != 0 {
				t.Errorf("HEAD answered %d bytes of body", len(body))
			}
			for _, h := range tt.same {
				if got, want := res.Header.Get(h), full.Header.Get(h); got != want {
					t.Errorf("%s: HEAD %q, GET %q", h, got, want)
				}
			}
		})
	}
	if res := ts.head(t, "/api/v1/datasets/nope/data.csv"); res.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of a missing dataset: %d", res.StatusCode)
	}
	// A HEAD is not a download.
	ts.srv.flushDownloads(context.Background())
	d, err := ts.store.DatasetBySlug(context.Background(), "shisetsu")
	if err != nil {
		t.Fatal(err)
	}
	if d.Downloads != 1 {
		t.Errorf("downloads = %d, want 1 (the GET)", d.Downloads)
	}
}

// TestGzipHasItsOwnETag: the gzip bytes differ from the identity bytes, so
// they must not share a strong validator; either validator revalidates.
func TestGzipHasItsOwnETag(t *testing.T) {
	ts := newTestServer(t)
	const url = "/api/v1/datasets/shisetsu/data.csv"
	plain := ts.get(t, url)
	zipped := ts.get(t, url, "Accept-Encoding", "gzip")
	pe, ze := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
	if pe == "" || ze != strings.TrimSuffix(pe, `"`)+`-gzip"` {
		t.Fatalf("identity ETag %s, gzip ETag %s; want the gzip one to end -gzip\"", pe, ze)
	}
	tests := []struct {
		name, inm, enc string
		status         int
	}{
		{"gzip etag, gzip", ze, "gzip", http.StatusNotModified},
		{"identity etag, gzip", pe, "gzip", http.StatusNotModified},
		{"gzip etag, identity", ze, "identity", http.StatusNotModified},
		{"weak gzip etag in a list", `"x", W/` + ze, "gzip", http.StatusNotModified},
		{"other", `"x"`, "gzip", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, url, "If-None-Match", tt.inm, "Accept-Encoding", tt.enc)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			want := pe
			if tt.enc == "gzip" {
				want = ze
			}
			if got := res.Header.Get("ETag"); got != want {
				t.Errorf("ETag %s, want %s (the representation's own)", got, want)
			}
		})
	}
}
