package geo

import "math"

// The GRS80 ellipsoid, which JGD2000 and JGD2011 use (WGS 84's differs in
// the flattening by 0.1 mm at the pole: negligible here).
const (
	grs80A = 6378137.0
	grs80F = 1 / 298.257222101

	planeScale = 0.9999 // m0, the scale on each zone's central meridian

	degree = math.Pi / 180
)

// zoneOrigin returns the origin of a Japan Plane Rectangular CS zone
// (1–19) in degrees, as the Ministry of Land, Infrastructure, Transport and
// Tourism's notice (平成14年国土交通省告示第9号) fixes it.
func zoneOrigin(zone int) (lat0, lon0 float64) {
	// latitude degrees; longitude degrees and minutes
	o := [planeZones + 1][3]float64{{},
		{33, 129, 30}, {33, 131, 0}, {36, 132, 10}, {33, 133, 30}, {36, 134, 20},
		{36, 136, 0}, {36, 137, 10}, {36, 138, 30}, {36, 139, 50}, {40, 140, 50},
		{44, 140, 15}, {44, 142, 15}, {44, 144, 15}, {26, 142, 0}, {26, 127, 30},
		{26, 124, 0}, {26, 131, 0}, {20, 136, 0}, {26, 154, 0},
	}[zone]
	return o[0], o[1] + o[2]/60
}

// tmerc is a Transverse Mercator projection of the GRS80 ellipsoid by the
// Krüger series in the form the Geospatial Information Authority of Japan
// publishes for its survey calculations (Kawase 2011, "A General Formula
// for Calculating Meridian Arc Length and its Application to Coordinate
// Conversion in the Gauss-Krüger Projection", Bulletin of the GSI 59; the
// formulas of the GSI's 平面直角座標への換算 / 緯度、経度への換算 pages).
// The series in the third flattening n stop at n⁵ (n⁶ for the latitude
// δ), whose truncation error is about n⁶·a ≈ 10⁻¹⁰ m: the errors we
// measure against PROJ are floating-point rounding.
//
// Build one per zone and reuse it: the coefficients are computed once.
type tmerc struct {
	lon0     float64 // central meridian, radians
	abar, s0 float64 // Ā and the meridian arc to the origin's latitude, both scaled by m0
	e        float64 // first eccentricity, 2√n/(1+n)
	alpha    [6]float64
	beta     [6]float64
	delta    [7]float64
}

func newTmerc(lat0, lon0, k0 float64) *tmerc {
	n := grs80F / (2 - grs80F)
	n2, n3, n4, n5 := n*n, n*n*n, n*n*n*n, n*n*n*n*n
	n6 := n3 * n3
	t := &tmerc{lon0: lon0 * degree, e: 2 * math.Sqrt(n) / (1 + n)}
	// Meridian arc coefficients A0…A5.
	a := [6]float64{
		1 + n2/4 + n4/64,
		-3.0 / 2 * (n - n3/8 - n5/64),
		15.0 / 16 * (n2 - n4/4),
		-35.0 / 48 * (n3 - 5.0/16*n5),
		315.0 / 512 * n4,
		-693.0 / 1280 * n5,
	}
	t.alpha = [6]float64{0,
		n/2 - 2.0/3*n2 + 5.0/16*n3 + 41.0/180*n4 - 127.0/288*n5,
		13.0/48*n2 - 3.0/5*n3 + 557.0/1440*n4 + 281.0/630*n5,
		61.0/240*n3 - 103.0/140*n4 + 15061.0/26880*n5,
		49561.0/161280*n4 - 179.0/168*n5,
		34729.0 / 80640 * n5,
	}
	t.beta = [6]float64{0,
		n/2 - 2.0/3*n2 + 37.0/96*n3 - 1.0/360*n4 - 81.0/512*n5,
		1.0/48*n2 + 1.0/15*n3 - 437.0/1440*n4 + 46.0/105*n5,
		17.0/480*n3 - 37.0/840*n4 - 209.0/4480*n5,
		4397.0/161280*n4 - 11.0/504*n5,
		4583.0 / 161280 * n5,
	}
	t.delta = [7]float64{0,
		2*n - 2.0/3*n2 - 2*n3 + 116.0/45*n4 + 26.0/45*n5 - 2854.0/675*n6,
		7.0/3*n2 - 8.0/5*n3 - 227.0/45*n4 + 2704.0/315*n5 + 2323.0/945*n6,
		56.0/15*n3 - 136.0/35*n4 - 1262.0/105*n5 + 73814.0/2835*n6,
		4279.0/630*n4 - 332.0/35*n5 - 399572.0/14175*n6,
		4174.0/315*n5 - 144838.0/6237*n6,
		601676.0 / 22275 * n6,
	}
	scale := k0 * grs80A / (1 + n)
	t.abar = scale * a[0]
	phi0 := lat0 * degree
	s := a[0] * phi0
	for j := 1; j <= 5; j++ {
		s += a[j] * math.Sin(2*float64(j)*phi0)
	}
	t.s0 = scale * s
	return t
}

