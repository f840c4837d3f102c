package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"
)

// Vector tiles (Mapbox Vector Tile 2.1) of an indexed layer.
const (
	// TileExtent is the tiles' grid: 4096 units a side, MVT's default.
	TileExtent = 4096
	// TileBuffer is how far (in units) beyond its edges a tile holds
	// geometry, so that a symbol or line on an edge is not cut.
	TileBuffer = 64
	// TileMaxZoom is the deepest zoom whose tiles hold every point; a
	// client shows deeper zooms by enlarging these (TileJSON's maxzoom).
	// At z16 a unit is about 15 cm in Japan.
	TileMaxZoom = 16
	// TileMaxRequestZoom is the deepest zoom answered at all, for clients
	// that do not enlarge tiles themselves.
	TileMaxRequestZoom = 22
	// tileCell is the size in units of a cell of the grid on which points
	// are thinned below TileMaxZoom: one pixel of a tile drawn 512 pixels
	// wide. Two points in one pixel look like one; keeping one of them
	// (the first in the index's order) bounds a tile's size however dense
	// the layer, as tippecanoe's dropping of dense points does.
	tileCell = TileExtent / 512
)

// tileSimplifier removes vertices that move a line by less than one unit of
// the tile's grid: as the grid is per tile, the simplification follows the
// zoom (a unit is half as long one zoom deeper).
var tileSimplifier = simplify.DouglasPeucker(1)

// Tile encodes tile t of the index's features as an MVT layer called name:
// geometries projected to the tile's grid, clipped to it and TileBuffer
// beyond, lines and polygons simplified to the grid, points thinned to
// one per pixel below TileMaxZoom. Each feature carries its ID and its
// non-nil Values under the index's Keys. It returns nil when no feature
// falls in the tile.
func (ix *Index) Tile(name string, t maptile.Tile) ([]byte, error) {
	const buf = float64(TileBuffer) / TileExtent
	nw := tileLonLat(t.Z, float64(t.X)-buf, float64(t.Y)-buf)
	se := tileLonLat(t.Z, float64(t.X)+1+buf, float64(t.Y)+1+buf)
	search := orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}

	zz := uint32(t.Z) + 12 // log2(TileExtent)
	minx, miny := float64(uint64(t.X)<<12), float64(uint64(t.Y)<<12)
	toTile := func(p orb.Point) orb.Point {
		x, y := worldPixel(p[0], p[1], zz)
		return orb.Point{math.Floor(x - minx), math.Floor(y - miny)}
	}
	clipBox := orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{TileExtent + TileBuffer, TileExtent + TileBuffer}}

	// seen marks the occupied pixels of the thinning grid.
	var seen []uint64
	const cells = (TileExtent + 2*TileBuffer) / tileCell
	if t.Z < TileMaxZoom {
		seen = make([]uint64, (cells*cells+63)/64)
	}

	enc := newTileEncoder(ix, name)
	ix.Search(search, func(i int) bool {
		if ix.shapes == nil || ix.shapes[i] == nil {
			q := toTile(ix.points[i])
			if q[0] < -TileBuffer || q[1] < -TileBuffer || q[0] >= TileExtent+TileBuffer || q[1] >= TileExtent+TileBuffer {
				return true
			}
			if seen != nil {
				c := int(q[1]+TileBuffer)/tileCell*cells + int(q[0]+TileBuffer)/tileCell
				if seen[c/64]&(1<<(c%64)) != 0 {
					return true
				}
				seen[c/64] |= 1 << (c % 64)
			}
			enc.feature(i, q)
			return true
		}
		g := clip.Geometry(clipBox, project.Geometry(orb.Clone(ix.shapes[i]), toTile))
		if g == nil {
			return true
		}
		if _, ok := g.(orb.Point); !ok {
			g = tileSimplifier.Simplify(g)
		}
		if g = windMVT(g); g != nil {
			enc.feature(i, g)
		}
		return true
	})
	return enc.bytes(), nil
}

// worldPixel is the position of lon, lat in the Web Mercator world of
// 2^z units a side, from the top left corner (orb's projection).
func worldPixel(lon, lat float64, z uint32) (x, y float64) {
	n := float64(uint64(1) << z)
	x = (lon/360 + 0.5) * n
	s := math.Sin(lat * degree)
	switch {
	case s < -0.9999:
		y = n
	case s > 0.9999:
		y = 0
	default:
		y = (0.5 - 0.25*math.Log((1+s)/(1-s))/math.Pi) * n
	}
	return x, y
}

// tileLonLat is the longitude and latitude of the point at tile
// coordinates x, y (fractional) of zoom z, clamped to the world.
func tileLonLat(z maptile.Zoom, x, y float64) orb.Point {
	n := math.Exp2(float64(z))
	x = min(max(x, 0), n)
	y = min(max(y, 0), n)
	lat := math.Atan(math.Sinh(math.Pi*(1-2*y/n))) / degree
	return orb.Point{x/n*360 - 180, lat}
}

// windMVT orients rings as MVT 2.1 wants them in the tile's grid (y down):
// exterior rings of positive area by the specification's formula (orb's
// CCW on these coordinates), holes the other way.
func windMVT(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		windPolygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			windPolygon(p)
		}
	}
	return g
}

func windPolygon(p orb.Polygon) {
	for i, r := range p {
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if r.Orientation() != want {
			r.Reverse()
		}
	}
}

// ValidTile reports whether z/x/y names a tile the portal answers: z from
// 0 to TileMaxRequestZoom, x and y within the zoom's 2^z tiles.
func ValidTile(z, x, y int) bool {
	if z < 0 || z > TileMaxRequestZoom {
		return false
	}
	n := 1 << z
	return x >= 0 && y >= 0 && x < n && y < n
}
