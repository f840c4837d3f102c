package datasets

import (
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // photo uploads' sizes are read from their headers
	_ "image/png"
	"io"
	"math"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// geoPlan imports a GeoJSON FeatureCollection. GeoJSON files are read whole
// (they are bounded by the upload limit), so there is one pass.
type geoPlan struct {
	up      upload
	table   *GeoTable
	columns []Column
	probs   []Problem
	refused int      // features refused while reading, counted before probs is cut
	props   []string // the property name behind each column
	enc     Encoding // of the attributes: UTF-8 for GeoJSON, a Shapefile's DBF's
	src     *catalog.LayerSource
}

func (im *Importer) planGeoJSON(u upload, crs geo.CRS) (*geoPlan, error) {
	src, err := geoJSONSource(u.Name, crs)
	if err != nil {
		return nil, err
	}
	f, err := im.open(u)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, probs, err := ReadGeoJSON(u.Name, f, im.MaxUpload)
	if err != nil {
		return nil, fileError(err)
	}
	if len(t.Features) == 0 {
		if len(probs) > 0 {
			return nil, catalog.Errorf(catalog.Invalid, "%s: no feature could be read; the first problem: %s", u.Name, probs[0].Error())
		}
		return nil, catalog.Errorf(catalog.Invalid, "%s: the collection has no features", u.Name)
	}
	p := &geoPlan{up: u, table: t, probs: probs, refused: countErrors(probs), enc: UTF8, src: src}
	if len(p.probs) > maxProblems {
		// Keep the file-level warnings (no line) whatever else is cut.
		var kept []Problem
		for _, pr := range p.probs {
			if pr.Line == 0 || len(kept) < maxProblems {
				kept = append(kept, pr)
			}
		}
		p.probs = kept
	}
	taken := map[string]bool{"_row": true, "_geometry": true}
	for _, name := range t.Columns {
		taken[name] = true
	}
	for _, name := range t.Columns {
		col := name
		if reservedColumn(name) {
			col = uniqueName(name, 2, taken)
			taken[col] = true
			p.probs = append(p.probs, Problem{File: u.Name, Column: name, Severity: SeverityWarning,
				Reason: fmt.Sprintf("the property name %q is reserved by the API; the column is called %q", name, col)})
		}
		p.columns = append(p.columns, Column{Name: col, Type: geoColumnType(t.Features, name)})
		p.props = append(p.props, name)
	}
	return p, nil
}

// geoColumnType infers a column type from decoded JSON property values.
func geoColumnType(fs []GeoFeature, name string) ColumnType {
	t := ColumnType("")
	for _, f := range fs {
		var vt ColumnType
		switch v := f.Props[name].(type) {
		case nil:
			continue
		case float64:
			vt = TypeNumber
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				vt = TypeInteger
			}
		case bool:
			vt = TypeBoolean
		default:
			vt = TypeText
		}
		switch {
		case t == "" || t == vt:
			t = vt
		case (t == TypeInteger && vt == TypeNumber) || (t == TypeNumber && vt == TypeInteger):
			t = TypeNumber
		default:
			return TypeText
		}
	}
	if t == "" {
		return TypeText
	}
	return t
}

func (p *geoPlan) encoding() Encoding                { return p.enc }
func (p *geoPlan) problems() []Problem               { return p.probs }
func (p *geoPlan) layerSource() *catalog.LayerSource { return p.src }

func (p *geoPlan) fill(w *recordWriter) (catalog.VersionStats, error) {
	st := catalog.VersionStats{Encoding: string(p.enc), Columns: p.columns, Refused: p.refused}
	var (
		bounds orb.Bound
		first  = true
		props  []byte
	)
	for _, f := range p.table.Features {
		rec := Record{Row: st.Rows + 1, Line: f.Index + 1}
		props = append(props[:0], '{')
		for i, c := range p.columns {
			if i > 0 {
				props = append(props, ',')
			}
			props = appendJSONString(props, c.Name)
			props = append(props, ':')
			v := f.Props[p.props[i]]
			switch v.(type) {
			case nil, string, float64, bool:
				props = appendValue(props, v)
			default:
				// Nested objects and arrays are kept as JSON.
				j, err := json.Marshal(v)
				if err != nil {
					return st, fmt.Errorf("feature %d: %w", f.Index, err)
				}
				props = append(props, j...)
			}
		}
		rec.Props = append(props, '}')
		if f.Geometry != nil {
			// RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise.
			g := geo.Rewind(f.Geometry)
			b := g.Bound()
			if _, isPoint := g.(orb.Point); !isPoint {
				g, err := json.Marshal(geojson.NewGeometry(g))
				if err != nil {
					return st, fmt.Errorf("feature %d: %w", f.Index, err)
				}
				rec.Geom = g
			}
			// An empty geometry (an empty MultiPoint, say) is kept, but has
			// no bounds to store or to widen the dataset's extent with.
			if !b.IsEmpty() {
				rec.HasBounds = true
				rec.MinX, rec.MinY, rec.MaxX, rec.MaxY = b.Min[0], b.Min[1], b.Max[0], b.Max[1]
				if first {
					bounds, first = b, false
				} else {
					bounds = bounds.Union(b)
				}
			}
			st.HasGeometry = true
		}
		if err := w.Write(&rec); err != nil {
			return st, err
		}
		st.Rows++
	}
	if st.HasGeometry {
		st.BBox = &catalog.BBox{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]}
	}
	st.Problems = p.probs
	return st, nil
}