// forward projects longitude, latitude (degrees) to easting, northing
// (metres). Points 90° or more from the central meridian give NaN.
func (t *tmerc) forward(lon, lat float64) (east, north float64) {
	phi, dl := lat*degree, lon*degree-t.lon0
	if math.Cos(dl) <= 0 {
		// The far side of the globe has no sensible place in a zone.
		return math.NaN(), math.NaN()
	}
	sp := math.Sin(phi)
	tau := math.Sinh(math.Atanh(sp) - t.e*math.Atanh(t.e*sp)) // tan of the conformal latitude
	tb := math.Sqrt(1 + tau*tau)
	xi := math.Atan2(tau, math.Cos(dl))
	eta := math.Atanh(math.Sin(dl) / tb)
	x, y := xi, eta
	for j := 1; j <= 5; j++ {
		k := 2 * float64(j)
		x += t.alpha[j] * math.Sin(k*xi) * math.Cosh(k*eta)
		y += t.alpha[j] * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	return t.abar * y, t.abar*x - t.s0
}

// inverse is forward's inverse: easting, northing (metres) to longitude,
// latitude (degrees).
func (t *tmerc) inverse(east, north float64) (lon, lat float64) {
	xi := (north + t.s0) / t.abar
	eta := east / t.abar
	x, y := xi, eta
	for j := 1; j <= 5; j++ {
		k := 2 * float64(j)
		x -= t.beta[j] * math.Sin(k*xi) * math.Cosh(k*eta)
		y -= t.beta[j] * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	chi := math.Asin(math.Sin(x) / math.Cosh(y)) // conformal latitude
	phi := chi
	for j := 1; j <= 6; j++ {
		phi += t.delta[j] * math.Sin(2*float64(j)*chi)
	}
	return (t.lon0 + math.Atan2(math.Sinh(y), math.Cos(x))) / degree, phi / degree
}

// Web Mercator (EPSG:3857) works on a sphere of the WGS 84 semi-major axis.
// Its latitude limit is where the world becomes a square, the edge of tile
// 0/0/0.
const webMercatorMaxLat = 85.05112877980659

// WebMercator projects longitude, latitude (degrees) to Web Mercator x, y
// (metres). Latitudes beyond ±85.0511° are clamped to that limit, as map
// tiles do, rather than growing without bound toward the poles.
func WebMercator(lon, lat float64) (x, y float64) {
	lat = math.Max(-webMercatorMaxLat, math.Min(webMercatorMaxLat, lat))
	return grs80A * lon * degree, grs80A * math.Log(math.Tan(math.Pi/4+lat*degree/2))
}

// WebMercatorInverse is WebMercator's inverse: x, y (metres) to longitude,
// latitude (degrees).
func WebMercatorInverse(x, y float64) (lon, lat float64) {
	return x / grs80A / degree, math.Atan(math.Sinh(y/grs80A)) / degree
}
