package datasets

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
)

// GIS layer sources beyond GeoJSON: a zipped ESRI Shapefile (read by geo,
// converted to WGS 84 there) and the coordinate system of a CSV's
// coordinates. Every layer version records where its coordinates came
// from (catalog.LayerSource), and says so in its note.

// layerSourcer is a plan that knows the original coordinate system of
// what it stores; nil when the version has no geometry to speak of.
type layerSourcer interface {
	layerSource() *catalog.LayerSource
}

// declaredCRS reads the coordinate system declared on upload; the zero
// CRS when none was. Invalid for a system the portal does not convert.
func declaredCRS(req ImportRequest) (geo.CRS, error) {
	if strings.TrimSpace(req.CRS) == "" {
		return geo.CRS{}, nil
	}
	c, err := geo.ParseCRS(req.CRS)
	if err != nil {
		return geo.CRS{}, &catalog.Error{Kind: catalog.Invalid, Err: err, Message: fmt.Sprintf(
			"the declared coordinate system %q cannot be used: %v", req.CRS, err)}
	}
	return c, nil
}

// newLayerSource describes a layer's original coordinates.
func newLayerSource(format string, c geo.CRS, from, encoding string, members []string) *catalog.LayerSource {
	return &catalog.LayerSource{Format: format, EPSG: c.EPSG, CRSName: c.Name, CRSFrom: from, Encoding: encoding, Members: members}
}

// sourceNote is the version's note about its coordinates, for people
// reading the version list (the API shows notes, and the layer source
// table is there for programs).
func sourceNote(src *catalog.LayerSource) string {
	if src == nil {
		return ""
	}
	how := map[string]string{geo.CRSDeclared: "declared on upload", geo.CRSDetected: "read from the file",
		geo.CRSAssumed: "assumed"}[src.CRSFrom]
	note := fmt.Sprintf("座標系 EPSG:%d %s (%s)", src.EPSG, src.CRSName, how)
	if src.EPSG != geo.EPSGWGS84 {
		note += "; stored as WGS 84"
	}
	return note
}

// planShapefile reads a zipped Shapefile whole (geo bounds what a zip may
// uncompress to) and plans its features as a GeoJSON plan would.
func (im *Importer) planShapefile(req ImportRequest, u upload, crs geo.CRS) (*geoPlan, error) {
	f, err := im.open(u)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	l, err := geo.ReadShapefileZip(f, fi.Size(), geo.ShapefileOptions{Department: req.Department, File: u.Name, CRS: crs,
		MaxUncompressed: im.MaxUnzipped})
	if err != nil {
		return nil, shapefileError(u.Name, err)
	}
	if len(l.Features) == 0 {
		if len(l.Skipped) > 0 {
			return nil, catalog.Errorf(catalog.Invalid, "%s: no record could be read; the first problem: %s", u.Name, l.Skipped[0].Error())
		}
		return nil, catalog.Errorf(catalog.Invalid, "%s: the shapefile has no records", u.Name)
	}
	p := &geoPlan{up: u, enc: shapefileEncoding(l.Source.Encoding), refused: len(l.Skipped),
		src: newLayerSource(geo.FormatShapefile, l.Source.CRS, l.Source.CRSFrom, l.Source.Encoding, l.Source.Members)}
	for _, w := range l.Warnings {
		p.probs = append(p.probs, Problem{File: u.Name, Severity: SeverityWarning, Reason: w})
	}
	for _, s := range l.Skipped {
		if len(p.probs) >= maxProblems {
			break
		}
		p.probs = append(p.probs, Problem{File: u.Name, Line: s.Record, Column: s.Field, Severity: SeverityError,
			Reason: s.File + ": " + s.Reason})
	}
	p.table, p.columns, p.props = shapeTable(u.Name, l, &p.probs)
	return p, nil
}

// shapefileError turns geo's refusal of a whole upload into an error of the
// catalog's kinds, naming the upload.
func shapefileError(name string, err error) error {
	kind := catalog.Invalid
	if errors.Is(err, geo.ErrTooLarge) {
		kind = catalog.TooLarge
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, name) {
		msg = name + ": " + msg
	}
	return &catalog.Error{Kind: kind, Message: msg, Err: err}
}

// shapefileEncoding names the DBF's text encoding as the importer names a
// CSV's.
func shapefileEncoding(name string) Encoding {
	switch strings.ToUpper(name) {
	case "CP932", "SHIFT_JIS", "SJIS":
		return ShiftJIS
	case "UTF-8", "":
		return UTF8
	case "EUC-JP":
		return EUCJP
	}
	return Encoding(strings.ToLower(name))
}

