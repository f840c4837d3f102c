package datasets

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// Exports stream a version's records row by row: memory does not grow with
// the dataset. Each format is a rowWriter, so one scan of the records can
// feed several (Measure writes all three at once).

// storedRecord is one stored record as scanned.
type storedRecord struct {
	row   int
	props []byte
	// geom is the record's GeoJSON geometry, or for a point "lon,lat" as
	// SQLite prints the numbers, or empty: one column instead of three
	// keeps the per-row cost of the scan (a cgo call per column) down.
	geom []byte
}

// isPoint tells whether geom holds "lon,lat" rather than a GeoJSON object.
func (r *storedRecord) isPoint() bool { return len(r.geom) > 0 && r.geom[0] != '{' }

// rowWriter writes one export format: begin and end frame it, row writes
// each record.
type rowWriter struct {
	row func(r *storedRecord) error
	end func() error
}

// WriteJSON writes the records as a JSON array of objects.
func (rs *Records) WriteJSON(ctx context.Context, w io.Writer, v *catalog.Version) error {
	return rs.write(ctx, v, jsonWriter(w))
}

// WriteGeoJSON writes the records as an RFC 7946 FeatureCollection (WGS 84,
// longitude first). Records without geometry get "geometry": null.
func (rs *Records) WriteGeoJSON(ctx context.Context, w io.Writer, v *catalog.Version) error {
	return rs.write(ctx, v, geoJSONWriter(w))
}

// WriteCSV writes the records as RFC 4180 CSV with the version's header.
// Values are written as stored: text as uploaded, numbers in plain notation.
func (rs *Records) WriteCSV(ctx context.Context, w io.Writer, v *catalog.Version, opt ExportOptions) error {
	cw, err := csvWriter(w, v, opt)
	if err != nil {
		return err
	}
	return rs.write(ctx, v, cw)
}

