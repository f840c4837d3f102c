package geo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	shp "github.com/jonas-p/go-shp"
	"golang.org/x/text/encoding"
)

// ShapefileParts are the files of one shapefile, in memory. A nil slice is
// a file that is absent.
type ShapefileParts struct {
	Name               string // the shapefile's name without extension, for messages: "道路"
	SHP, DBF, PRJ, CPG []byte
}

// ReadShapefile reads a shapefile's records into a layer in WGS 84.
//
// The coordinate system is opt.CRS when declared, else the .prj's (see
// ParsePRJ). Without either, coordinates that all lie within ±180, ±90 are
// assumed to be JGD2011 degrees (with a warning); others are refused, since
// metres in an unknown zone cannot be placed.
//
// The DBF text encoding is opt.Encoding when declared, else the .cpg's,
// else detected: CP932 (Japanese municipal shapefiles mostly are) unless
// the text is valid UTF-8 and not likely CP932. When the .cpg names UTF-8
// or CP932 and the text is invalid in it but valid in the other, the other
// is used with a warning. Text values are trimmed; numbers are kept as
// written; logicals become "true"/"false"; dates become YYYY-MM-DD.
//
// Records: points, multipoints, polylines and polygons, with or without Z
// and M (which are dropped), each to the orb type that fits (a one-part
// polyline is a LineString, a multi-part one a MultiLineString; a polygon
// with several exteriors a MultiPolygon). Polygon holes are matched to the
// exterior that contains them. Geometries are converted to WGS 84, rings
// oriented as RFC 7946 asks, and checked with Validate. A record that fails
// (MultiPatch, too few points, coordinates that cannot be converted…) is
// left out and listed in Layer.Skipped as a *ReadError naming the file, the
// record and why; DBF rows marked deleted are left out (as GDAL
// does) and counted in a warning.
//
// Whole-file problems return a *ReadError: no .shp, a .shp or .dbf that is
// damaged or cut off, record counts of .shp and .dbf that differ, an
// unsupported or unreadable .prj (wrapping ErrUnsupportedCRS), an unknown
// declared encoding.
func ReadShapefile(p ShapefileParts, opt ShapefileOptions) (*Layer, error) {
	shpName, dbfName, prjName := p.Name+".shp", p.Name+".dbf", p.Name+".prj"
	if p.SHP == nil {
		return nil, &ReadError{File: shpName, Reason: "the .shp file is missing"}
	}
	layer := &Layer{Source: Source{Department: opt.Department, File: opt.File, Format: FormatShapefile}}
	if layer.Source.File == "" {
		layer.Source.File = shpName
	}
	warn := func(format string, args ...any) {
		layer.Warnings = append(layer.Warnings, fmt.Sprintf(format, args...))
	}

	norm, recs, err := prepareSHP(p.SHP)
	if err != nil {
		return nil, &ReadError{File: shpName, Reason: err.Error()}
	}

	// The coordinate system.
	crs, from := opt.CRS, CRSDeclared
	if p.PRJ != nil {
		detected, err := ParsePRJ(string(p.PRJ))
		switch {
		case err != nil && crs.IsZero():
			return nil, &ReadError{File: prjName, Reason: err.Error(), Err: err}
		case err != nil:
			warn("%s could not be read (%v); the declared %s (%s) is used", prjName, err, crs, crs.Name)
		case crs.IsZero():
			crs, from = detected, CRSDetected
		case detected.EPSG != crs.EPSG:
			warn("%s says %s (%s) but %s (%s) was declared; the declared one is used", prjName, detected, detected.Name, crs, crs.Name)
		}
	}
	if crs.IsZero() {
		if !shpLooksGeographic(p.SHP) {
			return nil, &ReadError{File: shpName, Err: ErrUnsupportedCRS, Reason: "there is no .prj and the coordinates are not degrees; " +
				"declare the coordinate system (for the Japan Plane Rectangular CS, its zone, such as EPSG:6677 for zone IX)"}
		}
		crs, _ = CRSByEPSG(EPSGJGD2011)
		from = CRSAssumed
		warn("there is no .prj; the coordinates look like degrees and are read as JGD2011 (EPSG:6668)")
	}
	layer.Source.CRS, layer.Source.CRSFrom = crs, from
	wgs, _ := CRSByEPSG(EPSGWGS84)
	tr, err := NewTransform(crs, wgs)
	if err != nil {
		return nil, &ReadError{File: shpName, Reason: err.Error(), Err: ErrUnsupportedCRS}
	}

	// The attribute table.
	var table *dbfTable
	var enc encoding.Encoding
	if p.DBF == nil {
		warn("there is no .dbf: the features have no attributes")
	} else {
		if table, err = parseDBF(p.DBF); err != nil {
			return nil, &ReadError{File: dbfName, Reason: err.Error()}
		}
		if table.records != len(recs) {
			return nil, &ReadError{File: dbfName, Reason: fmt.Sprintf(
				"it has %d records but %s has %d shapes; the two belong together record by record", table.records, shpName, len(recs))}
		}
		var encWarn string
		layer.Source.Encoding, enc, encWarn, err = chooseEncoding(table, p.CPG, opt.Encoding, p.Name+".cpg")
		if err != nil {
			return nil, &ReadError{File: dbfName, Reason: err.Error()}
		}
		if encWarn != "" {
			warn("%s", encWarn)
		}
		layer.Columns = dbfColumns(table, enc)
	}

	// go-shp reads shapes and DBF rows in step; it gets a blank DBF of
	// the right length, since we read the real one ourselves.
	sr := shp.SequentialReaderFromExt(io.NopCloser(bytes.NewReader(norm)), io.NopCloser(bytes.NewReader(blankDBF(len(recs)))))
	defer sr.Close()
	deleted, outside, badText := 0, 0, map[string]int{}
	i := 0
	for ; sr.Next(); i++ {
		if i >= len(recs) {
			return nil, &ReadError{File: shpName, Reason: "more shapes than records were read (a bug)"}
		}
		rec := recs[i]
		skip := func(field, format string, args ...any) {
			layer.Skipped = append(layer.Skipped, &ReadError{File: shpName, Record: rec.number, Field: field, Reason: fmt.Sprintf(format, args...)})
		}
		var row []byte
		if table != nil {
			if row = table.row(i); row[0] == '*' {
				deleted++
				continue
			}
		}
		if rec.bad != "" {
			skip("", "%s", rec.bad)
			continue
		}
		_, s := sr.Shape()
		g, err := shapeGeometry(s)
		if err != nil {
			skip("", "%v", err)
			continue
		}
		if g, err = tr.Geometry(g); err != nil {
			skip("", "%v", err)
			continue
		}
		g = Rewind(g)
		if err := Validate(g); err != nil {
			skip("", "after conversion from %s: %v", crs, err)
			continue
		}
		if g != nil && !InJapan(g.Bound().Center()) {
			outside++
		}
		f := Feature{ID: rec.number, Geometry: g}
		if table != nil {
			f.Values = make([]string, len(table.fields))
			for j, fd := range table.fields {
				v, ok := fd.value(enc, row)
				if !ok {
					badText[layer.Columns[j].Name]++
				}
				f.Values[j] = v
			}
		}
		layer.Features = append(layer.Features, f)
	}
	if err := sr.Err(); err != nil || i != len(recs) {
		return nil, &ReadError{File: shpName, Reason: fmt.Sprintf("read %d of %d records: %v", i, len(recs), err)}
	}
	if len(recs) == 0 {
		warn("%s holds no records", shpName)
	}
	if deleted > 0 {
		warn("%d record(s) marked deleted in %s were left out", deleted, dbfName)
	}
	for _, c := range layer.Columns {
		if n := badText[c.Name]; n > 0 {
			warn("%d value(s) of field %s are not valid %s; undecodable bytes show as U+FFFD", n, c.Name, layer.Source.Encoding)
		}
	}
	if outside > 0 {
		warn("%d of %d features lie outside Japan once converted from %s (%s); check the coordinate system", outside, len(layer.Features), crs, crs.Name)
	}
	return layer, nil
}

