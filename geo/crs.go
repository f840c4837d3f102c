package geo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnsupportedCRS is wrapped by every error about a coordinate system the
// portal cannot convert: an unknown EPSG code, a .prj naming the Tokyo
// datum, a projection other than the ones below.
var ErrUnsupportedCRS = errors.New("unsupported coordinate system")

// EPSG codes of the geographic systems and of Web Mercator.
const (
	EPSGWGS84       = 4326 // WGS 84, longitude/latitude (GeoJSON's CRS84)
	EPSGJGD2000     = 4612 // JGD2000 geographic
	EPSGJGD2011     = 6668 // JGD2011 geographic
	EPSGWebMercator = 3857 // WGS 84 / Pseudo-Mercator, the web map tiles' system

	// The Japan Plane Rectangular CS zones I to XIX are consecutive codes
	// from these.
	epsgJGD2000Zone1 = 2443
	epsgJGD2011Zone1 = 6669
	planeZones       = 19
)

// CRS is a coordinate system the portal converts to and from WGS 84:
// WGS 84, JGD2000 and JGD2011 longitude/latitude, the 19 zones of the Japan
// Plane Rectangular CS (平面直角座標系) on JGD2000 and JGD2011, and Web
// Mercator. The zero CRS is "not known".
//
// Coordinates are always orb points in GIS order: longitude, latitude for
// geographic systems; easting, northing for projected ones. The Japanese
// survey convention names northing X and easting Y, so a plane rectangular
// X/Y pair becomes orb.Point{Y, X} (see PlanePoint).
//
// JGD2000, JGD2011 and WGS 84 are taken as the same datum, as EPSG's own
// transformations between them do (EPSG:9936 "JGD2011 to WGS 84 (1)" and
// EPSG:6698 "JGD2000 to JGD2011 (2)" are null transformations, stated
// accurate to 1 m). The real differences are below map precision for a
// municipal portal but are not centimetres everywhere: docs/gis.md says how
// large they are.
type CRS struct {
	EPSG int    `json:"epsg"`
	Name string `json:"name"`           // EPSG's name, "JGD2011 / Japan Plane Rectangular CS IX"
	Zone int    `json:"zone,omitempty"` // Japan Plane Rectangular CS zone 1–19; 0 for the others
}

// String returns "EPSG:6677".
func (c CRS) String() string {
	if c.EPSG == 0 {
		return "unknown coordinate system"
	}
	return "EPSG:" + strconv.Itoa(c.EPSG)
}

// IsZero reports whether c is the zero CRS (not known).
func (c CRS) IsZero() bool { return c.EPSG == 0 }

// Geographic reports whether c's coordinates are longitude/latitude degrees.
func (c CRS) Geographic() bool {
	return c.EPSG == EPSGWGS84 || c.EPSG == EPSGJGD2000 || c.EPSG == EPSGJGD2011
}

// Datum names c's geodetic datum: "WGS 84", "JGD2000" or "JGD2011".
func (c CRS) Datum() string {
	switch {
	case c.EPSG == EPSGJGD2000 || (c.Zone > 0 && c.EPSG < epsgJGD2011Zone1):
		return "JGD2000"
	case c.EPSG == EPSGJGD2011 || c.Zone > 0:
		return "JGD2011"
	case c.EPSG == 0:
		return ""
	}
	return "WGS 84"
}

// romanZones are the zones' numerals as EPSG writes them in names.
func romanZone(zone int) string {
	return [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
		"XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX"}[zone]
}

