package geo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// shpRecord is one record of a .shp as found by walking the file.
type shpRecord struct {
	number int // position in the file, from 1
	typ    shp.ShapeType
	bad    string // why the record cannot be read; "" when it can
}

// The .shp header is 100 bytes; each record has an 8-byte header (number
// and content length in 16-bit words, big-endian) before its content.
const (
	shpHeaderLen = 100
	shpMagic     = 9994
)

// prepareSHP walks a .shp, checking what go-shp v0.1.1 takes on trust, and
// returns a copy go-shp can read without failing on a hostile file, and
// what it found about each record.
//
// go-shp allocates as many points and parts as a record's counts say,
// reads the optional M values of Z shapes whether or not they are there,
// and loses its place when a record is shorter than it expects. So each
// record's counts are checked against its content length; a record that
// cannot be read becomes a null shape in the copy (and is reported by
// number); a record that is short of optional M values is padded.
func prepareSHP(b []byte) ([]byte, []shpRecord, error) {
	if len(b) < shpHeaderLen {
		return nil, nil, fmt.Errorf("the file is %d bytes long, shorter than a shapefile header", len(b))
	}
	if code := binary.BigEndian.Uint32(b[0:4]); code != shpMagic {
		return nil, nil, fmt.Errorf("it does not start with the shapefile code 9994 (it starts with %d): not a .shp", code)
	}
	out := bytes.NewBuffer(make([]byte, 0, len(b)+len(b)/8))
	out.Write(b[:shpHeaderLen])
	var recs []shpRecord
	pos := shpHeaderLen
	for n := 1; pos < len(b); n++ {
		if len(b)-pos < 8 {
			return nil, nil, fmt.Errorf("%d stray bytes follow record %d at the end of the file", len(b)-pos, n-1)
		}
		words := binary.BigEndian.Uint32(b[pos+4 : pos+8])
		if words > uint32(len(b)) { // checked before doubling, which could overflow
			return nil, nil, fmt.Errorf("record %d says it is %d bytes long, longer than the file: it is damaged or cut off", n, 2*uint64(words))
		}
		clen := int(words) * 2
		if pos+8+clen > len(b) {
			return nil, nil, fmt.Errorf("record %d is cut off by the end of the file (it is %d bytes, %d remain)", n, clen, len(b)-pos-8)
		}
		content := b[pos+8 : pos+8+clen]
		pos += 8 + clen
		rec := shpRecord{number: n}
		var want int
		if clen < 4 {
			rec.bad = fmt.Sprintf("its content is %d bytes, too short for a shape type", clen)
		} else {
			rec.typ = shp.ShapeType(int32(binary.LittleEndian.Uint32(content[:4])))
			want, rec.bad = shpContentLen(rec.typ, content)
		}
		var hdr [8]byte
		binary.BigEndian.PutUint32(hdr[:4], uint32(n))
		if rec.bad != "" {
			// A null shape keeps go-shp reading in step.
			binary.BigEndian.PutUint32(hdr[4:], 2)
			out.Write(hdr[:])
			out.Write([]byte{0, 0, 0, 0})
		} else {
			padded := max(clen, want)
			binary.BigEndian.PutUint32(hdr[4:], uint32(padded/2))
			out.Write(hdr[:])
			out.Write(content)
			out.Write(make([]byte, padded-clen))
		}
		recs = append(recs, rec)
	}
	return out.Bytes(), recs, nil
}

