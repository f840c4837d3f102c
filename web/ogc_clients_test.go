package web

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// Real clients of the OGC API: GDAL's OAPIF driver and OWSLib must list
// the collections and read every feature of each, page by page through
// the next links, as the source has them; and the API's own OpenAPI 3.0
// document must validate and describe the answers.

// sameCoordinates compares two lists of points.
func sameCoordinates(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func TestOGCInGDAL(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ogr2ogr := requireTool(t, "ogr2ogr")
	ts := newOGCServer(t)
	src := "OAPIF:" + ts.base + "/ogc"
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", src).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	// ogrinfo -so takes the count from numberMatched; ogr2ogr below reads
	// every page.
	counts := map[string]int{}
	layer := regexp.MustCompile(`(?m)^Layer name: (\S+)$`)
	count := regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)
	for _, part := range strings.Split(string(out), "Layer name: ")[1:] {
		m, n := layer.FindStringSubmatch("Layer name: "+part), count.FindStringSubmatch(part)
		if m == nil || n == nil {
			t.Fatalf("ogrinfo output:\n%s", out)
		}
		counts[m[1]], _ = strconv.Atoi(n[1])
	}
	if len(counts) != len(ogcCollectionIDs) {
		t.Errorf("GDAL sees %d layers, want %d:\n%s", len(counts), len(ogcCollectionIDs), out)
	}
	dir := t.TempDir()
	for _, id := range ogcCollectionIDs {
		t.Run(id, func(t *testing.T) {
			want := ts.source(t, id)
			if counts[id] != len(want) {
				t.Errorf("ogrinfo: Feature Count %d, want %d", counts[id], len(want))
			}
			path := filepath.Join(dir, id+".geojson")
			if out, err := exec.Command(ogr2ogr, "-f", "GeoJSON", path, src, id).CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr: %v\n%s", err, out)
			}
			got := readGeoJSON(t, path)
			if len(got) != len(want) {
				t.Fatalf("ogr2ogr wrote %d features, the dataset has %d", len(got), len(want))
			}
			for i := range want {
				if !sameCoordinates(got[i].Geometry.Coordinates, want[i].Geometry.Coordinates) {
					t.Fatalf("feature %d at %v, want %v", i+1, got[i].Geometry.Coordinates, want[i].Geometry.Coordinates)
				}
			}
		})
	}
	// GDAL sends an attribute filter and a spatial filter to the server:
	// it learns the queryable properties from the OpenAPI document.
	path := filepath.Join(dir, "filtered.geojson")
	cmd := exec.Command(ogr2ogr, "-f", "GeoJSON", path, src, "events", "-where", `NO = 2`, "-spat", "139.5", "35.6", "139.7", "35.8")
	cmd.Env = append(os.Environ(), "CPL_DEBUG=ON")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogr2ogr -where: %v\n%s", err, out)
	}
	if got := readGeoJSON(t, path); len(got) != 1 || got[0].Properties["NO"] != 2.0 ||
		!regexp.MustCompile(`Fetch\(\S+/ogc/collections/events/items\?\S*bbox=\S*NO=2`).Match(out) {
		t.Errorf("NO = 2: %d features; GDAL fetched:\n%s", len(got), grepLines(out, "Fetch("))
	}
}

func readGeoJSON(t *testing.T, path string) []ogcTestFeature {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []ogcTestFeature }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	return fc.Features
}

