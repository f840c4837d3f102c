package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// decodeTile reads a tile back with orb's decoder, in longitude/latitude.
func decodeTile(t testing.TB, data []byte, tile maptile.Tile) mvt.Layers {
	t.Helper()
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	ls.ProjectToWGS84(tile)
	return ls
}

// TestTilePoints: a tile holds every point that falls in it (and its
// buffer), each with its id, its values, and its position to the tile's
// precision.
func TestTilePoints(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	src := randomPoints(r, 2000, 0.1)
	byID := map[uint64]orb.Point{}
	for _, f := range src {
		byID[f.ID] = f.Geometry.(orb.Point)
	}
	ix := NewIndex([]string{"name"}, slices.Clone(src))
	for _, z := range []maptile.Zoom{TileMaxZoom, 15} {
		tile := maptile.At(orb.Point{139.56, 35.70}, z)
		data, err := ix.Tile("points", tile)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range byID {
			if inBufferedTile(p, tile) {
				want++
			}
		}
		ls := decodeTile(t, data, tile)
		if len(ls) != 1 || ls[0].Name != "points" || ls[0].Extent != TileExtent || ls[0].Version != 2 {
			t.Fatalf("z%d: layers %+v", z, ls)
		}
		if got := len(ls[0].Features); got != want || want == 0 {
			t.Fatalf("z%d: %d features, want %d", z, got, want)
		}
		// A unit of the grid, in degrees, and a little for the rounding.
		unit := (tile.Bound().Max[0] - tile.Bound().Min[0]) / TileExtent * 1.01
		for _, f := range ls[0].Features {
			id, _ := f.ID.(float64)
			src, ok := byID[uint64(id)]
			if !ok {
				t.Fatalf("z%d: feature id %v is no source point", z, f.ID)
			}
			got := f.Geometry.(orb.Point)
			if math.Abs(got[0]-src[0]) > unit || math.Abs(got[1]-src[1]) > unit {
				t.Errorf("z%d: feature %v at %v, source at %v (unit %g°)", z, f.ID, got, src, unit)
			}
			if f.Properties["name"] != "p" {
				t.Errorf("z%d: properties %v", z, f.Properties)
			}
		}
	}
}

// inBufferedTile tells whether p falls in tile or its buffer.
func inBufferedTile(p orb.Point, tile maptile.Tile) bool {
	x, y := worldPixel(p[0], p[1], uint32(tile.Z)+12)
	x, y = math.Floor(x-float64(tile.X)*TileExtent), math.Floor(y-float64(tile.Y)*TileExtent)
	return x >= -TileBuffer && y >= -TileBuffer && x < TileExtent+TileBuffer && y < TileExtent+TileBuffer
}

func TestTileEmptyAndThinned(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ix := NewIndex(nil, randomPoints(r, 10000, 0.05))
	data, err := ix.Tile("points", maptile.At(orb.Point{0, 0}, 10))
	if err != nil || data != nil {
		t.Errorf("a tile far away: %d bytes, %v; want none", len(data), err)
	}
	// At z0 the city is one pixel: the points are thinned to one.
	tile := maptile.New(0, 0, 0)
	data, err = ix.Tile("points", tile)
	if err != nil {
		t.Fatal(err)
	}
	if ls := decodeTile(t, data, tile); len(ls[0].Features) > 4 {
		t.Errorf("z0 holds %d points, want them thinned", len(ls[0].Features))
	}
}

// TestTilePolygons: polygons are clipped to the buffered tile, oriented as
// MVT wants and decoded as polygons with their ids.
func TestTilePolygons(t *testing.T) {
	big := orb.Polygon{{{139.0, 35.0}, {140.0, 35.0}, {140.0, 36.0}, {139.0, 36.0}, {139.0, 35.0}}}
	line := orb.LineString{{139.55, 35.69}, {139.57, 35.71}}
	ix := NewIndex([]string{"name"}, []Item{{ID: 7, Geometry: big, Values: []any{"区域"}}, {ID: 8, Geometry: line}})
	tile := maptile.At(orb.Point{139.56, 35.70}, 14)
	data, err := ix.Tile("zones", tile)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	fs := raw[0].Features
	sort.Slice(fs, func(i, j int) bool { return fs[i].ID.(float64) < fs[j].ID.(float64) })
	if len(fs) != 2 || fs[0].ID != float64(7) || fs[1].ID != float64(8) {
		t.Fatalf("features %v", fs)
	}
	pg, ok := fs[0].Geometry.(orb.Polygon)
	if !ok {
		t.Fatalf("geometry %T", fs[0].Geometry)
	}
	// Clipped to the tile and its buffer.
	want := orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{TileExtent + TileBuffer, TileExtent + TileBuffer}}
	if pg.Bound() != want {
		t.Errorf("clipped polygon bounds %v, want %v", pg.Bound(), want)
	}
	if _, ok := fs[1].Geometry.(orb.LineString); !ok {
		t.Errorf("line decoded as %T", fs[1].Geometry)
	}
}

