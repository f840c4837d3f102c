package demo

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/japanese"

	"github.com/machi-opendata/portal/geo"
)

// The layer files under data/layers/ are data: made once from the demo CSVs
// by `go test ./datasets/demo -run TestGenerateLayers -generate-layers`
// and committed, so that the demo starts from files as departments send
// them rather than from code.
var generateLayers = flag.Bool("generate-layers", false, "rewrite data/layers/ from the demo CSVs")

func TestGenerateLayers(t *testing.T) {
	if !*generateLayers {
		t.Skip("run with -generate-layers to rewrite data/layers/")
	}
	dir := filepath.Join("data", "layers")
	zipData := evacuationShapefileZip(t)
	if err := os.WriteFile(filepath.Join(dir, evacuationZip), zipData, 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, filepath.Join(dir, facilitiesGeoJSON), facilitiesCollection(t))
	writeJSON(t, filepath.Join(dir, districtsGeoJSON), districtsCollection())
}

func readDemoCSV(t *testing.T, name string) (header []string, rows [][]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("data", name))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

func column(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// evacuationShapefileZip writes 防災安全課's evacuation sites as their GIS
// exports them: a point shapefile in JGD2011 / Japan Plane Rectangular CS
// IX (EPSG:6677) with Shift_JIS attributes, zipped with .prj and .cpg.
func evacuationShapefileZip(t *testing.T) []byte {
	header, rows := readDemoCSV(t, "evacuation_space.csv")
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().String(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return b
	}
	zone9, err := geo.CRSByEPSG(6677)
	if err != nil {
		t.Fatal(err)
	}
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	tr, err := geo.NewTransform(wgs84, zone9)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	const stem = "指定緊急避難場所"
	w, err := shp.Create(filepath.Join(tmp, "layer.shp"), shp.POINT)
	if err != nil {
		t.Fatal(err)
	}
	num := shp.NumberField(sjis("収容人数"), 6)
	fields := []shp.Field{
		shp.StringField("ID", 8), shp.StringField(sjis("名称"), 60), shp.StringField(sjis("名称カナ"), 80),
		shp.StringField(sjis("所在地"), 100), shp.StringField(sjis("電話番号"), 14), num,
		shp.StringField(sjis("洪水"), 1), shp.StringField(sjis("地震"), 1), shp.StringField(sjis("大規模火事"), 1),
	}
	if err := w.SetFields(fields); err != nil {
		t.Fatal(err)
	}
	cols := []string{"ID", "名称", "名称_カナ", "所在地_連結表記", "電話番号", "想定収容人数", "災害種別_洪水", "災害種別_地震", "災害種別_大規模な火事"}
	lat, lon := column(header, "緯度"), column(header, "経度")
	for i, r := range rows {
		la, _ := strconv.ParseFloat(r[lat], 64)
		lo, _ := strconv.ParseFloat(r[lon], 64)
		p := tr.Point(orb.Point{lo, la})
		// Survey exports keep millimetres.
		w.Write(&shp.Point{X: math.Round(p[0]*1000) / 1000, Y: math.Round(p[1]*1000) / 1000})
		for j, c := range cols {
			v := r[column(header, c)]
			if j == 5 {
				n, _ := strconv.Atoi(v)
				if err := w.WriteAttribute(i, j, n); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := w.WriteAttribute(i, j, sjis(v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Close()
	prj, err := os.ReadFile(filepath.Join("..", "..", "geo", "testdata", "prj", "jgd2011_zone9_esri.prj"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) {
		h := &zip.FileHeader{Name: stem + "/" + stem + name, Method: zip.Deflate, Modified: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)}
		f, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	// go-shp v0.1.1's SetFields names the table "layerdbf", without the dot.
	for _, f := range [][2]string{{".shp", "layer.shp"}, {".shx", "layer.shx"}, {".dbf", "layerdbf"}} {
		ext, file := f[0], f[1]
		b, err := os.ReadFile(filepath.Join(tmp, file))
		if err != nil {
			t.Fatal(err)
		}
		add(ext, b)
	}
	add(".prj", prj)
	add(".cpg", []byte("SHIFT_JIS"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// facilitiesCollection is 都市計画課's public facilities as GeoJSON in
// WGS 84, with its own attribute names. A school's or a park's point is
// the main building's, a few tens of metres from 防災安全課's point for the
// same site, as two departments digitising separately would have it.
func facilitiesCollection(t *testing.T) *geojson.FeatureCollection {
	header, rows := readDemoCSV(t, "public_facility.csv")
	fc := geojson.NewFeatureCollection()
	lat, lon := column(header, "緯度"), column(header, "経度")
	for _, r := range rows {
		no, _ := strconv.Atoi(r[column(header, "NO")])
		la, _ := strconv.ParseFloat(r[lat], 64)
		lo, _ := strconv.ParseFloat(r[lon], 64)
		name := r[column(header, "名称")]
		if strings.HasSuffix(name, "学校") || strings.HasSuffix(name, "公園") || strings.HasSuffix(name, "体育館") {
			k := float64(no%5 + 1)
			la += k * 0.00006
			lo -= (6 - k) * 0.00005
		}
		f := geojson.NewFeature(orb.Point{round6(lo), round6(la)})
		f.ID = fmt.Sprintf("F%03d", no)
		f.Properties = geojson.Properties{
			"施設名": name, "施設名カナ": r[column(header, "名称_カナ")], "通称": r[column(header, "名称_通称")],
			"住所": r[column(header, "住所")], "電話番号": r[column(header, "電話番号")], "URL": r[column(header, "URL")],
		}
		fc.Append(f)
	}
	return fc
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// districtsCollection is a few 町 of the sample city as polygons, inside
// its boundary (TestDemoLayers checks).
func districtsCollection() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	towns := []struct {
		code, name               string
		west, south, east, north float64
	}{
		{"0004", "西町", 139.540, 35.700, 139.553, 35.712},
		{"0001", "中町", 139.556, 35.700, 139.572, 35.712},
		{"0002", "本町", 139.574, 35.700, 139.583, 35.712},
		{"0003", "東町", 139.585, 35.700, 139.592, 35.710},
		{"0005", "北町", 139.556, 35.7125, 139.578, 35.716},
		{"0006", "泉町", 139.566, 35.697, 139.586, 35.6995},
	}
	for _, tw := range towns {
		ring := orb.Ring{{tw.west, tw.south}, {tw.east, tw.south}, {tw.east, tw.north}, {tw.west, tw.north}, {tw.west, tw.south}}
		f := geojson.NewFeature(orb.Polygon{ring})
		f.ID = tw.code
		f.Properties = geojson.Properties{"町名": tw.name, "町コード": tw.code, "備考": SampleNote}
		fc.Append(f)
	}
	return fc
}

func writeJSON(t *testing.T, path string, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
