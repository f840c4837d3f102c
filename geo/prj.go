package geo

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ParsePRJ finds the CRS a shapefile's .prj describes. It reads the WKT
// that ArcGIS and QGIS write (ESRI style, "JGD_2011_Japan_Zone_9" on
// GEOGCS["GCS_JGD_2011"]), OGC WKT1 with AUTHORITY["EPSG","6677"], and WKT2
// (PROJCRS … ID["EPSG",6677]), in this order of trust:
//
//  1. the EPSG code the top-level system carries (AUTHORITY or ID);
//  2. for a Transverse Mercator projection, its parameters (latitude of
//     origin, central meridian, scale 0.9999, no false easting or northing),
//     matched against the 19 zones' origins;
//  3. the zone in the system's name: "Japan_Zone_9", "Plane Rectangular CS
//     IX", "平面直角座標系第9系".
//
// The datum comes from DATUM and GEOGCS names (JGD_2011, Japanese Geodetic
// Datum 2000, WGS_1984, …), then from the system's name, then from the
// ellipsoid (GRS 1980 is read as JGD2011). ESRI calls Tokyo-datum zones
// plainly "Japan_Zone_9"; their GCS_Tokyo settles it.
//
// Errors: text that is not WKT (with the byte where parsing stopped), and
// errors wrapping ErrUnsupportedCRS for the Tokyo datum (Bessel 1841), other
// projections (UTM, Lambert…), units other than metres, and zones that
// match no origin.
func ParsePRJ(text string) (CRS, error) {
	text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if text == "" {
		return CRS{}, fmt.Errorf("the .prj is empty")
	}
	root, err := parseWKT(text)
	if err != nil {
		return CRS{}, err
	}
	root = horizontalCRS(root)
	if root == nil {
		return CRS{}, fmt.Errorf("the WKT holds no geographic or projected coordinate system: %w", ErrUnsupportedCRS)
	}
	if code, ok := wktEPSG(root); ok {
		return CRSByEPSG(code)
	}
	name := root.name()
	datum, err := wktDatum(root)
	if err != nil {
		return CRS{}, err
	}
	switch root.key {
	case "GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS":
		switch datum {
		case "JGD2011":
			return CRSByEPSG(EPSGJGD2011)
		case "JGD2000":
			return CRSByEPSG(EPSGJGD2000)
		}
		return CRSByEPSG(EPSGWGS84)
	}

	// A projected system.
	methodNode := root.find("PROJECTION", "METHOD")
	method := wktKey(methodNode.name())
	if strings.Contains(method, "MERCATORAUXILIARYSPHERE") || strings.Contains(method, "PSEUDOMERCATOR") ||
		strings.Contains(wktKey(name), "WEBMERCATOR") || strings.Contains(wktKey(name), "PSEUDOMERCATOR") {
		return CRSByEPSG(EPSGWebMercator)
	}
	if method != "" && method != "TRANSVERSEMERCATOR" && method != "GAUSSKRUGER" {
		return CRS{}, fmt.Errorf("%q uses the projection %q; the portal converts the Japan Plane Rectangular CS (Transverse Mercator) and Web Mercator: %w",
			name, methodNode.name(), ErrUnsupportedCRS)
	}
	if err := wktMetres(root, name); err != nil {
		return CRS{}, err
	}
	zone, byParams, err := wktZoneByParameters(root)
	if err != nil {
		return CRS{}, fmt.Errorf("%q: %w", name, err)
	}
	if !byParams {
		zone = zoneInName(name)
	}
	if zone == 0 {
		return CRS{}, fmt.Errorf("%q is not a zone of the Japan Plane Rectangular CS (its parameters and name match none of the 19): %w",
			name, ErrUnsupportedCRS)
	}
	if datum == "WGS 84" {
		// A "Japan zone" on WGS 84 is a home-made definition; at the
		// accuracy we keep (see CRS), it is the JGD2011 zone.
		datum = "JGD2011"
	}
	return PlaneRectangular(datum, zone)
}

// horizontalCRS returns the first geographic or projected system in n: n
// itself, the horizontal part of a compound system, or a bound system's
// source.
func horizontalCRS(n *wktNode) *wktNode {
	switch n.key {
	case "PROJCS", "PROJCRS", "PROJECTEDCRS", "GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS":
		return n
	case "COMPD_CS", "COMPOUNDCRS", "BOUNDCRS", "SOURCECRS":
		for _, k := range n.kids {
			if h := horizontalCRS(k); h != nil {
				return h
			}
		}
	}
	return nil
}

// wktEPSG returns the EPSG code n itself carries (not its base system's).
func wktEPSG(n *wktNode) (int, bool) {
	for _, k := range n.kids {
		if (k.key == "AUTHORITY" || k.key == "ID") && len(k.vals) >= 2 && strings.EqualFold(k.vals[0], "EPSG") {
			code, err := strconv.Atoi(strings.TrimSpace(k.vals[1]))
			return code, err == nil
		}
	}
	return 0, false
}

