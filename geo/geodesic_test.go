package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestVincentyGolden keeps a few of PROJ's values (geod +ellps=GRS80 -I,
// Karney's algorithm) in the source, so the formula is checked where geod
// is not installed.
func TestVincentyGolden(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"across the demo city", orb.Point{139.56, 35.70}, orb.Point{139.58, 35.71}, 2122.980},
		{"Yonaguni to Etorofu", orb.Point{122.9, 24.4}, orb.Point{148.9, 45.5}, 3305944.495},
		{"ten centimetres", orb.Point{135, 35}, orb.Point{135.000001, 35}, 0.091},
		{"the same point", orb.Point{139.5, 35.5}, orb.Point{139.5, 35.5}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distance(tt.a, tt.b); math.Abs(got-tt.want) > 0.001 {
				t.Errorf("Distance = %.4f m, want %.3f", got, tt.want)
			}
		})
	}
}

// TestVincentyAgreesWithGeod compares Distance with PROJ's geod for random
// pairs of points in Japan, from metres to the length of the country.
func TestVincentyAgreesWithGeod(t *testing.T) {
	bin := requireTool(t, "geod")
	r := rand.New(rand.NewPCG(5, 6))
	var pairs [][2]orb.Point
	for i := range 2000 {
		a := orb.Point{japanMinLon + r.Float64()*(japanMaxLon-japanMinLon), japanMinLat + r.Float64()*(japanMaxLat-japanMinLat)}
		// Half of the pairs are near each other, as a nearest query's are.
		spread := 30.0
		if i%2 == 0 {
			spread = 0.05
		}
		b := orb.Point{a[0] + (r.Float64()-0.5)*spread, a[1] + (r.Float64()-0.5)*spread}
		pairs = append(pairs, [2]orb.Point{a, b})
	}
	var in strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&in, "%.12f %.12f %.12f %.12f\n", p[0][1], p[0][0], p[1][1], p[1][0])
	}
	cmd := exec.Command(bin, "+ellps=GRS80", "-I", "+units=m")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("geod: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pairs) {
		t.Fatalf("geod: %d lines for %d pairs", len(lines), len(pairs))
	}
	worst := 0.0
	for i, l := range lines {
		f := strings.Fields(l)
		want, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("geod line %q: %v", l, err)
		}
		got := Distance(pairs[i][0], pairs[i][1])
		// geod prints millimetres, so its own rounding is up to 0.5 mm.
		d := math.Abs(got - want)
		worst = max(worst, d)
		if d > 0.001 {
			t.Errorf("%v to %v: Distance = %.4f m, geod %.3f m", pairs[i][0], pairs[i][1], got, want)
		}
	}
	t.Logf("worst difference from geod: %.4f mm over %d pairs", worst*1000, len(pairs))
}

// TestChordIsALowerBound: the nearest search prunes by straight-line
// distance, which must never exceed the geodesic.
func TestChordIsALowerBound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 10000 {
		a := orb.Point{122 + r.Float64()*32, 20 + r.Float64()*26}
		b := orb.Point{a[0] + (r.Float64()-0.5)*r.Float64()*20, a[1] + (r.Float64()-0.5)*r.Float64()*20}
		p, q := ecef(a), ecef(b)
		chord := math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
		if g := Distance(a, b); chord > g+1e-6 {
			t.Fatalf("%v to %v: chord %.6f > geodesic %.6f", a, b, chord, g)
		}
	}
}
