package geo

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// conflator finds, for a feature being merged, an earlier merged feature
// that is the same thing under the definition's rule.
type conflator struct {
	rule      *ConflationRule
	idField   int // index into the fields; -1 without the ID rule
	nameField int // -1 without the name rule
	byID      map[string][]int
	grid      *grid
	points    []orb.Point // representative point per merged feature (for the grid)
	names     []string    // normalised name per merged feature
	datasets  [][]string  // the datasets already in each merged feature
}

type match struct {
	Match
	index int
}

func newConflator(def MergeDef, sources []SourceLayer) *conflator {
	c := &conflator{rule: def.Conflation, idField: -1, nameField: -1}
	if c.rule == nil {
		return c
	}
	for i, f := range def.Fields {
		if f.Name == c.rule.IDField {
			c.idField = i
		}
		if f.Name == c.rule.NameField {
			c.nameField = i
		}
	}
	if c.idField >= 0 {
		c.byID = map[string][]int{}
	}
	if c.nameField >= 0 {
		maxLat := 0.0
		for _, s := range sources {
			for _, f := range s.Features {
				if p, ok := representative(f.Geometry); ok {
					maxLat = math.Max(maxLat, math.Abs(p[1]))
				}
			}
		}
		c.grid = newGrid(c.rule.MaxDistance, maxLat)
	}
	return c
}

func (c *conflator) add(i int, dataset string, g orb.Geometry, values []string) {
	if c.rule == nil {
		return
	}
	for len(c.datasets) <= i {
		c.datasets = append(c.datasets, nil)
		c.points = append(c.points, orb.Point{math.NaN(), math.NaN()})
		c.names = append(c.names, "")
	}
	c.datasets[i] = []string{dataset}
	if c.idField >= 0 {
		if id := idKey(values[c.idField]); id != "" {
			c.byID[id] = append(c.byID[id], i)
		}
	}
	if c.nameField >= 0 {
		c.names[i] = NormalizeName(values[c.nameField], c.rule.Ignore)
		if p, ok := representative(g); ok {
			c.points[i] = p
			c.grid.add(p, i)
		}
	}
}

func idKey(s string) string { return NormalizeName(s, nil) }

// match looks for the merged feature that the given feature is the same
// thing as; it records the dataset in the match.
func (c *conflator) match(dataset, featureID string, g orb.Geometry, values []string, merged []MergedFeature) (match, bool) {
	if c.rule == nil {
		return match{}, false
	}
	free := func(i int) bool { return !slices.Contains(c.datasets[i], dataset) }
	p, hasPoint := representative(g)
	side := func(ds, fid string, vals []string) MatchSide {
		s := MatchSide{Dataset: ds, FeatureID: fid}
		if c.nameField >= 0 {
			s.Name = vals[c.nameField]
		}
		if c.idField >= 0 {
			s.ID = vals[c.idField]
		}
		return s
	}
	found := func(i int, rule string, dist, sim float64, reason string) (match, bool) {
		c.datasets[i] = append(c.datasets[i], dataset)
		kept := merged[i]
		m := match{index: i, Match: Match{
			Rule: rule, Distance: dist, Similarity: sim, Reason: reason,
			Kept:   side(kept.Sources[0].Dataset, kept.Sources[0].FeatureID, kept.Values),
			Merged: side(dataset, featureID, values),
		}}
		return m, true
	}
	distTo := func(i int) float64 {
		if !hasPoint || math.IsNaN(c.points[i][0]) {
			return -1
		}
		return HaversineDistance(p, c.points[i])
	}
	if c.idField >= 0 {
		if id := idKey(values[c.idField]); id != "" {
			for _, i := range c.byID[id] {
				if free(i) {
					sim := 0.0
					if c.nameField >= 0 {
						sim = NameSimilarity(c.names[i], NormalizeName(values[c.nameField], c.rule.Ignore))
					}
					return found(i, RuleID, distTo(i), sim,
						fmt.Sprintf("same %s %q", c.rule.IDField, values[c.idField]))
				}
			}
		}
	}
	if c.nameField < 0 || !hasPoint {
		return match{}, false
	}
	name := NormalizeName(values[c.nameField], c.rule.Ignore)
	if name == "" {
		return match{}, false
	}
	best, bestSim, bestDist := -1, 0.0, 0.0
	c.grid.near(p, func(i int) {
		if !free(i) {
			return
		}
		d := HaversineDistance(p, c.points[i])
		if d > c.rule.MaxDistance {
			return
		}
		s := NameSimilarity(name, c.names[i])
		if s < c.rule.MinSimilarity {
			return
		}
		// The most similar name wins; among equals, the nearest; then the
		// earliest, so that the result does not depend on map order.
		if best < 0 || s > bestSim || (s == bestSim && (d < bestDist || (d == bestDist && i < best))) {
			best, bestSim, bestDist = i, s, d
		}
	})
	if best < 0 {
		return match{}, false
	}
	return found(best, RuleNameDistance, bestDist, bestSim,
		fmt.Sprintf("names %.2f similar (at least %.2f) and %.0f m apart (at most %.0f m)",
			bestSim, c.rule.MinSimilarity, bestDist, c.rule.MaxDistance))
}