// wktKey upper-cases s and drops everything but letters and digits, so that
// "JGD_2011", "JGD 2011" and "JGD2011" compare equal.
func wktKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r > 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wktDatum names the datum of a system: "JGD2011", "JGD2000" or "WGS 84".
func wktDatum(root *wktNode) (string, error) {
	var names []string
	root.walk(func(n *wktNode) {
		switch n.key {
		case "DATUM", "GEOGCS", "GEOGCRS", "BASEGEOGCRS", "BASEGEODCRS", "GEODCRS", "ENSEMBLE":
			names = append(names, wktKey(n.name()))
		}
	})
	names = append(names, wktKey(root.name()))
	for _, n := range names {
		switch {
		case strings.Contains(n, "TOKYO"):
			return "", fmt.Errorf("%q is on the Tokyo datum (旧日本測地系), about 400 m from JGD2011; "+
				"convert the data to JGD2011 first (for example with the GSI's TKY2JGD): %w", root.name(), ErrUnsupportedCRS)
		case strings.Contains(n, "JGD2011") || strings.Contains(n, "GEODETICDATUM2011"):
			return "JGD2011", nil
		case strings.Contains(n, "JGD2000") || strings.Contains(n, "GEODETICDATUM2000"):
			return "JGD2000", nil
		case strings.Contains(n, "WGS1984") || strings.Contains(n, "WGS84") || strings.Contains(n, "WORLDGEODETICSYSTEM1984"):
			return "WGS 84", nil
		}
	}
	if e := root.find("SPHEROID", "ELLIPSOID"); e != nil {
		switch k := wktKey(e.name()); {
		case strings.Contains(k, "GRS1980") || strings.Contains(k, "GRS80"):
			return "JGD2011", nil
		case strings.Contains(k, "BESSEL"):
			return "", fmt.Errorf("%q is on the Bessel 1841 ellipsoid, as the Tokyo datum (旧日本測地系) is; "+
				"convert the data to JGD2011 first: %w", root.name(), ErrUnsupportedCRS)
		case strings.Contains(k, "WGS"):
			return "WGS 84", nil
		}
	}
	return "", fmt.Errorf("%q: its datum is neither JGD2000, JGD2011 nor WGS 84: %w", root.name(), ErrUnsupportedCRS)
}

// wktMetres checks that a projected system's length unit is the metre.
func wktMetres(root *wktNode, name string) error {
	u := root.kid("UNIT", "LENGTHUNIT")
	for _, k := range root.kids {
		if u == nil && k.key == "AXIS" { // WKT2 gives each axis its unit
			u = k.kid("LENGTHUNIT")
		}
	}
	if u == nil || len(u.vals) < 2 {
		return nil // WKT1 says metres when silent
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(u.vals[1]), 64)
	if err != nil || math.Abs(f-1) > 1e-9 {
		return fmt.Errorf("%q measures in %q; the Japan Plane Rectangular CS is in metres: %w", name, u.name(), ErrUnsupportedCRS)
	}
	return nil
}

// wktZoneByParameters matches a Transverse Mercator's parameters against
// the zones. ok is false when the parameters are not all there (the name
// decides then); parameters that are there but match no zone are an error.
func wktZoneByParameters(root *wktNode) (zone int, ok bool, err error) {
	params := map[string]float64{}
	root.walk(func(n *wktNode) {
		if n.key != "PARAMETER" || len(n.vals) < 2 {
			return
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(n.vals[1]), 64); err == nil {
			params[wktKey(n.vals[0])] = v
		}
	})
	get := func(keys ...string) (float64, bool) {
		for _, k := range keys {
			if v, ok := params[k]; ok {
				return v, true
			}
		}
		return 0, false
	}
	lat0, ok1 := get("LATITUDEOFORIGIN", "LATITUDEOFNATURALORIGIN", "LATITUDEOFCENTER")
	lon0, ok2 := get("CENTRALMERIDIAN", "LONGITUDEOFNATURALORIGIN", "LONGITUDEOFORIGIN", "LONGITUDEOFCENTER")
	if !ok1 || !ok2 {
		return 0, false, nil
	}
	if k, ok := get("SCALEFACTOR", "SCALEFACTORATNATURALORIGIN"); ok && math.Abs(k-planeScale) > 1e-9 {
		return 0, false, fmt.Errorf("the scale factor %g is not the Japan Plane Rectangular CS's 0.9999: %w", k, ErrUnsupportedCRS)
	}
	fe, _ := get("FALSEEASTING")
	fn, _ := get("FALSENORTHING")
	if fe != 0 || fn != 0 {
		return 0, false, fmt.Errorf("false easting %g and northing %g: the Japan Plane Rectangular CS has none: %w", fe, fn, ErrUnsupportedCRS)
	}
	for z := 1; z <= planeZones; z++ {
		la, lo := zoneOrigin(z)
		// 10⁻⁶° is 0.1 m: files round 139°50′ to 139.8333333 or so.
		if math.Abs(la-lat0) < 1e-6 && math.Abs(lo-lon0) < 1e-6 {
			return z, true, nil
		}
	}
	return 0, false, fmt.Errorf("its origin %g°N %g°E is not one of the Japan Plane Rectangular CS zones' origins: %w", lat0, lon0, ErrUnsupportedCRS)
}

// zoneInName finds a zone number in a system's name: "JGD_2011_Japan_Zone_9",
// "Japan_Zone_9", "JGD2011 / Japan Plane Rectangular CS IX",
// "平面直角座標系第9系", "9系". 0 when there is none.
func zoneInName(name string) int {
	u := strings.ToUpper(name)
	for _, re := range []string{
		`ZONE[_ ]*([0-9]{1,2})\b`, `(?:ZONE|CS)[_ ]+([IVX]+)\b`, `第?([0-9０-９]{1,2}|[IVXⅠ-Ⅻ]+)系`,
	} {
		m := regexp.MustCompile(re).FindStringSubmatch(u)
		if m == nil {
			continue
		}
		if z := zoneNumber(m[1]); z >= 1 && z <= planeZones {
			return z
		}
	}
	return 0
}

// zoneNumber reads "9", "９", "IX" or "Ⅸ"; 0 for anything else.
func zoneNumber(s string) int {
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if r := []rune(s); len(r) == 1 && r[0] >= 'Ⅰ' && r[0] <= 'Ⅻ' {
		return int(r[0]-'Ⅰ') + 1
	}
	for z := 1; z <= planeZones; z++ {
		if romanZone(z) == s {
			return z
		}
	}
	return 0
}