// shpContentLen returns how many content bytes go-shp reads for a record
// (type included), or why the record cannot be read. Optional M values
// (after Z) may be missing: want is then more than the content's length.
func shpContentLen(typ shp.ShapeType, c []byte) (want int, bad string) {
	i32 := func(off int) (int, bool) {
		if off+4 > len(c) {
			return 0, false
		}
		v := int32(binary.LittleEndian.Uint32(c[off : off+4]))
		return int(v), v >= 0
	}
	switch typ {
	case shp.NULL:
		return 4, ""
	case shp.POINT:
		return need(c, 4+16, 4+16)
	case shp.POINTM:
		return need(c, 4+24, 4+24)
	case shp.POINTZ:
		return need(c, 4+24, 4+32)
	case shp.MULTIPOINT, shp.MULTIPOINTM, shp.MULTIPOINTZ:
		np, ok := i32(4 + 32)
		if !ok {
			return 0, "its point count is missing or negative"
		}
		if np > len(c)/16 {
			return 0, fmt.Sprintf("it claims %d points, more than its %d bytes hold", np, len(c))
		}
		base := 4 + 32 + 4 + 16*np
		switch typ {
		case shp.MULTIPOINTM:
			return need(c, base, base+16+8*np)
		case shp.MULTIPOINTZ:
			return need(c, base+16+8*np, base+32+16*np)
		}
		return need(c, base, base)
	case shp.POLYLINE, shp.POLYGON, shp.POLYLINEM, shp.POLYGONM, shp.POLYLINEZ, shp.POLYGONZ, shp.MULTIPATCH:
		parts, ok1 := i32(4 + 32)
		np, ok2 := i32(4 + 36)
		if !ok1 || !ok2 {
			return 0, "its part or point count is missing or negative"
		}
		if parts > len(c)/4 || np > len(c)/16 {
			return 0, fmt.Sprintf("it claims %d parts and %d points, more than its %d bytes hold", parts, np, len(c))
		}
		perPart := 4
		if typ == shp.MULTIPATCH {
			perPart = 8 // part types follow the part starts
		}
		base := 4 + 40 + perPart*parts + 16*np
		switch typ {
		case shp.POLYLINEM, shp.POLYGONM:
			return need(c, base, base+16+8*np)
		case shp.POLYLINEZ, shp.POLYGONZ, shp.MULTIPATCH:
			return need(c, base+16+8*np, base+32+16*np)
		}
		return need(c, base, base)
	}
	return 0, fmt.Sprintf("shape type %d is not one the shapefile format defines", typ)
}

// need says a record must hold at least min bytes and go-shp reads full.
func need(c []byte, min, full int) (int, string) {
	if len(c) < min {
		return 0, fmt.Sprintf("it is %d bytes long, too short for its shape (%d bytes)", len(c), min)
	}
	return full, ""
}

// shapeGeometry turns a go-shp shape into an orb geometry in the file's own
// coordinates. Polygons' rings are grouped the shapefile way: clockwise
// rings are exteriors and counterclockwise ones holes of the exterior that
// contains them.
func shapeGeometry(s shp.Shape) (orb.Geometry, error) {
	switch s := s.(type) {
	case *shp.Null:
		return nil, nil
	case *shp.Point:
		return pointOf(s.X, s.Y)
	case *shp.PointZ:
		return pointOf(s.X, s.Y)
	case *shp.PointM:
		return pointOf(s.X, s.Y)
	case *shp.MultiPoint:
		return multiPoint(s.Points)
	case *shp.MultiPointZ:
		return multiPoint(s.Points)
	case *shp.MultiPointM:
		return multiPoint(s.Points)
	case *shp.PolyLine:
		return lines(s.Parts, s.Points)
	case *shp.PolyLineZ:
		return lines(s.Parts, s.Points)
	case *shp.PolyLineM:
		return lines(s.Parts, s.Points)
	case *shp.Polygon:
		return polygons(s.Parts, s.Points)
	case *shp.PolygonZ:
		return polygons(s.Parts, s.Points)
	case *shp.PolygonM:
		return polygons(s.Parts, s.Points)
	case *shp.MultiPatch:
		return nil, fmt.Errorf("a MultiPatch (3-D surfaces) cannot be shown on a map; export the layer as polygons")
	}
	return nil, fmt.Errorf("shape type %T is not supported", s)
}

func pointOf(x, y float64) (orb.Geometry, error) {
	if !finite(x) || !finite(y) {
		return nil, fmt.Errorf("the point [%g, %g] is not a finite number pair", x, y)
	}
	return orb.Point{x, y}, nil
}

func points(ps []shp.Point) ([]orb.Point, error) {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		if !finite(p.X) || !finite(p.Y) {
			return nil, fmt.Errorf("point %d [%g, %g] is not a finite number pair", i+1, p.X, p.Y)
		}
		out[i] = orb.Point{p.X, p.Y}
	}
	return out, nil
}

func multiPoint(ps []shp.Point) (orb.Geometry, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	pts, err := points(ps)
	return orb.MultiPoint(pts), err
}

