package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestValidate(t *testing.T) {
	square := orb.Ring{{139.5, 35.7}, {139.6, 35.7}, {139.6, 35.8}, {139.5, 35.8}, {139.5, 35.7}}
	tests := []struct {
		name    string
		g       orb.Geometry
		wantErr string // substring of the error; "" for valid
		swapped bool
	}{
		{name: "nil", g: nil},
		{name: "point", g: orb.Point{139.5661, 35.7179}},
		{name: "extremes", g: orb.MultiPoint{{-180, -90}, {180, 90}}},
		{name: "line", g: orb.LineString{{139.5, 35.7}, {139.6, 35.8}}},
		{name: "polygon", g: orb.Polygon{square}},
		{name: "multipolygon", g: orb.MultiPolygon{{square}, {square}}},
		{name: "collection", g: orb.Collection{orb.Point{139.5, 35.7}, orb.LineString{{139.5, 35.7}, {139.6, 35.8}}}},
		{name: "empty multipoint", g: orb.MultiPoint{}},
		{name: "swapped point", g: orb.Point{35.7179, 139.5661}, wantErr: "latitude,longitude", swapped: true},
		{name: "swapped in a line", g: orb.LineString{{139.5, 35.7}, {35.8, 139.6}}, wantErr: "RFC 7946", swapped: true},
		{name: "latitude out of range", g: orb.Point{139.5, 95}, wantErr: "latitude 95 is outside -90..90"},
		{name: "latitude far out", g: orb.Point{10, 200}, wantErr: "latitude 200 is outside"},
		{name: "longitude out of range", g: orb.Point{-181, 35}, wantErr: "longitude -181 is outside"},
		{name: "projected metres", g: orb.Point{-35000.5, -12000.25}, wantErr: "outside"},
		{name: "NaN", g: orb.Point{math.NaN(), 35}, wantErr: "finite"},
		{name: "infinity", g: orb.Point{139, math.Inf(1)}, wantErr: "finite"},
		{name: "short line", g: orb.LineString{{139.5, 35.7}}, wantErr: "at least 2 positions"},
		{name: "short line in multi", g: orb.MultiLineString{{{139.5, 35.7}, {139.6, 35.8}}, {}}, wantErr: "line 2: a line needs at least 2"},
		{name: "open ring", g: orb.Polygon{{{139.5, 35.7}, {139.6, 35.7}, {139.6, 35.8}, {139.5, 35.8}}}, wantErr: "ring 1: not closed: it starts at [139.5, 35.7] and ends at [139.5, 35.8]"},
		{name: "short ring", g: orb.Polygon{{{139.5, 35.7}, {139.6, 35.7}, {139.5, 35.7}}}, wantErr: "at least 4 positions"},
		{name: "polygon without rings", g: orb.Polygon{}, wantErr: "at least one ring"},
		{name: "bad member of multipolygon", g: orb.MultiPolygon{{square}, {square[:4]}}, wantErr: "polygon 2: ring 1: not closed"},
		{name: "bad member of collection", g: orb.Collection{orb.Point{139, 35}, orb.Point{35, 139}}, wantErr: "geometry 2: ", swapped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.g)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.wantErr)
			}
			if got := errors.Is(err, ErrSwappedCoordinates); got != tt.swapped {
				t.Errorf("errors.Is(err, ErrSwappedCoordinates) = %v, want %v (err %q)", got, tt.swapped, err)
			}
		})
	}
}

func TestInJapan(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"Musashino", orb.Point{139.5661, 35.7179}, true},
		{"Shimabara", orb.Point{130.36723, 32.78926}, true},
		{"Yonaguni", orb.Point{122.94, 24.46}, true},
		{"Minamitorishima", orb.Point{153.98, 24.28}, true},
		{"Okinotorishima", orb.Point{136.07, 20.42}, true},
		{"Wakkanai", orb.Point{141.67, 45.41}, true},
		{"null island", orb.Point{0, 0}, false},
		{"swapped Musashino", orb.Point{35.7179, 139.5661}, false},
		{"Seoul", orb.Point{126.98, 37.57}, true}, // rough extent, not a border
		{"Beijing", orb.Point{116.4, 39.9}, false},
		{"Honolulu", orb.Point{-157.86, 21.31}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InJapan(tt.p); got != tt.want {
				t.Errorf("InJapan(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
