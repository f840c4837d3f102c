package geo

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Item is one feature of an indexed layer: its id (a record's row
// number: MVT keeps only numeric ids), its geometry in WGS 84 and the
// values of the layer's keys (see NewIndex), nil where a feature has none.
type Item struct {
	ID       uint64
	Geometry orb.Geometry
	Values   []any
}

// Index is a static spatial index over a layer's features: a packed
// R-tree (the "flatbush" layout: items sorted along a space-filling curve,
// nodes of indexNodeSize boxes stored level by level in one slice) over
// their bounds in longitude/latitude, for bbox queries, tiles and
// point-in-polygon; and, built on the first nearest query, a k-d tree of
// their positions in Earth-centred coordinates for nearest neighbours by
// ellipsoidal distance.
//
// A layer is indexed once per published version and never changes, so
// nothing here needs updating in place: a new version gets a new Index.
// An Index is safe for concurrent use.
type Index struct {
	Keys []string // the names of Item.Values, in order
	// The features, in the tree's order, kept in columns without pointers
	// where possible: a layer of a million points then costs the garbage
	// collector almost nothing to scan.
	ids    []uint64
	points []orb.Point    // a point feature's point, or its Position
	shapes []orb.Geometry // nil for a point feature
	vals   []int32        // len(Keys) per feature: an index into dict, -1 for nil
	dict   []any          // the distinct values
	boxes  []orb.Bound
	levels []int // levels[i] is where level i starts in boxes; the last box is the root
	bound  orb.Bound

	kdOnce sync.Once
	kd     *kdTree
}

// indexNodeSize is how many children a node of the R-tree has: 16 is
// flatbush's default, a good balance of tree height and boxes scanned.
const indexNodeSize = 16

// NewIndex indexes features, whose Values are named by keys. It takes
// ownership of the slice (and reorders it). Features without a geometry
// are left out.
func NewIndex(keys []string, features []Item) *Index {
	fs := slices.DeleteFunc(features, func(f Item) bool { return f.Geometry == nil })
	ix := &Index{Keys: keys}
	if len(fs) == 0 {
		return ix
	}
	bounds := make([]orb.Bound, len(fs))
	ix.bound = fs[0].Geometry.Bound()
	for i, f := range fs {
		bounds[i] = f.Geometry.Bound()
		ix.bound = ix.bound.Union(bounds[i])
	}
	// Sort along a Z-order curve of the boxes' centres, so that each node
	// holds features close together.
	type keyed struct {
		key uint32
		i   int32
	}
	order := make([]keyed, len(fs))
	w := max(ix.bound.Max[0]-ix.bound.Min[0], 1e-12)
	h := max(ix.bound.Max[1]-ix.bound.Min[1], 1e-12)
	for i, b := range bounds {
		c := b.Center()
		x := uint32(math.Min(65535, (c[0]-ix.bound.Min[0])/w*65535))
		y := uint32(math.Min(65535, (c[1]-ix.bound.Min[1])/h*65535))
		order[i] = keyed{interleave(x)<<1 | interleave(y), int32(i)}
	}
	slices.SortFunc(order, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	boxes := make([]orb.Bound, 0, len(fs)+len(fs)/(indexNodeSize-1)+1)
	ix.ids = make([]uint64, len(fs))
	ix.points = make([]orb.Point, len(fs))
	ix.vals = make([]int32, len(fs)*len(keys))
	dict := map[any]int32{}
	for i, o := range order {
		f := &fs[o.i]
		ix.ids[i] = f.ID
		ix.points[i] = Position(f.Geometry)
		if _, ok := f.Geometry.(orb.Point); !ok {
			if ix.shapes == nil {
				ix.shapes = make([]orb.Geometry, len(fs))
			}
			ix.shapes[i] = f.Geometry
		}
		for k := range keys {
			ix.vals[i*len(keys)+k] = ix.intern(dict, valueAt(f.Values, k))
		}
		boxes = append(boxes, bounds[o.i])
	}
	// Build the levels above the leaves, a node per indexNodeSize boxes.
	ix.levels = []int{0}
	start, end := 0, len(boxes)
	for end-start > 1 {
		for i := start; i < end; i += indexNodeSize {
			b := boxes[i]
			for _, c := range boxes[i+1 : min(i+indexNodeSize, end)] {
				b = b.Union(c)
			}
			boxes = append(boxes, b)
		}
		start, end = end, len(boxes)
		ix.levels = append(ix.levels, start)
	}
	ix.boxes = boxes
	return ix
}

// interleave spreads the 16 low bits of v to the even bits of the result.
func interleave(v uint32) uint32 {
	v &= 0xFFFF
	v = (v | v<<8) & 0x00FF00FF
	v = (v | v<<4) & 0x0F0F0F0F
	v = (v | v<<2) & 0x33333333
	v = (v | v<<1) & 0x55555555
	return v
}

func valueAt(vs []any, k int) any {
	if k < len(vs) {
		return vs[k]
	}
	return nil
}

// intern returns v's index in the dictionary, adding it; -1 for nil.
// Values that cannot be map keys (slices, maps) are kept unshared.
func (ix *Index) intern(dict map[any]int32, v any) int32 {
	if v == nil {
		return -1
	}
	switch v.(type) {
	case string, bool, int, int64, uint64, float64:
		if i, ok := dict[v]; ok {
			return i
		}
		dict[v] = int32(len(ix.dict))
	}
	ix.dict = append(ix.dict, v)
	return int32(len(ix.dict) - 1)
}

// Len is the number of features indexed.
func (ix *Index) Len() int { return len(ix.ids) }

// ID is the id of feature i (0 ≤ i < Len, in the index's order).
func (ix *Index) ID(i int) uint64 { return ix.ids[i] }

// Geometry is the geometry of feature i.
func (ix *Index) Geometry(i int) orb.Geometry {
	if ix.shapes != nil && ix.shapes[i] != nil {
		return ix.shapes[i]
	}
	return ix.points[i]
}

// Value is the value of key k (an index in Keys) of feature i; nil for none.
func (ix *Index) Value(i, k int) any {
	if j := ix.vals[i*len(ix.Keys)+k]; j >= 0 {
		return ix.dict[j]
	}
	return nil
}

// Bound is the bounds of every feature; the zero Bound when there are none.
func (ix *Index) Bound() orb.Bound { return ix.bound }

// Search calls fn with the position (for Item) of every feature whose
// bounds intersect b, until fn returns false.
func (ix *Index) Search(b orb.Bound, fn func(i int) bool) {
	if len(ix.ids) == 0 {
		return
	}
	type entry struct{ level, pos int }
	stack := make([]entry, 0, 64)
	stack = append(stack, entry{len(ix.levels) - 1, len(ix.boxes) - 1})
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.level == 0 {
			if intersects(ix.boxes[e.pos], b) && !fn(e.pos) {
				return
			}
			continue
		}
		// The children of node pos of level L are the boxes of level L-1
		// from (pos - levels[L]) * indexNodeSize on.
		lo := ix.levels[e.level-1] + (e.pos-ix.levels[e.level])*indexNodeSize
		hi := min(lo+indexNodeSize, ix.levels[e.level])
		for c := hi - 1; c >= lo; c-- {
			if intersects(ix.boxes[c], b) {
				stack = append(stack, entry{e.level - 1, c})
			}
		}
	}
}

// intersects is Bound.Intersects without its allocation-free but slower
// general checks: boxes that touch intersect.
func intersects(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && a.Max[0] >= b.Min[0] && a.Min[1] <= b.Max[1] && a.Max[1] >= b.Min[1]
}

// InBound returns the positions of the features whose geometry meets b
// (for a line or polygon: whose bounds do, a cheap and safe answer for a
// map client), in the index's order.
func (ix *Index) InBound(b orb.Bound) []int {
	var out []int
	ix.Search(b, func(i int) bool {
		if (ix.shapes == nil || ix.shapes[i] == nil) && !b.Contains(ix.points[i]) {
			return true
		}
		out = append(out, i)
		return true
	})
	return out
}

// Containing returns the positions of the polygon features that contain p
// ("which district is this point in"), in the index's order. A point on a
// boundary counts as inside.
func (ix *Index) Containing(p orb.Point) []int {
	var out []int
	ix.Search(orb.Bound{Min: p, Max: p}, func(i int) bool {
		switch g := ix.Geometry(i).(type) {
		case orb.Polygon:
			if planar.PolygonContains(g, p) {
				out = append(out, i)
			}
		case orb.MultiPolygon:
			if planar.MultiPolygonContains(g, p) {
				out = append(out, i)
			}
		case orb.Collection:
			for _, m := range g {
				if pg, ok := m.(orb.Polygon); ok && planar.PolygonContains(pg, p) {
					out = append(out, i)
					break
				}
				if mp, ok := m.(orb.MultiPolygon); ok && planar.MultiPolygonContains(mp, p) {
					out = append(out, i)
					break
				}
			}
		}
		return true
	})
	return out
}
