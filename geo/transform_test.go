package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

func TestTransformGeometry(t *testing.T) {
	zone9, _ := CRSByEPSG(6677)
	wgs, _ := CRSByEPSG(EPSGWGS84)
	toLL, err := NewTransform(zone9, wgs)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := NewTransform(wgs, zone9)
	p := PlanePoint(tokyoN, tokyoE)
	q := orb.Point{tokyoE + 100, tokyoN + 100}
	ring := orb.Ring{p, {p[0], q[1]}, q, {q[0], p[1]}, p}
	inputs := []orb.Geometry{
		p,
		orb.MultiPoint{p, q},
		orb.LineString{p, q},
		orb.MultiLineString{{p, q}, {q, p}},
		ring,
		orb.Polygon{ring},
		orb.MultiPolygon{{ring}, {ring}},
		orb.Collection{p, orb.LineString{p, q}, nil},
		orb.Bound{Min: p, Max: q},
	}
	for _, in := range inputs {
		t.Run(in.GeoJSONType(), func(t *testing.T) {
			before := orb.Clone(in)
			got, err := toLL.Geometry(in)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(before, in) {
				t.Errorf("the input was modified")
			}
			if got.GeoJSONType() != in.GeoJSONType() {
				t.Fatalf("%T became %T", in, got)
			}
			if c := got.Bound().Center(); !InJapan(c) || groundDistance(c, orb.Point{139.7, 35.6}) > 200 {
				t.Errorf("converted to around %v, want near 139.7°E 35.6°N", c)
			}
			if _, ok := in.(orb.Bound); ok {
				return // a converted bound is not a rectangle: no round trip
			}
			round, err := back.Geometry(got)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDelta(in, round); d > 1e-6 {
				t.Errorf("round trip strays %.3g m", d)
			}
		})
	}
	if g, err := toLL.Geometry(nil); g != nil || err != nil {
		t.Errorf("Geometry(nil) = %v, %v", g, err)
	}
}

// maxDelta is the largest coordinate difference between two geometries of
// the same shape, walked position by position.
func maxDelta(a, b orb.Geometry) float64 {
	var as, bs []orb.Point
	collect := func(into *[]orb.Point) func(orb.Point) (orb.Point, error) {
		return func(p orb.Point) (orb.Point, error) { *into = append(*into, p); return p, nil }
	}
	_, _ = mapGeometry(a, collect(&as))
	_, _ = mapGeometry(b, collect(&bs))
	if len(as) != len(bs) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range as {
		worst = math.Max(worst, math.Hypot(as[i][0]-bs[i][0], as[i][1]-bs[i][1]))
	}
	return worst
}

func TestTransformErrors(t *testing.T) {
	zone9, _ := CRSByEPSG(6677)
	wgs, _ := CRSByEPSG(EPSGWGS84)
	jgd, _ := CRSByEPSG(EPSGJGD2011)
	if _, err := NewTransform(CRS{}, wgs); !errors.Is(err, ErrUnsupportedCRS) {
		t.Errorf("from the zero CRS: %v", err)
	}
	if _, err := NewTransform(wgs, CRS{EPSG: 32654, Name: "WGS 84 / UTM zone 54N"}); !errors.Is(err, ErrUnsupportedCRS) {
		t.Errorf("to UTM: %v", err)
	}
	toZone, _ := NewTransform(wgs, zone9)
	_, err := toZone.Geometry(orb.Polygon{{{139, 35}, {139.1, 35}, {-40.2, 35.1}, {139, 35}}})
	if err == nil || !strings.Contains(err.Error(), "ring 1: position 3: [-40.2, 35.1] has no place in EPSG:6677") {
		t.Errorf("a point 180° from the meridian: %v", err)
	}
	same, _ := NewTransform(jgd, wgs)
	if !same.Identity() {
		t.Errorf("JGD2011 to WGS 84 is not the identity")
	}
	in := orb.LineString{{139.5, 35.7}, {139.6, 35.8}}
	out, _ := same.Geometry(in)
	out.(orb.LineString)[0][0] = 0
	if in[0][0] != 139.5 {
		t.Errorf("the identity shares memory with its input")
	}
}

func TestToWGS84(t *testing.T) {
	zone9, _ := CRSByEPSG(6677)
	g, err := ToWGS84(PlanePoint(tokyoN, tokyoE), zone9)
	if err != nil {
		t.Fatal(err)
	}
	if d := groundDistance(g.(orb.Point), orb.Point{139.7, 35.6}); d > 1e-4 {
		t.Errorf("ToWGS84 = %v, %.3g m off", g, d)
	}
}
