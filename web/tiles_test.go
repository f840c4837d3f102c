package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// demoSite is an evacuation site of the demo as its records say.
type demoSite struct {
	row     int
	p       orb.Point
	hazards map[string]bool
}

// hazardColumns are the demo's (2023 template) hazard columns by the
// API's names.
var hazardColumns = map[string]string{"flood": "災害種別_洪水", "landslide": "災害種別_崖崩れ、土石流及び地滑り",
	"storm_surge": "災害種別_高潮", "earthquake": "災害種別_地震", "tsunami": "災害種別_津波", "fire": "災害種別_大規模な火事",
	"inland_flood": "災害種別_内水氾濫", "volcano": "災害種別_火山現象"}

// demoSites reads the demo's evacuation sites through the records API.
func demoSites(t *testing.T, ts *testServer) []demoSite {
	t.Helper()
	var page struct {
		Records []map[string]any `json:"records"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/evacuation-spaces/records?limit=1000"), &page)
	num := func(v any) float64 {
		f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
		if err != nil {
			t.Fatalf("not a number: %v", v)
		}
		return f
	}
	var out []demoSite
	for _, r := range page.Records {
		s := demoSite{row: int(num(r["_row"])), p: orb.Point{num(r["経度"]), num(r["緯度"])}, hazards: map[string]bool{}}
		for h, col := range hazardColumns {
			switch fmt.Sprint(r[col]) {
			case "1", "true", "○", "◯":
				s.hazards[h] = true
			}
		}
		out = append(out, s)
	}
	if len(out) < 20 {
		t.Fatalf("the demo has %d evacuation sites", len(out))
	}
	return out
}

// inBufferedTile tells whether p falls in tile or within the tile buffer
// (64 of 4096 units) around it: the pixel of p at zoom z+12.
func inBufferedTile(p orb.Point, tile maptile.Tile) bool {
	px := maptile.At(p, tile.Z+12)
	x, y := int64(px.X)-int64(tile.X)<<12, int64(px.Y)-int64(tile.Y)<<12
	return x >= -64 && y >= -64 && x < 4096+64 && y < 4096+64
}

// TestTilesOfDemoEvacuationLayer: the demo's evacuation sites, read back
// from tiles with orb's decoder, are the source points: the same ids, at
// their positions within a unit of the tile's grid.
func TestTilesOfDemoEvacuationLayer(t *testing.T) {
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	byRow := map[int]demoSite{}
	for _, s := range sites {
		byRow[s.row] = s
	}
	for _, z := range []maptile.Zoom{14, 12, 16} {
		tile := maptile.At(sites[0].p, z)
		path := fmt.Sprintf("/tiles/evacuation-spaces/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
		res := ts.get(t, path)
		body := readAll(t, res.Body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		ls, err := mvt.Unmarshal(body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		ls.ProjectToWGS84(tile)
		if len(ls) != 1 || ls[0].Name != "evacuation-spaces" {
			t.Fatalf("%s: layers %v", path, ls)
		}
		var want, got []int
		for _, s := range sites {
			if inBufferedTile(s.p, tile) {
				want = append(want, s.row)
			}
		}
		unit := (tile.Bound().Max[0] - tile.Bound().Min[0]) / 4096 * 1.01
		for _, f := range ls[0].Features {
			row := int(f.ID.(float64))
			got = append(got, row)
			src, ok := byRow[row]
			if !ok {
				t.Fatalf("%s: feature %d is no site", path, row)
			}
			p := f.Geometry.(orb.Point)
			if math.Abs(p[0]-src.p[0]) > unit || math.Abs(p[1]-src.p[1]) > unit {
				t.Errorf("%s: site %d at %v, source %v", path, row, p, src.p)
			}
			if f.Properties["name"] == nil {
				t.Errorf("%s: site %d has no name: %v", path, row, f.Properties)
			}
			for h := range hazardColumns {
				if v, _ := f.Properties[h].(bool); v != src.hazards[h] {
					t.Errorf("%s: site %d %s = %v, source %v", path, row, h, f.Properties[h], src.hazards[h])
				}
			}
		}
		sortInts(got)
		if len(want) == 0 || !cmp.Equal(want, got) {
			t.Errorf("%s: rows %v, want %v", path, got, want)
		}
	}
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestTileAnswers(t *testing.T) {
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	tile := maptile.At(sites[0].p, 14)
	good := fmt.Sprintf("/tiles/evacuation-spaces/14/%d/%d.mvt", tile.X, tile.Y)
	far := maptile.At(orb.Point{135, 35}, 14)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{good, 200},
		{fmt.Sprintf("/tiles/evacuation-spaces/14/%d/%d.mvt", far.X, far.Y), 204},
		{"/tiles/evacuation-spaces/23/0/0.mvt", 400},
		{"/tiles/evacuation-spaces/2/4/0.mvt", 400},
		{"/tiles/evacuation-spaces/2/0/-1.mvt", 400},
		{"/tiles/evacuation-spaces/a/0/0.mvt", 400},
		{"/tiles/evacuation-spaces/0/0/0.png", 404},
		{"/tiles/nope/0/0/0.mvt", 404},
		{"/tiles/nope.json", 404},
		{"/tiles/evacuation-spaces", 404},
	} {
		if res := ts.get(t, tt.path); res.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, res.StatusCode, tt.status)
		}
	}

	// Validators: the version's ETag, 304 on a match, gzip on request.
	res := ts.get(t, good)
	raw := readAll(t, res.Body)
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Cache-Control") == "" {
		t.Fatalf("headers %v", res.Header)
	}
	if res := ts.get(t, good, "If-None-Match", etag); res.StatusCode != 304 {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	res = ts.get(t, good, "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") == etag {
		t.Fatalf("gzip: %v", res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if unzipped := readAll(t, zr); !bytes.Equal(unzipped, raw) {
		t.Errorf("the gzip form is not the tile")
	}
}

func TestTileJSON(t *testing.T) {
	ts := newDemoServer(t)
	var doc map[string]any
	res := ts.get(t, "/tiles/evacuation-spaces.json")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	decode(t, res, &doc)
	if doc["tilejson"] != "3.0.0" || doc["scheme"] != "xyz" || doc["minzoom"] != 0.0 || doc["maxzoom"] != 16.0 {
		t.Errorf("document %v", doc)
	}
	if diff := cmp.Diff([]any{"http://portal.test/tiles/evacuation-spaces/{z}/{x}/{y}.mvt"}, doc["tiles"]); diff != "" {
		t.Errorf("tiles (-want +got):\n%s", diff)
	}
	b, _ := doc["bounds"].([]any)
	if len(b) != 4 || !(b[0].(float64) < b[2].(float64) && b[1].(float64) < b[3].(float64)) || b[0].(float64) < 139 || b[3].(float64) > 36 {
		t.Errorf("bounds %v", doc["bounds"])
	}
	if c, _ := doc["center"].([]any); len(c) != 3 {
		t.Errorf("center %v", doc["center"])
	}
	vl, _ := doc["vector_layers"].([]any)
	if len(vl) != 1 {
		t.Fatalf("vector_layers %v", doc["vector_layers"])
	}
	l := vl[0].(map[string]any)
	fields, _ := l["fields"].(map[string]any)
	if l["id"] != "evacuation-spaces" || fields["name"] != "String" || fields["flood"] != "Boolean" || len(fields) != 9 {
		t.Errorf("vector layer %v", l)
	}
}

// TestGDALReadsTile: GDAL's MVT driver reads a tile, named z/x/y.mvt so
// that it knows where the tile lies, with every feature.
func TestGDALReadsTile(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	tile := maptile.At(sites[0].p, 14)
	res := ts.get(t, fmt.Sprintf("/tiles/evacuation-spaces/14/%d/%d.mvt", tile.X, tile.Y))
	body := readAll(t, res.Body)
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "14", strconv.Itoa(int(tile.X)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, strconv.Itoa(int(tile.Y))+".mvt")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
	if m == nil || string(m[1]) != strconv.Itoa(len(ls[0].Features)) {
		t.Errorf("ogrinfo read %s features, want %d:\n%s", m, len(ls[0].Features), out)
	}
	if !bytes.Contains(out, []byte("Layer name: evacuation-spaces")) || !bytes.Contains(out, []byte("flood: ")) {
		t.Errorf("ogrinfo output lacks the layer or its fields:\n%s", out)
	}
}

// TestTilesFollowNewVersions: a new version of a layer is indexed afresh,
// so its tiles (cached for the old one) show its features and carry
// another ETag.
func TestTilesFollowNewVersions(t *testing.T) {
	ts := newTestServer(t)
	// z8: every facility well inside one tile, none thinned away.
	tile := maptile.At(orb.Point{139.5687, 35.7071}, 8)
	path := fmt.Sprintf("/tiles/shisetsu/8/%d/%d.mvt", tile.X, tile.Y)
	count := func() (int, string) {
		res := ts.get(t, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		ls, err := mvt.Unmarshal(readAll(t, res.Body))
		if err != nil {
			t.Fatal(err)
		}
		return len(ls[0].Features), res.Header.Get("ETag")
	}
	before, etag := count()
	if before != 4 {
		t.Fatalf("first version: %d features, want 4", before)
	}
	ts.importCSV(t, "shisetsu", "施設一覧", "施設一覧.csv", facilitiesCSV+"南集会所,みどり野市南町5-5,35.6950,139.5600,30,2010-04-01\r\n")
	after, etag2 := count()
	if after != 5 || etag2 == etag {
		t.Errorf("after a new version: %d features (want 5), ETag %s (was %s)", after, etag2, etag)
	}
	if res := ts.get(t, path, "If-None-Match", etag); res.StatusCode != 200 {
		t.Errorf("the old version's ETag still matches: %d", res.StatusCode)
	}
}

// TestTilesConcurrently: many clients asking for the same tiles and sites
// at once (a map opening) share one index and one build per tile.
func TestTilesConcurrently(t *testing.T) {
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	var paths []string
	for _, z := range []maptile.Zoom{10, 12, 14} {
		tile := maptile.At(sites[0].p, z)
		paths = append(paths, fmt.Sprintf("/tiles/evacuation-spaces/%d/%d/%d.mvt", z, tile.X, tile.Y))
	}
	paths = append(paths, "/api/v1/geo/nearest?lat=35.70&lon=139.57&hazard=fire")
	errs := make(chan error, 32)
	for i := range 32 {
		go func() {
			path := paths[i%len(paths)]
			res, err := http.Get(ts.URL + path)
			if err == nil {
				res.Body.Close()
				if res.StatusCode != 200 {
					err = fmt.Errorf("%s: %d", path, res.StatusCode)
				}
			}
			errs <- err
		}()
	}
	for range 32 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(ts.srv.gis.layers); n != 1 {
		t.Errorf("%d indexes of one layer version", n)
	}
}