// CRSByEPSG returns the CRS with that EPSG code. Supported: 4326, 4612, 6668,
// 3857, 2443–2461 (JGD2000 zones I–XIX) and 6669–6687 (JGD2011 zones I–XIX).
// Other codes return an error wrapping ErrUnsupportedCRS; for the Tokyo
// datum (4301 and its zones 30161–30179) the error says why.
func CRSByEPSG(code int) (CRS, error) {
	switch {
	case code == EPSGWGS84:
		return CRS{EPSG: code, Name: "WGS 84"}, nil
	case code == EPSGJGD2000:
		return CRS{EPSG: code, Name: "JGD2000"}, nil
	case code == EPSGJGD2011:
		return CRS{EPSG: code, Name: "JGD2011"}, nil
	case code == EPSGWebMercator:
		return CRS{EPSG: code, Name: "WGS 84 / Pseudo-Mercator"}, nil
	case code >= epsgJGD2000Zone1 && code < epsgJGD2000Zone1+planeZones:
		return PlaneRectangular("JGD2000", code-epsgJGD2000Zone1+1)
	case code >= epsgJGD2011Zone1 && code < epsgJGD2011Zone1+planeZones:
		return PlaneRectangular("JGD2011", code-epsgJGD2011Zone1+1)
	case code == 4301 || (code >= 30161 && code <= 30179):
		return CRS{}, fmt.Errorf("EPSG:%d is on the Tokyo datum (旧日本測地系), which lies about 400 m from JGD2011; "+
			"convert the data to JGD2011 first (for example with the GSI's TKY2JGD): %w", code, ErrUnsupportedCRS)
	}
	return CRS{}, fmt.Errorf("EPSG:%d is not one the portal converts (WGS 84, JGD2000, JGD2011 and their Japan Plane Rectangular zones): %w",
		code, ErrUnsupportedCRS)
}

// PlaneRectangular returns zone (1–19) of the Japan Plane Rectangular CS on
// datum "JGD2000" or "JGD2011". Errors wrap ErrUnsupportedCRS.
func PlaneRectangular(datum string, zone int) (CRS, error) {
	if zone < 1 || zone > planeZones {
		return CRS{}, fmt.Errorf("zone %d: the Japan Plane Rectangular CS has zones 1 to 19: %w", zone, ErrUnsupportedCRS)
	}
	var first int
	switch datum {
	case "JGD2000":
		first = epsgJGD2000Zone1
	case "JGD2011":
		first = epsgJGD2011Zone1
	default:
		return CRS{}, fmt.Errorf("datum %q: the Japan Plane Rectangular CS is supported on JGD2000 and JGD2011: %w", datum, ErrUnsupportedCRS)
	}
	return CRS{EPSG: first + zone - 1, Name: datum + " / Japan Plane Rectangular CS " + romanZone(zone), Zone: zone}, nil
}

// SupportedCRSs lists every CRS the portal converts, geographic first, for
// a choice on an upload form.
func SupportedCRSs() []CRS {
	var out []CRS
	for _, code := range []int{EPSGJGD2011, EPSGJGD2000, EPSGWGS84, EPSGWebMercator} {
		c, _ := CRSByEPSG(code)
		out = append(out, c)
	}
	for _, datum := range []string{"JGD2011", "JGD2000"} {
		for z := 1; z <= planeZones; z++ {
			c, _ := PlaneRectangular(datum, z)
			out = append(out, c)
		}
	}
	return out
}

// ParseCRS reads a coordinate system as a person or a standard names it:
// "EPSG:6677", "6677", "urn:ogc:def:crs:EPSG::6677",
// "http://www.opengis.net/def/crs/EPSG/0/6677", "CRS84"
// (urn:ogc:def:crs:OGC:1.3:CRS84 and the OGC URL), or the WKT of a .prj
// file (see ParsePRJ). Errors wrap ErrUnsupportedCRS when the system is
// understood but not supported.
func ParseCRS(s string) (CRS, error) {
	t := strings.TrimSpace(s)
	u := strings.ToUpper(t)
	if strings.HasSuffix(u, "CRS84") {
		return CRSByEPSG(EPSGWGS84)
	}
	if i := strings.IndexAny(t, "[("); i > 0 {
		return ParsePRJ(t)
	}
	code := u
	for _, p := range []string{"URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/",
		"HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "EPSG::", "EPSG:"} {
		if strings.HasPrefix(code, p) {
			code = code[len(p):]
			break
		}
	}
	n, err := strconv.Atoi(code)
	if err != nil || n <= 0 {
		return CRS{}, fmt.Errorf("%q does not name a coordinate system; write an EPSG code such as EPSG:6677", s)
	}
	return CRSByEPSG(n)
}