func countErrors(ps []Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// imagesPlan imports photos uploaded without a metadata CSV: one record per
// image, titled by its file name, for the clerk to describe later. The
// date and place its EXIF gives are the record's until the clerk writes
// others (photoDefaults).
type imagesPlan struct {
	images []upload
	exif   map[string]*EXIF // by file name; images whose metadata could not be read have none
}

func newImagesPlan(images []upload, exif map[string]*EXIF) *imagesPlan {
	return &imagesPlan{images: images, exif: exif}
}

func (p *imagesPlan) encoding() Encoding  { return "" }
func (p *imagesPlan) problems() []Problem { return nil }

// The columns of a photo record made from an image alone; the date and
// position columns are added only when some image's EXIF gives them.
const (
	photoTitleColumn = "タイトル"
	photoImageColumn = "画像ファイル"
	photoDateColumn  = "撮影年月日"
	photoLatColumn   = "緯度"
	photoLonColumn   = "経度"
)

func (p *imagesPlan) fill(w *recordWriter) (catalog.VersionStats, error) {
	var dates, points bool
	for _, x := range p.exif {
		dates = dates || !x.Taken.IsZero()
		points = points || x.HasGPS
	}
	cols := []Column{{Name: photoTitleColumn, Type: TypeText}, {Name: photoImageColumn, Type: TypeText}}
	if dates {
		cols = append(cols, Column{Name: photoDateColumn, Type: TypeDate})
	}
	if points {
		cols = append(cols, Column{Name: photoLatColumn, Type: TypeNumber}, Column{Name: photoLonColumn, Type: TypeNumber})
	}
	st := catalog.VersionStats{Columns: cols}
	var bounds orb.Bound
	for i, u := range p.images {
		fields := map[string]any{"title": u.Name, "image": u.Name}
		pt, hasPoint := photoDefaults(fields, p.exif[u.Name], false)
		props := appendJSONString([]byte(`{"`+photoTitleColumn+`":`), u.Name)
		props = append(props, `,"`+photoImageColumn+`":`...)
		props = appendJSONString(props, u.Name)
		if dates {
			props = append(props, `,"`+photoDateColumn+`":`...)
			props = appendValue(props, fields["date"])
		}
		if points {
			props = append(props, `,"`+photoLatColumn+`":`...)
			props = appendValue(props, fields["lat"])
			props = append(props, `,"`+photoLonColumn+`":`...)
			props = appendValue(props, fields["lon"])
		}
		props = append(props, '}')
		encoded, err := json.Marshal(fields)
		if err != nil {
			return st, err
		}
		rec := Record{Row: i + 1, Line: i + 1, Props: props, Fields: encoded}
		if hasPoint {
			rec.HasBounds = true
			rec.MinX, rec.MinY, rec.MaxX, rec.MaxY = pt[0], pt[1], pt[0], pt[1]
			if !st.HasGeometry {
				bounds = orb.Bound{Min: pt, Max: pt}
			}
			bounds = bounds.Extend(pt)
			st.HasGeometry = true
		}
		if err := w.Write(&rec); err != nil {
			return st, err
		}
		st.Rows++
	}
	if st.HasGeometry {
		st.BBox = &catalog.BBox{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]}
	}
	return st, nil
}

// MaxImagePixels bounds an uploaded image's size, and what the server
// decodes: a JPEG header can claim 65535 × 65535 pixels in a few bytes,
// 12 GB to decode. 100 megapixels is a 12000 × 8000 scan of a print, over
// any camera's photo.
const MaxImagePixels = 100_000_000

// photoEXIF reads the metadata of each uploaded image, by file name, and
// refuses an image larger than MaxImagePixels. An image whose metadata
// cannot be read (not a JPEG or PNG, or broken) has none: it is still
// imported, and its published copy still stripped.
func (im *Importer) photoEXIF(images []upload) (map[string]*EXIF, error) {
	out := map[string]*EXIF{}
	for _, u := range images {
		f, err := im.open(u)
		if err != nil {
			return nil, err
		}
		x, err := ReadEXIF(f)
		if err == nil {
			out[u.Name] = x
		}
		var cfg image.Config
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			cfg, _, err = image.DecodeConfig(f)
		}
		f.Close()
		if err == nil && cfg.Width*cfg.Height > MaxImagePixels {
			return nil, catalog.Errorf(catalog.Invalid, "%s: %d × %d pixels, over the limit of %d megapixels; export it smaller",
				u.Name, cfg.Width, cfg.Height, MaxImagePixels/1_000_000)
		}
	}
	return out, nil
}

// photoDefaults fills a photo record's typed fields from its image's EXIF
// where the metadata left them out: date (DateTimeOriginal, the day as the
// camera's clock showed it) and lat/lon (GPS) unless hasPoint. They are
// defaults, offered for the clerk to keep or correct, so the record lists
// them under "exif_defaults". It returns the point the record gets from
// GPS, if any.
func photoDefaults(fields map[string]any, x *EXIF, hasPoint bool) (orb.Point, bool) {
	if x == nil {
		return orb.Point{}, false
	}
	var filled []string
	if _, ok := fields["date"]; !ok && !x.Taken.IsZero() {
		fields["date"] = x.Taken.Format("2006-01-02")
		filled = append(filled, "date")
	}
	var pt orb.Point
	gps := false
	if !hasPoint && x.HasGPS {
		pt = orb.Point{x.Lon, x.Lat}
		if geo.Validate(pt) == nil {
			fields["lat"], fields["lon"] = x.Lat, x.Lon
			filled = append(filled, "lat", "lon")
			gps = true
		}
	}
	if len(filled) > 0 {
		fields["exif_defaults"] = filled
	}
	return pt, gps
}
