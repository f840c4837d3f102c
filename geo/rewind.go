package geo

import "github.com/paulmach/orb"

// Rewind orients polygon rings as RFC 7946 §3.1.6 asks of producers:
// exterior rings counterclockwise, holes clockwise. Other geometries are
// returned as they are; collections are rewound member by member. The input
// is not modified.
func Rewind(g orb.Geometry) orb.Geometry {
	switch x := g.(type) {
	case orb.Polygon:
		return rewindPolygon(x)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = rewindPolygon(p)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(x))
		for i, m := range x {
			out[i] = Rewind(m)
		}
		return out
	}
	return g
}

func rewindPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		r = append(orb.Ring(nil), r...)
		if o := r.Orientation(); o != 0 && o != want {
			r.Reverse()
		}
		out[i] = r
	}
	return out
}