func grepLines(out []byte, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, substr) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestOGCInOWSLib pages through every collection with OWSLib's
// owslib.ogcapi.features (Debian python3-owslib, loaded by /usr/bin/python3),
// following the next links 9 features at a time.
func TestOGCInOWSLib(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import owslib.ogcapi.features").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-owslib is not installed; .ci/run installs it")
		}
		t.Skip("python3-owslib not installed")
	}
	ts := newOGCServer(t)
	var stderr bytes.Buffer
	cmd := exec.Command(py, "testdata/ogc/owslib_pages.py", ts.base+"/ogc", "9")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("owslib: %v\n%s", err, stderr.Bytes())
	}
	var got struct {
		Conformance []string `json:"conformance"`
		Collections map[string]struct {
			Matched, Read, Distinct, Pages int
			First                          ogcTestFeature
		} `json:"collections"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("owslib printed %s: %v", out, err)
	}
	if len(got.Conformance) != len(ogcConformance) {
		t.Errorf("conformance %v", got.Conformance)
	}
	if len(got.Collections) != len(ogcCollectionIDs) {
		t.Errorf("OWSLib lists %d feature collections, want %d", len(got.Collections), len(ogcCollectionIDs))
	}
	for _, id := range ogcCollectionIDs {
		want := ts.source(t, id)
		c := got.Collections[id]
		if c.Matched != len(want) || c.Read != len(want) || c.Distinct != len(want) || c.Pages != (len(want)+8)/9 {
			t.Errorf("%s: OWSLib read %+v, the dataset has %d features", id, c, len(want))
		}
		if c.First.ID != 1 || !sameCoordinates(c.First.Geometry.Coordinates, want[0].Geometry.Coordinates) {
			t.Errorf("%s: first feature %+v", id, c.First)
		}
	}
}

// TestOGCOpenAPI: /ogc/api is valid OpenAPI 3.0 and the answers match it.
func TestOGCOpenAPI(t *testing.T) {
	ts := newOGCServer(t)
	res := ts.fetch(t, "/ogc/api", nil)
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, mtOpenAPI) {
		t.Fatalf("/ogc/api: %d %s", res.StatusCode, ct)
	}
	body := readAll(t, res.Body)
	doc, err := libopenapi.NewDocument(body)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetSpecInfo().Version; v != "3.0.3" {
		t.Fatalf("OpenAPI version %q, want 3.0.3", v)
	}
	model, errs := doc.BuildV3Model()
	if errs != nil {
		t.Fatalf("build model: %v", errs)
	}
	// Each collection's items are a path of their own, with the
	// properties as parameters (GDAL reads them there).
	items := model.Model.Paths.PathItems.GetOrZero("/collections/events/items")
	if items == nil || items.Get == nil {
		t.Fatalf("no path for the events' items")
	}
	var names []string
	for _, p := range items.Get.Parameters {
		names = append(names, p.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "開始日") {
		t.Errorf("events' items take %v", names)
	}
	v, verrs := validator.NewValidator(doc)
	if len(verrs) > 0 {
		t.Fatalf("validator: %v", verrs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("not valid OpenAPI 3.0: %v", e)
		}
		t.FailNow()
	}
	// The validator does check bodies: a page that is not a
	// FeatureCollection fails.
	req, _ := http.NewRequest(http.MethodGet, ts.base+"/ogc/collections/events/items", nil)
	bad := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {mtGeoJSON}},
		Body: io.NopCloser(strings.NewReader(`{"type": "Feature", "features": []}`))}
	if ok, _ := v.ValidateHttpResponse(req, bad); ok {
		t.Fatal("the validator takes a Feature for a FeatureCollection")
	}
	q := url.QueryEscape
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/ogc", 200},
		{"/ogc/conformance", 200},
		{"/ogc/collections", 200},
		{"/ogc/collections/events", 200},
		{"/ogc/collections/events/queryables", 200},
		{"/ogc/collections/events/items?limit=3&offset=2", 200},
		{"/ogc/collections/events/items?datetime=2026-06-01/..&bbox=139.5,35.6,139.7,35.8", 200},
		{"/ogc/collections/public-facilities/items?" + q("名称") + "=" + q("みどり野市役所"), 200},
		{"/ogc/collections/saitama-aed/items/392", 200},
		{"/ogc/collections/events/items?nosuch=1", 400},
		{"/ogc/collections/nope", 404},
		{"/ogc/collections/events/items/0", 404},
	} {
		t.Run(tt.path, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := ts.fetch(t, tt.path, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			validate := v.ValidateHttpRequestResponse
			if tt.status >= 400 {
				validate = v.ValidateHttpResponse
			}
			if ok, errs := validate(req, res); !ok {
				for _, e := range errs {
					t.Errorf("%v", e)
					for _, f := range e.SchemaValidationErrors {
						t.Errorf("  at %s (%s): %s", f.FieldPath, f.KeywordLocation, f.Reason)
					}
				}
			}
		})
	}
}
