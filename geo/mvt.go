package geo

import (
	"encoding/binary"
	"math"

	"github.com/paulmach/orb"
)

// tileEncoder writes one MVT 2.1 layer straight from the index. orb's
// encoding/mvt wants a geojson.Feature with a properties map per feature
// and drops string ids; a dense z14 tile holds thousands of points, and
// building that many maps per tile made the garbage collector the largest
// cost. The output is the same protobuf (vector_tile.proto: Tile.layers 3;
// Layer name 1, features 2, keys 3, values 4, extent 5, version 15;
// Feature id 1, tags 2, type 3, geometry 4), and orb's decoder reads it
// back in the tests.
type tileEncoder struct {
	ix       *Index
	name     string
	features []byte
	values   [][]byte      // encoded Value messages, in the layer's order
	valueOf  map[int32]int // dictionary index -> position in values
	scratch  []uint32      // one feature's geometry commands
	tags     []uint32      // one feature's tags
	fbuf     []byte        // one feature's message, reused
}

// MVT geometry types and commands.
const (
	mvtPoint      = 1
	mvtLineString = 2
	mvtPolygon    = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

func newTileEncoder(ix *Index, name string) *tileEncoder {
	return &tileEncoder{ix: ix, name: name, valueOf: map[int32]int{}, features: make([]byte, 0, 4096)}
}

func appendVarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// appendField appends a length-delimited field.
func appendField(b []byte, tag byte, data []byte) []byte {
	b = append(b, tag)
	b = appendVarint(b, uint64(len(data)))
	return append(b, data...)
}

func appendPacked(b []byte, tag byte, vs []uint32) []byte {
	n := 0
	for _, v := range vs {
		n += varintLen(uint64(v))
	}
	b = append(b, tag)
	b = appendVarint(b, uint64(n))
	for _, v := range vs {
		b = appendVarint(b, uint64(v))
	}
	return b
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// feature adds feature i of the index with g, its geometry in the tile's
// grid. A geometry that degenerates on the grid is left out.
func (e *tileEncoder) feature(i int, g orb.Geometry) {
	typ, cmds := e.geometry(g)
	if typ == 0 {
		return
	}
	e.tags = e.tags[:0]
	for k := range e.ix.Keys {
		j := e.ix.vals[i*len(e.ix.Keys)+k]
		if j < 0 {
			continue
		}
		vi, ok := e.valueOf[j]
		if !ok {
			v, known := encodeValue(e.ix.dict[j])
			if !known {
				continue
			}
			vi = len(e.values)
			e.values = append(e.values, v)
			e.valueOf[j] = vi
		}
		e.tags = append(e.tags, uint32(k), uint32(vi))
	}
	f := e.fbuf[:0]
	f = append(f, 0x08)
	f = appendVarint(f, e.ix.ids[i])
	if len(e.tags) > 0 {
		f = appendPacked(f, 0x12, e.tags)
	}
	f = append(f, 0x18, byte(typ))
	f = appendPacked(f, 0x22, cmds)
	e.features = appendField(e.features, 0x12, f)
	e.fbuf = f
}

// bytes is the whole tile; nil when no feature was added.
func (e *tileEncoder) bytes() []byte {
	if len(e.features) == 0 {
		return nil
	}
	l := make([]byte, 0, len(e.features)+256)
	l = append(l, 0x78, 2) // version 2
	l = appendField(l, 0x0A, []byte(e.name))
	l = append(l, e.features...)
	for _, k := range e.ix.Keys {
		l = appendField(l, 0x1A, []byte(k))
	}
	for _, v := range e.values {
		l = appendField(l, 0x22, v)
	}
	l = append(l, 0x28)
	l = appendVarint(l, TileExtent)
	return appendField(nil, 0x1A, l)
}

// encodeValue writes a Value message: strings, booleans, whole numbers
// (as sint64) and other numbers (as double); known is false for others.
func encodeValue(v any) (b []byte, known bool) {
	switch v := v.(type) {
	case string:
		return appendField(nil, 0x0A, []byte(v)), true
	case bool:
		if v {
			return []byte{0x38, 1}, true
		}
		return []byte{0x38, 0}, true
	case int:
		return appendVarint([]byte{0x30}, zigzag64(int64(v))), true
	case int64:
		return appendVarint([]byte{0x30}, zigzag64(v)), true
	case uint64:
		return appendVarint([]byte{0x28}, v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return appendVarint([]byte{0x30}, zigzag64(int64(v))), true
		}
		return binary.LittleEndian.AppendUint64([]byte{0x19}, math.Float64bits(v)), true
	}
	return nil, false
}

func zigzag64(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }

func zigzag32(v int32) uint32 { return uint32((v << 1) ^ (v >> 31)) }

// geometryWriter writes commands with the cursor MVT keeps across a
// feature's geometry.
type geometryWriter struct {
	cmds   []uint32
	cx, cy int32
}

func command(id, count int) uint32 { return uint32(id&7) | uint32(count)<<3 }

func (w *geometryWriter) to(p orb.Point) {
	x, y := int32(p[0]), int32(p[1])
	w.cmds = append(w.cmds, zigzag32(x-w.cx), zigzag32(y-w.cy))
	w.cx, w.cy = x, y
}

// dedup drops consecutive points that fall on the same unit of the grid
// (and, for a ring, its closing point): MVT forbids zero-length moves.
func dedup(ps []orb.Point, ring bool) []orb.Point {
	out := make([]orb.Point, 0, len(ps))
	for _, p := range ps {
		p = orb.Point{math.Floor(p[0]), math.Floor(p[1])}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if ring && len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

func (w *geometryWriter) line(ls orb.LineString) bool {
	ps := dedup(ls, false)
	if len(ps) < 2 {
		return false
	}
	w.cmds = append(w.cmds, command(cmdMoveTo, 1))
	w.to(ps[0])
	w.cmds = append(w.cmds, command(cmdLineTo, len(ps)-1))
	for _, p := range ps[1:] {
		w.to(p)
	}
	return true
}

func (w *geometryWriter) polygon(pg orb.Polygon) bool {
	for i, r := range pg {
		ps := dedup(r, true)
		if len(ps) < 3 {
			if i == 0 {
				return false // the exterior vanished on the grid
			}
			continue
		}
		w.cmds = append(w.cmds, command(cmdMoveTo, 1))
		w.to(ps[0])
		w.cmds = append(w.cmds, command(cmdLineTo, len(ps)-1))
		for _, p := range ps[1:] {
			w.to(p)
		}
		w.cmds = append(w.cmds, command(cmdClosePath, 1))
	}
	return true
}

// geometry encodes g; type 0 when nothing of it remains on the grid.
func (e *tileEncoder) geometry(g orb.Geometry) (typ int, cmds []uint32) {
	w := &geometryWriter{cmds: e.scratch[:0]}
	defer func() { e.scratch = w.cmds[:0] }()
	ok := false
	switch g := g.(type) {
	case orb.Point:
		w.cmds = append(w.cmds, command(cmdMoveTo, 1))
		w.to(g)
		typ, ok = mvtPoint, true
	case orb.MultiPoint:
		if len(g) > 0 {
			w.cmds = append(w.cmds, command(cmdMoveTo, len(g)))
			for _, p := range g {
				w.to(p)
			}
			typ, ok = mvtPoint, true
		}
	case orb.LineString:
		typ, ok = mvtLineString, w.line(g)
	case orb.MultiLineString:
		for _, ls := range g {
			ok = w.line(ls) || ok
		}
		typ = mvtLineString
	case orb.Ring:
		typ, ok = mvtPolygon, w.polygon(orb.Polygon{g})
	case orb.Polygon:
		typ, ok = mvtPolygon, w.polygon(g)
	case orb.MultiPolygon:
		for _, pg := range g {
			ok = w.polygon(pg) || ok
		}
		typ = mvtPolygon
	case orb.Bound:
		typ, ok = mvtPolygon, w.polygon(g.ToPolygon())
	}
	if !ok {
		return 0, nil
	}
	return typ, w.cmds
}