// shpLooksGeographic reports whether the .shp header's bounding box fits
// longitude/latitude degrees. prepareSHP has checked the header's length.
func shpLooksGeographic(b []byte) bool {
	var box [4]float64
	for i := range box {
		box[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[36+8*i:]))
		if !finite(box[i]) {
			return false
		}
	}
	return box[0] >= -180 && box[2] <= 180 && box[1] >= -90 && box[3] <= 90
}

// blankDBF is a dBASE table with n records and no fields.
func blankDBF(n int) []byte {
	b := make([]byte, 33+n)
	b[0] = 0x03
	binary.LittleEndian.PutUint32(b[4:], uint32(n))
	binary.LittleEndian.PutUint16(b[8:], 33)
	binary.LittleEndian.PutUint16(b[10:], 1)
	b[32] = 0x0d
	for i := 33; i < len(b); i++ {
		b[i] = ' '
	}
	return b
}

// dbfColumns decodes the field names, making them unique: an empty name
// becomes FIELD_n, a repeated one gets _2, _3.
func dbfColumns(t *dbfTable, enc encoding.Encoding) []Column {
	cols := make([]Column, len(t.fields))
	seen := map[string]bool{}
	for i, f := range t.fields {
		name, _ := decodeText(enc, f.rawName)
		if name == "" {
			name = "FIELD_" + strconv.Itoa(i+1)
		}
		for n, base := 2, name; seen[name]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		seen[name] = true
		cols[i] = Column{Name: name, Type: string(rune(f.typ)), Size: f.size, Decimals: f.decimals}
	}
	return cols
}

// chooseEncoding settles the DBF's text encoding (see ReadShapefile).
func chooseEncoding(t *dbfTable, cpg []byte, declared, cpgName string) (name string, enc encoding.Encoding, warning string, err error) {
	if declared != "" {
		name, enc, ok := lookupEncoding(declared)
		if !ok {
			return "", nil, "", fmt.Errorf("the declared encoding %q is not one the portal knows (CP932, UTF-8, EUC-JP…)", declared)
		}
		return name, enc, "", nil
	}
	texts := t.textBytes()
	detName, detEnc := detectDBFEncoding(texts)
	if cpg == nil {
		return detName, detEnc, "", nil
	}
	name, enc, ok := lookupEncoding(string(cpg))
	if !ok {
		return detName, detEnc, fmt.Sprintf("%s names the encoding %q, which the portal does not know; the text was read as %s",
			cpgName, string(bytes.TrimSpace(cpg)), detName), nil
	}
	if (name == EncodingUTF8 || name == EncodingCP932) && name != detName && !allDecode(enc, texts) && allDecode(detEnc, texts) {
		return detName, detEnc, fmt.Sprintf("%s says %s but the text is not valid %s; it was read as %s", cpgName, name, name, detName), nil
	}
	return name, enc, "", nil
}

func allDecode(enc encoding.Encoding, texts [][]byte) bool {
	for _, b := range texts {
		if _, ok := decodeText(enc, b); !ok {
			return false
		}
	}
	return true
}