func TestValidTile(t *testing.T) {
	tests := []struct {
		z, x, y int
		ok      bool
	}{
		{0, 0, 0, true}, {14, 14552, 6451, true}, {1, 2, 0, false}, {-1, 0, 0, false},
		{23, 0, 0, false}, {3, 7, 7, true}, {3, 0, 8, false}, {3, -1, 0, false},
	}
	for _, tt := range tests {
		if got := ValidTile(tt.z, tt.x, tt.y); got != tt.ok {
			t.Errorf("ValidTile(%d, %d, %d) = %v", tt.z, tt.x, tt.y, got)
		}
	}
}

// p99 is the 99th percentile of durations, in milliseconds.
func p99(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[(len(ds)*99)/100]) / float64(time.Millisecond)
}

// millionPoints is the benchmarks' layer: 1,000,000 points over a square
// of about 30 km around the demo city, the density of a city's address
// points or building centroids (about 1,100 per km²), each with a name.
func millionPoints(b *testing.B) *Index {
	r := rand.New(rand.NewPCG(1, 1))
	fs := make([]Item, 1_000_000)
	names := []any{"住宅", "店舗", "事務所", "倉庫"}
	for i := range fs {
		fs[i] = Item{ID: uint64(i + 1), Geometry: orb.Point{139.56 + (r.Float64()-0.5)*0.33, 35.70 + (r.Float64()-0.5)*0.27},
			Values: []any{names[i%len(names)]}}
	}
	start := time.Now()
	ix := NewIndex([]string{"name"}, fs)
	b.Logf("indexed %d points in %v", ix.Len(), time.Since(start))
	return ix
}

// BenchmarkTileZ14 encodes z14 tiles of the 1,000,000-point layer, each a
// different tile of the layer (nothing is cached here), and reports the
// p99 of one tile's time.
func BenchmarkTileZ14(b *testing.B) {
	ix := millionPoints(b)
	var tiles []maptile.Tile
	r := rand.New(rand.NewPCG(2, 2))
	for range 1000 {
		p := orb.Point{139.56 + (r.Float64()-0.5)*0.3, 35.70 + (r.Float64()-0.5)*0.25}
		tiles = append(tiles, maptile.At(p, 14))
	}
	ds := make([]time.Duration, 0, b.N)
	size := 0
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		data, err := ix.Tile("points", tiles[i%len(tiles)])
		ds = append(ds, time.Since(start))
		if err != nil || data == nil {
			b.Fatalf("tile %v: %v", tiles[i%len(tiles)], err)
		}
		if i < len(tiles) {
			size += len(data)
		}
	}
	b.StopTimer()
	b.ReportMetric(p99(ds), "p99-ms")
	b.ReportMetric(float64(size)/float64(min(b.N, len(tiles)))/1024, "KiB/tile")
}

// BenchmarkNearest finds the 5 nearest of the 1,000,000 points by
// ellipsoidal distance, and the 5 nearest among a quarter of them
// (a hazard filter), from random places.
func BenchmarkNearest(b *testing.B) {
	ix := millionPoints(b)
	ix.Nearest(orb.Point{139.56, 35.70}, 1, nil) // build the k-d tree outside the timing
	r := rand.New(rand.NewPCG(3, 3))
	keep := func(pos int) bool { return ix.ID(pos)%4 == 0 }
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		q := orb.Point{139.56 + (r.Float64()-0.5)*0.3, 35.70 + (r.Float64()-0.5)*0.25}
		var k func(int) bool
		if i%2 == 1 {
			k = keep
		}
		start := time.Now()
		got := ix.Nearest(q, 5, k)
		ds = append(ds, time.Since(start))
		if len(got) != 5 {
			b.Fatalf("found %d", len(got))
		}
	}
	b.StopTimer()
	b.ReportMetric(p99(ds), "p99-ms")
}