// shapeTable turns the read layer into the table a geoPlan stores: the DBF
// columns typed by their field type (numbers only when every value reads as
// one, so that a code column stays text), and one feature per record with
// its record number as its line.
func shapeTable(file string, l *geo.Layer, probs *[]Problem) (*GeoTable, []Column, []string) {
	n := len(l.Columns)
	types := make([]ColumnType, n)
	for i, c := range l.Columns {
		types[i] = dbfColumnType(c, l.Features, i)
	}
	taken := map[string]bool{"_row": true, "_geometry": true}
	for _, c := range l.Columns {
		taken[c.Name] = true
	}
	t := &GeoTable{Features: make([]GeoFeature, 0, len(l.Features))}
	var cols []Column
	for i, c := range l.Columns {
		name := c.Name
		if reservedColumn(name) {
			name = uniqueName(name, 2, taken)
			taken[name] = true
			*probs = append(*probs, Problem{File: file, Column: c.Name, Severity: SeverityWarning,
				Reason: fmt.Sprintf("the field name %q is reserved by the API; the column is called %q", c.Name, name)})
		}
		cols = append(cols, Column{Name: name, Type: types[i]})
		t.Columns = append(t.Columns, c.Name)
	}
	for _, f := range l.Features {
		props := make(map[string]any, n)
		for i, c := range l.Columns {
			if i < len(f.Values) {
				props[c.Name] = dbfValue(types[i], f.Values[i])
			}
		}
		t.Features = append(t.Features, GeoFeature{Index: f.ID - 1, Props: props, Geometry: f.Geometry})
	}
	return t, cols, t.Columns
}

// dbfColumnType types a DBF column: N and F are numbers when all their
// values read as numbers (integers when no value has a fraction), L is
// boolean, D a date; anything else text.
func dbfColumnType(c geo.Column, fs []geo.Feature, i int) ColumnType {
	switch c.Type {
	case "L":
		return TypeBoolean
	case "D":
		return TypeDate
	case "N", "F":
	default:
		return TypeText
	}
	t := TypeInteger
	for _, f := range fs {
		if i >= len(f.Values) || f.Values[i] == "" {
			continue
		}
		v, err := strconv.ParseFloat(f.Values[i], 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return TypeText
		}
		if v != math.Trunc(v) || math.Abs(v) >= 1<<53 {
			t = TypeNumber
		}
	}
	return t
}

// dbfValue is a DBF value as the record's JSON holds it: nil when empty.
func dbfValue(t ColumnType, s string) any {
	if s == "" {
		return nil
	}
	switch t {
	case TypeInteger, TypeNumber:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
	case TypeBoolean:
		return s == "true"
	}
	return s
}

// useCRS sets up the conversion of a CSV's coordinates from the declared
// system: latitude/longitude columns for a geographic one, X/Y columns for
// a projected one. A GIS layer must have coordinates. Invalid when the
// columns the system needs are missing.
func (p *csvPlan) useCRS(c geo.CRS) error {
	from := geo.CRSDeclared
	if c.IsZero() {
		if p.lat < 0 {
			if p.kind == catalog.KindLayer {
				return catalog.Errorf(catalog.Invalid, "%s: a GIS layer needs coordinates: columns 緯度 and 経度 (lat, lon), "+
					"or X and Y with the coordinate system declared (e.g. EPSG:6677)", p.up.Name)
			}
			return nil
		}
		// Degrees without a word about their datum: JGD2011, which is
		// what Japanese municipalities survey in (and WGS 84 to a map).
		c, _ = geo.CRSByEPSG(geo.EPSGJGD2011)
		from = geo.CRSAssumed
	}
	if !c.Geographic() {
		north, east, ok := planeColumns(p.header, c)
		if !ok {
			return catalog.Errorf(catalog.Invalid, "%s: the declared %s (%s) has plane coordinates, but the file has no X and Y "+
				"columns (X座標, Y座標) to read them from", p.up.Name, c, c.Name)
		}
		p.lat, p.lon, p.plane = north, east, true
		if c.Zone > 0 {
			p.add(Problem{File: p.up.Name, Line: p.dialect.HeaderLine, Column: p.header[north], Severity: SeverityWarning,
				Reason: fmt.Sprintf("read as northing and %q as easting, the Japanese survey convention (X is north) for %s",
					p.header[east], c.Name)})
		}
	} else if p.lat < 0 {
		return catalog.Errorf(catalog.Invalid, "%s: the declared %s has latitude and longitude, but the file has no 緯度 and 経度 (lat, lon) columns",
			p.up.Name, c)
	}
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	tr, err := geo.NewTransform(c, wgs84)
	if err != nil {
		return &catalog.Error{Kind: catalog.Invalid, Message: fmt.Sprintf("%s: %s cannot be converted", p.up.Name, c), Err: err}
	}
	p.tr = tr
	// Only a layer's versions, or ones whose system was declared, say where
	// their coordinates came from; a facility list's degrees need no note.
	if from == geo.CRSDeclared || p.kind == catalog.KindLayer {
		p.src = newLayerSource(geo.FormatCSV, c, from, string(p.dialect.Encoding), nil)
	}
	return nil
}

