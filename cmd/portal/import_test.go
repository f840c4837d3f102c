package main

import (
	"archive/zip"
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
	"github.com/machi-opendata/portal/geo"
)

// importFolder is a data folder with the demo departments and nothing else.
func importFolder(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o755)
	store, err := catalog.Open(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, d := range demo.Departments() {
		if err := store.PutDepartment(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// portal runs the command in this process and returns what it printed.
func portal(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out)
	return out.String(), err
}

// openStore opens data's catalog for a look at what a command stored.
func openStore(t *testing.T, data string) *catalog.Store {
	t.Helper()
	store, err := catalog.Open(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// layerVersion is the published version of slug and its layer source.
func layerVersion(t *testing.T, store *catalog.Store, slug string) (*catalog.Version, *catalog.LayerSource) {
	t.Helper()
	ctx := context.Background()
	d, err := store.DatasetBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		t.Fatal(err)
	}
	src, err := store.LayerSource(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v, src
}

func TestImportLayerCommand(t *testing.T) {
	data := importFolder(t)
	zipPath := filepath.Join("..", "..", "datasets", "demo", "data", "layers", "evacuation_sites_zone9.zip")

	// A zipped Shapefile in zone IX, Shift_JIS attributes; the .prj says
	// which zone.
	out, err := portal(t, "import", "--data", data, "--department", "bousai", "--kind", "layer", "--slug", "hinanbasho", zipPath)
	if err != nil || !strings.Contains(out, "imported hinanbasho version 1: 27 records, 0 refused (shift_jis)") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "coordinates: EPSG:6677 JGD2011 / Japan Plane Rectangular CS IX (detected)") {
		t.Errorf("output does not say the detected system:\n%s", out)
	}
	store := openStore(t, data)
	v, src := layerVersion(t, store, "hinanbasho")
	if src.EPSG != 6677 || src.CRSFrom != geo.CRSDetected || !strings.Contains(v.Note, "EPSG:6677") {
		t.Errorf("source %+v, note %q", src, v.Note)
	}
	// The first site: みどり野市立第一小学校 at 35.709376, 139.567122 in the CSV
	// the Shapefile was made from.
	rs := &datasets.Records{DB: store.DB}
	var first *datasets.GeometryRecord
	rs.EachGeometry(context.Background(), v, func(r *datasets.GeometryRecord) error {
		if first == nil {
			c := *r
			c.Props = append([]byte(nil), r.Props...)
			first = &c
		}
		return nil
	})
	if first == nil || math.Abs(first.X-139.567122) > 1e-7 || math.Abs(first.Y-35.709376) > 1e-7 ||
		!strings.Contains(string(first.Props), "みどり野市立第一小学校") {
		t.Errorf("first record %+v", first)
	}

	// A CSV of plane coordinates with the system declared.
	csvPath := filepath.Join(t.TempDir(), "消火栓.csv")
	// EPSG:6677 X (north), Y (east) of 35.7071, 139.5687 and 35.7053, 139.5461.
	os.WriteFile(csvPath, []byte("番号,X座標,Y座標\r\n1,-32463.572,-23945.868\r\n2,-32657.521,-25991.463\r\n"), 0o644)
	out, err = portal(t, "import", "--data", data, "--department", "douro", "--kind", "layer", "--slug", "shoukasen", "--crs", "EPSG:6677", csvPath)
	if err != nil || !strings.Contains(out, "imported shoukasen version 1: 2 records, 0 refused") {
		t.Fatalf("import csv: %v\n%s", err, out)
	}
	v, src = layerVersion(t, store, "shoukasen")
	if src.EPSG != 6677 || src.CRSFrom != geo.CRSDeclared || v.BBox == nil ||
		math.Abs(v.BBox[1]-35.7053) > 1e-5 || math.Abs(v.BBox[2]-139.5687) > 1e-5 {
		t.Errorf("csv: source %+v, bbox %v", src, v.BBox)
	}

	// Without --crs, plane coordinates are refused with the file's name.
	out, err = portal(t, "import", "--data", data, "--department", "douro", "--kind", "layer", "--slug", "shoukasen-2", csvPath)
	if err == nil || !strings.Contains(err.Error(), "消火栓.csv") {
		t.Errorf("no --crs: %v\n%s", err, out)
	}
	// An unknown system is refused before anything is read.
	if _, err := portal(t, "import", "--data", data, "--department", "douro", "--kind", "layer", "--crs", "EPSG:9999", csvPath); err == nil ||
		!strings.Contains(err.Error(), "EPSG:9999") {
		t.Errorf("--crs EPSG:9999: %v", err)
	}
}

func TestImportCommandRefusesClimbingZip(t *testing.T) {
	data := importFolder(t)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range []string{"layer/a.shp", "../../a.dbf"} {
		f, _ := w.Create(name)
		f.Write([]byte("x"))
	}
	w.Close()
	path := filepath.Join(t.TempDir(), "evil.zip")
	os.WriteFile(path, buf.Bytes(), 0o644)
	_, err := portal(t, "import", "--data", data, "--department", "bousai", "--kind", "layer", "--slug", "evil", path)
	if err == nil || !strings.Contains(err.Error(), "evil.zip") || !strings.Contains(err.Error(), "..") {
		t.Fatalf("err %v, want a refusal naming evil.zip and ..", err)
	}
	store := openStore(t, data)
	if _, err := store.DatasetBySlug(context.Background(), "evil"); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("dataset stored: %v", err)
	}
	entries, _ := filepath.Glob(filepath.Join(data, "files", "??", "*"))
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestImportLayerDefinitionsCommand(t *testing.T) {
	data := importFolder(t)
	def, err := demo.UnifiedLayerJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shisetsu.json")
	os.WriteFile(path, def, 0o644)
	var out bytes.Buffer
	if err := layers(context.Background(), defaultConfig(), []string{"set", "--data", data, path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unified layer shisetsu-hinanjo (施設・避難所) saved") {
		t.Errorf("output %q", out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"name": "x", "fields": [{"name": "a"}], "sources": [], "precedance": []}`), 0o644)
	err = layers(context.Background(), defaultConfig(), []string{"set", "--data", data, bad}, &out)
	if err == nil || !strings.Contains(err.Error(), "bad.json") || !strings.Contains(err.Error(), "precedance") {
		t.Errorf("bad definition: %v", err)
	}
	out.Reset()
	if err := layers(context.Background(), defaultConfig(), []string{"list", "--data", data}, &out); err != nil || !strings.HasPrefix(out.String(), "shisetsu-hinanjo\t施設・避難所") {
		t.Errorf("list: %v %q", err, out.String())
	}
	audit, _, err := openStore(t, data).AuditLog(context.Background(), catalog.AuditFilter{Action: catalog.AuditLayerDefine})
	if err != nil || len(audit) != 1 || audit[0].Actor != "cli" || audit[0].Target != "shisetsu-hinanjo" {
		t.Errorf("audit %+v, %v", audit, err)
	}
}
