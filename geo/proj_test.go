package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// requireTool finds a command-line client; CI installs them, so there a
// missing tool fails the test instead of skipping it.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// cs2cs runs PROJ's cs2cs once over pairs, in the axis order of the EPSG
// definitions (latitude, longitude for EPSG:6668, 4612 and 4326; northing,
// easting — X, Y — for the plane rectangular zones; easting, northing for
// EPSG:3857), and returns its output pairs.
func cs2cs(t *testing.T, bin, from, to string, pairs [][2]float64) [][2]float64 {
	t.Helper()
	var in strings.Builder
	for _, p := range pairs {
		in.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64))
		in.WriteByte(' ')
		in.WriteString(strconv.FormatFloat(p[1], 'f', -1, 64))
		in.WriteByte('\n')
	}
	cmd := exec.Command(bin, "-f", "%.10f", from, to)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs %s %s: %v", from, to, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pairs) {
		t.Fatalf("cs2cs %s %s: %d lines for %d points", from, to, len(lines), len(pairs))
	}
	res := make([][2]float64, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) < 2 {
			t.Fatalf("cs2cs %s %s: line %d is %q", from, to, i+1, l)
		}
		for j := range 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				t.Fatalf("cs2cs %s %s: line %d is %q", from, to, i+1, l)
			}
			res[i][j] = v
		}
	}
	return res
}

// TestPlaneRectangularAgreesWithPROJ compares our Krüger series with PROJ
// (which uses Poder/Engsager's extended Transverse Mercator) on 10,000
// random points per JGD2011 zone and direction within ±150 km of the zone's
// origin, and on fewer points for the JGD2000 zones, which share the
// formulas. The agreement must be within 1 mm; the worst errors are logged
// (go test -v -run PROJ ./geo) and reported in docs/gis.md.
func TestPlaneRectangularAgreesWithPROJ(t *testing.T) {
	bin := requireTool(t, "cs2cs")
	const (
		tolerance = 1e-3 // metres
		extent    = 150e3
	)
	wgs, _ := CRSByEPSG(EPSGWGS84)
	var report strings.Builder
	fmt.Fprintf(&report, "\n%-7s %-5s %-6s %-17s %-17s\n", "datum", "zone", "points", "plane->geo max mm", "geo->plane max mm")
	for _, datum := range []string{"JGD2011", "JGD2000"} {
		n, geog := 10000, "EPSG:6668"
		if datum == "JGD2000" {
			n, geog = 1000, "EPSG:4612"
		}
		for zone := 1; zone <= 19; zone++ {
			c, _ := PlaneRectangular(datum, zone)
			toLL, _ := NewTransform(c, wgs)
			fromLL, _ := NewTransform(wgs, c)
			rng := rand.New(rand.NewPCG(uint64(zone), uint64(len(datum))))
			lat0, lon0 := zoneOrigin(zone)

			// plane -> geographic: input X (northing), Y (easting).
			xy := make([][2]float64, n)
			for i := range xy {
				xy[i] = [2]float64{(rng.Float64()*2 - 1) * extent, (rng.Float64()*2 - 1) * extent}
			}
			worstInv := 0.0
			for i, r := range cs2cs(t, bin, c.String(), geog, xy) {
				got := toLL.Point(PlanePoint(xy[i][0], xy[i][1]))
				d := groundDistance(got, orb.Point{r[1], r[0]})
				if d > tolerance {
					t.Errorf("%v: X %.3f Y %.3f -> %.10f°N %.10f°E, PROJ says %.10f°N %.10f°E (%.3g mm apart)",
						c, xy[i][0], xy[i][1], got[1], got[0], r[0], r[1], d*1e3)
				}
				worstInv = math.Max(worstInv, d)
			}

			// geographic -> plane: input latitude, longitude.
			dLat := extent / 111e3
			dLon := extent / (111e3 * math.Cos(lat0*degree))
			ll := make([][2]float64, n)
			for i := range ll {
				ll[i] = [2]float64{lat0 + (rng.Float64()*2-1)*dLat, lon0 + (rng.Float64()*2-1)*dLon}
			}
			worstFwd := 0.0
			for i, r := range cs2cs(t, bin, geog, c.String(), ll) {
				got := fromLL.Point(orb.Point{ll[i][1], ll[i][0]})
				want := PlanePoint(r[0], r[1])
				d := math.Hypot(got[0]-want[0], got[1]-want[1])
				if d > tolerance {
					t.Errorf("%v: %.10f°N %.10f°E -> X %.4f Y %.4f, PROJ says X %.4f Y %.4f (%.3g mm apart)",
						c, ll[i][0], ll[i][1], got[1], got[0], r[0], r[1], d*1e3)
				}
				worstFwd = math.Max(worstFwd, d)
			}
			fmt.Fprintf(&report, "%-7s %-5d %-6d %-17.2g %-17.2g\n", datum, zone, n, worstInv*1e3, worstFwd*1e3)
			if t.Failed() {
				t.FailNow() // one zone's worth of errors is plenty to read
			}
		}
	}
	t.Log(report.String())
}

// TestWebMercatorAgreesWithPROJ compares EPSG:3857 both ways on 10,000
// points over Japan's extent.
func TestWebMercatorAgreesWithPROJ(t *testing.T) {
	bin := requireTool(t, "cs2cs")
	wgs, _ := CRSByEPSG(EPSGWGS84)
	wm, _ := CRSByEPSG(EPSGWebMercator)
	toWM, _ := NewTransform(wgs, wm)
	toLL, _ := NewTransform(wm, wgs)
	rng := rand.New(rand.NewPCG(3857, 1))
	ll := make([][2]float64, 10000)
	for i := range ll {
		ll[i] = [2]float64{japanMinLat + rng.Float64()*(japanMaxLat-japanMinLat), japanMinLon + rng.Float64()*(japanMaxLon-japanMinLon)}
	}
	worst := 0.0
	xy := cs2cs(t, bin, "EPSG:4326", "EPSG:3857", ll)
	for i, r := range xy {
		got := toWM.Point(orb.Point{ll[i][1], ll[i][0]})
		// Web Mercator metres are not ground metres; 1 mm of them is
		// still far below anything a tile can show.
		if d := math.Hypot(got[0]-r[0], got[1]-r[1]); d > 1e-3 {
			t.Fatalf("%v -> %v, PROJ says %v", ll[i], got, r)
		}
		worst = math.Max(worst, math.Hypot(got[0]-r[0], got[1]-r[1]))
	}
	back := cs2cs(t, bin, "EPSG:3857", "EPSG:4326", xy)
	for i, r := range back {
		got := toLL.Point(orb.Point{xy[i][0], xy[i][1]})
		if d := groundDistance(got, orb.Point{r[1], r[0]}); d > 1e-3 {
			t.Fatalf("%v -> %v, PROJ says %v (%.3g mm apart)", xy[i], got, r, d*1e3)
		}
	}
	t.Logf("Web Mercator: worst forward difference %.2g mm", worst*1e3)
}
