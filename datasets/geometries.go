package datasets

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/machi-opendata/portal/catalog"
)

// GeometryRecord is a record with a geometry, as a spatial index loads it.
// A point comes as X (longitude) and Y (latitude) with Geometry nil, as
// points are stored; any other geometry as GeoJSON. Fields are the typed
// fields of a standard kind (nil for tables) and Props the record as a
// JSON object. The slices are valid only during the call that passes them.
type GeometryRecord struct {
	Row           int
	Geometry      []byte
	X, Y          float64
	Fields, Props []byte
}

// EachGeometry calls fn with each record of v that has a geometry, in row
// order, without building GeoJSON for points (a layer may hold a million).
// It returns what fn returns, or internal errors.
func (rs *Records) EachGeometry(ctx context.Context, v *catalog.Version, fn func(r *GeometryRecord) error) error {
	rows, err := rs.DB.QueryContext(ctx, `SELECT row, geom, minx, miny, fields, props FROM records
		WHERE version_id = ? AND (geom IS NOT NULL OR minx IS NOT NULL) ORDER BY row`, v.ID)
	if err != nil {
		return fmt.Errorf("read geometries: %w", err)
	}
	defer rows.Close()
	var r GeometryRecord
	for rows.Next() {
		var (
			geom, fields, props sql.RawBytes
			x, y                sql.NullFloat64
		)
		if err := rows.Scan(&r.Row, &geom, &x, &y, &fields, &props); err != nil {
			return fmt.Errorf("read geometries: %w", err)
		}
		r.Geometry, r.X, r.Y, r.Fields, r.Props = geom, x.Float64, y.Float64, fields, props
		if len(r.Geometry) == 0 {
			r.Geometry = nil
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read geometries: %w", err)
	}
	return nil
}
