package geo

import (
	"archive/zip"
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/japanese"
)

// sjis encodes s in CP932, as a Japanese municipality's GIS writes it.
func sjis(t testing.TB, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shapefileFiles writes a shapefile with go-shp's writer and returns its
// files by extension (".shp", ".shx", ".dbf").
func shapefileFiles(t testing.TB, typ shp.ShapeType, shapes []shp.Shape, fields []shp.Field, rows [][]any) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	base := filepath.Join(dir, "layer.shp")
	w, err := shp.Create(base, typ)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetFields(fields); err != nil {
		t.Fatal(err)
	}
	for i, s := range shapes {
		n := w.Write(s)
		for j, v := range rows[i] {
			if err := w.WriteAttribute(int(n), j, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Close()
	files := map[string][]byte{}
	// go-shp v0.1.1's SetFields names the table "layerdbf", without the dot.
	for ext, file := range map[string]string{".shp": "layer.shp", ".shx": "layer.shx", ".dbf": "layerdbf"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		files[ext] = b
	}
	return files
}

type zipEntry struct {
	name    string
	data    []byte
	nonUTF8 bool // the name is in CP932 without the UTF-8 flag
}

func zipOf(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, NonUTF8: e.nonUTF8})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipShapefile zips files under dir/stem with a .prj and .cpg when given.
func zipShapefile(t testing.TB, dir, stem string, files map[string][]byte, prj, cpg string) []byte {
	t.Helper()
	var entries []zipEntry
	for _, ext := range []string{".shp", ".shx", ".dbf"} {
		entries = append(entries, zipEntry{name: dir + stem + ext, data: files[ext]})
	}
	if prj != "" {
		entries = append(entries, zipEntry{name: dir + stem + ".prj", data: []byte(prj)})
	}
	if cpg != "" {
		entries = append(entries, zipEntry{name: dir + stem + ".cpg", data: []byte(cpg)})
	}
	return zipOf(t, entries...)
}

func readZip(t testing.TB, data []byte, opt ShapefileOptions) (*Layer, error) {
	t.Helper()
	return ReadShapefileZip(bytes.NewReader(data), int64(len(data)), opt)
}

func prjFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "prj", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Zone IX positions (easting, northing) around Tokyo. The first is PROJ's
// projection of 35.6°N 139.7°E.
var (
	tokyoE, tokyoN = -12081.0357751416, -44369.4985042826
)

func square(e, n, size float64, clockwise bool) []shp.Point {
	ps := []shp.Point{{X: e, Y: n}, {X: e, Y: n + size}, {X: e + size, Y: n + size}, {X: e + size, Y: n}, {X: e, Y: n}}
	if !clockwise {
		for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
			ps[i], ps[j] = ps[j], ps[i]
		}
	}
	return ps
}

func polygonShape(parts ...[]shp.Point) *shp.Polygon {
	p := shp.Polygon(*shp.NewPolyLine(parts))
	return &p
}

func TestReadShapefileZipGeometries(t *testing.T) {
	fields := []shp.Field{shp.StringField(sjis(t, "名称"), 40), shp.NumberField(sjis(t, "人口"), 10), shp.FloatField("AREA", 12, 3), shp.DateField("OPENED")}
	row := func(name string, pop int) []any {
		return []any{sjis(t, name), pop, 1234.5, "20240401"}
	}
	prj := prjFile(t, "jgd2011_zone9_esri.prj")
	tests := []struct {
		name   string
		typ    shp.ShapeType
		shapes []shp.Shape
		check  func(t *testing.T, g []orb.Geometry)
	}{
		{
			name: "points", typ: shp.POINT,
			shapes: []shp.Shape{&shp.Point{X: tokyoE, Y: tokyoN}, &shp.Point{X: tokyoE + 1000, Y: tokyoN}},
			check: func(t *testing.T, g []orb.Geometry) {
				p := g[0].(orb.Point)
				if d := groundDistance(p, orb.Point{139.7, 35.6}); d > 1e-4 {
					t.Errorf("point at %v, %.3g m from 139.7°E 35.6°N", p, d)
				}
				if d := groundDistance(g[1].(orb.Point), p); math.Abs(d-1000) > 0.5 { // scale 0.9999 and more
					t.Errorf("the second point is %.3f m east of the first, want about 1000", d)
				}
			},
		},
		{
			name: "multipoints", typ: shp.MULTIPOINT,
			shapes: []shp.Shape{
				&shp.MultiPoint{NumPoints: 2, Points: []shp.Point{{X: tokyoE, Y: tokyoN}, {X: tokyoE + 10, Y: tokyoN + 10}}},
				&shp.MultiPoint{NumPoints: 1, Points: []shp.Point{{X: tokyoE, Y: tokyoN}}},
			},
			check: func(t *testing.T, g []orb.Geometry) {
				if mp, ok := g[0].(orb.MultiPoint); !ok || len(mp) != 2 {
					t.Errorf("got %#v, want a MultiPoint of 2", g[0])
				}
			},
		},
		{
			name: "polylines", typ: shp.POLYLINE,
			shapes: []shp.Shape{
				shp.NewPolyLine([][]shp.Point{{{X: tokyoE, Y: tokyoN}, {X: tokyoE + 50, Y: tokyoN + 50}, {X: tokyoE + 100, Y: tokyoN}}}),
				shp.NewPolyLine([][]shp.Point{{{X: tokyoE, Y: tokyoN}, {X: tokyoE + 50, Y: tokyoN}}, {{X: tokyoE, Y: tokyoN + 10}, {X: tokyoE + 50, Y: tokyoN + 10}}}),
			},
			check: func(t *testing.T, g []orb.Geometry) {
				if ls, ok := g[0].(orb.LineString); !ok || len(ls) != 3 {
					t.Errorf("one part: got %#v, want a LineString of 3", g[0])
				}
				if mls, ok := g[1].(orb.MultiLineString); !ok || len(mls) != 2 || len(mls[1]) != 2 {
					t.Errorf("two parts: got %#v, want a MultiLineString of 2 lines", g[1])
				}
			},
		},
		{
			name: "polygons with holes", typ: shp.POLYGON,
			shapes: []shp.Shape{
				// an exterior (clockwise) and its hole (counterclockwise)
				polygonShape(square(tokyoE, tokyoN, 100, true), square(tokyoE+20, tokyoN+20, 60, false)),
				// two exteriors, the hole in the second, listed first
				polygonShape(square(tokyoE+500, tokyoN+20, 10, false), square(tokyoE, tokyoN, 100, true), square(tokyoE+480, tokyoN, 100, true)),
			},
			check: func(t *testing.T, g []orb.Geometry) {
				p, ok := g[0].(orb.Polygon)
				if !ok || len(p) != 2 {
					t.Fatalf("got %#v, want a Polygon with a hole", g[0])
				}
				if p[0].Orientation() != orb.CCW || p[1].Orientation() != orb.CW {
					t.Errorf("orientations %v, %v; RFC 7946 wants the exterior counterclockwise", p[0].Orientation(), p[1].Orientation())
				}
				mp, ok := g[1].(orb.MultiPolygon)
				if !ok || len(mp) != 2 || len(mp[0]) != 1 || len(mp[1]) != 2 {
					t.Fatalf("got %#v, want a MultiPolygon whose second polygon holds the hole", g[1])
				}
				if !mp[1][0].Bound().Contains(mp[1][1].Bound().Center()) {
					t.Errorf("the hole is not inside its exterior")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := [][]any{row("武蔵野市役所", 148000), row("髙橋記念館", 0)}
			files := shapefileFiles(t, tt.typ, tt.shapes, fields, rows)
			data := zipShapefile(t, "layer/", "道路", files, prj, "")
			layer, err := readZip(t, data, ShapefileOptions{Department: "toshi", File: "roads.zip"})
			if err != nil {
				t.Fatal(err)
			}
			if len(layer.Skipped) > 0 || len(layer.Warnings) > 0 {
				t.Errorf("skipped %v, warnings %q", layer.Skipped, layer.Warnings)
			}
			wantSource := Source{Department: "toshi", File: "roads.zip", Format: FormatShapefile,
				CRS: CRS{EPSG: 6677, Name: "JGD2011 / Japan Plane Rectangular CS IX", Zone: 9}, CRSFrom: CRSDetected, Encoding: "CP932",
				Members: []string{"layer/道路.shp", "layer/道路.shx", "layer/道路.dbf", "layer/道路.prj"}}
			if diff := cmp.Diff(wantSource, layer.Source); diff != "" {
				t.Errorf("source (-want +got):\n%s", diff)
			}
			wantCols := []Column{{Name: "名称", Type: "C", Size: 40}, {Name: "人口", Type: "N", Size: 10}, {Name: "AREA", Type: "F", Size: 12, Decimals: 3}, {Name: "OPENED", Type: "D", Size: 8}}
			if diff := cmp.Diff(wantCols, layer.Columns); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if len(layer.Features) != 2 {
				t.Fatalf("%d features, want 2", len(layer.Features))
			}
			if f := layer.Features[1]; f.ID != 2 || !cmp.Equal(f.Values, []string{"髙橋記念館", "0", "1234.500", "2024-04-01"}) {
				t.Errorf("feature 2: id %d, values %q", f.ID, f.Values)
			}
			var gs []orb.Geometry
			for _, f := range layer.Features {
				if !InJapan(f.Geometry.Bound().Center()) {
					t.Errorf("feature %d lies at %v", f.ID, f.Geometry.Bound().Center())
				}
				gs = append(gs, f.Geometry)
			}
			tt.check(t, gs)
		})
	}
}

func TestReadShapefileEncodings(t *testing.T) {
	fields := []shp.Field{shp.StringField("NAME", 30)}
	build := func(name string) map[string][]byte {
		return shapefileFiles(t, shp.POINT, []shp.Shape{&shp.Point{X: 139.5, Y: 35.7}}, fields, [][]any{{name}})
	}
	// 30 bytes cut "むさしのむさしのむさしのむさしの" (3 bytes a kana in UTF-8) mid-character.
	long := "むさしのむさしのむさしのむさしの"
	tests := []struct {
		name, value, cpg, declared string
		wantEnc, wantValue         string
		wantWarning                string
	}{
		{name: "CP932 without .cpg", value: sjis(t, "吉祥寺駅"), wantEnc: "CP932", wantValue: "吉祥寺駅"},
		{name: "UTF-8 without .cpg", value: "吉祥寺駅", wantEnc: "UTF-8", wantValue: "吉祥寺駅"},
		{name: "UTF-8 cut mid-character", value: long[:30], wantEnc: "UTF-8", wantValue: "むさしのむさしの" + "むさ"},
		{name: "CP932 full-width padding", value: sjis(t, "三鷹　"), wantEnc: "CP932", wantValue: "三鷹"},
		{name: "ASCII", value: "Kichijoji", wantEnc: "CP932", wantValue: "Kichijoji"},
		{name: ".cpg SJIS", value: sjis(t, "吉祥寺駅"), cpg: "SJIS", wantEnc: "CP932", wantValue: "吉祥寺駅"},
		{name: ".cpg 932", value: sjis(t, "吉祥寺駅"), cpg: "932\r\n", wantEnc: "CP932", wantValue: "吉祥寺駅"},
		{name: ".cpg UTF-8", value: "吉祥寺駅", cpg: "UTF-8", wantEnc: "UTF-8", wantValue: "吉祥寺駅"},
		{name: ".cpg UTF-8 over CP932 text", value: sjis(t, "吉祥寺駅"), cpg: "UTF-8", wantEnc: "CP932", wantValue: "吉祥寺駅", wantWarning: "says UTF-8 but the text is not valid UTF-8"},
		{name: "unknown .cpg", value: sjis(t, "吉祥寺駅"), cpg: "KLINGON", wantEnc: "CP932", wantValue: "吉祥寺駅", wantWarning: `names the encoding "KLINGON"`},
		{name: "declared wins", value: sjis(t, "吉祥寺駅"), cpg: "UTF-8", declared: "Shift_JIS", wantEnc: "CP932", wantValue: "吉祥寺駅"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipShapefile(t, "", "p", build(tt.value), prjFile(t, "gcs_jgd2011_esri.prj"), tt.cpg)
			layer, err := readZip(t, data, ShapefileOptions{Encoding: tt.declared})
			if err != nil {
				t.Fatal(err)
			}
			if layer.Source.Encoding != tt.wantEnc || layer.Features[0].Values[0] != tt.wantValue {
				t.Errorf("read %q as %s, want %q as %s", layer.Features[0].Values[0], layer.Source.Encoding, tt.wantValue, tt.wantEnc)
			}
			if got := strings.Join(layer.Warnings, "\n"); (tt.wantWarning == "") != (got == "") || !strings.Contains(got, tt.wantWarning) {
				t.Errorf("warnings %q, want %q", got, tt.wantWarning)
			}
		})
	}
}

func TestReadShapefileCRS(t *testing.T) {
	fields := []shp.Field{shp.StringField("NAME", 10)}
	degrees := shapefileFiles(t, shp.POINT, []shp.Shape{&shp.Point{X: 139.5, Y: 35.7}}, fields, [][]any{{"a"}})
	metres := shapefileFiles(t, shp.POINT, []shp.Shape{&shp.Point{X: tokyoE, Y: tokyoN}}, fields, [][]any{{"a"}})
	zone9, _ := CRSByEPSG(6677)
	zone2, _ := CRSByEPSG(6670)
	tests := []struct {
		name        string
		files       map[string][]byte
		prj         string
		declared    CRS
		wantCRS     int
		wantFrom    string
		wantWarning string
		wantErr     string
		unsupported bool
	}{
		{name: "prj", files: metres, prj: prjFile(t, "jgd2011_zone9_gdal.prj"), wantCRS: 6677, wantFrom: CRSDetected},
		{name: "no prj, degrees", files: degrees, wantCRS: 6668, wantFrom: CRSAssumed, wantWarning: "there is no .prj"},
		{name: "no prj, metres", files: metres, wantErr: "declare the coordinate system", unsupported: true},
		{name: "declared", files: metres, declared: zone9, wantCRS: 6677, wantFrom: CRSDeclared},
		{name: "declared over the prj", files: metres, prj: prjFile(t, "jgd2011_zone9_esri.prj"), declared: zone2, wantCRS: 6670, wantFrom: CRSDeclared,
			wantWarning: "says EPSG:6677"},
		{name: "Tokyo datum", files: metres, prj: prjFile(t, "tokyo_zone9_esri.prj"), wantErr: "p.prj: \"Japan_Zone_9\" is on the Tokyo datum", unsupported: true},
		{name: "UTM", files: metres, prj: prjFile(t, "jgd2011_utm54_esri.prj"), wantErr: "scale factor 0.9996", unsupported: true},
		{name: "not WKT", files: metres, prj: "Japan zone 9", wantErr: "p.prj: not WKT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipShapefile(t, "", "p", tt.files, tt.prj, "")
			layer, err := readZip(t, data, ShapefileOptions{CRS: tt.declared})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrUnsupportedCRS) != tt.unsupported {
					t.Fatalf("err = %v, want one containing %q (unsupported: %v)", err, tt.wantErr, tt.unsupported)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if layer.Source.CRS.EPSG != tt.wantCRS || layer.Source.CRSFrom != tt.wantFrom {
				t.Errorf("CRS %v from %s, want EPSG:%d from %s", layer.Source.CRS, layer.Source.CRSFrom, tt.wantCRS, tt.wantFrom)
			}
			if got := strings.Join(layer.Warnings, "\n"); (tt.wantWarning == "") != (got == "") || !strings.Contains(got, tt.wantWarning) {
				t.Errorf("warnings %q, want %q", got, tt.wantWarning)
			}
		})
	}
}
