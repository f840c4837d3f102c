package geo

import (
	"math"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"
)

// Conflation rules as reported.
const (
	RuleID           = "id"            // the same standard identifier
	RuleNameDistance = "name+distance" // similar names close together
)

// NormalizeName prepares a name for comparison: NFKC (full-width Latin and
// digits and half-width katakana become their usual forms, "（" becomes
// "("), lower case, the ignore strings removed (after NFKC themselves), and
// white space removed. It does not try to know that 小学校 and 小 are the
// same; a person reviews the report instead.
func NormalizeName(s string, ignore []string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	for _, ig := range ignore {
		if ig = strings.ToLower(norm.NFKC.String(ig)); ig != "" {
			s = strings.ReplaceAll(s, ig, "")
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// NameSimilarity is the Dice coefficient of two normalised names'
// character bigrams (as multisets): 2·|A∩B| / (|A|+|B|), from 0 (nothing
// in common) to 1 (the same). A one-character name is its own single
// "bigram". Two empty names have similarity 0: nothing says they are the
// same thing.
func NameSimilarity(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	ba, bb := bigrams(a), bigrams(b)
	count := make(map[string]int, len(ba))
	for _, g := range ba {
		count[g]++
	}
	common := 0
	for _, g := range bb {
		if count[g] > 0 {
			count[g]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ba)+len(bb))
}

func bigrams(s string) []string {
	rs := []rune(s)
	if len(rs) < 2 {
		return []string{s}
	}
	out := make([]string, len(rs)-1)
	for i := range out {
		out[i] = string(rs[i : i+2])
	}
	return out
}

// earthRadius is the IUGG mean radius R1 of the GRS80/WGS 84 ellipsoid.
const earthRadius = 6371008.8

// HaversineDistance is the great-circle distance in metres between two
// WGS 84 longitude/latitude points on a sphere of the mean Earth radius.
// Against the ellipsoid it errs by at most about 0.5 %: under 5 m at 1 km.
func HaversineDistance(a, b orb.Point) float64 {
	const rad = math.Pi / 180
	lat1, lat2 := a[1]*rad, b[1]*rad
	dlat, dlon := lat2-lat1, (b[0]-a[0])*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// representative is the point a feature is compared by: the point itself,
// or the centre of the geometry's bounding box.
func representative(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case nil:
		return orb.Point{}, false
	case orb.Point:
		return g, finite(g[0]) && finite(g[1])
	}
	b := g.Bound()
	c := b.Center()
	// An empty multi-geometry has the zero bound.
	return c, finite(c[0]) && finite(c[1]) && b != orb.Bound{}
}

// grid buckets points into cells at least maxDist wide, so that every
// point within maxDist of a query lies in the query's cell or one of its
// eight neighbours: candidates are found without comparing every pair.
type grid struct {
	dLat, dLon float64
	cells      map[[2]int][]int
}

// newGrid sizes cells for maxDist metres at latitudes up to maxLat
// degrees (a degree of longitude shrinks toward the poles, so the cell is
// sized for the most northern point).
func newGrid(maxDist, maxLat float64) *grid {
	maxLat = math.Min(math.Abs(maxLat), 85)
	// 110,574 m is the shortest degree of latitude (at the equator);
	// the small factor covers the sphere/ellipsoid difference.
	dLat := maxDist * 1.01 / 110574
	dLon := maxDist * 1.01 / (111320 * math.Cos(maxLat*math.Pi/180))
	return &grid{dLat: dLat, dLon: dLon, cells: map[[2]int][]int{}}
}

func (g *grid) cell(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / g.dLon)), int(math.Floor(p[1] / g.dLat))}
}

func (g *grid) add(p orb.Point, i int) {
	c := g.cell(p)
	g.cells[c] = append(g.cells[c], i)
}

// near calls f with every item in p's cell and its neighbours.
func (g *grid) near(p orb.Point, f func(i int)) {
	c := g.cell(p)
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			for _, i := range g.cells[[2]int{c[0] + dx, c[1] + dy}] {
				f(i)
			}
		}
	}
}