// splitParts cuts the points into parts at the starts given.
func splitParts(parts []int32, ps []shp.Point) ([][]orb.Point, error) {
	all, err := points(ps)
	if err != nil {
		return nil, err
	}
	out := make([][]orb.Point, 0, len(parts))
	for i, start := range parts {
		end := int32(len(all))
		if i+1 < len(parts) {
			end = parts[i+1]
		}
		if i == 0 && start != 0 {
			return nil, fmt.Errorf("the first part starts at point %d, not 0", start)
		}
		if start < 0 || start > end || end > int32(len(all)) {
			return nil, fmt.Errorf("part %d's start (%d) is out of order or beyond the %d points", i+1, start, len(all))
		}
		out = append(out, all[start:end])
	}
	return out, nil
}

func lines(parts []int32, ps []shp.Point) (orb.Geometry, error) {
	split, err := splitParts(parts, ps)
	if err != nil {
		return nil, err
	}
	if len(split) == 0 {
		return nil, nil
	}
	mls := make(orb.MultiLineString, len(split))
	for i, p := range split {
		if len(p) < 2 {
			return nil, fmt.Errorf("part %d has %d point(s); a line needs 2", i+1, len(p))
		}
		mls[i] = orb.LineString(p)
	}
	if len(mls) == 1 {
		return mls[0], nil
	}
	return mls, nil
}

// maxRingPairs bounds the work of matching holes to exteriors, which
// tries each pair: a municipal polygon has at most thousands of rings, and
// a hostile one must not keep the reader busy for hours.
const maxRingPairs = 1 << 24

func polygons(parts []int32, ps []shp.Point) (orb.Geometry, error) {
	split, err := splitParts(parts, ps)
	if err != nil {
		return nil, err
	}
	if len(split) == 0 {
		return nil, nil
	}
	var outers, holes []orb.Ring
	for i, p := range split {
		r := orb.Ring(p)
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r[:len(r):len(r)], r[0]) // close it, as GDAL does
		}
		if len(r) < 4 {
			return nil, fmt.Errorf("ring %d has %d distinct point(s); a ring needs 3", i+1, max(len(r)-1, 0))
		}
		// Shapefiles wind exteriors clockwise (x east, y north).
		if r.Orientation() == orb.CCW {
			holes = append(holes, r)
		} else {
			outers = append(outers, r)
		}
	}
	if len(outers)*len(holes) > maxRingPairs {
		return nil, fmt.Errorf("%d exteriors and %d holes are too many to match holes to exteriors (at most %d pairs)",
			len(outers), len(holes), maxRingPairs)
	}
	polys := make([]orb.Polygon, len(outers))
	for i, o := range outers {
		polys[i] = orb.Polygon{o}
	}
	for _, h := range holes {
		best := -1
		for i, o := range outers {
			// The smallest exterior holding the hole: islands in lakes
			// nest exteriors in holes.
			if ringInside(h, o) && (best < 0 || math.Abs(planar.Area(o)) < math.Abs(planar.Area(outers[best]))) {
				best = i
			}
		}
		if best < 0 {
			// A counterclockwise ring inside nothing is an exterior
			// wound the wrong way; read it as one.
			polys = append(polys, orb.Polygon{h})
			continue
		}
		polys[best] = append(polys[best], h)
	}
	if len(polys) == 1 {
		return polys[0], nil
	}
	return orb.MultiPolygon(polys), nil
}

// ringInside reports whether ring h lies in ring o, judged by h's first
// vertex that is not on o's boundary (a hole may touch its exterior, and
// a neighbour's hole may touch it from outside).
func ringInside(h, o orb.Ring) bool {
	if !o.Bound().Contains(h.Bound().Min) || !o.Bound().Contains(h.Bound().Max) {
		return false
	}
	for _, p := range h {
		if in, on := ringLocate(o, p); !on {
			return in
		}
	}
	return true // every vertex on o's boundary: a degenerate hole, but o's
}

// ringLocate tells whether p is inside ring r (even-odd rule) or on it.
func ringLocate(r orb.Ring, p orb.Point) (in, on bool) {
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
		if cross == 0 && math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1]) {
			return false, true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			if x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]); p[0] < x {
				in = !in
			}
		}
	}
	return in, false
}
