package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ErrSwappedCoordinates is wrapped by Validate's error when a position looks
// like latitude,longitude: the order people write and spreadsheets export,
// the reverse of GeoJSON's.
var ErrSwappedCoordinates = errors.New("coordinates look like latitude,longitude; GeoJSON is longitude,latitude (RFC 7946)")

// Validate checks a WGS 84 longitude/latitude geometry:
//   - every coordinate is finite, longitude within -180..180 and latitude
//     within -90..90;
//   - line strings have at least 2 positions;
//   - polygon rings have at least 4 positions and are closed (the last
//     position equals the first);
//   - polygons have at least one ring.
//
// Collections and multi-geometries are checked member by member; empty ones
// are valid (RFC 7946 allows empty coordinate arrays). A nil geometry (a
// GeoJSON feature's null geometry) has nothing to check and is valid.
//
// The error names the first fault and where it is (for example
// "polygon 2: ring 1: not closed: ..."). A position whose latitude is out
// of range but would fit once swapped with its longitude returns an error
// wrapping ErrSwappedCoordinates.
func Validate(g orb.Geometry) error {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return checkPoint(g)
	case orb.MultiPoint:
		for i, p := range g {
			if err := checkPoint(p); err != nil {
				return fmt.Errorf("point %d: %w", i+1, err)
			}
		}
	case orb.LineString:
		return checkLine(g)
	case orb.MultiLineString:
		for i, ls := range g {
			if err := checkLine(ls); err != nil {
				return fmt.Errorf("line %d: %w", i+1, err)
			}
		}
	case orb.Ring:
		return checkRing(g)
	case orb.Polygon:
		return checkPolygon(g)
	case orb.MultiPolygon:
		for i, p := range g {
			if err := checkPolygon(p); err != nil {
				return fmt.Errorf("polygon %d: %w", i+1, err)
			}
		}
	case orb.Collection:
		for i, m := range g {
			if m == nil {
				return fmt.Errorf("geometry %d: missing", i+1)
			}
			if err := Validate(m); err != nil {
				return fmt.Errorf("geometry %d: %w", i+1, err)
			}
		}
	case orb.Bound:
		if err := checkPoint(g.Min); err != nil {
			return err
		}
		return checkPoint(g.Max)
	default:
		return fmt.Errorf("unsupported geometry type %T", g)
	}
	return nil
}

func checkPoint(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0) {
		return fmt.Errorf("position [%g, %g]: coordinates must be finite numbers", lon, lat)
	}
	if lat < -90 || lat > 90 {
		// Swapped when the first number is a valid latitude and the
		// second a valid longitude: [35.7, 139.8] for Tokyo.
		if math.Abs(lon) <= 90 && math.Abs(lat) <= 180 {
			return fmt.Errorf("position [%g, %g]: %w", lon, lat, ErrSwappedCoordinates)
		}
		return fmt.Errorf("position [%g, %g]: latitude %g is outside -90..90", lon, lat, lat)
	}
	if lon < -180 || lon > 180 {
		return fmt.Errorf("position [%g, %g]: longitude %g is outside -180..180 (projected coordinates? GeoJSON needs WGS 84 degrees)", lon, lat, lon)
	}
	return nil
}

func checkPoints(ps []orb.Point) error {
	for _, p := range ps {
		if err := checkPoint(p); err != nil {
			return err
		}
	}
	return nil
}

func checkLine(ls orb.LineString) error {
	if len(ls) < 2 {
		return fmt.Errorf("a line needs at least 2 positions, it has %d", len(ls))
	}
	return checkPoints(ls)
}

func checkRing(r orb.Ring) error {
	if len(r) < 4 {
		return fmt.Errorf("a polygon ring needs at least 4 positions, it has %d", len(r))
	}
	if err := checkPoints(r); err != nil {
		return err
	}
	if r[0] != r[len(r)-1] {
		return fmt.Errorf("not closed: it starts at [%g, %g] and ends at [%g, %g]",
			r[0][0], r[0][1], r[len(r)-1][0], r[len(r)-1][1])
	}
	return nil
}

func checkPolygon(p orb.Polygon) error {
	if len(p) == 0 {
		return errors.New("a polygon needs at least one ring")
	}
	for i, r := range p {
		if err := checkRing(r); err != nil {
			return fmt.Errorf("ring %d: %w", i+1, err)
		}
	}
	return nil
}
