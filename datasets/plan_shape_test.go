package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/japanese"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
)

// demoZip is 防災安全課's evacuation sites as a zipped point Shapefile in
// JGD2011 / Japan Plane Rectangular CS IX (EPSG:6677), Shift_JIS DBF with a
// .cpg and an ESRI .prj, made from evacuation_space.csv (millimetres kept).
func demoZip(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("demo", "data", "layers", "evacuation_sites_zone9.zip"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// demoSites are the evacuation sites' names and WGS 84 positions as the
// CSV the Shapefile was made from has them.
func demoSites(t testing.TB) map[string]orb.Point {
	t.Helper()
	f, err := os.Open(filepath.Join("demo", "data", "evacuation_space.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewCSVReader("evacuation_space.csv", f, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	idx := func(name string) int {
		for i, c := range h {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	name, lat, lon := idx("名称"), idx("緯度"), idx("経度")
	out := map[string]orb.Point{}
	for {
		_, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		la, _ := strconv.ParseFloat(cells[lat], 64)
		lo, _ := strconv.ParseFloat(cells[lon], 64)
		out[cells[name]] = orb.Point{lo, la}
	}
	return out
}

// storedPoints reads the published version's points by 名称.
func storedPoints(t *testing.T, im *Importer, slug string) (*catalog.Version, map[string]orb.Point, map[string]map[string]any) {
	t.Helper()
	ctx := context.Background()
	d, err := im.Store.DatasetBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	v, err := im.Store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		t.Fatal(err)
	}
	pts, props := map[string]orb.Point{}, map[string]map[string]any{}
	err = (&Records{DB: im.Store.DB}).EachGeometry(ctx, v, func(r *GeometryRecord) error {
		var m map[string]any
		if err := json.Unmarshal(r.Props, &m); err != nil {
			return err
		}
		name, _ := m["名称"].(string)
		pts[name], props[name] = orb.Point{r.X, r.Y}, m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v, pts, props
}

func TestImportShapefileZip(t *testing.T) {
	im := testImporter(t)
	zipped := demoZip(t)
	res, err := importBytes(t, im, catalog.KindLayer, "hinanbasho", "避難場所.zip", zipped)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 27 || res.Refused != 0 || res.Encoding != ShiftJIS {
		t.Errorf("rows %d refused %d encoding %s, want 27, 0, shift_jis", res.Rows, res.Refused, res.Encoding)
	}
	v, pts, props := storedPoints(t, im, "hinanbasho")

	// The detected system is recorded, with the version and in its note.
	src, err := im.Store.LayerSource(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.EPSG != 6677 || src.CRSFrom != geo.CRSDetected || src.Format != geo.FormatShapefile || src.Encoding != "CP932" || len(src.Members) != 5 {
		t.Errorf("layer source %+v, want EPSG 6677 detected, shapefile, CP932, 5 members", src)
	}
	if !strings.Contains(v.Note, "EPSG:6677") {
		t.Errorf("note %q does not name EPSG:6677", v.Note)
	}
	// The original zip is the version's file, byte for byte.
	sum := sha256.Sum256(zipped)
	if len(v.Files) != 1 || v.Files[0].SHA256 != hex.EncodeToString(sum[:]) || v.Files[0].MediaType != "application/zip" {
		t.Errorf("files %+v, want the zip as uploaded", v.Files)
	}

	// Coordinates in WGS 84 where the CSV had them (the Shapefile keeps
	// millimetres: a few 1e-9 degrees), attributes decoded from Shift_JIS.
	want := demoSites(t)
	if len(pts) != len(want) {
		t.Fatalf("%d named points, want %d", len(pts), len(want))
	}
	for name, w := range want {
		p, ok := pts[name]
		if !ok {
			t.Errorf("%s: not stored (names: Shift_JIS not decoded?)", name)
			continue
		}
		if math.Abs(p[0]-w[0]) > 1e-7 || math.Abs(p[1]-w[1]) > 1e-7 {
			t.Errorf("%s at %v, want %v within 1e-7°", name, p, w)
		}
	}
	first := props["みどり野市立第一小学校"]
	if first["所在地"] != "東京都みどり野市中町二丁目20番1号" || first["収容人数"] != 2400.0 || first["名称カナ"] != "ミドリノシリツダイイチショウガッコウ" {
		t.Errorf("attributes %v", first)
	}
	for _, c := range v.Columns {
		if c.Name == "収容人数" && c.Type != TypeInteger {
			t.Errorf("収容人数 is %s, want integer", c.Type)
		}
	}
}

func TestImportCSVPlaneCoordinates(t *testing.T) {
	zone9, _ := geo.CRSByEPSG(6677)
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	fwd, err := geo.NewTransform(wgs84, zone9)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]orb.Point{"中央図書館": {139.5687, 35.7071}, "西公民館": {139.5461, 35.7053}}
	var b strings.Builder
	b.WriteString("名称,X座標,Y座標\r\n")
	for _, name := range []string{"中央図書館", "西公民館"} {
		p := fwd.Point(want[name]) // easting, northing
		// X is the northing, Y the easting; survey tables keep millimetres.
		b.WriteString(name + "," + strconv.FormatFloat(p[1], 'f', 3, 64) + "," + strconv.FormatFloat(p[0], 'f', 3, 64) + "\r\n")
	}
	tests := []struct {
		name, crs string
		ok        bool
	}{
		{"declared zone IX", "EPSG:6677", true},
		{"no system declared", "", false},
		{"unknown system", "EPSG:30169", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := testImporter(t)
			slug := "plane-" + strconv.Itoa(i)
			_, err := im.Import(context.Background(), ImportRequest{Slug: slug, Kind: catalog.KindLayer, Department: "bousai",
				Publish: true, CRS: tt.crs, Files: []File{{Name: "施設.csv", Data: strings.NewReader(b.String())}}})
			if !tt.ok {
				if catalog.KindOf(err) != catalog.Invalid || !strings.Contains(catalog.MessageOf(err), "施設.csv") && tt.crs == "" {
					t.Fatalf("err %v, want Invalid naming the file", err)
				}
				assertNothingStored(t, im, slug)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v, pts, _ := storedPoints(t, im, slug)
			for name, w := range want {
				if p := pts[name]; math.Abs(p[0]-w[0]) > 1e-7 || math.Abs(p[1]-w[1]) > 1e-7 {
					t.Errorf("%s at %v, want %v within 1e-7°", name, p, w)
				}
			}
			src, err := im.Store.LayerSource(context.Background(), v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if src.EPSG != 6677 || src.CRSFrom != geo.CRSDeclared || src.Format != geo.FormatCSV {
				t.Errorf("layer source %+v, want EPSG:6677 declared csv", src)
			}
			if v.BBox == nil || v.BBox[0] < 139.5 || v.BBox[3] > 35.8 {
				t.Errorf("bbox %v is not in degrees", v.BBox)
			}
		})
	}
}

// zipOf zips entries (name, bytes) in order; a name ending in "@" is
// written as a symbolic link.
func zipOf(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e[0], Method: zip.Deflate}
		if n, ok := strings.CutSuffix(e[0], "@"); ok {
			h.Name = n
			h.SetMode(fs.ModeSymlink | 0o777)
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(e[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// demoMembers are the demo zip's entries, renamed by rename.
func demoMembers(t testing.TB, rename func(string) string) [][2]string {
	t.Helper()
	z := demoZip(t)
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out = append(out, [2]string{rename(f.Name), string(b)})
	}
	return out
}

// assertNothingStored checks that a refused import left neither a dataset
// nor a file behind.
func assertNothingStored(t *testing.T, im *Importer, slug string) {
	t.Helper()
	if _, err := im.Store.DatasetBySlug(context.Background(), slug); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("dataset %s: %v, want NotFound", slug, err)
	}
	filepath.WalkDir(im.Files.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			t.Errorf("file left behind: %s", p)
		}
		return nil
	})
}

func TestImportRefusesHostileZips(t *testing.T) {
	base := func(n string) string { return filepath.Base(n) }
	climb := demoMembers(t, func(n string) string { return "../" + base(n) })
	abs := demoMembers(t, func(n string) string { return "/tmp/" + base(n) })
	link := append(demoMembers(t, base), [2]string{"evil.shp@", "/etc/passwd"})
	many := demoMembers(t, base)
	for i := 0; i < 1000; i++ {
		many = append(many, [2]string{"pad/" + strconv.Itoa(i) + ".txt", ""})
	}
	bomb := append(demoMembers(t, base), [2]string{"zeros.txt", strings.Repeat("\x00", 3<<20)})
	tests := []struct {
		name string
		zip  []byte
		kind catalog.ErrorKind
		why  string
	}{
		{"climbs with ..", zipOf(t, climb...), catalog.Invalid, "climbs out of the folder"},
		{"absolute name", zipOf(t, abs...), catalog.Invalid, "absolute path"},
		{"symbolic link", zipOf(t, link...), catalog.Invalid, "symbolic link"},
		{"nested zip", zipOf(t, [2]string{"inner.zip", string(demoZip(t))}), catalog.Invalid, "another zip"},
		{"zip beside the shapefile", zipOf(t, append(demoMembers(t, base), [2]string{"inner.zip", string(demoZip(t))})...),
			catalog.Invalid, `"inner.zip" is another zip`},
		{"too many entries", zipOf(t, many...), catalog.TooLarge, "entries"},
		{"zip bomb", zipOf(t, bomb...), catalog.TooLarge, "uncompresses to more than 1 MiB"},
		{"not a zip", []byte("PK but not really"), catalog.Invalid, "not a zip archive"},
		{"no shapefile", zipOf(t, [2]string{"readme.txt", "hello"}), catalog.Invalid, "no .shp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := testImporter(t)
			im.MaxUnzipped = 1 << 20
			_, err := importBytes(t, im, catalog.KindLayer, "hostile", "hostile.zip", tt.zip)
			if catalog.KindOf(err) != tt.kind {
				t.Fatalf("err %v (kind %v), want kind %v", err, catalog.KindOf(err), tt.kind)
			}
			msg := catalog.MessageOf(err)
			if !strings.HasPrefix(msg, "hostile.zip") || !strings.Contains(msg, tt.why) {
				t.Errorf("message %q, want hostile.zip: …%s…", msg, tt.why)
			}
			assertNothingStored(t, im, "hostile")
		})
	}
}

func TestImportLayerRefusals(t *testing.T) {
	gj := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"名称":"a"},"geometry":{"type":"Point","coordinates":[139.5,35.7]}}]}`
	tests := []struct {
		name, file, data, crs string
		kind                  catalog.Kind
		why                   string
	}{
		{"zip as a facility list", "a.zip", string(demoZip(t)), "", catalog.KindFacility, "kind layer"},
		{"shp alone", "a.shp", "x", "", catalog.KindLayer, "zip the .shp"},
		{"GeoJSON in a plane system", "a.geojson", gj, "EPSG:6677", catalog.KindLayer, "plane system"},
		{"layer CSV without coordinates", "a.csv", "名称,住所\r\nx,y\r\n", "", catalog.KindLayer, "needs coordinates"},
		{"metres without a system", "a.csv", "名称,X,Y\r\na,-32463.572,-23945.868\r\n", "", catalog.KindLayer, "need their coordinate system declared"},
		{"Tokyo datum", "a.zip", string(demoZip(t)), "EPSG:30169", catalog.KindLayer, "Tokyo datum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := testImporter(t)
			_, err := im.Import(context.Background(), ImportRequest{Slug: "refused", Kind: tt.kind, Department: "bousai",
				Publish: true, CRS: tt.crs, Files: []File{{Name: tt.file, Data: strings.NewReader(tt.data)}}})
			if catalog.KindOf(err) != catalog.Invalid || !strings.Contains(catalog.MessageOf(err), tt.why) {
				t.Fatalf("err %v, want Invalid saying %q", err, tt.why)
			}
			assertNothingStored(t, im, "refused")
		})
	}
}

func TestImportShapefileDeclaredCRS(t *testing.T) {
	im := testImporter(t)
	// The declared system wins over the .prj; the same one gives the same
	// points, and the version records it as declared.
	_, err := im.Import(context.Background(), ImportRequest{Slug: "declared", Kind: catalog.KindLayer, Department: "bousai",
		Publish: true, CRS: "6677", Files: []File{{Name: "sites.zip", Data: bytes.NewReader(demoZip(t))}}})
	if err != nil {
		t.Fatal(err)
	}
	v, pts, _ := storedPoints(t, im, "declared")
	src, err := im.Store.LayerSource(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.EPSG != 6677 || src.CRSFrom != geo.CRSDeclared {
		t.Errorf("layer source %+v, want EPSG:6677 declared", src)
	}
	if len(pts) != 27 {
		t.Errorf("%d points, want 27", len(pts))
	}
}

// shapefileZip writes shapes of one type with a 名称 field (Shift_JIS) and
// the zone IX .prj, zipped.
func shapefileZip(t *testing.T, typ shp.ShapeType, shapes []shp.Shape, names []string) []byte {
	t.Helper()
	dir := t.TempDir()
	w, err := shp.Create(filepath.Join(dir, "layer.shp"), typ)
	if err != nil {
		t.Fatal(err)
	}
	field, _ := japanese.ShiftJIS.NewEncoder().String("名称")
	if err := w.SetFields([]shp.Field{shp.StringField(field, 40)}); err != nil {
		t.Fatal(err)
	}
	for i, s := range shapes {
		n := w.Write(s)
		v, _ := japanese.ShiftJIS.NewEncoder().String(names[i])
		if err := w.WriteAttribute(int(n), 0, v); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	prj, err := os.ReadFile(filepath.Join("..", "geo", "testdata", "prj", "jgd2011_zone9_esri.prj"))
	if err != nil {
		t.Fatal(err)
	}
	var entries [][2]string
	// go-shp v0.1.1 names the table "layerdbf", without the dot.
	for name, file := range map[string]string{"道路/layer.shp": "layer.shp", "道路/layer.shx": "layer.shx", "道路/layer.dbf": "layerdbf"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, [2]string{name, string(b)})
	}
	entries = append(entries, [2]string{"道路/layer.prj", string(prj)})
	return zipOf(t, entries...)
}

// TestImportShapefileLinesAndPolygons: every geometry type is stored as
// GeoJSON in WGS 84.
func TestImportShapefileLinesAndPolygons(t *testing.T) {
	zone9, _ := geo.CRSByEPSG(6677)
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	fwd, _ := geo.NewTransform(wgs84, zone9)
	at := func(lon, lat float64) shp.Point {
		p := fwd.Point(orb.Point{lon, lat})
		return shp.Point{X: p[0], Y: p[1]}
	}
	// A clockwise square (a shapefile's exterior ring) and a two-point road.
	square := []shp.Point{at(139.56, 35.70), at(139.56, 35.71), at(139.57, 35.71), at(139.57, 35.70), at(139.56, 35.70)}
	road := []shp.Point{at(139.56, 35.70), at(139.58, 35.72)}
	tests := []struct {
		name  string
		typ   shp.ShapeType
		shape shp.Shape
		want  string
	}{
		{"polygon", shp.POLYGON, &shp.Polygon{Box: shp.BBoxFromPoints(square), NumParts: 1, NumPoints: 5, Parts: []int32{0}, Points: square}, "Polygon"},
		{"line", shp.POLYLINE, &shp.PolyLine{Box: shp.BBoxFromPoints(road), NumParts: 1, NumPoints: 2, Parts: []int32{0}, Points: road}, "LineString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := testImporter(t)
			z := shapefileZip(t, tt.typ, []shp.Shape{tt.shape}, []string{"中町"})
			res, err := importBytes(t, im, catalog.KindLayer, "shape", "shape.zip", z)
			if err != nil {
				t.Fatal(err)
			}
			v, recs := recordsOf(t, im, "shape")
			if res.Rows != 1 || len(recs) != 1 || recs[0]["名称"] != "中町" {
				t.Fatalf("rows %d, records %v", res.Rows, recs)
			}
			g, _ := recs[0]["_geometry"].(map[string]any)
			if g["type"] != tt.want {
				t.Errorf("geometry %v, want %s", g, tt.want)
			}
			if b := v.BBox; b == nil || math.Abs(b[0]-139.56) > 1e-7 || math.Abs(b[1]-35.70) > 1e-7 {
				t.Errorf("bbox %v, want from 139.56, 35.70", v.BBox)
			}
		})
	}
}
