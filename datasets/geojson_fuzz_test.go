package datasets

import (
	"bytes"
	"errors"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

// FuzzReadGeoJSON: any bytes give a table or a clear refusal (a Problem, or
// an Invalid or TooLarge error with a message), never a panic; a table's
// features all have a geometry or a problem explaining its absence.
func FuzzReadGeoJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[139.5,35.7]},"properties":{"名称":"公園"}}]}`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":null}`,
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:6677"}},"features":[]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[0,0],[1,1]]}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1e400,0]]}}]}`,
		`[`, `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, _, err := ReadGeoJSON("f.geojson", bytes.NewReader(data), 1<<20)
		if err != nil {
			var p *Problem
			if k := catalog.KindOf(err); !errors.As(err, &p) && k != catalog.Invalid && k != catalog.TooLarge {
				t.Fatalf("unexpected error kind %v: %v", k, err)
			}
			if catalog.MessageOf(err) == "" && p == nil {
				t.Fatal("an error without a message")
			}
			return
		}
		if tab == nil {
			t.Fatal("no table and no error")
		}
	})
}
