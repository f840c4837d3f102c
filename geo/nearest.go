package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Neighbor is a feature found by Nearest: its position in the index (for
// Item) and its distance in metres on the ellipsoid.
type Neighbor struct {
	Pos      int
	Distance float64
}

// kdTree is a static 3-d tree of the features' positions in Earth-centred
// coordinates. Straight-line (chord) distances there never exceed the
// geodesic distance, so a subtree whose splitting plane is farther than
// the n-th best geodesic distance so far cannot hold a closer feature:
// the search is exact for ellipsoidal distance, computing a geodesic only
// for the few candidates whose chord is close enough.
type kdTree struct {
	pos  []int32      // feature positions, arranged as an implicit tree
	xyz  [][3]float64 // their coordinates, in the same order
	lonl []orb.Point  // their longitude/latitude
}

// kdLeaf is the size under which a subtree is scanned rather than split.
const kdLeaf = 8

// Position is the point a feature is found by in Nearest: the point
// itself, or the centre of its bounds for other geometries.
func Position(g orb.Geometry) orb.Point {
	if p, ok := g.(orb.Point); ok {
		return p
	}
	return g.Bound().Center()
}

func newKDTree(points []orb.Point) *kdTree {
	t := &kdTree{pos: make([]int32, len(points)), xyz: make([][3]float64, len(points)), lonl: slices.Clone(points)}
	for i, p := range points {
		t.pos[i] = int32(i)
		t.xyz[i] = ecef(p)
	}
	t.build(0, len(points), 0)
	return t
}

// build arranges [lo, hi) so that its median on axis depth%3 sits at the
// middle, smaller before and larger after, and recurses on both halves.
func (t *kdTree) build(lo, hi, depth int) {
	if hi-lo <= kdLeaf {
		return
	}
	m := (lo + hi) / 2
	t.selectNth(lo, hi, m, depth%3)
	t.build(lo, m, depth+1)
	t.build(m+1, hi, depth+1)
}

func (t *kdTree) swap(i, j int) {
	t.pos[i], t.pos[j] = t.pos[j], t.pos[i]
	t.xyz[i], t.xyz[j] = t.xyz[j], t.xyz[i]
	t.lonl[i], t.lonl[j] = t.lonl[j], t.lonl[i]
}

// selectNth is quickselect (Hoare's partition, middle pivot) on axis.
func (t *kdTree) selectNth(lo, hi, k, axis int) {
	hi-- // inclusive
	for lo < hi {
		pivot := t.xyz[(lo+hi)/2][axis]
		i, j := lo, hi
		for i <= j {
			for t.xyz[i][axis] < pivot {
				i++
			}
			for t.xyz[j][axis] > pivot {
				j--
			}
			if i <= j {
				t.swap(i, j)
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// Nearest returns the n features nearest to p by distance on the GRS80
// ellipsoid among those keep accepts (keep nil: all), nearest first (ties
// by position). A feature is at its Position.
func (ix *Index) Nearest(p orb.Point, n int, keep func(pos int) bool) []Neighbor {
	if n <= 0 || len(ix.ids) == 0 {
		return nil
	}
	ix.kdOnce.Do(func() { ix.kd = newKDTree(ix.points) })
	s := &kdSearch{t: ix.kd, q: p, qxyz: ecef(p), n: n, keep: keep, best: make([]Neighbor, 0, n+1)}
	s.visit(0, len(ix.kd.pos), 0)
	return s.best
}

type kdSearch struct {
	t    *kdTree
	q    orb.Point
	qxyz [3]float64
	n    int
	keep func(int) bool
	best []Neighbor // sorted, at most n
}

// worst is the distance a candidate must beat.
func (s *kdSearch) worst() float64 {
	if len(s.best) < s.n {
		return math.Inf(1)
	}
	return s.best[len(s.best)-1].Distance
}

func (s *kdSearch) consider(i int) {
	pos := int(s.t.pos[i])
	if s.keep != nil && !s.keep(pos) {
		return
	}
	a, b := s.t.xyz[i], s.qxyz
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	w := s.worst()
	if math.Sqrt(dx*dx+dy*dy+dz*dz) > w {
		return
	}
	d := Distance(s.q, s.t.lonl[i])
	if d > w {
		return
	}
	nb := Neighbor{Pos: pos, Distance: d}
	j := len(s.best)
	s.best = append(s.best, nb)
	for j > 0 && (s.best[j-1].Distance > d || s.best[j-1].Distance == d && s.best[j-1].Pos > pos) {
		s.best[j] = s.best[j-1]
		j--
	}
	s.best[j] = nb
	if len(s.best) > s.n {
		s.best = s.best[:s.n]
	}
}

func (s *kdSearch) visit(lo, hi, depth int) {
	if hi-lo <= kdLeaf {
		for i := lo; i < hi; i++ {
			s.consider(i)
		}
		return
	}
	m := (lo + hi) / 2
	axis := depth % 3
	d := s.qxyz[axis] - s.t.xyz[m][axis]
	nearLo, nearHi, farLo, farHi := lo, m, m+1, hi
	if d > 0 {
		nearLo, nearHi, farLo, farHi = m+1, hi, lo, m
	}
	s.visit(nearLo, nearHi, depth+1)
	s.consider(m)
	if math.Abs(d) <= s.worst() {
		s.visit(farLo, farHi, depth+1)
	}
}
