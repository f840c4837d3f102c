package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// requireTool finds a command-line client; CI installs them, so there a
// missing tool fails the test instead of skipping it.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// TestGeoJSONReadsBackInGDAL checks our GeoJSON with a real client: GDAL
// must see the same features, fields and values.
func TestGeoJSONReadsBackInGDAL(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ts := newTestServer(t)
	body := readAll(t, ts.get(t, "/api/v1/datasets/shisetsu/data.geojson").Body)
	path := filepath.Join(t.TempDir(), "shisetsu.geojson")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(text); m == nil || m[1] != "4" {
		t.Errorf("feature count: %v\n%s", m, text)
	}
	for _, want := range []string{
		"名称: String", "定員: Integer", "緯度: Real", "開設日_ISO8601: ",
		"名称 (String) = 髙橋記念館", "定員 (Integer) = 300", "POINT (139.5687 35.7071)",
		"Geometry: Point", `ID["EPSG",4326]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("ogrinfo said:\n%s", text)
	}
}

// TestRealFileGeoJSONInGDAL sends a real municipal file (さいたま市's AED
// list, 392 points) through import and export and has GDAL count features
// and fields.
func TestRealFileGeoJSONInGDAL(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ts := newTestServer(t)
	data, err := os.ReadFile("../../shared/data/real-csv/saitama_aed.csv")
	if err != nil {
		t.Fatal(err)
	}
	ts.importCSV(t, "saitama-aed", "AED設置場所", "saitama_aed.csv", string(data))
	body := readAll(t, ts.get(t, "/api/v1/datasets/saitama-aed/data.geojson").Body)
	path := filepath.Join(t.TempDir(), "aed.geojson")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "Feature Count: 392") {
		t.Errorf("feature count is not 392:\n%s", text)
	}
	for _, field := range []string{"施設名等: String", "設置場所: String", "区: String", "所在地: String", "緯度: Real", "経度: Real"} {
		if !strings.Contains(text, field) {
			t.Errorf("ogrinfo lacks field %q:\n%s", field, text)
		}
	}
	// The city's list includes two facilities it runs outside the city (in
	// Gunma and Fukushima, 区 = 市外); the extent is that of the file's own
	// coordinates, checked with Python's csv module.
	if !strings.Contains(text, "Extent: (138.896853, 35.831598) - (139.734990, 37.267356)") {
		t.Errorf("extent differs from the file's coordinates:\n%s", text)
	}
}
