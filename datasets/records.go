package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// Record is one stored row of a version, ready to be written: Props is the
// record as a JSON object in column order, Geom a GeoJSON geometry (nil for a
// point or no geometry; a point lives in the bounds alone).
type Record struct {
	Row, Line int
	Props     []byte
	Fields    []byte // typed fields of a standard kind, JSON; nil for tables
	Geom      []byte
	HasBounds bool
	MinX      float64
	MinY      float64
	MaxX      float64
	MaxY      float64
}

// recordBatch is how many rows one INSERT carries: enough to amortise the
// per-statement cost of cgo calls, few enough to stay under SQLite's limit
// of 32766 bound parameters.
const recordBatch = 128

const recordColumns = 10

// recordWriter inserts records in batches inside a transaction.
type recordWriter struct {
	ctx       context.Context
	tx        *sql.Tx
	versionID int64
	full      *sql.Stmt
	pending   []any
}

func newRecordWriter(ctx context.Context, tx *sql.Tx, versionID int64) (*recordWriter, error) {
	full, err := tx.PrepareContext(ctx, insertRecords(recordBatch))
	if err != nil {
		return nil, fmt.Errorf("prepare record insert: %w", err)
	}
	return &recordWriter{ctx: ctx, tx: tx, versionID: versionID, full: full,
		pending: make([]any, 0, recordBatch*recordColumns)}, nil
}

