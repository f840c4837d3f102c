package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// districtsGeoJSON is a polygon layer of four square districts in a 2 x 2
// grid, the north-west one with a hole (a park that belongs to none).
const districtsGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"名称":"南西町"},"geometry":{"type":"Polygon","coordinates":[[[139.50,35.60],[139.51,35.60],[139.51,35.61],[139.50,35.61],[139.50,35.60]]]}},
{"type":"Feature","properties":{"名称":"南東町"},"geometry":{"type":"Polygon","coordinates":[[[139.51,35.60],[139.52,35.60],[139.52,35.61],[139.51,35.61],[139.51,35.60]]]}},
{"type":"Feature","properties":{"名称":"北西町"},"geometry":{"type":"Polygon","coordinates":[[[139.50,35.61],[139.51,35.61],[139.51,35.62],[139.50,35.62],[139.50,35.61]],[[139.504,35.614],[139.504,35.616],[139.506,35.616],[139.506,35.614],[139.504,35.614]]]}},
{"type":"Feature","properties":{"名称":"北東町"},"geometry":{"type":"MultiPolygon","coordinates":[[[[139.51,35.61],[139.52,35.61],[139.52,35.62],[139.51,35.62],[139.51,35.61]]]]}}
]}`

func districtServer(t *testing.T) *testServer {
	t.Helper()
	return startTestServer(t, func(ts *testServer) {
		_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "districts", Kind: catalog.KindLayer, Department: "shisan",
			Meta: &catalog.Dataset{TitleJA: "町丁目"}, Publish: true,
			Files: []datasets.File{{Name: "districts.geojson", Data: strings.NewReader(districtsGeoJSON)}}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func namesOf(a nearestAnswer) []string {
	out := []string{}
	for _, f := range a.Features {
		out = append(out, fmt.Sprint(f.Properties["名称"]))
	}
	return out
}

func TestGeoContains(t *testing.T) {
	ts := districtServer(t)
	for _, tt := range []struct {
		lat, lon float64
		want     []string
	}{
		{35.605, 139.505, []string{"南西町"}},
		{35.615, 139.515, []string{"北東町"}},
		{35.615, 139.5005, []string{"北西町"}},
		{35.615, 139.505, []string{}}, // the park in the hole
		{35.70, 139.60, []string{}},
	} {
		var got nearestAnswer
		res := ts.get(t, fmt.Sprintf("/api/v1/geo/contains?layer=districts&lat=%g&lon=%g", tt.lat, tt.lon))
		if res.StatusCode != 200 {
			t.Fatalf("%v: %d", tt, res.StatusCode)
		}
		decode(t, res, &got)
		if diff := cmp.Diff(tt.want, namesOf(got)); diff != "" {
			t.Errorf("%g,%g (-want +got):\n%s", tt.lat, tt.lon, diff)
		}
	}
	for _, q := range []string{"lat=35.6&lon=139.5", "layer=districts&lat=x&lon=139.5"} {
		if res := ts.get(t, "/api/v1/geo/contains?"+q); res.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", q, res.StatusCode)
		}
	}
}

func TestGeoBBox(t *testing.T) {
	ts := districtServer(t)
	var got struct {
		nearestAnswer
		NumberMatched int `json:"numberMatched"`
	}
	decode(t, ts.get(t, "/api/v1/geo/bbox?layer=districts&bbox=139.505,35.605,139.509,35.609&limit=5"), &got)
	if diff := cmp.Diff([]string{"南西町"}, namesOf(got.nearestAnswer)); diff != "" || got.NumberMatched != 1 {
		t.Errorf("one district (-want +got):\n%s (matched %d)", diff, got.NumberMatched)
	}
	got.Features = nil
	decode(t, ts.get(t, "/api/v1/geo/bbox?layer=districts&bbox=139.4,35.5,139.6,35.7&limit=3"), &got)
	if diff := cmp.Diff([]string{"南西町", "南東町", "北西町"}, namesOf(got.nearestAnswer)); diff != "" || got.NumberMatched != 4 {
		t.Errorf("all districts, limited (-want +got):\n%s (matched %d)", diff, got.NumberMatched)
	}
	for _, q := range []string{"layer=districts", "layer=districts&bbox=1,2,3", "bbox=139,35,140,36"} {
		if res := ts.get(t, "/api/v1/geo/bbox?"+q); res.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", q, res.StatusCode)
		}
	}
	if res := ts.get(t, "/api/v1/geo/bbox?layer=nope&bbox=139,35,140,36"); res.StatusCode != 404 {
		t.Errorf("unknown layer: %d, want 404", res.StatusCode)
	}
}
