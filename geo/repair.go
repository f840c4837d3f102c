package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/peterstace/simplefeatures/geom"
)

// Fault is one problem found in a geometry and what, if anything, was done
// about it.
type Fault struct {
	Problem string `json:"problem"`
	Repair  string `json:"repair,omitempty"` // empty when the geometry was left as it was
}

// GeometryIssue is a fault of one source feature, as a merge reports it.
type GeometryIssue struct {
	Dataset   string `json:"dataset"`
	FeatureID string `json:"feature_id"`
	Fault
	Dropped bool `json:"dropped,omitempty"` // the feature was left out: nothing usable remained
}

// RepairGeometry checks a WGS 84 geometry and makes the repairs that
// cannot change what it means:
//   - positions with NaN or infinite coordinates are dropped;
//   - consecutive duplicate positions are dropped;
//   - unclosed polygon rings are closed;
//   - a hole with fewer than 3 distinct positions (no area) is dropped,
//     as is such a polygon from a multi-polygon;
//   - rings are rewound to RFC 7946 orientation.
//
// What is reported and left as it is, because any repair would be a guess:
// self-intersections and other invalid polygons (found by simplefeatures),
// coordinates outside longitude/latitude range, and, when japan is true
// (the source's CRS is a Japanese one), positions outside Japan's extent.
//
// It returns nil when nothing usable remains (a point with NaN
// coordinates, a line of one position); faults are nil for a valid
// geometry. The input is not modified.
func RepairGeometry(g orb.Geometry, japan bool) (orb.Geometry, []Fault) {
	r := &repairer{japan: japan}
	out := r.geometry(g)
	if out != nil && r.outside > 0 {
		r.fault(fmt.Sprintf("%d position(s) outside Japan's extent (longitude 122–154, latitude 20–46) though the coordinate system is Japanese", r.outside), "")
	}
	if out != nil && r.outRange > 0 {
		r.fault(fmt.Sprintf("%d position(s) outside longitude -180..180 or latitude -90..90", r.outRange), "")
	}
	switch out.(type) {
	case orb.Polygon, orb.MultiPolygon:
		if err := sfValidate(out); err != nil {
			r.fault("invalid polygon: "+err.Error(), "")
		}
	}
	return out, r.faults
}

type repairer struct {
	japan             bool
	faults            []Fault
	outside, outRange int
}

func (r *repairer) fault(problem, repair string) {
	r.faults = append(r.faults, Fault{Problem: problem, Repair: repair})
}

func (r *repairer) geometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		if !finitePoint(g) {
			r.fault("the point's coordinates are not finite numbers", "")
			return nil
		}
		r.look(g)
		return g
	case orb.MultiPoint:
		ps := r.points(g, "multi-point", false)
		if len(ps) == 0 {
			return nil
		}
		return orb.MultiPoint(ps)
	case orb.LineString:
		ps := r.points(g, "line", true)
		if len(ps) < 2 {
			r.fault(fmt.Sprintf("a line needs 2 distinct positions, it has %d", len(ps)), "")
			return nil
		}
		return orb.LineString(ps)
	case orb.MultiLineString:
		var out orb.MultiLineString
		for i, ls := range g {
			ps := r.points(ls, fmt.Sprintf("line %d", i+1), true)
			if len(ps) < 2 {
				r.fault(fmt.Sprintf("line %d has fewer than 2 distinct positions", i+1), "the line was dropped")
				continue
			}
			out = append(out, ps)
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case orb.Ring:
		return r.geometry(orb.Polygon{g})
	case orb.Polygon:
		p := r.polygon(g, "")
		if p == nil {
			return nil
		}
		return p
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for i, p := range g {
			q := r.polygon(p, fmt.Sprintf("polygon %d: ", i+1))
			if q == nil {
				r.fault(fmt.Sprintf("polygon %d has no area", i+1), "the polygon was dropped")
				continue
			}
			out = append(out, q)
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case orb.Collection:
		var out orb.Collection
		for _, m := range g {
			if m = r.geometry(m); m != nil {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	r.fault(fmt.Sprintf("unsupported geometry type %T", g), "")
	return nil
}

func (r *repairer) look(p orb.Point) {
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		r.outRange++
	} else if r.japan && !InJapan(p) {
		r.outside++
	}
}

// points drops non-finite positions and, when dedupe, consecutive
// duplicates.
func (r *repairer) points(ps []orb.Point, what string, dedupe bool) []orb.Point {
	out := make([]orb.Point, 0, len(ps))
	nan, dup := 0, 0
	for _, p := range ps {
		if !finitePoint(p) {
			nan++
			continue
		}
		if dedupe && len(out) > 0 && out[len(out)-1] == p {
			dup++
			continue
		}
		r.look(p)
		out = append(out, p)
	}
	if nan > 0 {
		r.fault(fmt.Sprintf("%s: %d position(s) with coordinates that are not finite numbers", what, nan), "the positions were dropped")
	}
	if dup > 0 {
		r.fault(fmt.Sprintf("%s: %d repeated consecutive position(s)", what, dup), "the repeats were dropped")
	}
	return out
}

// polygon cleans and closes the rings and rewinds them; nil when the
// exterior ring has no area.
func (r *repairer) polygon(p orb.Polygon, at string) orb.Polygon {
	var out orb.Polygon
	for i, ring := range p {
		what := fmt.Sprintf("%sring %d", at, i+1)
		ps := r.points(ring, what, true)
		if n := len(ps); n > 1 && ps[0] == ps[n-1] {
			ps = ps[:n-1] // compare distinct positions; closed again below
		}
		if len(ps) < 3 {
			if i == 0 {
				r.fault(what+": fewer than 3 distinct positions, no area", "")
				return nil
			}
			r.fault(what+": a hole with fewer than 3 distinct positions, no area", "the hole was dropped")
			continue
		}
		if len(ring) > 0 && finitePoint(ring[0]) && ring[0] != ring[len(ring)-1] {
			r.fault(what+": not closed", "the ring was closed")
		}
		out = append(out, append(orb.Ring(ps), ps[0]))
	}
	w := rewindPolygon(out)
	for i := range w {
		if w[i][1] != out[i][1] {
			r.fault(fmt.Sprintf("%sring %d: wound the wrong way for RFC 7946", at, i+1), "the ring was rewound")
		}
	}
	return w
}

func finitePoint(p orb.Point) bool { return finite(p[0]) && finite(p[1]) }

// toSF converts an orb geometry to simplefeatures through WKB, without
// simplefeatures' validation (the caller decides whether to validate).
func toSF(g orb.Geometry) (geom.Geometry, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return geom.Geometry{}, err
	}
	return geom.UnmarshalWKB(b, geom.NoValidate{})
}

func fromSF(g geom.Geometry) (orb.Geometry, error) {
	return wkb.Unmarshal(g.AsBinary())
}

// sfValidate applies simplefeatures' OGC validity rules (rings simple and
// closed, holes inside their exterior, interiors connected), which orb
// does not check.
func sfValidate(g orb.Geometry) error {
	s, err := toSF(g)
	if err != nil {
		return err
	}
	return s.Validate()
}
