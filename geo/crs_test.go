package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCRSByEPSG(t *testing.T) {
	tests := []struct {
		code     int
		name     string
		zone     int
		datum    string
		wantErr  string
		geograph bool
	}{
		{code: 4326, name: "WGS 84", datum: "WGS 84", geograph: true},
		{code: 4612, name: "JGD2000", datum: "JGD2000", geograph: true},
		{code: 6668, name: "JGD2011", datum: "JGD2011", geograph: true},
		{code: 3857, name: "WGS 84 / Pseudo-Mercator", datum: "WGS 84"},
		{code: 2443, name: "JGD2000 / Japan Plane Rectangular CS I", zone: 1, datum: "JGD2000"},
		{code: 2451, name: "JGD2000 / Japan Plane Rectangular CS IX", zone: 9, datum: "JGD2000"},
		{code: 2461, name: "JGD2000 / Japan Plane Rectangular CS XIX", zone: 19, datum: "JGD2000"},
		{code: 6669, name: "JGD2011 / Japan Plane Rectangular CS I", zone: 1, datum: "JGD2011"},
		{code: 6677, name: "JGD2011 / Japan Plane Rectangular CS IX", zone: 9, datum: "JGD2011"},
		{code: 6687, name: "JGD2011 / Japan Plane Rectangular CS XIX", zone: 19, datum: "JGD2011"},
		{code: 2442, wantErr: "not one the portal converts"},
		{code: 2462, wantErr: "not one the portal converts"},
		{code: 6688, wantErr: "not one the portal converts"},
		{code: 30169, wantErr: "Tokyo datum"},
		{code: 4301, wantErr: "Tokyo datum"},
	}
	for _, tt := range tests {
		t.Run(tt.name+tt.wantErr, func(t *testing.T) {
			c, err := CRSByEPSG(tt.code)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrUnsupportedCRS) {
					t.Fatalf("CRSByEPSG(%d) = %v, %v; want an ErrUnsupportedCRS containing %q", tt.code, c, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.EPSG != tt.code || c.Name != tt.name || c.Zone != tt.zone || c.Datum() != tt.datum || c.Geographic() != tt.geograph {
				t.Errorf("CRSByEPSG(%d) = %+v (datum %q, geographic %v)", tt.code, c, c.Datum(), c.Geographic())
			}
		})
	}
}

func TestSupportedCRSs(t *testing.T) {
	all := SupportedCRSs()
	if len(all) != 4+2*19 {
		t.Fatalf("%d systems, want 42", len(all))
	}
	seen := map[int]bool{}
	for _, c := range all {
		if seen[c.EPSG] {
			t.Errorf("EPSG:%d listed twice", c.EPSG)
		}
		seen[c.EPSG] = true
		if back, err := CRSByEPSG(c.EPSG); err != nil || back != c {
			t.Errorf("%v does not round-trip through CRSByEPSG: %v, %v", c, back, err)
		}
	}
}

func TestParseCRS(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{in: "EPSG:6677", want: 6677},
		{in: " epsg:6677 ", want: 6677},
		{in: "6677", want: 6677},
		{in: "EPSG::2451", want: 2451},
		{in: "urn:ogc:def:crs:EPSG::6668", want: 6668},
		{in: "http://www.opengis.net/def/crs/EPSG/0/6677", want: 6677},
		{in: "https://www.opengis.net/def/crs/EPSG/0/3857", want: 3857},
		{in: "CRS84", want: 4326},
		{in: "urn:ogc:def:crs:OGC:1.3:CRS84", want: 4326},
		{in: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", want: 4326},
		{in: `GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]]]`, want: 6668},
		{in: "EPSG:32654", wantErr: "not one the portal converts"},
		{in: "Tokyo", wantErr: "does not name"},
		{in: "", wantErr: "does not name"},
		{in: "EPSG:-1", wantErr: "does not name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCRS(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCRS(%q) = %v, %v; want an error containing %q", tt.in, c, err, tt.wantErr)
				}
				return
			}
			if err != nil || c.EPSG != tt.want {
				t.Fatalf("ParseCRS(%q) = %v, %v; want EPSG:%d", tt.in, c, err, tt.want)
			}
		})
	}
}

