package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/machi-opendata/portal/catalog"
)

// Records as features: the records of a version with their geometry, for
// the OGC API. A point is stored in the bounds alone, so the query writes
// its GeoJSON from minx and miny; SQLite prints a REAL the same way here as
// in the GeoJSON download, so both give the same coordinates.

// featureGeometry is the SQL of a record's GeoJSON geometry, NULL for none.
const featureGeometry = `CASE WHEN geom IS NOT NULL THEN geom
	WHEN minx IS NOT NULL THEN '{"type":"Point","coordinates":[' || minx || ',' || miny || ']}' END`

// DateFilter keeps the records whose date meets the period From..To: a
// record has a date (Start) or a span of dates (Start to End, End empty
// or null meaning the one day Start). Dates are ISO 8601 (YYYY-MM-DD), as
// date columns are stored, and compared as text; From and To are
// inclusive and empty for an open end. A record without a date never
// meets a period.
type DateFilter struct {
	Start, End string // column names; End may be ""
	From, To   string
}

// clause is the filter as SQL over the stored records.
func (d *DateFilter) clause() (string, []any) {
	start := "json_extract(props, ?)"
	cond := start + " IS NOT NULL"
	args := []any{jsonPath(d.Start)}
	if d.To != "" {
		cond += " AND " + start + " <= ?"
		args = append(args, jsonPath(d.Start), d.To)
	}
	if d.From != "" {
		end := start
		endArgs := []any{jsonPath(d.Start)}
		if d.End != "" {
			end = "coalesce(json_extract(props, ?), " + start + ")"
			endArgs = []any{jsonPath(d.End), jsonPath(d.Start)}
		}
		cond += " AND " + end + " >= ?"
		args = append(append(args, endArgs...), d.From)
	}
	return "(" + cond + ")", args
}

// Features calls fn with each record of v matching f, in f's order, from
// f.Offset and at most f.Limit of them (all when Limit is 0): row is the
// record's number, geometry its GeoJSON geometry (nil when it has none)
// and props the record as a JSON object in column order; both are valid
// only during the call. Memory does not grow with the number of records.
// Invalid when f names a column the version does not have; otherwise what
// fn returns, or internal errors.
func (rs *Records) Features(ctx context.Context, v *catalog.Version, f RecordFilter, fn func(row int, geometry, props []byte) error) error {
	sel, err := rs.selection(v, f)
	if err != nil {
		return err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	args := append(append(slices.Clip(sel.args), sel.orderArgs...), limit, max(f.Offset, 0))
	rows, err := rs.DB.QueryContext(ctx, "SELECT row, props, "+featureGeometry+" FROM records WHERE "+sel.cond+
		" ORDER BY "+sel.order+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return fmt.Errorf("read features: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			row         int
			props, geom sql.RawBytes
		)
		if err := rows.Scan(&row, &props, &geom); err != nil {
			return fmt.Errorf("read features: %w", err)
		}
		if err := fn(row, geom, props); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read features: %w", err)
	}
	return nil
}

// Feature returns record row of v with its GeoJSON geometry (nil when it
// has none). NotFound when v has no such row.
func (rs *Records) Feature(ctx context.Context, v *catalog.Version, row int) (geometry, props []byte, err error) {
	var geom sql.NullString
	err = rs.DB.QueryRowContext(ctx, "SELECT props, "+featureGeometry+" FROM records WHERE version_id = ? AND row = ?",
		v.ID, row).Scan(&props, &geom)
	if err == sql.ErrNoRows {
		return nil, nil, catalog.Errorf(catalog.NotFound, "no feature %d", row)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read feature: %w", err)
	}
	if geom.Valid {
		geometry = []byte(geom.String)
	}
	return geometry, props, nil
}

// DateRange returns the earliest date of column start and the latest of
// column end (start where end is empty or null) over the records of v, as
// stored; both empty when no record has a date. Invalid for a column v
// does not have.
func (rs *Records) DateRange(ctx context.Context, v *catalog.Version, start, end string) (first, last string, err error) {
	for _, name := range []string{start, end} {
		if name != "" && !slices.ContainsFunc(v.Columns, func(c catalog.Column) bool { return c.Name == name }) {
			return "", "", catalog.Errorf(catalog.Invalid, "unknown column %q", name)
		}
	}
	if end == "" {
		end = start
	}
	var lo, hi sql.NullString
	err = rs.DB.QueryRowContext(ctx, `SELECT min(json_extract(props, ?)),
		max(coalesce(json_extract(props, ?), json_extract(props, ?)))
		FROM records WHERE version_id = ?`, jsonPath(start), jsonPath(end), jsonPath(start), v.ID).Scan(&lo, &hi)
	if err != nil {
		return "", "", fmt.Errorf("date range: %w", err)
	}
	return lo.String, hi.String, nil
}
