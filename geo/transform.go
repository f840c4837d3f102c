package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Transform converts coordinates from one CRS to another through WGS 84
// longitude/latitude. Make one per layer and reuse it: a plane rectangular
// zone's series coefficients are computed when it is made. A Transform is
// safe for concurrent use.
type Transform struct {
	From, To CRS
	toLL     func(orb.Point) orb.Point // From to longitude/latitude; nil when From is geographic
	fromLL   func(orb.Point) orb.Point // longitude/latitude to To; nil when To is geographic
}

// NewTransform returns the conversion from one CRS to another. The errors
// wrap ErrUnsupportedCRS, for a zero CRS or one that CRSByEPSG would refuse.
func NewTransform(from, to CRS) (*Transform, error) {
	t := &Transform{From: from, To: to}
	var err error
	if t.toLL, _, err = projection(from); err != nil {
		return nil, fmt.Errorf("from %s: %w", from, err)
	}
	if _, t.fromLL, err = projection(to); err != nil {
		return nil, fmt.Errorf("to %s: %w", to, err)
	}
	return t, nil
}

// projection returns c's inverse and forward projections (nil, nil for a
// geographic CRS). c is checked against CRSByEPSG, so a hand-made CRS with
// a wrong zone cannot slip through.
func projection(c CRS) (inv, fwd func(orb.Point) orb.Point, err error) {
	if c.IsZero() {
		return nil, nil, fmt.Errorf("the coordinate system is not known: %w", ErrUnsupportedCRS)
	}
	known, err := CRSByEPSG(c.EPSG)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case known.Geographic():
		return nil, nil, nil
	case known.EPSG == EPSGWebMercator:
		return func(p orb.Point) orb.Point {
				lon, lat := WebMercatorInverse(p[0], p[1])
				return orb.Point{lon, lat}
			}, func(p orb.Point) orb.Point {
				x, y := WebMercator(p[0], p[1])
				return orb.Point{x, y}
			}, nil
	}
	lat0, lon0 := zoneOrigin(known.Zone)
	tm := newTmerc(lat0, lon0, planeScale)
	return func(p orb.Point) orb.Point {
			lon, lat := tm.inverse(p[0], p[1])
			return orb.Point{lon, lat}
		}, func(p orb.Point) orb.Point {
			e, n := tm.forward(p[0], p[1])
			return orb.Point{e, n}
		}, nil
}

// Point converts one point. A point the conversion cannot represent (a
// longitude 90° from a zone's meridian) comes back with NaN or infinite
// coordinates; Geometry reports those as errors.
func (t *Transform) Point(p orb.Point) orb.Point {
	if t.toLL != nil {
		p = t.toLL(p)
	}
	if t.fromLL != nil {
		p = t.fromLL(p)
	}
	return p
}

// Identity reports whether the transform leaves coordinates as they are
// (between WGS 84, JGD2000 and JGD2011 degrees, or a CRS and itself).
func (t *Transform) Identity() bool {
	return (t.toLL == nil && t.fromLL == nil) || t.From.EPSG == t.To.EPSG
}

// Geometry returns a converted copy of g, of the same type; g is not
// modified. Every orb type is handled: points, lines, rings, polygons, their
// multi-forms and collections; an orb.Bound becomes the bound of its four
// converted corners, an approximation since a projected rectangle is not
// one. A nil geometry stays nil.
//
// The error names the first position that converts to a non-finite value
// (input not finite, or impossibly far from a zone's meridian) and the
// path to it, "polygon 2: ring 1: position 5".
func (t *Transform) Geometry(g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	if t.Identity() {
		return orb.Clone(g), nil
	}
	return mapGeometry(g, t.checked)
}

func (t *Transform) checked(p orb.Point) (orb.Point, error) {
	q := t.Point(p)
	if !finite(q[0]) || !finite(q[1]) {
		return q, fmt.Errorf("[%g, %g] has no place in %s (from %s)", p[0], p[1], t.To, t.From)
	}
	return q, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// mapGeometry applies f to every position of g, building a new geometry.
func mapGeometry(g orb.Geometry, f func(orb.Point) (orb.Point, error)) (orb.Geometry, error) {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		out, err := mapPoints(g, f)
		return orb.MultiPoint(out), err
	case orb.LineString:
		out, err := mapPoints(g, f)
		return orb.LineString(out), err
	case orb.Ring:
		out, err := mapPoints(g, f)
		return orb.Ring(out), err
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			m, err := mapPoints(ls, f)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			out[i] = m
		}
		return out, nil
	case orb.Polygon:
		return mapPolygon(g, f)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			m, err := mapPolygon(p, f)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i+1, err)
			}
			out[i] = m
		}
		return out, nil
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, m := range g {
			if m == nil {
				continue
			}
			c, err := mapGeometry(m, f)
			if err != nil {
				return nil, fmt.Errorf("geometry %d: %w", i+1, err)
			}
			out[i] = c
		}
		return out, nil
	case orb.Bound:
		var b orb.Bound
		for i, p := range []orb.Point{g.Min, g.Max, {g.Min[0], g.Max[1]}, {g.Max[0], g.Min[1]}} {
			q, err := f(p)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				b = q.Bound()
			}
			b = b.Extend(q)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unsupported geometry type %T", g)
}

func mapPoints[S ~[]orb.Point](ps S, f func(orb.Point) (orb.Point, error)) ([]orb.Point, error) {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		q, err := f(p)
		if err != nil {
			return nil, fmt.Errorf("position %d: %w", i+1, err)
		}
		out[i] = q
	}
	return out, nil
}

func mapPolygon(p orb.Polygon, f func(orb.Point) (orb.Point, error)) (orb.Polygon, error) {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		m, err := mapPoints(r, f)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i+1, err)
		}
		out[i] = m
	}
	return out, nil
}

// ToWGS84 converts g from c to WGS 84 longitude/latitude, the coordinates
// GeoJSON and the rest of the portal use. See Transform.Geometry.
func ToWGS84(g orb.Geometry, c CRS) (orb.Geometry, error) {
	wgs, _ := CRSByEPSG(EPSGWGS84)
	t, err := NewTransform(c, wgs)
	if err != nil {
		return nil, err
	}
	return t.Geometry(g)
}

// PlanePoint returns the orb point of a plane rectangular position written
// the Japanese survey way, X northing and Y easting (X座標, Y座標): the
// reverse of GIS order.
func PlanePoint(x, y float64) orb.Point { return orb.Point{y, x} }
