package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Distances on the GRS80 ellipsoid (JGD2011's, and WGS 84's to 0.1 mm),
// by Vincenty's inverse formula (Vincenty 1975, "Direct and inverse
// solutions of geodesics on the ellipsoid with application of nested
// equations"). No well-kept pure-Go port of Karney's GeographicLib was
// found; Vincenty agrees with PROJ's geod (which is Karney's) to well
// under a millimetre for any pair of points in Japan
// (TestVincentyAgreesWithGeod). It fails to converge only for nearly
// antipodal points, which a municipal portal never meets; there we fall
// back to the great-circle distance on the mean radius.

// grs80B is the semi-minor axis.
const grs80B = grs80A * (1 - grs80F)

// Distance returns the length in metres of the geodesic between a and b
// (orb points, longitude and latitude in degrees) on the GRS80 ellipsoid.
func Distance(a, b orb.Point) float64 {
	d, ok := vincenty(a, b)
	if !ok {
		return greatCircle(a, b)
	}
	return d
}

// vincenty is the inverse formula; ok is false when it did not converge.
func vincenty(p1, p2 orb.Point) (float64, bool) {
	const f, a, b = grs80F, grs80A, grs80B
	if p1 == p2 {
		return 0, true
	}
	L := (p2[0] - p1[0]) * degree
	U1 := math.Atan((1 - f) * math.Tan(p1[1]*degree))
	U2 := math.Atan((1 - f) * math.Tan(p2[1]*degree))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)

	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for range 200 {
		sinLambda, cosLambda := math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0, true // the same point
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0
		if cos2Alpha != 0 { // not both on the equator
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-13 {
			u2 := cos2Alpha * (a*a - b*b) / (b * b)
			A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
			B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
			deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
				B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
			return b * A * (sigma - deltaSigma), true
		}
	}
	return 0, false
}

// greatCircle is the haversine distance on the sphere of GRS80's mean
// radius, the fallback for nearly antipodal points.
func greatCircle(a, b orb.Point) float64 {
	const r = (2*grs80A + grs80B) / 3
	dLat := (b[1] - a[1]) * degree
	dLon := (b[0] - a[0]) * degree
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*degree)*math.Cos(b[1]*degree)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// ecef returns p (on the ellipsoid's surface) in Earth-centred Cartesian
// coordinates, metres. The straight line between two such points is never
// longer than the geodesic between them, which makes it a lower bound the
// nearest-neighbour search can prune with.
func ecef(p orb.Point) [3]float64 {
	const e2 = grs80F * (2 - grs80F)
	sinLat, cosLat := math.Sincos(p[1] * degree)
	sinLon, cosLon := math.Sincos(p[0] * degree)
	n := grs80A / math.Sqrt(1-e2*sinLat*sinLat)
	return [3]float64{n * cosLat * cosLon, n * cosLat * sinLon, n * (1 - e2) * sinLat}
}
