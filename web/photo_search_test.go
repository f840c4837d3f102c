package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// eraPhotosCSV is a small archive whose dates are exact, approximate and
// era-aware, with points around みどり野駅 and one far away.
const eraPhotosCSV = "NO,名称,画像ファイル,撮影年月日,場所名称,説明,種類,緯度,経度\r\n" +
	"1,駅前の商店街,p1.jpg,1968-05-03,みどり野駅北口,にぎわう駅前,写真（白黒）,35.7038,139.5700\r\n" +
	"2,駅前の再開発,p2.jpg,1980,みどり野駅南口,再開発の始まった駅前,写真（カラー）,35.7029,139.5701\r\n" +
	"3,役場の庁舎,p3.jpg,大正末期,旧役場,木造の庁舎,写真（白黒）,35.7100,139.5600\r\n" +
	"4,団地の子どもたち,p4.jpg,1960年代,若葉台,団地の広場,写真（白黒）,35.7115,139.5532\r\n" +
	"5,海辺の駅前,p5.jpg,昭和45年,よその町,遠くの駅前,写真（白黒）,34.0000,135.0000\r\n" +
	"6,日付のない駅前,p6.jpg,不明,駅前,いつかの駅前,写真（白黒）,,\r\n"

// newEraPhotoServer serves only the era archive ("era-photos").
func newEraPhotoServer(t *testing.T) *testServer {
	t.Helper()
	return startTestServer(t, func(ts *testServer) { importEraPhotos(t, ts, "era-photos", eraPhotosCSV) })
}

func importEraPhotos(t *testing.T, ts *testServer, slug, csv string) {
	t.Helper()
	files := []datasets.File{{Name: "photos.csv", Data: strings.NewReader(csv)}}
	for i := 1; i <= 6; i++ {
		files = append(files, datasets.File{Name: "p" + string(rune('0'+i)) + ".jpg", Data: bytes.NewReader(testJPEG(t, 300+i, 200))})
	}
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: slug, Kind: catalog.KindPhoto,
		Department: "shisan", Meta: &catalog.Dataset{TitleJA: "時代の写真", License: "CC-BY-4.0"}, Publish: true, Files: files})
	if err != nil {
		t.Fatal(err)
	}
}

// testJPEG is a w×h JPEG with a gradient, different for every size.
func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(w), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type photoList struct {
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
	Items   []map[string]any `json:"items"`
}

func (l photoList) ids() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it["id"].(string))
	}
	return out
}

func TestPhotoSearch(t *testing.T) {
	ts := newEraPhotoServer(t)
	q := url.QueryEscape
	tests := []struct {
		name, query string
		want        []string // ids, as era-photos-N
	}{
		{"all", "", []string{"1", "2", "3", "4", "5", "6"}},
		{"era decade overlaps 1968, not 1980", "from=" + q("昭和40年代") + "&to=" + q("昭和40年代"), []string{"1", "4", "5"}},
		{"from and to as years", "from=1965&to=1970", []string{"1", "4", "5"}},
		{"from alone", "from=1979", []string{"2"}},
		{"to as a date", "to=1960-12-31", []string{"3", "4"}},
		{"大正末期", "from=" + q("大正末期") + "&to=" + q("大正末期"), []string{"3"}},
		{"words", "q=" + q("駅前"), []string{"1", "2", "5", "6"}},
		{"words fold width", "q=" + q("ｴｷﾏｴ"), nil},
		{"era in q", "q=" + q("昭和の駅前"), []string{"1", "2", "5"}},
		{"era decade in q", "q=" + q("1960年代 駅前"), []string{"1"}},
		{"era in q and a from", "q=" + q("昭和の駅前") + "&from=1975", []string{"2"}},
		{"bbox", "bbox=139.565,35.70,139.58,35.705", []string{"1", "2"}},
		{"bbox and words", "bbox=139.5,35.6,139.6,35.8&q=" + q("駅前"), []string{"1", "2"}},
		{"department", "department=shisan&q=" + q("庁舎"), []string{"3"}},
		{"unknown department", "department=nope", nil},
		{"dataset", "dataset=era-photos&q=" + q("庁舎"), []string{"3"}},
		{"another dataset", "dataset=photo-archive", nil},
		{"subject", "q=" + q("カラー"), []string{"2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/photos?"+tt.query)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, readAll(t, res.Body))
			}
			var l photoList
			decode(t, res, &l)
			var want []string
			for _, n := range tt.want {
				want = append(want, "era-photos-"+n)
			}
			if diff := cmp.Diff(want, l.ids()); diff != "" || l.Total != len(want) {
				t.Errorf("total %d; ids (-want +got):\n%s", l.Total, diff)
			}
		})
	}
}

