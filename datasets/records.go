package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	Sort   string            // a column name, "-name" for descending; default file order
	Limit  int               // default 100, at most 1000
	Offset int
}

// Records reads stored records.
type Records struct {
	DB *sql.DB
}

// Find returns the records of version v matching f as JSON objects, each
// with "_row" (its number in the file) and, when it has a geometry other
// than a point, "_geometry"; and the total that match. Invalid when f names
// a column the version does not have.
func (rs *Records) Find(ctx context.Context, v *catalog.Version, f RecordFilter) ([]json.RawMessage, int, error) {
	where := []string{"version_id = ?"}
	args := []any{v.ID}
	known := map[string]ColumnType{}
	for _, c := range v.Columns {
		known[c.Name] = c.Type
	}
	for name, val := range f.Equals {
		t, ok := known[name]
		if !ok {
			return nil, 0, catalog.Errorf(catalog.Invalid, "unknown column %q", name)
		}
		// Numbers and booleans compare by value (定員=80 matches 80.0, 有無=true
		// matches true); everything else as text.
		if typed, ok := ParseValue(t, val); ok && (t == TypeInteger || t == TypeNumber || t == TypeBoolean) {
			if b, isBool := typed.(bool); isBool {
				typed = 0
				if b {
					typed = 1
				}
			}
			where = append(where, "json_extract(props, ?) = ?")
			args = append(args, jsonPath(name), typed)
			continue
		}
		where = append(where, "CAST(json_extract(props, ?) AS TEXT) = ?")
		args = append(args, jsonPath(name), val)
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
	cond := strings.Join(where, " AND ")
	var total int
	if err := rs.DB.QueryRowContext(ctx, "SELECT count(*) FROM records WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count records: %w", err)
	}
	order := "row"
	if f.Sort != "" {
		name, dir := strings.TrimPrefix(f.Sort, "-"), "ASC"
		if strings.HasPrefix(f.Sort, "-") {
			dir = "DESC"
		}
		if _, ok := known[name]; !ok {
			return nil, 0, catalog.Errorf(catalog.Invalid, "cannot sort by unknown column %q", name)
		}
		// The path is bound, not spliced: only the direction comes from a whitelist.
		order = "json_extract(props, ?) " + dir + ", row"
		args = append(args, jsonPath(name))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	args = append(args, limit, max(f.Offset, 0))
	rows, err := rs.DB.QueryContext(ctx, "SELECT row, props, geom FROM records WHERE "+cond+
		" ORDER BY "+order+" LIMIT ? OFFSET ?", args...)
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
