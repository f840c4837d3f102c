package geo

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// randomPoints are n points in a box of the given size (degrees) around
// the demo city, with ids from 1.
func randomPoints(r *rand.Rand, n int, size float64) []Item {
	fs := make([]Item, n)
	for i := range fs {
		p := orb.Point{139.56 + (r.Float64()-0.5)*size, 35.70 + (r.Float64()-0.5)*size*0.8}
		fs[i] = Item{ID: uint64(i + 1), Geometry: p, Values: []any{"p"}}
	}
	return fs
}

func idsOf(ix *Index, pos []int) []uint64 {
	var ids []uint64
	for _, p := range pos {
		ids = append(ids, ix.ID(p))
	}
	slices.Sort(ids)
	return ids
}

func TestIndexInBound(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	src := randomPoints(r, 5000, 0.3)
	ix := NewIndex([]string{"name"}, slices.Clone(src))
	if ix.Len() != len(src) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(src))
	}
	for range 50 {
		c := orb.Point{139.56 + (r.Float64()-0.5)*0.3, 35.70 + (r.Float64()-0.5)*0.24}
		b := orb.Bound{Min: c, Max: orb.Point{c[0] + r.Float64()*0.05, c[1] + r.Float64()*0.05}}
		var want []uint64
		for _, f := range src {
			if b.Contains(f.Geometry.(orb.Point)) {
				want = append(want, f.ID)
			}
		}
		if diff := cmp.Diff(want, idsOf(ix, ix.InBound(b))); diff != "" {
			t.Fatalf("InBound(%v) (-brute force +index):\n%s", b, diff)
		}
	}
	if got := NewIndex(nil, nil).InBound(orb.Bound{Max: orb.Point{180, 90}}); len(got) != 0 {
		t.Errorf("empty index found %v", got)
	}
}

func TestIndexContaining(t *testing.T) {
	// A 10 x 10 grid of square districts, one with a hole, and a point
	// layer mixed in that must never be "containing".
	var fs []Item
	id := uint64(1)
	for i := range 10 {
		for j := range 10 {
			x, y := 139.5+float64(i)*0.01, 35.6+float64(j)*0.01
			ring := orb.Ring{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}
			pg := orb.Polygon{ring}
			if i == 3 && j == 3 {
				pg = append(pg, orb.Ring{{x + 0.004, y + 0.004}, {x + 0.004, y + 0.006}, {x + 0.006, y + 0.006}, {x + 0.006, y + 0.004}, {x + 0.004, y + 0.004}})
			}
			fs = append(fs, Item{ID: id, Geometry: pg})
			id++
		}
	}
	fs = append(fs, Item{ID: 1000, Geometry: orb.Point{139.525, 35.625}})
	src := slices.Clone(fs)
	ix := NewIndex(nil, fs)
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		p := orb.Point{139.49 + r.Float64()*0.12, 35.59 + r.Float64()*0.12}
		var want []uint64
		for _, f := range src {
			if pg, ok := f.Geometry.(orb.Polygon); ok && planar.PolygonContains(pg, p) {
				want = append(want, f.ID)
			}
		}
		if diff := cmp.Diff(want, idsOf(ix, ix.Containing(p))); diff != "" {
			t.Fatalf("Containing(%v) (-brute force +index):\n%s", p, diff)
		}
	}
	if got := ix.Containing(orb.Point{139.535, 35.635}); len(got) != 0 {
		t.Errorf("a point in the hole is in %v", idsOf(ix, got))
	}
}

// TestNearestAgreesWithBruteForce: the k-d tree answers what computing
// every ellipsoidal distance answers, with and without a filter.
func TestNearestAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	src := randomPoints(r, 3000, 0.5)
	// A few duplicates and a line, found by the centre of its bounds.
	src = append(src, Item{ID: 9001, Geometry: src[0].Geometry}, Item{ID: 9002,
		Geometry: orb.LineString{{139.5, 35.7}, {139.52, 35.72}}})
	ix := NewIndex(nil, slices.Clone(src))
	keepOdd := func(pos int) bool { return ix.ID(pos)%2 == 1 }
	for i := range 300 {
		q := orb.Point{139.56 + (r.Float64()-0.5)*0.8, 35.70 + (r.Float64()-0.5)*0.8}
		n := 1 + r.IntN(50)
		var keep func(int) bool
		if i%2 == 1 {
			keep = keepOdd
		}
		type cand struct {
			id uint64
			d  float64
		}
		var all []cand
		for _, f := range src {
			if keep != nil && f.ID%2 == 0 {
				continue
			}
			all = append(all, cand{f.ID, Distance(q, Position(f.Geometry))})
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].d < all[b].d })
		got := ix.Nearest(q, n, keep)
		if len(got) != min(n, len(all)) {
			t.Fatalf("Nearest(%v, %d) gave %d", q, n, len(got))
		}
		for k, nb := range got {
			// Equal distances may come in either order; compare distances.
			if nb.Distance != all[k].d {
				t.Fatalf("Nearest(%v, %d)[%d] = id %d at %.6f m, brute force id %d at %.6f m",
					q, n, k, ix.ID(nb.Pos), nb.Distance, all[k].id, all[k].d)
			}
			if keep != nil && !keep(nb.Pos) {
				t.Fatalf("Nearest returned a feature the filter refuses")
			}
		}
	}
	if got := ix.Nearest(orb.Point{139.5, 35.7}, 5, func(int) bool { return false }); len(got) != 0 {
		t.Errorf("nothing kept, yet Nearest found %v", got)
	}
}