func TestPhotoSearchItem(t *testing.T) {
	ts := newEraPhotoServer(t)
	var l photoList
	decode(t, ts.get(t, "/api/v1/photos?q="+url.QueryEscape("団地")), &l)
	if len(l.Items) != 1 {
		t.Fatalf("%d items", len(l.Items))
	}
	got := l.Items[0]
	want := map[string]any{
		"id": "era-photos-4", "title": map[string]any{"ja": "団地の子どもたち"}, "description": "団地の広場",
		"subject": []any{"写真（白黒）"}, "date": "1960年代",
		"date_range": map[string]any{"start": "1960-01-01", "end": "1969-12-31"},
		"place":      "若葉台", "lat": 35.7115, "lon": 139.5532, "department": "shisan", "dataset": "era-photos",
		"license": "CC-BY-4.0", "rights": "https://creativecommons.org/licenses/by/4.0/",
		"credit":    got["credit"],
		"url":       "http://portal.test/photos/era-photos-4",
		"thumbnail": "http://portal.test/iiif/era-photos-4/full/200,/0/default.jpg",
		"iiif": map[string]any{"info": "http://portal.test/iiif/era-photos-4/info.json",
			"manifest": "http://portal.test/iiif/era-photos-4/manifest.json"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item (-want +got):\n%s", diff)
	}
	if c, _ := got["credit"].(string); !strings.HasPrefix(c, "出典：") || !strings.Contains(c, "団地の子どもたち") {
		t.Errorf("credit %q", c)
	}
	// Each URL answers.
	for _, k := range []string{"thumbnail"} {
		u := strings.TrimPrefix(got[k].(string), "http://portal.test")
		if res := ts.get(t, u); res.StatusCode != 200 {
			t.Errorf("%s %s: status %d", k, u, res.StatusCode)
		}
	}
	for _, u := range []string{"/iiif/era-photos-4/info.json", "/iiif/era-photos-4/manifest.json", "/photos/era-photos-4"} {
		if res := ts.get(t, u); res.StatusCode != 200 {
			t.Errorf("%s: status %d", u, res.StatusCode)
		}
	}
}

func TestPhotoSearchPaging(t *testing.T) {
	ts := newEraPhotoServer(t)
	var l photoList
	decode(t, ts.get(t, "/api/v1/photos?per_page=4&page=2"), &l)
	if l.Total != 6 || l.Page != 2 || l.PerPage != 4 || !slices.Equal(l.ids(), []string{"era-photos-5", "era-photos-6"}) {
		t.Errorf("page 2 of 4: %+v", l.ids())
	}
}

func TestPhotoSearchRefusals(t *testing.T) {
	ts := newEraPhotoServer(t)
	q := url.QueryEscape
	for _, query := range []string{
		"from=xyz", "to=" + q("いつか"), "from=1980&to=1970", "from=" + q("昭和50年代") + "&to=" + q("昭和40年代"),
		"bbox=1,2,3", "bbox=139.6,35.7,139.5,35.8", "page=0", "page=x", "per_page=101", "per_page=0",
		"q=" + q(strings.Repeat("駅", 201)), "q=" + q(strings.Repeat("a ", 17)),
	} {
		for _, path := range []string{"/api/v1/photos?", "/api/v1/photos.geojson?"} {
			res := ts.get(t, path+query)
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			decode(t, res, &body)
			if res.StatusCode != 400 || body.Error.Code != "invalid" || body.Error.Message == "" {
				t.Errorf("%s%s: status %d, error %+v", path, query, res.StatusCode, body.Error)
			}
		}
	}
}

func TestPhotoGeoJSON(t *testing.T) {
	ts := newEraPhotoServer(t)
	res := ts.get(t, "/api/v1/photos.geojson?q="+url.QueryEscape("駅前"))
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "application/geo+json" {
		t.Fatalf("status %d, %s", res.StatusCode, ct)
	}
	var fc struct {
		Type           string `json:"type"`
		NumberMatched  int    `json:"numberMatched"`
		NumberReturned int    `json:"numberReturned"`
		Features       []struct {
			Type     string `json:"type"`
			ID       string `json:"id"`
			Geometry struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	decode(t, res, &fc)
	// 駅前 finds 1, 2, 5 and 6; 6 has no point.
	if fc.Type != "FeatureCollection" || fc.NumberMatched != 3 || fc.NumberReturned != 3 || len(fc.Features) != 3 {
		t.Fatalf("%+v", fc)
	}
	f := fc.Features[0]
	if f.ID != "era-photos-1" || f.Geometry.Type != "Point" || !slices.Equal(f.Geometry.Coordinates, []float64{139.57, 35.7038}) ||
		f.Properties["title"].(map[string]any)["ja"] != "駅前の商店街" {
		t.Errorf("first feature %+v", f)
	}
}

// TestPhotoAPIMatchesOpenAPI: the photo answers follow the document.
func TestPhotoAPIMatchesOpenAPI(t *testing.T) {
	ts := newEraPhotoServer(t)
	body, _ := openAPIDocument(t, ts)
	v := newOpenAPIValidator(t, body)
	q := url.QueryEscape
	for _, path := range []string{
		"/api/v1/photos", "/api/v1/photos?q=" + q("昭和の駅前") + "&from=1960&to=" + q("昭和") + "&page=1&per_page=2",
		"/api/v1/photos?bbox=139.5,35.6,139.6,35.8&department=shisan", "/api/v1/photos.geojson",
		"/api/v1/photos.geojson?q=" + q("駅前"), "/api/v1/photos?from=xyz",
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(t, res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(b))
		validate := v.ValidateHttpRequestResponse
		if res.StatusCode >= 400 {
			validate = v.ValidateHttpResponse
		}
		if ok, errs := validate(req, res); !ok {
			for _, e := range errs {
				t.Errorf("%s: %v", path, e)
				for _, f := range e.SchemaValidationErrors {
					t.Errorf("  at %s (%s): %s", f.FieldPath, f.KeywordLocation, f.Reason)
				}
			}
		}
	}
}

// TestPhotoIndexFollowsCatalog: a dataset published after the index was
// built is searched once the catalog's stamp moves.
func TestPhotoIndexFollowsCatalog(t *testing.T) {
	ts := newEraPhotoServer(t)
	var before photoList
	decode(t, ts.get(t, "/api/v1/photos"), &before)
	set1, _ := ts.srv.photoSet(context.Background())
	importEraPhotos(t, ts, "more-photos", "NO,名称,画像ファイル\r\n1,追加の写真,p1.jpg\r\n")
	// Past the second the index may be stale.
	ts.srv.images.index.mu.Lock()
	ts.srv.images.index.checked = time.Time{}
	ts.srv.images.index.mu.Unlock()
	var after photoList
	decode(t, ts.get(t, "/api/v1/photos?q="+url.QueryEscape("追加")), &after)
	if before.Total != 6 || !slices.Equal(after.ids(), []string{"more-photos-1"}) {
		t.Errorf("before %d, after %v", before.Total, after.ids())
	}
	set2, _ := ts.srv.photoSet(context.Background())
	if set1 == set2 || set2.byID["more-photos-1"] == nil {
		t.Error("the index was not rebuilt")
	}
	// Unchanged catalog: the same set, not a rebuild.
	ts.srv.images.index.mu.Lock()
	ts.srv.images.index.checked = time.Time{}
	ts.srv.images.index.mu.Unlock()
	if set3, _ := ts.srv.photoSet(context.Background()); set3 != set2 {
		t.Error("rebuilt with the catalog unchanged")
	}
}

// TestPhotoDemoShowaStation: the example, on the demo catalog.
func TestPhotoDemoShowaStation(t *testing.T) {
	ts := newDemoServer(t)
	var l photoList
	decode(t, ts.get(t, "/api/v1/photos?q="+url.QueryEscape("昭和の駅前")), &l)
	if !slices.Contains(l.ids(), "photo-archive-2") || !slices.Contains(l.ids(), "photo-archive-14") {
		t.Fatalf("昭和の駅前 found %v", l.ids())
	}
	for _, it := range l.Items {
		if r, ok := it["date_range"].(map[string]any); !ok || r["start"].(string) > "1989-01-07" {
			t.Errorf("%s: date range %v is not in 昭和", it["id"], it["date_range"])
		}
	}
	// ... and its manifest opens: the thumbnail and image service it names.
	iiif := l.Items[0]["iiif"].(map[string]any)
	res := ts.get(t, strings.TrimPrefix(iiif["manifest"].(string), "http://portal.test"))
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("manifest: status %d", res.StatusCode)
	}
}

// TestPhotoIndexConcurrent: searches, pages and images from many clients
// while a dataset is published; run with -race.
func TestPhotoIndexConcurrent(t *testing.T) {
	ts := newEraPhotoServer(t)
	done := make(chan struct{})
	errs := make(chan string, 100)
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := 0; j < 15; j++ {
				for _, path := range []string{"/api/v1/photos?q=" + url.QueryEscape("昭和の駅前"), "/iiif/era-photos-1/info.json",
					"/iiif/era-photos-2/full/200,/0/default.jpg", "/photos"} {
					res, err := http.Get(ts.URL + path)
					if err != nil {
						errs <- err.Error()
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						errs <- path + ": " + res.Status
					}
				}
			}
		}()
	}
	importEraPhotos(t, ts, "late-photos", "NO,名称,画像ファイル\r\n1,後の写真,p1.jpg\r\n")
	for i := 0; i < 4; i++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
