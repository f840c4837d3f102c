package datasets

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

const validCollection = `{
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature",
     "properties": {"名称": "武蔵野市役所", "種別": "庁舎", "階数": 7},
     "geometry": {"type": "Point", "coordinates": [139.5661, 35.7179]}},
    {"type": "Feature",
     "properties": {"名称": "玉川上水", "延長_km": 43},
     "geometry": {"type": "LineString", "coordinates": [[139.56, 35.70], [139.58, 35.705], [139.60, 35.71, 52.5]]}},
    {"type": "Feature",
     "properties": {"名称": "井の頭恩賜公園", "備考": null},
     "geometry": {"type": "Polygon", "coordinates": [[[139.57, 35.69], [139.58, 35.69], [139.58, 35.70], [139.57, 35.70], [139.57, 35.69]]]}},
    {"type": "Feature",
     "properties": {"名称": "位置未確定の施設"},
     "geometry": null}
  ]
}`

func TestReadGeoJSONValid(t *testing.T) {
	tab, problems, err := ReadGeoJSON("shisetsu.geojson", strings.NewReader(validCollection), 0)
	if err != nil {
		t.Fatalf("ReadGeoJSON() error = %v", err)
	}
	if len(problems) != 0 {
		t.Errorf("problems = %v, want none", problems)
	}
	want := &GeoTable{
		Columns: []string{"名称", "種別", "階数", "延長_km", "備考"},
		Features: []GeoFeature{
			{Index: 0, Props: map[string]any{"名称": "武蔵野市役所", "種別": "庁舎", "階数": 7.0}, Geometry: orb.Point{139.5661, 35.7179}},
			{Index: 1, Props: map[string]any{"名称": "玉川上水", "延長_km": 43.0}, Geometry: orb.LineString{{139.56, 35.70}, {139.58, 35.705}, {139.60, 35.71}}},
			{Index: 2, Props: map[string]any{"名称": "井の頭恩賜公園", "備考": nil}, Geometry: orb.Polygon{{{139.57, 35.69}, {139.58, 35.69}, {139.58, 35.70}, {139.57, 35.70}, {139.57, 35.69}}}},
			{Index: 3, Props: map[string]any{"名称": "位置未確定の施設"}, Geometry: nil},
		},
	}
	if diff := cmp.Diff(want, tab); diff != "" {
		t.Errorf("ReadGeoJSON() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadGeoJSONSingleFeature(t *testing.T) {
	const f = `{"type":"Feature","properties":{"名称":"島原城"},"geometry":{"type":"Point","coordinates":[130.36723,32.78926]}}`
	tab, problems, err := ReadGeoJSON("shiro.geojson", strings.NewReader("\ufeff"+f), 0)
	if err != nil || len(problems) != 0 {
		t.Fatalf("ReadGeoJSON() = %v, %v", problems, err)
	}
	if len(tab.Features) != 1 || tab.Features[0].Geometry != (orb.Point{130.36723, 32.78926}) {
		t.Errorf("features = %+v", tab.Features)
	}
}

func TestReadGeoJSONRefusesBadFeatures(t *testing.T) {
	const in = `{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"名称": "正しい"}, "geometry": {"type": "Point", "coordinates": [139.88053, 35.757368]}},
{"type": "Feature", "properties": {"名称": "緯度経度が逆"}, "geometry": {"type": "Point", "coordinates": [35.757368, 139.88053]}},
{"type": "Feature", "properties": {"名称": "型が不正"}, "geometry": {"type": "Polygonal", "coordinates": [[[139.5, 35.7]]]}},
{"type": "Feature", "properties": {"名称": "座標が一つ"}, "geometry": {"type": "Point", "coordinates": [139.5]}},
{"type": "Feature", "properties": {"名称": "閉じていない"}, "geometry": {"type": "Polygon", "coordinates": [[[139.5, 35.7], [139.6, 35.7], [139.6, 35.8], [139.5, 35.8]]]}},
{"type": "Point", "coordinates": [139.5, 35.7]},
{"type": "Feature", "properties": {"名称": "最後"}, "geometry": {"type": "Point", "coordinates": [139.5, 35.7]}}
]}`
	tab, problems, err := ReadGeoJSON("bad.geojson", strings.NewReader(in), 0)
	if err != nil {
		t.Fatalf("ReadGeoJSON() error = %v", err)
	}
	var kept []int
	for _, f := range tab.Features {
		kept = append(kept, f.Index)
	}
	if diff := cmp.Diff([]int{0, 6}, kept); diff != "" {
		t.Errorf("kept features (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"名称"}, tab.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	wants := []struct {
		line   int
		reason string
	}{
		{3, "feature 1 refused: invalid geometry: position [35.757368, 139.88053]: coordinates look like latitude,longitude; GeoJSON is longitude,latitude (RFC 7946)"},
		{4, `feature 2 refused: geometry type "Polygonal" is not a GeoJSON geometry type`},
		{5, "feature 3 refused: Point coordinates: a position needs longitude and latitude, found 1 number(s)"},
		{6, "feature 4 refused: invalid geometry: ring 1: not closed"},
		{7, `feature 5 refused: type is "Point", expected "Feature"`},
	}
	if len(problems) != len(wants) {
		t.Fatalf("got %d problems, want %d: %v", len(problems), len(wants), problems)
	}
	for i, w := range wants {
		p := problems[i]
		if p.File != "bad.geojson" || p.Line != w.line || p.Severity != SeverityError || !strings.HasPrefix(p.Reason, w.reason) {
			t.Errorf("problem %d = %+v, want line %d, severity error, reason starting %q", i, p, w.line, w.reason)
		}
	}
}

func TestReadGeoJSONWarnings(t *testing.T) {
	const in = `{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::6677"}},
"features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[139.5,35.7]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-74.0,40.7]}}]}`
	_, problems, err := ReadGeoJSON("crs.geojson", strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 {
		t.Fatalf("problems = %v, want a crs warning and an outside-Japan warning", problems)
	}
	for _, p := range problems {
		if p.Severity != SeverityWarning {
			t.Errorf("problem %v: severity %q, want warning", p, p.Severity)
		}
	}
	if !strings.Contains(problems[0].Reason, "EPSG::6677") {
		t.Errorf("crs warning = %q, want it to name EPSG::6677", problems[0].Reason)
	}
	if !strings.HasPrefix(problems[1].Reason, "2 of 3 features lie outside Japan (the first is feature 0, around [0, 0])") {
		t.Errorf("outside warning = %q", problems[1].Reason)
	}

	for _, crs := range []string{"urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"} {
		in := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"` + crs + `"}},"features":[{"type":"Feature","properties":{},"geometry":null}]}`
		_, problems, err := ReadGeoJSON("ok.geojson", strings.NewReader(in), 0)
		if err != nil || len(problems) != 0 {
			t.Errorf("crs %s: problems %v, err %v; want none", crs, problems, err)
		}
	}
}

func TestReadGeoJSONFileProblems(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int64
		wantLine int
		reason   string
	}{
		{name: "not JSON", in: "名称,緯度,経度\n武蔵野市役所,35.7179,139.5661\n", wantLine: 1, reason: "the file is not JSON (unexpected '名')"},
		{name: "HTML", in: "\n<!DOCTYPE html>", wantLine: 2, reason: "unexpected '<'"},
		{name: "truncated", in: "{\"type\": \"FeatureCollection\",\n\"features\": [\n{\"type\": ", wantLine: 3, reason: "the file is not JSON"},
		{name: "syntax error line", in: "{\"type\": \"FeatureCollection\",\n\"features\": [\n}", wantLine: 3, reason: "the file is not JSON"},
		{name: "empty", in: "  \n", reason: "the file is empty"},
		{name: "no features", in: `{"type":"FeatureCollection","features":[]}`, reason: "the FeatureCollection is empty"},
		{name: "features missing", in: `{"type":"FeatureCollection"}`, reason: "the FeatureCollection is empty"},
		{name: "array", in: `[1,2]`, reason: "not a GeoJSON FeatureCollection: it holds an array"},
		{name: "features not array", in: `{"type":"FeatureCollection","features":{}}`, reason: `its "features" member holds an object where GeoJSON has an array of features`},
		{name: "bare geometry", in: `{"type":"Point","coordinates":[139.5,35.7]}`, reason: "bare Point geometry"},
		{name: "other JSON", in: `{"name":"x"}`, reason: `it has no "type" member`},
		{name: "wrong type", in: `{"type":"Topology"}`, reason: `its type is "Topology"`},
		{name: "too large", in: validCollection, max: 100, reason: "larger than the 100-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, problems, err := ReadGeoJSON("x.geojson", strings.NewReader(tt.in), tt.max)
			if err == nil {
				t.Fatalf("ReadGeoJSON() = %+v, %v, nil; want an error", tab, problems)
			}
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("error %T %v, want *Problem", err, err)
			}
			if p.File != "x.geojson" || p.Severity != SeverityError || p.Line != tt.wantLine || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("problem = %+v, want line %d and reason containing %q", *p, tt.wantLine, tt.reason)
			}
		})
	}
}
