package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
)

// newUnifiedServer serves the demo catalog with the departments' GIS
// layers and the unified 施設・避難所 layer over them.
func newUnifiedServer(t *testing.T) *testServer {
	t.Helper()
	return startTestServer(t, func(ts *testServer) {
		ctx := context.Background()
		if err := demo.Load(ctx, ts.im, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadLayers(ctx, ts.im); err != nil {
			t.Fatal(err)
		}
	})
}

// getJSON fetches path and decodes its JSON answer into v.
func (ts *testServer) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	res := ts.get(t, path)
	b := readAll(t, res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %.300s", path, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type unifiedItems struct {
	NumberMatched  int `json:"numberMatched"`
	NumberReturned int `json:"numberReturned"`
	Links          []ogcLink
	Features       []struct {
		ID         int            `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func TestUnifiedLayerServed(t *testing.T) {
	ts := newUnifiedServer(t)
	const items = "/ogc/collections/shisetsu-hinanjo/items"

	var colls struct {
		Collections []collectionDoc `json:"collections"`
	}
	ts.getJSON(t, "/ogc/collections", &colls)
	i := slices.IndexFunc(colls.Collections, func(c collectionDoc) bool { return c.ID == "shisetsu-hinanjo" })
	if i < 0 {
		t.Fatalf("/ogc/collections does not list the unified layer")
	}
	if c := colls.Collections[i]; c.Title != "施設・避難所" || c.Extent == nil || c.Extent.Spatial == nil {
		t.Errorf("collection %+v", c)
	}

	// 27 sites and 52 facilities, 19 of them the same places: 60.
	tests := []struct {
		query          string
		matched, count int
	}{
		{"?limit=5", 60, 5},
		{"?limit=5&offset=58", 60, 2},
		{"?limit=100&source_count=2", 19, 19},
		{"?limit=100&name=" + url.QueryEscape("みどり野市立第一小学校"), 1, 1},
		{"?limit=100&q=" + url.QueryEscape("小学校"), 8, 8},
		{"?limit=100&bbox=0,0,1,1", 0, 0},
		{"?datetime=2026-01-01", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var page unifiedItems
			ts.getJSON(t, items+tt.query, &page)
			if page.NumberMatched != tt.matched || page.NumberReturned != tt.count || len(page.Features) != tt.count {
				t.Errorf("matched %d returned %d (%d features), want %d, %d", page.NumberMatched, page.NumberReturned,
					len(page.Features), tt.matched, tt.count)
			}
		})
	}

	// A school both departments publish: 防災安全課's attributes first,
	// 都市計画課's URL, and both sources with their versions.
	var page unifiedItems
	ts.getJSON(t, items+"?name="+url.QueryEscape("みどり野市立第一小学校"), &page)
	if len(page.Features) != 1 {
		t.Fatalf("%d features", len(page.Features))
	}
	f := page.Features[0]
	prov, _ := f.Properties["provenance"].([]any)
	if f.Properties["source_datasets"] != demo.LayerEvacuationSites+","+demo.LayerFacilities || len(prov) != 2 ||
		f.Properties["url"] == nil || f.Properties["capacity"] != "2400" || f.Geometry["type"] != "Point" {
		t.Errorf("feature %+v", f)
	}
	var one map[string]any
	ts.getJSON(t, items+"/"+strings.TrimSpace(jsonText(f.ID)), &one)
	if one["id"] != float64(f.ID) {
		t.Errorf("feature %d: %v", f.ID, one)
	}
	if res := ts.get(t, items+"/61"); res.StatusCode != http.StatusNotFound {
		t.Errorf("items/61: status %d", res.StatusCode)
	}
	for _, p := range []string{"/ogc/collections/shisetsu-hinanjo?f=html", items + "?f=html&limit=50", items + "/1?f=html",
		"/ogc/collections/shisetsu-hinanjo/queryables", "/ogc/api"} {
		if res := ts.get(t, p); res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", p, res.StatusCode)
		}
	}

	// The conflation report names the schools found twice, and why.
	var rep struct {
		ID      string `json:"id"`
		Matched int    `json:"matched"`
		Inputs  []struct {
			Dataset string `json:"dataset"`
			Version int    `json:"version"`
		} `json:"inputs"`
		Matches []struct {
			Rule   string `json:"rule"`
			Kept   struct{ Dataset, Name string }
			Merged struct{ Dataset, Name string }
			Reason string `json:"reason"`
		} `json:"matches"`
	}
	ts.getJSON(t, "/api/v1/layers/shisetsu-hinanjo/report", &rep)
	var schools []string
	for _, m := range rep.Matches {
		if strings.HasSuffix(m.Kept.Name, "学校") && m.Merged.Dataset == demo.LayerFacilities && m.Reason != "" {
			schools = append(schools, m.Kept.Name)
		}
	}
	if rep.Matched != 19 || len(schools) != 12 || !slices.Contains(schools, "みどり野市立第一中学校") || len(rep.Inputs) != 3 {
		t.Errorf("report: matched %d, schools %v, inputs %+v", rep.Matched, schools, rep.Inputs)
	}
	if res := ts.get(t, "/api/v1/layers/nope/report"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown layer's report: %d", res.StatusCode)
	}

	// Vector tiles: TileJSON and a tile over the city.
	var tj tileJSON
	ts.getJSON(t, "/tiles/shisetsu-hinanjo.json", &tj)
	if len(tj.Bounds) != 4 || tj.VectorLayers[0].ID != "shisetsu-hinanjo" {
		t.Errorf("TileJSON %+v", tj)
	}
	res := ts.get(t, "/tiles/shisetsu-hinanjo/12/3635/1612.mvt")
	if body := readAll(t, res.Body); res.StatusCode != http.StatusOK || len(body) == 0 || res.Header.Get("ETag") == "" {
		t.Errorf("tile: status %d, %d bytes", res.StatusCode, len(body))
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestUnifiedLayerFollowsSources: a new published version of a source is
// merged on the next request, without anyone asking.
func TestUnifiedLayerFollowsSources(t *testing.T) {
	ts := newUnifiedServer(t)
	const items = "/ogc/collections/shisetsu-hinanjo/items?limit=1"
	var before unifiedItems
	ts.getJSON(t, items, &before)
	res := ts.get(t, "/tiles/shisetsu-hinanjo/12/3635/1612.mvt")
	etag := res.Header.Get("ETag")

	// 都市計画課 publishes its facilities again, with only the first ten.
	var fc geojson.FeatureCollection
	b, err := os.ReadFile("../datasets/demo/data/layers/facilities.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	fc.Features = fc.Features[:10]
	b, _ = json.Marshal(fc)
	_, err = ts.im.Import(context.Background(), datasets.ImportRequest{Slug: demo.LayerFacilities, Kind: catalog.KindLayer,
		Department: "toshikeikaku", Publish: true, Files: []datasets.File{{Name: "facilities.geojson", Data: bytes.NewReader(b)}}})
	if err != nil {
		t.Fatal(err)
	}
	var after unifiedItems
	ts.getJSON(t, items, &after)
	var rep struct {
		Matched int `json:"matched"`
		Inputs  []struct {
			Dataset string `json:"dataset"`
			Version int    `json:"version"`
		} `json:"inputs"`
	}
	ts.getJSON(t, "/api/v1/layers/shisetsu-hinanjo/report", &rep)
	// 27 sites, and 10 facilities of which rep.Matched are sites too.
	if before.NumberMatched != 60 || after.NumberMatched != 27+10-rep.Matched || rep.Inputs[1].Version != 2 {
		t.Errorf("numberMatched %d then %d; report: %+v", before.NumberMatched, after.NumberMatched, rep)
	}
	res = ts.get(t, "/tiles/shisetsu-hinanjo/12/3635/1612.mvt")
	if res.Header.Get("ETag") == etag {
		t.Errorf("the tile's ETag %s did not change with the merge", etag)
	}
}

// TestUnifiedLayerInGDAL reads the unified collection with GDAL's OAPIF
// driver: its count, its fields and every feature through the next links.
func TestUnifiedLayerInGDAL(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ts := newUnifiedServer(t)
	// GDAL follows the absolute links, which name the base URL: serve it
	// where they point.
	base := serveAtOwnURL(t, ts)
	out, err := exec.Command(ogrinfo, "-ro", "-al", "OAPIF:"+base+"/ogc", "shisetsu-hinanjo").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	if n := regexp.MustCompile(`(?m)^OGRFeature\(`).FindAllIndex(out, -1); len(n) != 60 {
		t.Errorf("GDAL read %d features, want 60", len(n))
	}
	for _, want := range []string{"Feature Count: 60", "name: String", "source_count: Integer",
		"name (String) = みどり野市立第一小学校", "source_count (Integer) = 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("ogrinfo said:\n%.3000s", text)
	}
}

// TestUnifiedLayerReportDocumented validates the report against the API's
// OpenAPI document.
func TestUnifiedLayerReportDocumented(t *testing.T) {
	ts := newUnifiedServer(t)
	body, _ := openAPIDocument(t, ts)
	v := newOpenAPIValidator(t, body)
	for _, tt := range []struct {
		path   string
		status int
	}{{"/api/v1/layers/shisetsu-hinanjo/report", 200}, {"/api/v1/layers/nope/report", 404}} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(t, res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Fatalf("%s: status %d", tt.path, res.StatusCode)
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		if ok, errs := v.ValidateHttpRequestResponse(req, res); !ok {
			for _, e := range errs {
				t.Errorf("%s: %v", tt.path, e)
				for _, f := range e.SchemaValidationErrors {
					t.Errorf("  at %s: %s", f.FieldPath, f.Reason)
				}
			}
		}
	}
}

// TestUnifiedLayerQueries: the spatial queries' layer lookup finds a
// unified layer, and its features load by their index ids.
func TestUnifiedLayerQueries(t *testing.T) {
	ts := newUnifiedServer(t)
	ctx := context.Background()
	l, err := ts.srv.queryLayer(ctx, "shisetsu-hinanjo")
	if err != nil {
		t.Fatal(err)
	}
	nb := l.ix.Nearest(orb.Point{139.567122, 35.709376}, 1, nil)
	if len(nb) != 1 || nb[0].Distance > 1 {
		t.Fatalf("nearest %+v", nb)
	}
	_, props, err := ts.srv.layerFeature(ctx, l, int(l.ix.ID(nb[0].Pos)))
	if err != nil || !strings.Contains(string(props), "みどり野市立第一小学校") {
		t.Errorf("feature: %v %s", err, props)
	}
	if _, err := ts.srv.queryLayer(ctx, "nope"); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("unknown layer: %v", err)
	}
	if l, err := ts.srv.queryLayer(ctx, demo.LayerDistricts); err != nil || l.u != nil || len(l.ix.Containing(orb.Point{139.567122, 35.709376})) != 1 {
		t.Errorf("a dataset layer: %v", err)
	}
}
