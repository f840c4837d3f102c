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
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// Exports stream a version's records row by row: memory does not grow with
// the dataset. Each reads in file order from the records table.

// WriteJSON writes the records as a JSON array of objects.
func (rs *Records) WriteJSON(ctx context.Context, w io.Writer, v *catalog.Version) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('[')
	n := 0
	err := rs.scan(ctx, v, func(row int, props, geom []byte, hasPoint bool, x, y float64) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		bw.WriteByte('\n')
		_, err := bw.Write(props)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// WriteGeoJSON writes the records as an RFC 7946 FeatureCollection (WGS 84,
// longitude first). Records without geometry get "geometry": null.
func (rs *Records) WriteGeoJSON(ctx context.Context, w io.Writer, v *catalog.Version) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	var num []byte
	err := rs.scan(ctx, v, func(row int, props, geom []byte, hasPoint bool, x, y float64) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		bw.WriteString("\n{\"type\":\"Feature\",\"id\":")
		num = strconv.AppendInt(num[:0], int64(row), 10)
		bw.Write(num)
		bw.WriteString(`,"geometry":`)
		switch {
		case len(geom) > 0:
			bw.Write(geom)
		case hasPoint:
			bw.WriteString(`{"type":"Point","coordinates":[`)
			num = strconv.AppendFloat(num[:0], x, 'f', -1, 64)
			num = append(num, ',')
			num = strconv.AppendFloat(num, y, 'f', -1, 64)
			bw.Write(num)
			bw.WriteString(`]}`)
		default:
			bw.WriteString("null")
		}
		bw.WriteString(`,"properties":`)
		_, err := bw.Write(props)
		bw.WriteByte('}')
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// CSVOptions shape a CSV export for spreadsheet users.
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

// WriteCSV writes the records as RFC 4180 CSV with the version's header.
// Values are written as stored: text as uploaded, numbers in plain notation.
func (rs *Records) WriteCSV(ctx context.Context, w io.Writer, v *catalog.Version, opt ExportOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var out io.Writer = bw
	if opt.ShiftJIS {
		out = transform.NewWriter(bw, sjisEncoder(opt.Replace))
	} else if opt.BOM {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true
	names := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		names[i] = c.Name
	}
	if err := cw.Write(names); err != nil {
		return err
	}
	cells := make([]string, len(names))
	err := rs.scan(ctx, v, func(row int, props, geom []byte, hasPoint bool, x, y float64) error {
		if err := propsCells(props, names, cells); err != nil {
			return fmt.Errorf("record %d: %w", row, err)
		}
		return cw.Write(cells)
	})
	if err != nil {
		return err
	}
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
	names := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		names[i] = c.Name
	}
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
	err := rs.scan(ctx, v, func(row int, props, geom []byte, hasPoint bool, x, y float64) error {
		if err := propsCells(props, names, cells); err != nil {
			return err
		}
		for i, c := range cells {
			check(row, names[i], c)
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

// scan calls fn for each record of v in file order.
func (rs *Records) scan(ctx context.Context, v *catalog.Version,
	fn func(row int, props, geom []byte, hasPoint bool, x, y float64) error) error {
	rows, err := rs.DB.QueryContext(ctx, `SELECT row, props, geom, minx, miny FROM records WHERE version_id = ? ORDER BY row`, v.ID)
	if err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			row         int
			props, geom sql.RawBytes
			x, y        sql.NullFloat64
		)
		if err := rows.Scan(&row, &props, &geom, &x, &y); err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		if err := fn(row, props, geom, x.Valid, x.Float64, y.Float64); err != nil {
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
// default (UTF-8 CSV without BOM), for the catalog's distributions.
func (rs *Records) Measure(ctx context.Context, v *catalog.Version) (map[string]catalog.DistributionInfo, error) {
	out := map[string]catalog.DistributionInfo{}
	for _, e := range Exports {
		if e.NeedsGeometry && !v.HasGeometry {
			continue
		}
		h := sha256.New()
		cw := &countingWriter{w: h}
		var err error
		switch e.Name {
		case "data.csv":
			err = rs.WriteCSV(ctx, cw, v, ExportOptions{})
		case "data.json":
			err = rs.WriteJSON(ctx, cw, v)
		case "data.geojson":
			err = rs.WriteGeoJSON(ctx, cw, v)
		}
		if err != nil {
			return nil, fmt.Errorf("measure %s: %w", e.Name, err)
		}
		out[e.Name] = catalog.DistributionInfo{Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}
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
