package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
	"github.com/machi-opendata/portal/search"
	"golang.org/x/text/encoding/japanese"
)

// testServer is a real server over a real SQLite file with a few datasets.
type testServer struct {
	*httptest.Server
	store *catalog.Store
	im    *datasets.Importer
	srv   *Server
}

const facilitiesCSV = "名称,住所,緯度,経度,定員,開設日\r\n" +
	"中央図書館,みどり野市中町1-1,35.7071,139.5687,120,令和2年4月1日\r\n" +
	"西公民館,みどり野市西町2-8,35.7053,139.5461,80,平成10年5月5日\r\n" +
	"東体育館,みどり野市東町3-3,35.7102,139.5903,300,昭和60年10月1日\r\n" +
	"髙橋記念館,みどり野市北町4-4,35.7150,139.5700,40,2001-01-01\r\n"

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	return startTestServer(t, func(ts *testServer) {
		ts.importCSV(t, "shisetsu", "施設一覧", "施設一覧.csv", facilitiesCSV)
	})
}

// newDemoServer serves the whole demo catalog (みどり野市（サンプル）), as
// `portal serve` does on a fresh data folder, with the clock fixed.
func newDemoServer(t *testing.T) *testServer {
	t.Helper()
	return startTestServer(t, func(ts *testServer) {
		if err := demo.Load(context.Background(), ts.im, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	})
}

// startTestServer opens a store, files and an index in a temporary folder,
// lets fill import into them, then starts the server.
func startTestServer(t testing.TB, fill func(ts *testServer)) *testServer {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := catalog.Open(ctx, filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }
	if err := store.PutDepartment(ctx, catalog.Department{Code: "shisan", NameJA: "資産活用課", NameEN: "Asset Management"}); err != nil {
		t.Fatal(err)
	}
	files := &catalog.Files{Dir: filepath.Join(dir, "files")}
	index, err := search.Open(filepath.Join(dir, "search"))
	if err != nil && !errors.Is(err, search.ErrRebuild) {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	syncer := &search.Syncer{Index: index, Store: store, Source: NewSearchSource(store)}
	im := &datasets.Importer{Store: store, Files: files, MaxUpload: 10 << 20, Indexed: syncer.Sync}
	ts := &testServer{store: store, im: im}
	fill(ts)
	srv, err := New(store, files, index, Config{BaseURL: "http://portal.test", City: City{NameJA: demo.CityName, NameEN: demo.CityNameEN, Code: demo.CityCode}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	ts.Server = httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) importCSV(t testing.TB, slug, title, name, body string) {
	t.Helper()
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: slug, Kind: catalog.KindTable, Department: "shisan",
		Meta: &catalog.Dataset{TitleJA: title}, Publish: true, Files: []datasets.File{{Name: name, Data: strings.NewReader(body)}}})
	if err != nil {
		t.Fatal(err)
	}
}

func (ts *testServer) get(t *testing.T, path string, header ...string) *http.Response {
	t.Helper()
	return ts.do(t, http.MethodGet, path, header...)
}

// do sends a request with header (name, value, ...) and no transparent
// decompression.
func (ts *testServer) do(t *testing.T, method, path string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Ask for gzip ourselves, so the transport does not decompress behind our back.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, res *http.Response, into any) {
	t.Helper()
	body := readAll(t, res.Body)
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", res.Request.URL, err, body)
	}
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t)
	res := ts.get(t, "/healthz")
	var body map[string]any
	decode(t, res, &body)
	if res.StatusCode != 200 || body["status"] != "ok" {
		t.Errorf("%d %v", res.StatusCode, body)
	}
}