// write scans v once and feeds every writer.
func (rs *Records) write(ctx context.Context, v *catalog.Version, ws ...*rowWriter) error {
	err := rs.scan(ctx, v, func(r *storedRecord) error {
		for _, w := range ws {
			if err := w.row(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range ws {
		if err := w.end(); err != nil {
			return err
		}
	}
	return nil
}

func jsonWriter(w io.Writer) *rowWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('[')
	n := 0
	return &rowWriter{
		row: func(r *storedRecord) error {
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			bw.WriteByte('\n')
			_, err := bw.Write(r.props)
			return err
		},
		end: func() error {
			bw.WriteString("\n]\n")
			return bw.Flush()
		},
	}
}

func geoJSONWriter(w io.Writer) *rowWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	var num []byte
	return &rowWriter{
		row: func(r *storedRecord) error {
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			bw.WriteString("\n{\"type\":\"Feature\",\"id\":")
			num = strconv.AppendInt(num[:0], int64(r.row), 10)
			bw.Write(num)
			bw.WriteString(`,"geometry":`)
			switch {
			case r.isPoint():
				bw.WriteString(`{"type":"Point","coordinates":[`)
				bw.Write(r.geom)
				bw.WriteString(`]}`)
			case len(r.geom) > 0:
				bw.Write(r.geom)
			default:
				bw.WriteString("null")
			}
			bw.WriteString(`,"properties":`)
			bw.Write(r.props)
			return bw.WriteByte('}')
		},
		end: func() error {
			bw.WriteString("\n]}\n")
			return bw.Flush()
		},
	}
}

// ExportOptions shape a CSV export for spreadsheet users.
type ExportOptions struct {
	BOM      bool // start with a UTF-8 byte order mark (Excel then reads UTF-8)
	ShiftJIS bool // encode as Shift_JIS (CP932)
	// Replace, with ShiftJIS: write 〓 for characters Shift_JIS lacks instead
	// of refusing; the caller has listed them with Unmappable first.
	Replace bool
}

// Geta is the conventional Japanese substitute for a character that cannot
// be printed (〓, present in Shift_JIS).
const Geta = '〓'

func csvWriter(w io.Writer, v *catalog.Version, opt ExportOptions) (*rowWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var out io.Writer = bw
	if opt.ShiftJIS {
		out = transform.NewWriter(bw, sjisEncoder(opt.Replace))
	} else if opt.BOM {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true
	names := columnNames(v)
	if err := cw.Write(names); err != nil {
		return nil, err
	}
	cells := make([]string, len(names))
	return &rowWriter{
		row: func(r *storedRecord) error {
			if err := propsCells(r.props, names, cells); err != nil {
				return fmt.Errorf("record %d: %w", r.row, err)
			}
			return cw.Write(cells)
		},
		end: func() error {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			if c, ok := out.(io.Closer); ok {
				if err := c.Close(); err != nil {
					return err
				}
			}
			return bw.Flush()
		},
	}, nil
}

func columnNames(v *catalog.Version) []string {
	names := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		names[i] = c.Name
	}
	return names
}

// Unmappable is a character a Shift_JIS export cannot carry.
type Unmappable struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Char   string `json:"char"`
}

// Unmappable lists (up to limit) the characters of a version that Shift_JIS
// lacks, so an export can report them instead of dropping them silently.
func (rs *Records) Unmappable(ctx context.Context, v *catalog.Version, limit int) ([]Unmappable, error) {
	names := columnNames(v)
	var out []Unmappable
	sj := newSJISChecker()
	// Header names are checked too, as row 0.
	check := func(row int, col, s string) {
		for _, r := range s {
			if len(out) < limit && !sj.has(r) {
				out = append(out, Unmappable{Row: row, Column: col, Char: string(r)})
			}
		}
	}
	for _, n := range names {
		check(0, n, n)
	}
	cells := make([]string, len(names))
	err := rs.scan(ctx, v, func(r *storedRecord) error {
		if err := propsCells(r.props, names, cells); err != nil {
			return err
		}
		for i, c := range cells {
			check(r.row, names[i], c)
		}
		if len(out) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, err
	}
	return out, nil
}

var errStop = fmt.Errorf("stop")

// sjisChecker tells which runes Shift_JIS (CP932) can encode; one encoder
// is reused for every rune.
type sjisChecker struct {
	enc transform.Transformer
	src [utf8.UTFMax]byte
	dst [4]byte
}

func newSJISChecker() *sjisChecker { return &sjisChecker{enc: japanese.ShiftJIS.NewEncoder()} }

func (c *sjisChecker) has(r rune) bool {
	if r < utf8.RuneSelf {
		return true
	}
	c.enc.Reset()
	n := utf8.EncodeRune(c.src[:], r)
	_, _, err := c.enc.Transform(c.dst[:], c.src[:n], true)
	return err == nil
}

func sjisEncoder(replace bool) transform.Transformer {
	if !replace {
		return japanese.ShiftJIS.NewEncoder()
	}
	return transform.Chain(&runeReplacer{sj: newSJISChecker()}, japanese.ShiftJIS.NewEncoder())
}

// runeReplacer maps runes Shift_JIS lacks to Geta.
type runeReplacer struct {
	transform.NopResetter
	sj *sjisChecker
}

func (rr *runeReplacer) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		out := src[nSrc : nSrc+size]
		if !rr.sj.has(r) {
			out = []byte(string(Geta))
		}
		if nDst+len(out) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], out)
		nSrc += size
	}
	return nDst, nSrc, nil
}

// propsCells fills cells with the text of each named value of a stored
// record: strings as they are, numbers as written, booleans as true/false,
// null as empty.
func propsCells(props []byte, names, cells []string) error {
	if fastPropsCells(props, names, cells) {
		return nil
	}
	// Nested values (GeoJSON properties may hold objects): the general way.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(props, &m); err != nil {
		return err
	}
	for i, n := range names {
		raw := m[n]
		switch {
		case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
			cells[i] = ""
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return err
			}
			cells[i] = s
		default:
			cells[i] = string(raw)
		}
	}
	return nil
}

