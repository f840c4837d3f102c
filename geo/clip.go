package geo

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"
)

// boundary is a city boundary prepared for clipping and filtering.
type boundary struct {
	mode     string
	poly     orb.MultiPolygon
	bound    orb.Bound
	sf       geom.Geometry
	prepared geom.PreparedGeometry
}

func newBoundary(b *BoundaryDef) (*boundary, error) {
	var mp orb.MultiPolygon
	switch g := b.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return nil, &DefinitionError{Field: "boundary", Reason: "no boundary geometry was given"}
	default:
		return nil, &DefinitionError{Field: "boundary", Reason: fmt.Sprintf("the boundary is a %s; a Polygon or MultiPolygon is needed", g.GeoJSONType())}
	}
	s, err := toSF(mp)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		return nil, &DefinitionError{Field: "boundary", Reason: "the boundary polygon is invalid: " + err.Error()}
	}
	p, err := geom.Prepare(s)
	if err != nil {
		return nil, &DefinitionError{Field: "boundary", Reason: "the boundary polygon cannot be prepared: " + err.Error()}
	}
	return &boundary{mode: b.Mode, poly: mp, bound: mp.Bound(), sf: s, prepared: p}, nil
}

// apply decides a feature's fate at the boundary: kept or not, and, in
// clip mode, its geometry cut at the boundary (cut reports whether it
// changed). Points are tested by point-in-polygon (a point on the edge is
// inside); other geometries by simplefeatures. A polygon simplefeatures
// cannot work with (an invalid one) is kept unchanged when its bounding
// box meets the boundary's, with the error.
func (b *boundary) apply(g orb.Geometry) (out orb.Geometry, keep, cut bool, err error) {
	switch x := g.(type) {
	case orb.Point:
		return g, b.containsPoint(x), false, nil
	case orb.MultiPoint:
		var in orb.MultiPoint
		for _, p := range x {
			if b.containsPoint(p) {
				in = append(in, p)
			}
		}
		switch {
		case len(in) == len(x):
			return g, true, false, nil
		case b.mode == BoundaryInside || len(in) == 0:
			return nil, false, false, nil
		}
		return in, true, true, nil
	}
	if !b.bound.Intersects(g.Bound()) {
		return nil, false, false, nil
	}
	s, err := toSF(g)
	if err != nil {
		return g, true, false, err
	}
	inside, err := b.prepared.Contains(s)
	if err != nil {
		return g, true, false, err
	}
	if inside {
		return g, true, false, nil
	}
	if b.mode == BoundaryInside {
		return nil, false, false, nil
	}
	if err := s.Validate(); err != nil {
		return g, true, false, err
	}
	cs, err := geom.Intersection(s, b.sf)
	if err != nil {
		return g, true, false, err
	}
	if cs.IsEmpty() {
		return nil, false, false, nil
	}
	o, err := fromSF(cs)
	if err != nil {
		return g, true, false, errors.New("the clipped geometry cannot be converted back")
	}
	return o, true, true, nil
}

func (b *boundary) containsPoint(p orb.Point) bool {
	if !b.bound.Contains(p) {
		return false
	}
	if planar.MultiPolygonContains(b.poly, p) {
		return true
	}
	// planar's ray casting may count an edge point either way; the
	// boundary line itself belongs to the city.
	for _, poly := range b.poly {
		for _, r := range poly {
			if onRing(r, p) {
				return true
			}
		}
	}
	return false
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 1; i < len(r); i++ {
		a, c := r[i-1], r[i]
		cross := (c[0]-a[0])*(p[1]-a[1]) - (c[1]-a[1])*(p[0]-a[0])
		if cross != 0 {
			continue
		}
		if min(a[0], c[0]) <= p[0] && p[0] <= max(a[0], c[0]) && min(a[1], c[1]) <= p[1] && p[1] <= max(a[1], c[1]) {
			return true
		}
	}
	return false
}