func TestDatasetListAndDetail(t *testing.T) {
	ts := newTestServer(t)
	ts.importCSV(t, "second", "二つ目", "b.csv", "a\n1\n")
	var list struct {
		Total   int                       `json:"total"`
		Page    int                       `json:"page"`
		PerPage int                       `json:"per_page"`
		Items   []map[string]any          `json:"items"`
		Facets  map[string]map[string]int `json:"facets"`
	}
	res := ts.get(t, "/api/v1/datasets?per_page=1&page=2&sort=title")
	decode(t, res, &list)
	if list.Total != 2 || list.Page != 2 || list.PerPage != 1 || len(list.Items) != 1 {
		t.Fatalf("list = %+v", list)
	}
	if list.Facets["department"]["shisan"] != 2 || list.Facets["format"]["GeoJSON"] != 1 {
		t.Errorf("facets = %v", list.Facets)
	}
	if res := ts.get(t, "/api/v1/datasets?per_page=1000"); res.StatusCode != 400 {
		t.Errorf("per_page=1000: status %d", res.StatusCode)
	}
	// The index answers queries with words: a long paste is clipped and
	// searched as plain text, not refused. Paging stays bounded.
	words := func(n int) string { return url.QueryEscape(strings.TrimSpace(strings.Repeat("施設 ", n))) }
	for _, tt := range []struct {
		query  string
		status int
	}{
		{"q=" + url.QueryEscape(strings.Repeat("あ", 200)), 200},
		{"q=" + url.QueryEscape(strings.Repeat("あ", 2000)), 200},
		{"q=" + words(17), 200},
		{"page=10000", 200},
		{"page=10001", 400},
		{"q=x&page=10001", 400},
		{"q=x&per_page=101", 400},
	} {
		for _, path := range []string{"/datasets?", "/api/v1/datasets?"} {
			if res := ts.get(t, path+tt.query); res.StatusCode != tt.status {
				t.Errorf("%s%.40s: status %d, want %d", path, tt.query, res.StatusCode, tt.status)
			}
		}
	}
	// Without an index the catalog matches words itself, one scan per
	// word, so it refuses long queries.
	for q, want := range map[string]bool{strings.Repeat("あ", 200): true, strings.Repeat("あ", 201): false,
		strings.TrimSpace(strings.Repeat("施設 ", 16)): true, strings.TrimSpace(strings.Repeat("施設 ", 17)): false} {
		_, err := (&datasetQuery{Q: q}).filter()
		if (err == nil) != want {
			t.Errorf("filter(%.20q): err %v", q, err)
		}
	}

	var d struct {
		ID            string `json:"id"`
		Title         string `json:"title"`
		License       string `json:"license"`
		Distributions []struct {
			Format      string `json:"format"`
			MediaType   string `json:"media_type"`
			DownloadURL string `json:"download_url"`
			ByteSize    int64  `json:"byte_size"`
			SHA256      string `json:"sha256"`
		} `json:"distributions"`
		Versions []struct {
			Number      int    `json:"number"`
			OriginalURL string `json:"original_url"`
		} `json:"versions"`
		Columns []catalog.Column `json:"columns"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/shisetsu"), &d)
	if d.ID != "shisetsu" || d.Title != "施設一覧" || d.License != "CC-BY-4.0" || len(d.Versions) != 1 {
		t.Fatalf("detail = %+v", d)
	}
	formats := map[string]string{}
	for _, dist := range d.Distributions {
		formats[dist.Format] = dist.DownloadURL
		// Every distribution's size and checksum describe the bytes served.
		body := readAll(t, ts.get(t, strings.TrimPrefix(dist.DownloadURL, "http://portal.test")).Body)
		sum := sha256.Sum256(body)
		if dist.ByteSize != int64(len(body)) || dist.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: byte_size %d sha256 %s; served %d bytes %x", dist.DownloadURL, dist.ByteSize, dist.SHA256, len(body), sum)
		}
	}
	if formats["GeoJSON"] != "http://portal.test/api/v1/datasets/shisetsu/data.geojson" || formats["CSV"] == "" {
		t.Errorf("distributions = %+v", d.Distributions)
	}
	res = ts.get(t, "/api/v1/datasets/nope")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	decode(t, res, &e)
	if res.StatusCode != 404 || e.Error.Code != "not_found" || e.Error.Message == "" {
		t.Errorf("missing dataset: %d %+v", res.StatusCode, e)
	}
}

func TestRecordsPagingFiltersAndBBox(t *testing.T) {
	ts := newTestServer(t)
	type page struct {
		Total   int              `json:"total"`
		Records []map[string]any `json:"records"`
	}
	tests := []struct {
		name  string
		query string
		total int
		first string
		n     int
	}{
		{"all", "", 4, "中央図書館", 4},
		{"paged", "?limit=2&offset=1", 4, "西公民館", 2},
		{"column filter", "?" + "%E5%90%8D%E7%A7%B0=" + "%E6%9D%B1%E4%BD%93%E8%82%B2%E9%A4%A8", 1, "東体育館", 1}, // 名称=東体育館
		{"numeric column filter", "?%E5%AE%9A%E5%93%A1=80", 1, "西公民館", 1},                                     // 定員=80
		{"text query", "?q=%E5%85%AC%E6%B0%91", 1, "西公民館", 1},                                                 // q=公民
		{"bbox", "?bbox=139.54,35.70,139.55,35.706", 1, "西公民館", 1},
		{"sorted", "?sort=-%E5%AE%9A%E5%93%A1", 4, "東体育館", 4}, // sort=-定員
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/datasets/shisetsu/records"+tt.query)
			var p page
			decode(t, res, &p)
			if p.Total != tt.total || len(p.Records) != tt.n || p.Records[0]["名称"] != tt.first {
				t.Errorf("total %d, %d records, first %v", p.Total, len(p.Records), p.Records)
			}
		})
	}
	for _, bad := range []string{"?limit=0", "?limit=x", "?bbox=1,2,3", "?bbox=139,36,138,35", "?nosuchcolumn=1", "?sort=nosuch",
		"?bbox=NaN,35,139.6,36", "?bbox=139,35,NaN,36", "?bbox=-Inf,35,139.6,36", "?bbox=139,35,139.6,%2BInf", "?bbox=139,35,139.6,1e400"} {
		if res := ts.get(t, "/api/v1/datasets/shisetsu/records"+bad); res.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", bad, res.StatusCode)
		}
	}
}

func TestCSVDownload(t *testing.T) {
	ts := newTestServer(t)
	res := ts.get(t, "/api/v1/datasets/shisetsu/data.csv")
	body := readAll(t, res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	want := "名称,住所,緯度,経度,定員,開設日,開設日_ISO8601\r\n中央図書館,みどり野市中町1-1,35.7071,139.5687,120,令和2年4月1日,2020-04-01\r\n"
	if !strings.HasPrefix(string(body), want) {
		t.Errorf("csv starts\n%q\nwant\n%q", body[:min(len(body), len(want))], want)
	}
	cd := res.Header.Get("Content-Disposition")
	if cd != `attachment; filename="shisetsu.csv"; filename*=UTF-8''%E6%96%BD%E8%A8%AD%E4%B8%80%E8%A6%A7.csv` {
		t.Errorf("Content-Disposition = %s", cd)
	}

	bom := readAll(t, ts.get(t, "/api/v1/datasets/shisetsu/data.csv?bom=1").Body)
	if !bytes.HasPrefix(bom, []byte("\xef\xbb\xbf名称")) {
		t.Errorf("bom=1 starts %q", bom[:8])
	}

	// 髙 (the "ladder" taka) is in CP932 but 𠮷 is not: add a dataset with it.
	ts.importCSV(t, "gaiji", "外字", "g.csv", "名前\n𠮷野家\n髙橋\n")
	res = ts.get(t, "/api/v1/datasets/gaiji/data.csv?encoding=shift_jis")
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	decode(t, res, &e)
	if res.StatusCode != 400 || !strings.Contains(e.Error.Message, `"𠮷" (row 1, column 名前)`) {
		t.Errorf("unmappable: %d %s", res.StatusCode, e.Error.Message)
	}
	// The error is not the download: none of its headers.
	for _, h := range []string{"ETag", "Last-Modified", "Content-Disposition"} {
		if v := res.Header.Get(h); v != "" {
			t.Errorf("unmappable: the 400 carries %s: %s", h, v)
		}
	}
	if ct, cc := res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"); !strings.HasPrefix(ct, "application/json") || cc != "no-store" {
		t.Errorf("unmappable: Content-Type %s, Cache-Control %s", ct, cc)
	}
	res = ts.get(t, "/api/v1/datasets/gaiji/data.csv?encoding=shift_jis&unmappable=replace")
	sjis := readAll(t, res.Body)
	utf, err := japanese.ShiftJIS.NewDecoder().Bytes(sjis)
	if err != nil || res.StatusCode != 200 || string(utf) != "名前\r\n〓野家\r\n髙橋\r\n" {
		t.Errorf("replaced shift_jis: %d %q (%v)", res.StatusCode, utf, err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "Shift_JIS") {
		t.Errorf("Content-Type = %s", ct)
	}
	if res := ts.get(t, "/api/v1/datasets/shisetsu/data.csv?encoding=latin1"); res.StatusCode != 400 {
		t.Errorf("unknown encoding: %d", res.StatusCode)
	}
}

func TestConditionalAndGzipDownloads(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"data.csv", "data.json", "data.geojson"} {
		t.Run(path, func(t *testing.T) {
			url := "/api/v1/datasets/shisetsu/" + path
			full := ts.get(t, url)
			plain := readAll(t, full.Body)
			etag, lm := full.Header.Get("ETag"), full.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("ETag %q Last-Modified %q", etag, lm)
			}
			if res := ts.get(t, url, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: %d", res.StatusCode)
			}
			if res := ts.get(t, url, "If-None-Match", `"other"`); res.StatusCode != 200 {
				t.Errorf("other etag: %d", res.StatusCode)
			}
			if res := ts.get(t, url, "If-Modified-Since", lm); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-Modified-Since: %d", res.StatusCode)
			}
			if res := ts.get(t, url, "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"); res.StatusCode != 200 {
				t.Errorf("old If-Modified-Since: %d", res.StatusCode)
			}
			res := ts.get(t, url, "Accept-Encoding", "gzip")
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding = %q", res.Header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if unz := readAll(t, zr); !bytes.Equal(unz, plain) {
				t.Errorf("gzip body differs from plain body")
			}
		})
	}
}

func TestJSONAndGeoJSONDownloads(t *testing.T) {
	ts := newTestServer(t)
	var rows []map[string]any
	decode(t, ts.get(t, "/api/v1/datasets/shisetsu/data.json"), &rows)
	if len(rows) != 4 || rows[3]["名称"] != "髙橋記念館" || rows[0]["定員"] != 120.0 {
		t.Errorf("json rows = %v", rows)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	res := ts.get(t, "/api/v1/datasets/shisetsu/data.geojson")
	if res.Header.Get("Content-Type") != "application/geo+json" {
		t.Errorf("Content-Type = %s", res.Header.Get("Content-Type"))
	}
	decode(t, res, &fc)
	if fc.Type != "FeatureCollection" || len(fc.Features) != 4 {
		t.Fatalf("geojson = %+v", fc)
	}
	if c := fc.Features[0].Geometry.Coordinates; fc.Features[0].Geometry.Type != "Point" || c[0] != 139.5687 || c[1] != 35.7071 {
		t.Errorf("first geometry = %+v (want lon, lat)", fc.Features[0].Geometry)
	}
}

func TestOriginalDownload(t *testing.T) {
	ts := newTestServer(t)
	res := ts.get(t, "/api/v1/datasets/shisetsu/versions/1/original")
	if body := readAll(t, res.Body); string(body) != facilitiesCSV {
		t.Errorf("original = %q", body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E6%96%BD") {
		t.Errorf("Content-Disposition = %s", cd)
	}
	if res := ts.get(t, "/api/v1/datasets/shisetsu/versions/9/original"); res.StatusCode != 404 {
		t.Errorf("missing version: %d", res.StatusCode)
	}
}

func TestDepartments(t *testing.T) {
	ts := newTestServer(t)
	var body struct {
		Items []catalog.Department `json:"items"`
	}
	decode(t, ts.get(t, "/api/v1/departments"), &body)
	if len(body.Items) != 1 || body.Items[0].NameJA != "資産活用課" {
		t.Errorf("departments = %+v", body)
	}
}

func TestDatasetDetailIsCachedBriefly(t *testing.T) {
	ts := newTestServer(t)
	now := time.Now()
	ts.srv.cache.now = func() time.Time { return now }
	versions := func() (int, string) {
		res := ts.get(t, "/api/v1/datasets/shisetsu")
		var d struct {
			Versions []any `json:"versions"`
		}
		decode(t, res, &d)
		return len(d.Versions), res.Header.Get("ETag")
	}
	n, etag := versions()
	if n != 1 || etag == "" {
		t.Fatalf("versions %d etag %q", n, etag)
	}
	if res := ts.get(t, "/api/v1/datasets/shisetsu", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	ts.importCSV(t, "shisetsu", "施設一覧", "v2.csv", facilitiesCSV)
	if n, _ := versions(); n != 1 {
		t.Errorf("within the TTL: %d versions, want the cached 1", n)
	}
	now = now.Add(2 * time.Second)
	n, etag2 := versions()
	if n != 2 || etag2 == etag {
		t.Errorf("after the TTL: %d versions, etag %s (was %s)", n, etag2, etag)
	}
}

func TestDraftVersionsStayPrivate(t *testing.T) {
	ts := newTestServer(t)
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "shisetsu", Kind: catalog.KindTable, Department: "shisan",
		Files: []datasets.File{{Name: "draft.csv", Data: strings.NewReader("名称\n未公開の施設\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/datasets/shisetsu/versions/2/original", "/api/v1/datasets/shisetsu/versions/2"} {
		if res := ts.get(t, path); res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	var d struct {
		Versions []struct{ Number int } `json:"versions"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/shisetsu"), &d)
	if len(d.Versions) != 1 || d.Versions[0].Number != 1 {
		t.Errorf("public versions = %+v", d.Versions)
	}
	if body := readAll(t, ts.get(t, "/api/v1/datasets/shisetsu/data.csv").Body); strings.Contains(string(body), "未公開") {
		t.Errorf("draft records leaked into the download")
	}
	// A published version is public, its validation report is not.
	var v map[string]json.RawMessage
	res := ts.get(t, "/api/v1/datasets/shisetsu/versions/1")
	decode(t, res, &v)
	if _, ok := v["problems"]; ok || res.StatusCode != 200 || v["version"] == nil {
		t.Errorf("version 1: %d, keys %v", res.StatusCode, slices.Collect(maps.Keys(v)))
	}
}

func TestDownloadsAreCounted(t *testing.T) {
	ts := newTestServer(t)
	for range 3 {
		readAll(t, ts.get(t, "/api/v1/datasets/shisetsu/data.csv").Body)
	}
	// A conditional request that is answered 304 is not a download.
	res := ts.get(t, "/api/v1/datasets/shisetsu/data.json")
	readAll(t, res.Body)
	ts.get(t, "/api/v1/datasets/shisetsu/data.json", "If-None-Match", res.Header.Get("ETag"))
	ts.srv.flushDownloads(context.Background())
	d, err := ts.store.DatasetBySlug(context.Background(), "shisetsu")
	if err != nil {
		t.Fatal(err)
	}
	if d.Downloads != 4 {
		t.Errorf("downloads = %d, want 4", d.Downloads)
	}
}
