package geo

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkMergeConflation merges two layers of 100,000 points each, the
// second a copy of the first moved up to 30 m, with the name+distance rule:
// every feature of the second must be found through the grid.
func BenchmarkMergeConflation(b *testing.B) {
	const n = 100000
	r := rand.New(rand.NewPCG(1, 2))
	a := SourceLayer{Dataset: "a", Columns: []string{"名称"}}
	c := SourceLayer{Dataset: "b", Columns: []string{"NAME"}}
	for i := range n {
		p := orb.Point{139 + r.Float64(), 35.3 + r.Float64()*0.6}
		name := fmt.Sprintf("施設%d号館", i)
		a.Features = append(a.Features, SourceFeature{ID: fmt.Sprint(i), Geometry: p, Values: []string{name}})
		q := orb.Point{p[0] + (r.Float64()-0.5)*0.0004, p[1] + (r.Float64()-0.5)*0.0004}
		c.Features = append(c.Features, SourceFeature{ID: fmt.Sprint(i), Geometry: q, Values: []string{name}})
	}
	def := MergeDef{Name: "x", Fields: []FieldDef{{Name: "name"}},
		Sources:    []SourceDef{{Dataset: "a", Mapping: map[string]Names{"name": {"名称"}}}, {Dataset: "b", Mapping: map[string]Names{"name": {"name"}}}},
		Conflation: &ConflationRule{NameField: "name", MinSimilarity: 1, MaxDistance: 50}}
	b.ResetTimer()
	for range b.N {
		_, rep, err := Merge(def, []SourceLayer{a, c})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Matched != n {
			b.Fatalf("matched %d of %d", rep.Matched, n)
		}
	}
}
