package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

func TestFindFiltersAndAwkwardColumnNames(t *testing.T) {
	im := testImporter(t)
	csv := "名称,定員,有無,c\\d,\"q\"\"t\",開設日,開設日_ISO8601,_row\n" +
		"中央図書館,80,true,x1,y1,令和2年4月1日,既存の値,row-a\n" +
		"西公民館,120,false,x2,y2,平成10年5月5日,,row-b\n" +
		"東体育館,80.0,true,x3,名称,2001-01-01,,row-c\n"
	res, err := importBytes(t, im, catalog.KindTable, "awkward", "a.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	v, recs := recordsOf(t, im, "awkward")
	var names []string
	for _, c := range v.Columns {
		names = append(names, c.Name)
	}
	// The file's own 開設日_ISO8601 keeps its name and values; the derived
	// column and the reserved _row get names of their own.
	want := "名称,定員,有無,c\\d,q\"t,開設日,開設日_ISO8601_2,開設日_ISO8601,_row_2"
	if strings.Join(names, ",") != want {
		t.Errorf("columns\n%s\nwant\n%s\n(problems %v)", strings.Join(names, ","), want, res.Problems)
	}
	if recs[0]["開設日_ISO8601"] != "既存の値" || recs[0]["開設日_ISO8601_2"] != "2020-04-01" || recs[0]["_row"] != 1.0 || recs[0]["_row_2"] != "row-a" {
		t.Errorf("first record %v", recs[0])
	}

	rs := &Records{DB: im.Store.DB}
	tests := []struct {
		name string
		f    RecordFilter
		want []float64 // _row of the matches
	}{
		{"backslash in a column name", RecordFilter{Equals: map[string]string{`c\d`: "x2"}}, []float64{2}},
		{"quote in a column name", RecordFilter{Equals: map[string]string{`q"t`: "y1"}}, []float64{1}},
		{"numbers compare by value", RecordFilter{Equals: map[string]string{"定員": "80"}}, []float64{1, 3}},
		{"booleans compare by value", RecordFilter{Equals: map[string]string{"有無": "true"}}, []float64{1, 3}},
		{"q matches values, not keys", RecordFilter{Q: "名称"}, []float64{3}},
		{"q with full-width text", RecordFilter{Q: "ｺｳﾐﾝ"}, nil},
		{"sort by a number, descending", RecordFilter{Sort: "-定員"}, []float64{2, 1, 3}},
		{"one of a list", RecordFilter{OneOf: map[string][]string{"定員": {"120", "999"}}}, []float64{2}},
		{"text in one column", RecordFilter{Contains: map[string]string{"名称": "公民"}}, []float64{2}},
		{"sort by two keys, the row last", RecordFilter{OrderBy: []RecordOrder{{Column: "定員"}, {Desc: true}}}, []float64{3, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, total, err := rs.Find(context.Background(), v, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []float64
			for _, r := range raw {
				var m map[string]any
				if err := json.Unmarshal(r, &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, m["_row"].(float64))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || total != len(tt.want) {
				t.Errorf("rows %v (total %d), want %v", got, total, tt.want)
			}
		})
	}
}

func TestGeoJSONRefusedCountAndEmptyGeometries(t *testing.T) {
	im := testImporter(t)
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	b.WriteString(`{"type":"Feature","properties":{"n":0},"geometry":{"type":"MultiPoint","coordinates":[]}}`)
	for i := range 1500 {
		fmt.Fprintf(&b, `,{"type":"Feature","properties":{"n":%d},"geometry":{"type":"Point","coordinates":[35.7,139.5]}}`, i+1)
	}
	b.WriteString(`,{"type":"Feature","properties":{"n":9999},"geometry":{"type":"Polygon","coordinates":[[[139.5,35.7],[139.5,35.8],[139.6,35.8],[139.6,35.7],[139.5,35.7]]]}}`)
	b.WriteString(`]}`)
	res, err := importBytes(t, im, catalog.KindLayer, "many-bad", "m.geojson", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Refused != 1500 {
		t.Errorf("rows %d refused %d, want 2 and 1500", res.Rows, res.Refused)
	}
	d, _ := im.Store.DatasetBySlug(context.Background(), "many-bad")
	if d.Spatial == nil || *d.Spatial != (catalog.BBox{139.5, 35.7, 139.6, 35.8}) {
		t.Errorf("the empty MultiPoint widened the extent: %v", d.Spatial)
	}
	// The polygon was written clockwise; the export follows RFC 7946.
	v, recs := recordsOf(t, im, "many-bad")
	geom, _ := json.Marshal(recs[1]["_geometry"])
	if !strings.Contains(string(geom), `[[[139.5,35.7],[139.6,35.7],[139.6,35.8],[139.5,35.8],[139.5,35.7]]]`) {
		t.Errorf("polygon not rewound counterclockwise: %s", geom)
	}
	var n int
	im.Store.DB.QueryRow(`SELECT count(*) FROM records WHERE version_id = ? AND minx IS NULL`, v.ID).Scan(&n)
	if n != 1 {
		t.Errorf("%d records without bounds, want the empty MultiPoint alone", n)
	}
}

func TestFailedFillLeavesNoRecords(t *testing.T) {
	im := testImporter(t)
	boom := fmt.Errorf("disk full")
	meta := catalog.Dataset{Slug: "half", TitleJA: "途中で失敗", Kind: catalog.KindTable, Department: "bousai", License: catalog.DefaultLicense}
	_, _, err := im.Store.AddVersion(context.Background(), catalog.NewVersion{Meta: meta, Publish: true},
		func(ctx context.Context, tx *sql.Tx, id int64) (catalog.VersionStats, error) {
			w, err := newRecordWriter(ctx, tx, id)
			if err != nil {
				return catalog.VersionStats{}, err
			}
			for i := range 3*recordBatch + 7 { // several full batches already sent
				if err := w.Write(&Record{Row: i + 1, Line: i + 2, Props: []byte(`{"a":1}`)}); err != nil {
					return catalog.VersionStats{}, err
				}
			}
			w.Abandon()
			return catalog.VersionStats{}, boom
		})
	if err != boom {
		t.Fatalf("err = %v", err)
	}
	var n int
	if err := im.Store.DB.QueryRow(`SELECT count(*) FROM records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d records left after a failed fill", n)
	}
}
