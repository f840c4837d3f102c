package datasets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
	"github.com/paulmach/orb"
)

// importPlan is what reading a file found before anything is stored; fill
// then streams its records into a version.
type importPlan interface {
	encoding() Encoding
	fill(w *recordWriter) (catalog.VersionStats, error)
	problems() []Problem
}

// plan reads the data file once to learn its shape (encoding, dialect,
// header, column types, standard) and refuses what cannot be a dataset.
func (im *Importer) plan(req ImportRequest, ups []upload) (importPlan, error) {
	var data, images []upload
	for _, u := range ups {
		if u.Role == "image" {
			images = append(images, u)
		} else {
			data = append(data, u)
		}
	}
	if len(images) > 0 && req.Kind != catalog.KindPhoto {
		return nil, catalog.Errorf(catalog.Invalid, "%s: images belong in a photo dataset", images[0].Name)
	}
	if len(data) > 1 {
		return nil, catalog.Errorf(catalog.Invalid, "one data file per version, got %d (%s, %s, ...)", len(data), data[0].Name, data[1].Name)
	}
	// Each photo's EXIF, read once: the guard scans it and the records take
	// their date and place from it when the metadata has none.
	var exif map[string]*EXIF
	if len(images) > 0 {
		var err error
		if exif, err = im.photoEXIF(images); err != nil {
			return nil, err
		}
	}
	if len(data) == 0 {
		return newImagesPlan(images, exif), nil
	}
	u := data[0]
	crs, err := declaredCRS(req)
	if err != nil {
		return nil, err
	}
	switch u.ext {
	case ".zip":
		if req.Kind != catalog.KindLayer {
			return nil, catalog.Errorf(catalog.Invalid, "%s: a zipped Shapefile is a GIS layer: import it as kind layer, not %s", u.Name, req.Kind)
		}
		return im.planShapefile(req, u, crs)
	case ".geojson", ".json":
		if req.Kind == catalog.KindPhoto {
			return nil, catalog.Errorf(catalog.Invalid, "%s: a photo dataset takes a metadata CSV, not GeoJSON", u.Name)
		}
		return im.planGeoJSON(u, crs)
	}
	p, err := im.planCSV(req.Kind, u, crs)
	if err != nil {
		return nil, err
	}
	if req.Kind == catalog.KindPhoto {
		p.checkImages(images)
		p.exif = exif
	}
	return p, nil
}

// csvPlan imports a CSV table.
type csvPlan struct {
	im       *Importer
	up       upload
	kind     catalog.Kind
	dialect  Dialect
	header   []string
	types    []ColumnType
	derived  []bool // column i gets an ISO 8601 column beside it
	columns  []Column
	keys     [][]byte // JSON-quoted column names, in output order
	lat, lon int      // coordinate columns, -1 when none
	mapping  *Mapping
	probs    []Problem
	images   map[string]bool  // uploaded image names, for photo metadata
	exif     map[string]*EXIF // their metadata, by name
	// Coordinates in another system than WGS 84 degrees: plane is true
	// when lat and lon are the northing and easting columns; tr converts.
	plane bool
	tr    *geo.Transform
	src   *catalog.LayerSource
}

var isoDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