// TestPlaneRectangularGolden checks the Krüger series against values PROJ
// 9.1.1 computed (cs2cs -f %.10f EPSG:6668 EPSG:66xx), so that the series
// is checked even where PROJ is not installed.
func TestPlaneRectangularGolden(t *testing.T) {
	tests := []struct {
		zone        int
		lat, lon    float64
		north, east float64 // X, Y in the Japanese convention
	}{
		{zone: 1, lat: 33.4, lon: 128.8, north: 44577.7400041060, east: -65114.6036380082},
		{zone: 1, lat: 32.1, lon: 130.6, north: -99267.2179738139, east: 103821.8993469761},
		{zone: 9, lat: 35.6, lon: 139.7, north: -44369.4985042826, east: -12081.0357751416},
		{zone: 9, lat: 36.4, lon: 139.13333333333335, north: 44608.2612763638, east: -62788.5035220631},
		{zone: 9, lat: 35.1, lon: 140.93333333333334, north: -99292.0458333658, east: 100286.7427884749},
		{zone: 12, lat: 44.4, lon: 141.55, north: 44680.3396394010, east: -55760.2190433929},
		{zone: 12, lat: 43.1, lon: 143.35, north: -99395.7829272816, east: 89540.8885699207},
		{zone: 14, lat: 25.1, lon: 143.1, north: -99241.2487956050, east: 110948.3509787928},
		{zone: 19, lat: 26.4, lon: 153.3, north: 44501.6886433919, east: -69837.4310367618},
	}
	for _, tt := range tests {
		c, _ := PlaneRectangular("JGD2011", tt.zone)
		wgs, _ := CRSByEPSG(EPSGWGS84)
		fwd, err := NewTransform(wgs, c)
		if err != nil {
			t.Fatal(err)
		}
		got := fwd.Point(orb.Point{tt.lon, tt.lat})
		want := PlanePoint(tt.north, tt.east)
		if d := math.Hypot(got[0]-want[0], got[1]-want[1]); d > 1e-4 {
			t.Errorf("zone %d: %v°N %v°E -> %v, PROJ says %v (%.3g m apart)", tt.zone, tt.lat, tt.lon, got, want, d)
		}
		inv, _ := NewTransform(c, wgs)
		back := inv.Point(want)
		if d := groundDistance(back, orb.Point{tt.lon, tt.lat}); d > 1e-4 {
			t.Errorf("zone %d: %v -> %v, want %v°N %v°E (%.3g m apart)", tt.zone, want, back, tt.lat, tt.lon, d)
		}
	}
}

// groundDistance is the distance in metres between two nearby
// longitude/latitude points on GRS80, by the local radii of curvature: good
// to a part in a million at the millimetre scales the tests compare.
func groundDistance(a, b orb.Point) float64 {
	e2 := grs80F * (2 - grs80F)
	phi := (a[1] + b[1]) / 2 * degree
	w := 1 - e2*math.Sin(phi)*math.Sin(phi)
	meridian := grs80A * (1 - e2) / (w * math.Sqrt(w))
	normal := grs80A / math.Sqrt(w)
	dn := (a[1] - b[1]) * degree * meridian
	de := (a[0] - b[0]) * degree * normal * math.Cos(phi)
	return math.Hypot(dn, de)
}

func TestPlaneRectangularRoundTrip(t *testing.T) {
	for zone := 1; zone <= 19; zone++ {
		lat0, lon0 := zoneOrigin(zone)
		tm := newTmerc(lat0, lon0, planeScale)
		if e, n := tm.forward(lon0, lat0); math.Abs(e) > 1e-8 || math.Abs(n) > 1e-8 {
			t.Errorf("zone %d: the origin projects to %g, %g", zone, e, n)
		}
		worst := 0.0
		for e := -300e3; e <= 300e3; e += 25e3 {
			for n := -300e3; n <= 300e3; n += 25e3 {
				lon, lat := tm.inverse(e, n)
				e2, n2 := tm.forward(lon, lat)
				worst = math.Max(worst, math.Hypot(e2-e, n2-n))
			}
		}
		if worst > 1e-6 {
			t.Errorf("zone %d: forward(inverse(p)) strays %.3g m", zone, worst)
		}
	}
}

func TestWebMercator(t *testing.T) {
	const edge = 20037508.342789244 // half the world's width in EPSG:3857
	tests := []struct {
		lon, lat, x, y float64
	}{
		{0, 0, 0, 0},
		{180, 0, edge, 0},
		{-180, webMercatorMaxLat, -edge, edge},
		{0, 89.9, 0, edge},                               // clamped to the tile limit
		{139.7671, 35.6812, 15558802.4017, 4256843.1865}, // cs2cs EPSG:4326 EPSG:3857
	}
	for _, tt := range tests {
		x, y := WebMercator(tt.lon, tt.lat)
		if math.Abs(x-tt.x) > 0.01 || math.Abs(y-tt.y) > 0.01 {
			t.Errorf("WebMercator(%v, %v) = %.2f, %.2f; want %.2f, %.2f", tt.lon, tt.lat, x, y, tt.x, tt.y)
		}
		lon, lat := WebMercatorInverse(x, y)
		if wantLat := math.Min(tt.lat, webMercatorMaxLat); math.Abs(lon-tt.lon) > 1e-9 || math.Abs(lat-wantLat) > 1e-9 {
			t.Errorf("WebMercatorInverse(%v, %v) = %v, %v", x, y, lon, lat)
		}
	}
}
