package web

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/geo"
)

type nearestAnswer struct {
	Type     string `json:"type"`
	Features []struct {
		ID       int `json:"id"`
		Geometry struct {
			Type        string `json:"type"`
			Coordinates any    `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	NumberReturned int `json:"numberReturned"`
}

// TestNearestAgreesWithBruteForce: for random points around the demo city
// and random hazards, nearest answers the sites that computing every
// ellipsoidal distance answers, in the same order.
func TestNearestAgreesWithBruteForce(t *testing.T) {
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	r := rand.New(rand.NewPCG(21, 22))
	hazardNames := append([]string{""}, hazards...)
	for i := range 60 {
		// Rounded as the query sends it.
		q := orb.Point{round6(139.52 + r.Float64()*0.1), round6(35.68 + r.Float64()*0.05)}
		hazard := hazardNames[i%len(hazardNames)]
		n := 1 + r.IntN(8)
		type cand struct {
			row int
			d   float64
		}
		var all []cand
		for _, s := range sites {
			if hazard == "" || s.hazards[hazard] {
				all = append(all, cand{s.row, geo.Distance(q, s.p)})
			}
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].d < all[b].d })
		all = all[:min(n, len(all))]
		path := fmt.Sprintf("/api/v1/geo/nearest?lat=%.6f&lon=%.6f&n=%d&hazard=%s", q[1], q[0], n, hazard)
		res := ts.get(t, path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json; charset=utf-8" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var got nearestAnswer
		decode(t, res, &got)
		if got.Type != "FeatureCollection" || len(got.Features) != len(all) || got.NumberReturned != len(all) {
			t.Fatalf("%s: %d features, want %d", path, len(got.Features), len(all))
		}
		for k, f := range got.Features {
			d, _ := f.Properties["distance_m"].(float64)
			if f.ID != all[k].row && d != round1(all[k].d) {
				t.Errorf("%s: [%d] = site %d at %.1f m, brute force site %d at %.1f m", path, k, f.ID, d, all[k].row, all[k].d)
			}
			if d != round1(all[k].d) {
				t.Errorf("%s: [%d] distance %v, want %.1f", path, k, d, all[k].d)
			}
			if f.Properties["layer"] != "evacuation-spaces" || f.Properties["名称"] == nil || f.Geometry.Type != "Point" {
				t.Errorf("%s: feature %+v", path, f)
			}
		}
	}
}

func round1(f float64) float64 { return roundTo(f, "%.1f") }

func round6(f float64) float64 { return roundTo(f, "%.6f") }

func roundTo(f float64, format string) float64 {
	var r float64
	fmt.Sscanf(fmt.Sprintf(format, f), "%g", &r)
	return r
}

func TestNearestParameters(t *testing.T) {
	ts := newDemoServer(t)
	sites := demoSites(t, ts)
	for _, tt := range []struct {
		query  string
		status int
		count  int // -1: do not check
	}{
		{"lat=35.70&lon=139.56", 200, 5},
		{"lat=35.70&lon=139.56&n=100", 200, len(sites)}, // clamped to 50, the demo has fewer
		{"lat=35.70&lon=139.56&n=1&hazard=earthquake", 200, 1},
		{"lat=35.70&lon=139.56&hazard=volcano", 200, 0},
		{"lat=35.70&lon=139.56&layer=public-facilities&n=3", 200, 3},
		{"lat=35.70&lon=139.56&layer=public-facilities&hazard=flood", 200, 0},
		{"lon=139.56", 400, -1},
		{"lat=91&lon=139.56", 400, -1},
		{"lat=35.7&lon=east", 400, -1},
		{"lat=35.7&lon=139.56&hazard=meteor", 400, -1},
		{"lat=35.7&lon=139.56&n=0", 400, -1},
		{"lat=35.7&lon=139.56&layer=nope", 404, -1},
	} {
		res := ts.get(t, "/api/v1/geo/nearest?"+tt.query)
		if res.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.query, res.StatusCode, tt.status)
			continue
		}
		if tt.count < 0 {
			continue
		}
		var got nearestAnswer
		decode(t, res, &got)
		if len(got.Features) != min(tt.count, 50) {
			t.Errorf("%s: %d features, want %d", tt.query, len(got.Features), tt.count)
		}
		for k := 1; k < len(got.Features); k++ {
			if got.Features[k].Properties["distance_m"].(float64) < got.Features[k-1].Properties["distance_m"].(float64) {
				t.Errorf("%s: not sorted by distance", tt.query)
			}
		}
	}
}
