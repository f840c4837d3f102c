// Package geo holds the portal's geometry on orb (github.com/paulmach/orb):
// checks on WGS 84 geometries, the coordinate systems Japanese layers come
// in (JGD2000/JGD2011 and their Japan Plane Rectangular zones, Web
// Mercator) and their conversion to WGS 84, and the reading of zipped
// Shapefiles into layers; the merging of layers into unified layers
// (Merge: attribute mapping, conflation, geometry repair, clipping); spatial
// indexing and tiles.
//
// Everything here is a pure function of plain values: no HTTP, no storage,
// and no import of the catalog package, so any layer can use it.
//
// Coordinates follow GeoJSON (RFC 7946): orb.Point{longitude, latitude} in
// degrees of WGS 84. JGD2011 geographic coordinates (EPSG:6668), which
// Japanese municipalities usually state, differ from WGS 84 by far less than
// the precision of their data and are treated as WGS 84 (see CRS).
package geo

import "github.com/paulmach/orb"

// Japan's rough extent, generous enough to hold every prefecture from
// Yonaguni (about 122.9°E, 24.4°N) and Okinotorishima (about 20.4°N) to
// Minamitorishima (about 153.98°E) and Etorofu (about 45.6°N).
const (
	japanMinLon = 122
	japanMaxLon = 154
	japanMinLat = 20
	japanMaxLat = 46
)

// InJapan reports whether p lies within Japan's rough extent (longitude 122
// to 154, latitude 20 to 46). It is a plausibility check, not a border: a
// municipal dataset whose points fall outside is likely to have swapped or
// zero (null island) coordinates, and callers warn about it.
func InJapan(p orb.Point) bool {
	lon, lat := p[0], p[1]
	return lon >= japanMinLon && lon <= japanMaxLon && lat >= japanMinLat && lat <= japanMaxLat
}