func (im *Importer) planCSV(kind catalog.Kind, u upload, crs geo.CRS) (*csvPlan, error) {
	f, err := im.open(u)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := NewCSVReader(u.Name, f, CSVOptions{})
	if err != nil {
		return nil, fileError(err)
	}
	p := &csvPlan{im: im, up: u, kind: kind, dialect: r.Dialect(), header: r.Header(), lat: -1, lon: -1}
	p.add(r.Problems()...)
	if lat, lon, ok := CoordinateColumns(p.header); ok {
		p.lat, p.lon = lat, lon
	}
	if err := p.useCRS(crs); err != nil {
		return nil, err
	}
	if kind != catalog.KindLayer {
		m, probs := MatchStandard(kind, u.Name, p.header)
		if kind != catalog.KindTable && (m == nil || !m.Conforms) {
			// A standard kind without its required columns is not that kind.
			msg := fmt.Sprintf("%s: the columns do not match the standard %s dataset", u.Name, kind)
			if len(probs) > 0 {
				msg = probs[0].Error()
				if len(probs) > 1 {
					msg += fmt.Sprintf(" (and %d more missing columns)", len(probs)-1)
				}
			}
			return nil, catalog.Errorf(catalog.Invalid, "%s", msg)
		}
		if m != nil && m.Conforms {
			p.mapping = m
		}
	}
	inf := NewTypeInferrer(len(p.header))
	good := 0
	allISO := make([]bool, len(p.header))
	for i := range allISO {
		allISO[i] = true
	}
	for {
		_, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		var prob *Problem
		if errors.As(err, &prob) {
			p.add(*prob)
			continue
		}
		if err != nil {
			return nil, fileError(err)
		}
		good++
		inf.Add(cells)
		for i, c := range cells {
			if allISO[i] && !isBlank(c) && !isoDate.MatchString(c) {
				allISO[i] = false
			}
		}
	}
	if good == 0 {
		return nil, p.nothingImported()
	}
	p.types = inf.Types()
	p.derived = make([]bool, len(p.header))
	// Derived columns must not take a name the file uses, nor the names the
	// records API adds (_row, _geometry).
	taken := map[string]bool{"_row": true, "_geometry": true}
	for _, name := range p.header {
		taken[name] = true
	}
	for i, name := range p.header {
		if reservedColumn(name) {
			renamed := uniqueName(name, 2, taken)
			taken[renamed] = true
			p.add(Problem{File: u.Name, Line: p.dialect.HeaderLine, Column: name, Severity: SeverityWarning,
				Reason: fmt.Sprintf("the name %q is reserved by the API; the column is called %q", name, renamed)})
			p.header[i] = renamed
			name = renamed
		}
		p.columns = append(p.columns, Column{Name: name, Type: p.types[i]})
		if p.types[i] == TypeDate && !allISO[i] {
			p.derived[i] = true
			iso := uniqueName(name+"_ISO8601", 1, taken)
			taken[iso] = true
			p.columns = append(p.columns, Column{Name: iso, Type: TypeDate, Derived: name})
		}
	}
	for _, c := range p.columns {
		p.keys = append(p.keys, appendJSONString(nil, c.Name))
	}
	return p, nil
}

// nothingImported refuses a file none of whose rows can be stored: an empty
// version would replace the published records with nothing.
func (p *csvPlan) nothingImported() error {
	for _, pr := range p.probs {
		if pr.Severity == SeverityError {
			return catalog.Errorf(catalog.Invalid, "%s: no row could be read; the first problem: %s", p.up.Name, pr.Error())
		}
	}
	return catalog.Errorf(catalog.Invalid, "%s: the file has a header (line %d) but no records", p.up.Name, p.dialect.HeaderLine)
}

func (p *csvPlan) encoding() Encoding                { return p.dialect.Encoding }
func (p *csvPlan) problems() []Problem               { return p.probs }
func (p *csvPlan) layerSource() *catalog.LayerSource { return p.src }

func (p *csvPlan) add(probs ...Problem) {
	for _, pr := range probs {
		if len(p.probs) < maxProblems {
			p.probs = append(p.probs, pr)
		}
	}
}

// checkImages warns about metadata rows naming images that were not uploaded.
func (p *csvPlan) checkImages(images []upload) {
	// The photo mapping's "image" field names the file; checked per row in fill.
	p.images = map[string]bool{}
	for _, u := range images {
		p.images[u.Name] = true
	}
}

// fill reads the file again and writes every good row.
func (p *csvPlan) fill(w *recordWriter) (catalog.VersionStats, error) {
	st := catalog.VersionStats{Encoding: string(p.dialect.Encoding), Columns: p.columns}
	if p.mapping != nil {
		st.Standard = p.mapping.Standard.Name
		st.Tags = p.mapping.Tags()
	}
	f, err := p.im.open(p.up)
	if err != nil {
		return st, err
	}
	defer f.Close()
	r, err := NewCSVReader(p.up.Name, f, CSVOptions{})
	if err != nil {
		return st, fileError(err)
	}
	var (
		rec    Record
		props  []byte
		bounds = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	)
	for {
		line, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var prob *Problem
			if errors.As(err, &prob) {
				st.Refused++ // reported in the first pass
				continue
			}
			return st, fileError(err)
		}
		rec = Record{Row: st.Rows + 1, Line: line}
		ok, pt, hasPoint := p.point(line, cells)
		if !ok {
			st.Refused++
			continue
		}
		if p.mapping != nil {
			fields, probs := p.mapping.Extract(p.up.Name, line, cells)
			refuse := false
			for _, pr := range probs {
				p.add(pr)
				refuse = refuse || pr.Severity == SeverityError
			}
			if refuse {
				st.Refused++
				continue
			}
			if p.images != nil {
				if name, _ := fields["image"].(string); name != "" && !p.images[name] {
					p.add(Problem{File: p.up.Name, Line: line, Column: "image", Severity: SeverityWarning,
						Reason: fmt.Sprintf("the image %q was not uploaded with the metadata", name)})
				}
				name, _ := fields["image"].(string)
				if gps, ok := photoDefaults(fields, p.exif[name], hasPoint); ok {
					pt, hasPoint = gps, true
				}
			}
			if rec.Fields, err = json.Marshal(fields); err != nil {
				return st, fmt.Errorf("line %d: %w", line, err)
			}
		}
		props = p.props(props[:0], cells)
		rec.Props = props
		if hasPoint {
			rec.HasBounds = true
			rec.MinX, rec.MinY, rec.MaxX, rec.MaxY = pt[0], pt[1], pt[0], pt[1]
			bounds = bounds.Extend(pt)
			st.HasGeometry = true
		}
		if err := w.Write(&rec); err != nil {
			return st, err
		}
		st.Rows++
	}
	if st.Rows == 0 {
		return st, p.nothingImported()
	}
	if p.kind == catalog.KindLayer && !st.HasGeometry {
		// A layer without a single place is no layer: most likely metres
		// read as degrees because no system was declared.
		return st, catalog.Errorf(catalog.Invalid, "%s: no row has coordinates that could be read in columns %s and %s; "+
			"plane coordinates need their coordinate system declared (e.g. EPSG:6677)", p.up.Name, p.header[p.lat], p.header[p.lon])
	}
	if st.HasGeometry {
		st.BBox = &catalog.BBox{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]}
	}
	// The reader's problems came in the first pass, the rows' in this one.
	slices.SortStableFunc(p.probs, func(a, b Problem) int { return a.Line - b.Line })
	st.Problems = p.probs
	return st, nil
}