func insertRecords(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO records (version_id, row, line, props, fields, geom, minx, miny, maxx, maxy) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// Write queues one record; records are sent to SQLite a batch at a time.
// Write copies r's slices, so the caller may reuse them at once.
func (w *recordWriter) Write(r *Record) error {
	var fields, geom any
	if r.Fields != nil {
		fields = string(r.Fields)
	}
	if r.Geom != nil {
		geom = string(r.Geom)
	}
	var minx, miny, maxx, maxy any
	if r.HasBounds {
		minx, miny, maxx, maxy = r.MinX, r.MinY, r.MaxX, r.MaxY
	}
	w.pending = append(w.pending, w.versionID, r.Row, r.Line, string(r.Props), fields, geom, minx, miny, maxx, maxy)
	if len(w.pending) == cap(w.pending) {
		if _, err := w.full.ExecContext(w.ctx, w.pending...); err != nil {
			return fmt.Errorf("insert records: %w", err)
		}
		w.pending = w.pending[:0]
	}
	return nil
}

// Abandon releases the statement without sending what is pending: the
// transaction is being rolled back anyway.
func (w *recordWriter) Abandon() { w.full.Close() }

// Close sends the last partial batch and releases the statement.
func (w *recordWriter) Close() error {
	defer w.full.Close()
	if len(w.pending) == 0 {
		return nil
	}
	if _, err := w.tx.ExecContext(w.ctx, insertRecords(len(w.pending)/recordColumns), w.pending...); err != nil {
		return fmt.Errorf("insert records: %w", err)
	}
	w.pending = w.pending[:0]
	return nil
}

// RecordFilter selects records of one version.
type RecordFilter struct {
	Q      string            // text that must appear in the record
	BBox   *catalog.BBox     // records whose bounds intersect it
	Equals map[string]string // column name -> value (compared as text)
	// OneOf: column name -> values, any of which matches (each compared
	// as in Equals).
	OneOf map[string][]string
	// Contains: column name -> text that must appear in that column.
	Contains map[string]string
	Sort     string // a column name, "-name" for descending; default file order
	// OrderBy sorts by several columns (file order breaks ties); when set,
	// Sort is ignored.
	OrderBy []RecordOrder
	// Dates keeps the records whose date meets a period (see DateFilter).
	Dates *DateFilter
	// Row keeps the one record with that number; 0 for any.
	Row int
	// Rows, when not nil, keeps the records with these numbers (found by a
	// spatial index, say); an empty, non-nil list keeps none.
	Rows   []int
	Limit  int // Find: default 100, at most 1000; Stream: 0 for all
	Offset int
}

// RecordOrder is one sort key: a column, or the row number when Column is
// empty.
type RecordOrder struct {
	Column string
	Desc   bool
}

// Records reads stored records.
type Records struct {
	DB *sql.DB
}

// selection is a filter as SQL: the condition with its arguments, and the
// ORDER BY with its own.
type selection struct {
	cond      string
	args      []any
	order     string
	orderArgs []any
}

// selection turns f into SQL over the records of v. Invalid when f names a
// column the version does not have.
func (rs *Records) selection(v *catalog.Version, f RecordFilter) (*selection, error) {
	where := []string{"version_id = ?"}
	args := []any{v.ID}
	known := map[string]ColumnType{}
	for _, c := range v.Columns {
		known[c.Name] = c.Type
	}
	column := func(name string) (ColumnType, error) {
		t, ok := known[name]
		if !ok {
			return "", catalog.Errorf(catalog.Invalid, "unknown column %q", name)
		}
		return t, nil
	}
	for name, val := range f.Equals {
		t, err := column(name)
		if err != nil {
			return nil, err
		}
		c, a := equalsClause(name, t, val)
		where, args = append(where, c), append(args, a...)
	}
	for name, vals := range f.OneOf {
		t, err := column(name)
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			where = append(where, "0")
			continue
		}
		var alts []string
		for _, val := range vals {
			c, a := equalsClause(name, t, val)
			alts, args = append(alts, c), append(args, a...)
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	for name, text := range f.Contains {
		if _, err := column(name); err != nil {
			return nil, err
		}
		where = append(where, `(CAST(json_extract(props, ?) AS TEXT) LIKE ? ESCAPE '\'
			OR CAST(json_extract(props, ?) AS TEXT) LIKE ? ESCAPE '\')`)
		args = append(args, jsonPath(name), "%"+likeEscape(text)+"%", jsonPath(name), "%"+likeEscape(normalizeWidth(text))+"%")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// The values only, not the keys; as typed and NFKC-folded.
		where = append(where, `EXISTS (SELECT 1 FROM json_each(props) WHERE CAST(value AS TEXT) LIKE ? ESCAPE '\'
			OR CAST(value AS TEXT) LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(q)+"%", "%"+likeEscape(normalizeWidth(q))+"%")
	}
	if b := f.BBox; b != nil {
		where = append(where, "minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?")
		args = append(args, b[2], b[0], b[3], b[1])
	}
	if d := f.Dates; d != nil {
		for _, name := range []string{d.Start, d.End} {
			if _, err := column(name); name != "" && err != nil {
				return nil, err
			}
		}
		c, a := d.clause()
		where, args = append(where, c), append(args, a...)
	}
	if f.Row > 0 {
		where, args = append(where, "row = ?"), append(args, f.Row)
	}
	if f.Rows != nil {
		if len(f.Rows) == 0 {
			where = append(where, "0")
		} else {
			where = append(where, "row IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Rows)), ",")+")")
			for _, r := range f.Rows {
				args = append(args, r)
			}
		}
	}
	sel := &selection{cond: strings.Join(where, " AND ")}
	sel.args = args
	orders := f.OrderBy
	if len(orders) == 0 && f.Sort != "" {
		orders = []RecordOrder{{Column: strings.TrimPrefix(f.Sort, "-"), Desc: strings.HasPrefix(f.Sort, "-")}}
	}
	var keys []string
	for _, o := range orders {
		dir := " ASC"
		if o.Desc {
			dir = " DESC"
		}
		if o.Column == "" {
			keys = append(keys, "row"+dir)
			continue
		}
		if _, ok := known[o.Column]; !ok {
			return nil, catalog.Errorf(catalog.Invalid, "cannot sort by unknown column %q", o.Column)
		}
		// The path is bound, not spliced: only the direction comes from a whitelist.
		keys = append(keys, "json_extract(props, ?)"+dir)
		sel.orderArgs = append(sel.orderArgs, jsonPath(o.Column))
	}
	sel.order = strings.Join(append(keys, "row"), ", ")
	return sel, nil
}

// equalsClause compares a column with a value as typed in the query:
// numbers and booleans by value (定員=80 matches 80.0, 有無=true matches
// true), everything else as text.
func equalsClause(name string, t ColumnType, val string) (string, []any) {
	if typed, ok := ParseValue(t, val); ok && (t == TypeInteger || t == TypeNumber || t == TypeBoolean) {
		if b, isBool := typed.(bool); isBool {
			typed = 0
			if b {
				typed = 1
			}
		}
		return "json_extract(props, ?) = ?", []any{jsonPath(name), typed}
	}
	return "CAST(json_extract(props, ?) AS TEXT) = ?", []any{jsonPath(name), val}
}

// Find returns the records of version v matching f as JSON objects, each
// with "_row" (its number in the file) and, when it has a geometry other
// than a point, "_geometry"; and the total that match. Invalid when f names
// a column the version does not have.
func (rs *Records) Find(ctx context.Context, v *catalog.Version, f RecordFilter) ([]json.RawMessage, int, error) {
	sel, err := rs.selection(v, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := rs.count(ctx, sel)
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	args := append(append(slices.Clip(sel.args), sel.orderArgs...), limit, max(f.Offset, 0))
	rows, err := rs.DB.QueryContext(ctx, "SELECT row, props, geom FROM records WHERE "+sel.cond+
		" ORDER BY "+sel.order+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find records: %w", err)
	}
	defer rows.Close()
	out := []json.RawMessage{}
	for rows.Next() {
		var (
			row   int
			props []byte
			geom  sql.RawBytes
		)
		if err := rows.Scan(&row, &props, &geom); err != nil {
			return nil, 0, fmt.Errorf("find records: %w", err)
		}
		out = append(out, withMeta(row, props, geom))
	}
	return out, total, rows.Err()
}

// Count returns how many records of v match f (its Sort, Limit and Offset
// aside). Invalid when f names a column the version does not have.
func (rs *Records) Count(ctx context.Context, v *catalog.Version, f RecordFilter) (int, error) {
	sel, err := rs.selection(v, f)
	if err != nil {
		return 0, err
	}
	return rs.count(ctx, sel)
}

func (rs *Records) count(ctx context.Context, sel *selection) (int, error) {
	var total int
	if err := rs.DB.QueryRowContext(ctx, "SELECT count(*) FROM records WHERE "+sel.cond, sel.args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return total, nil
}

// Stream calls fn with each record of v matching f, in f's order, from
// f.Offset and at most f.Limit of them (all when Limit is 0): row is the
// record's number in the file, props the record as a JSON object in column
// order, valid only during the call. Memory does not grow with the number
// of records. Invalid when f names a column the version does not have;
// otherwise what fn returns, or internal errors.
func (rs *Records) Stream(ctx context.Context, v *catalog.Version, f RecordFilter, fn func(row int, props []byte) error) error {
	return rs.Features(ctx, v, f, func(row int, _, props []byte) error { return fn(row, props) })
}

// withMeta prepends "_row" (and "_geometry") to a stored JSON object.
func withMeta(row int, props, geom []byte) json.RawMessage {
	b := make([]byte, 0, len(props)+len(geom)+32)
	b = append(b, `{"_row":`...)
	b = fmt.Appendf(b, "%d", row)
	if len(geom) > 0 {
		b = append(b, `,"_geometry":`...)
		b = append(b, geom...)
	}
	if len(props) > 2 {
		b = append(b, ',')
		b = append(b, props[1:]...)
	} else {
		b = append(b, '}')
	}
	return b
}

// jsonPath quotes a column name as an SQLite JSON path ($."name"), escaped
// the way the key was stored.
func jsonPath(name string) string {
	return "$." + string(appendJSONString(nil, name))
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// EachTyped calls fn for each record of v that has typed fields (the
// records of a standard dataset), in file order, for the search index.
func (rs *Records) EachTyped(ctx context.Context, v *catalog.Version, fn func(row int, fields, props []byte) error) error {
	rows, err := rs.DB.QueryContext(ctx, `SELECT row, fields, props FROM records
		WHERE version_id = ? AND fields IS NOT NULL ORDER BY row`, v.ID)
	if err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			row           int
			fields, props []byte
		)
		if err := rows.Scan(&row, &fields, &props); err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		if err := fn(row, fields, props); err != nil {
			return err
		}
	}
	return rows.Err()
}