// planeColumns finds the plane coordinate columns: X and Y (X座標, Y座標,
// x, y, "X (m)"), or easting and northing by name. In the Japan Plane
// Rectangular CS, X is the northing and Y the easting (the survey
// convention every municipal table follows); in Web Mercator X is east.
func planeColumns(header []string, c geo.CRS) (north, east int, ok bool) {
	x, y, n, e := -1, -1, -1, -1
	for i, h := range header {
		s := strings.ToLower(trimSpace(removeBracketed(normalizeCell(h))))
		switch s {
		case "x", "x座標", "x_coord", "xcoord", "座標x":
			if x < 0 {
				x = i
			}
		case "y", "y座標", "y_coord", "ycoord", "座標y":
			if y < 0 {
				y = i
			}
		case "northing", "north", "北距":
			n = i
		case "easting", "east", "東距":
			e = i
		}
	}
	switch {
	case n >= 0 && e >= 0:
		return n, e, true
	case x < 0 || y < 0:
		return -1, -1, false
	case c.Zone > 0:
		return x, y, true
	}
	return y, x, true
}

// planePoint reads a row's plane coordinates and converts them, as point
// does degrees: a row whose coordinates cannot be converted, or land
// outside the globe, is refused; empty or unreadable ones keep the row
// without a location.
func (p *csvPlan) planePoint(line int, cells []string) (ok bool, pt orb.Point, has bool) {
	nText, eText := cells[p.lat], cells[p.lon]
	if nText == "" && eText == "" {
		return true, pt, false
	}
	north, errN := strconv.ParseFloat(removeSpaces(normalizeCell(nText)), 64)
	east, errE := strconv.ParseFloat(removeSpaces(normalizeCell(eText)), 64)
	if errN != nil || errE != nil {
		col, val := p.header[p.lat], nText
		if errN == nil {
			col, val = p.header[p.lon], eText
		}
		p.add(Problem{File: p.up.Name, Line: line, Column: col, Severity: SeverityWarning,
			Reason: fmt.Sprintf("%q is not a coordinate; the row is kept without a location", val)})
		return true, pt, false
	}
	pt = p.tr.Point(orb.Point{east, north})
	if err := geo.Validate(pt); err != nil || math.IsNaN(pt[0]) || math.IsNaN(pt[1]) {
		p.add(Problem{File: p.up.Name, Line: line, Column: p.header[p.lat], Severity: SeverityError,
			Reason: fmt.Sprintf("%v, %v in %s has no place on the globe", nText, eText, p.tr.From)})
		return false, pt, false
	}
	if !geo.InJapan(pt) {
		p.add(Problem{File: p.up.Name, Line: line, Column: p.header[p.lat], Severity: SeverityWarning,
			Reason: fmt.Sprintf("%v, %v in %s is outside Japan (longitude %.6f, latitude %.6f): is it the right zone?",
				nText, eText, p.tr.From, pt[0], pt[1])})
	}
	return true, pt, true
}

// geoJSONSource is a GeoJSON file's coordinate system: RFC 7946 says
// WGS 84 longitude/latitude; a declared geographic system is recorded as
// declared. Invalid for a declared projected system, which GeoJSON
// coordinates cannot be in.
func geoJSONSource(name string, c geo.CRS) (*catalog.LayerSource, error) {
	if c.IsZero() {
		wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
		return newLayerSource(geo.FormatGeoJSON, wgs84, geo.CRSDetected, "UTF-8", nil), nil
	}
	if !c.Geographic() {
		return nil, catalog.Errorf(catalog.Invalid, "%s: GeoJSON coordinates are longitude and latitude (RFC 7946); "+
			"the declared %s (%s) is a plane system: convert the file, or upload it as a zipped Shapefile or a CSV", name, c, c.Name)
	}
	return newLayerSource(geo.FormatGeoJSON, c, geo.CRSDeclared, "UTF-8", nil), nil
}