// point reads a row's coordinates. ok is false when the row must be
// refused (coordinates outside the globe, or swapped); a row with empty or
// unreadable coordinates is kept without geometry, with a warning.
func (p *csvPlan) point(line int, cells []string) (ok bool, pt orb.Point, has bool) {
	if p.lat < 0 {
		return true, pt, false
	}
	if p.plane {
		return p.planePoint(line, cells)
	}
	latText, lonText := cells[p.lat], cells[p.lon]
	if latText == "" && lonText == "" {
		return true, pt, false
	}
	lat, okLat := ParseCoordinate(latText)
	lon, okLon := ParseCoordinate(lonText)
	if !okLat || !okLon {
		col, val := p.header[p.lat], latText
		if okLat {
			col, val = p.header[p.lon], lonText
		}
		p.add(Problem{File: p.up.Name, Line: line, Column: col, Severity: SeverityWarning,
			Reason: fmt.Sprintf("%q is not a coordinate; the row is kept without a location", val)})
		return true, pt, false
	}
	pt = orb.Point{lon, lat}
	if err := geo.Validate(pt); err != nil {
		p.add(Problem{File: p.up.Name, Line: line, Column: p.header[p.lat], Severity: SeverityError,
			Reason: fmt.Sprintf("latitude %v, longitude %v: %v", lat, lon, err)})
		return false, pt, false
	}
	if lat == 0 && lon == 0 {
		p.add(Problem{File: p.up.Name, Line: line, Column: p.header[p.lat], Severity: SeverityWarning,
			Reason: "the location is 0,0 (a placeholder, not a place); the row is kept without a location"})
		return true, pt, false
	}
	if !geo.InJapan(pt) {
		p.add(Problem{File: p.up.Name, Line: line, Column: p.header[p.lat], Severity: SeverityWarning,
			Reason: fmt.Sprintf("latitude %v, longitude %v is outside Japan", lat, lon)})
	}
	return true, pt, true
}

// props encodes a row as a JSON object in column order with typed values.
func (p *csvPlan) props(b []byte, cells []string) []byte {
	b = append(b, '{')
	k := 0
	for i, cell := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p.keys[k]...)
		b = append(b, ':')
		k++
		t := p.types[i]
		if t == TypeDate {
			// The date as written; its ISO form goes beside it.
			if isBlank(cell) {
				cell = ""
			}
			b = appendValue(b, cellOrNil(cell))
			if p.derived[i] {
				b = append(b, ',')
				b = append(b, p.keys[k]...)
				b = append(b, ':')
				k++
				if iso, ok := ParseDate(cell); ok {
					b = appendJSONString(b, iso)
				} else {
					b = append(b, "null"...)
				}
			}
			continue
		}
		v, ok := ParseValue(t, cell)
		if !ok {
			v = cell
		}
		b = appendValue(b, v)
	}
	return append(b, '}')
}

func cellOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// appendValue writes one JSON value of the kinds ParseValue returns.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		// As encoding/json does: plain notation, but exponents for the very
		// small and very large, so 1e300 stays 6 bytes, not 301.
		if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
			return strconv.AppendFloat(b, x, 'e', -1, 64)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// appendJSONString writes s as a JSON string, leaving non-ASCII text as is
// (Japanese stays readable and compact) and escaping what JSON requires.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, `\u202`...)
				b = append(b, hex[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// reservedColumn tells the names the records API uses for its own keys.
func reservedColumn(name string) bool { return name == "_row" || name == "_geometry" }