// fastPropsCells reads the flat objects the importer writes (keys in column
// order, scalar values, no spaces) without reflection; CSV export of a
// million rows spends most of its time here. It reports false for anything
// else, and the caller falls back to encoding/json.
func fastPropsCells(p []byte, names, cells []string) bool {
	if len(p) < 2 || p[0] != '{' {
		return false
	}
	i := 1
	for k := range names {
		if p[i] == '}' {
			return false
		}
		if k > 0 {
			if p[i] != ',' {
				return false
			}
			i++
		}
		key, n, ok := scanJSONString(p[i:])
		if !ok || key != names[k] || i+n >= len(p) || p[i+n] != ':' {
			return false
		}
		i += n + 1
		if i >= len(p) {
			return false
		}
		switch c := p[i]; {
		case c == '"':
			v, n, ok := scanJSONString(p[i:])
			if !ok {
				return false
			}
			cells[k], i = v, i+n
		case c == '{' || c == '[':
			return false
		default:
			j := i
			for j < len(p) && p[j] != ',' && p[j] != '}' {
				j++
			}
			if v := p[i:j]; string(v) == "null" {
				cells[k] = ""
			} else {
				cells[k] = string(v)
			}
			i = j
		}
		if i >= len(p) {
			return false
		}
	}
	return p[i] == '}'
}

// scanJSONString reads the JSON string at the start of p and returns its
// value and the bytes it took.
func scanJSONString(p []byte) (string, int, bool) {
	if len(p) == 0 || p[0] != '"' {
		return "", 0, false
	}
	escaped := false
	for j := 1; j < len(p); j++ {
		switch p[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return string(p[1:j]), j + 1, true
			}
			var s string
			if err := json.Unmarshal(p[:j+1], &s); err != nil {
				return "", 0, false
			}
			return s, j + 1, true
		}
	}
	return "", 0, false
}

// scan calls fn for each record of v in file order. The record's slices
// are valid only during the call. Rows are numbered 1..n in file order when
// stored, so the scan counts them instead of reading the column.
func (rs *Records) scan(ctx context.Context, v *catalog.Version, fn func(r *storedRecord) error) error {
	rows, err := rs.DB.QueryContext(ctx, `SELECT props,
		CASE WHEN geom IS NOT NULL THEN geom WHEN minx IS NOT NULL THEN minx || ',' || miny END
		FROM records WHERE version_id = ? ORDER BY row`, v.ID)
	if err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	defer rows.Close()
	var (
		r           storedRecord
		props, geom sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&props, &geom); err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		r.row++
		r.props, r.geom = props, geom
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	return nil
}

// Export is one generated download of a version.
type Export struct {
	Name          string // file name in the URL: data.csv, data.json, data.geojson
	Format        string // DCAT format label
	MediaType     string
	NeedsGeometry bool
}

// Exports lists the generated downloads every published version offers.
var Exports = []Export{
	{"data.csv", "CSV", "text/csv", false},
	{"data.json", "JSON", "application/json", false},
	{"data.geojson", "GeoJSON", "application/geo+json", true},
}

// Measure computes the size and SHA-256 of each export of v as served by
// default (UTF-8 CSV without BOM), for the catalog's distributions, in one
// scan of the records.
func (rs *Records) Measure(ctx context.Context, v *catalog.Version) (map[string]catalog.DistributionInfo, error) {
	type measured struct {
		name string
		h    hash.Hash
		n    *countingWriter
	}
	var (
		ms []measured
		ws []*rowWriter
	)
	for _, e := range Exports {
		if e.NeedsGeometry && !v.HasGeometry {
			continue
		}
		m := measured{name: e.Name, h: sha256.New()}
		m.n = &countingWriter{w: m.h}
		var w *rowWriter
		switch e.Name {
		case "data.csv":
			var err error
			if w, err = csvWriter(m.n, v, ExportOptions{}); err != nil {
				return nil, err
			}
		case "data.json":
			w = jsonWriter(m.n)
		case "data.geojson":
			w = geoJSONWriter(m.n)
		}
		ms, ws = append(ms, m), append(ws, w)
	}
	if err := rs.write(ctx, v, ws...); err != nil {
		return nil, fmt.Errorf("measure downloads: %w", err)
	}
	out := map[string]catalog.DistributionInfo{}
	for _, m := range ms {
		out[m.name] = catalog.DistributionInfo{Size: m.n.n, SHA256: hex.EncodeToString(m.h.Sum(nil))}
	}
	return out, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
