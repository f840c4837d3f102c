package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditLayerDefine is the audit action of saving a unified layer's
// definition (the target is the layer's slug).
const AuditLayerDefine = "layer.define"

// LayerDefinition is a unified GIS layer (統合レイヤー) as the catalog keeps
// it: the definition is JSON that package geo reads (geo.MergeDef); the
// catalog does not look inside it beyond checking it is a JSON object,
// since it imports nothing of geo. Callers validate it before saving.
type LayerDefinition struct {
	Slug       string          `json:"id"`
	Title      string          `json:"title"`
	Definition json.RawMessage `json:"definition"`
	Updated    time.Time       `json:"updated"`
	Actor      string          `json:"-"` // an account name: shown to admins only
}

// LayerDefinitions lists the unified layers by slug. Errors are internal.
func (s *Store) LayerDefinitions(ctx context.Context) ([]*LayerDefinition, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT slug, title, definition, updated, actor FROM unified_layers ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("list layer definitions: %w", err)
	}
	defer rows.Close()
	var out []*LayerDefinition
	for rows.Next() {
		d, err := scanLayerDefinition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list layer definitions: %w", err)
	}
	return out, nil
}

// LayerDefinition returns the unified layer slug; NotFound when there is
// none, otherwise only internal errors.
func (s *Store) LayerDefinition(ctx context.Context, slug string) (*LayerDefinition, error) {
	d, err := scanLayerDefinition(s.DB.QueryRowContext(ctx,
		`SELECT slug, title, definition, updated, actor FROM unified_layers WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "no unified layer %q", slug)
	}
	return d, err
}

func scanLayerDefinition(row interface{ Scan(...any) error }) (*LayerDefinition, error) {
	var d LayerDefinition
	var def, updated string
	if err := row.Scan(&d.Slug, &d.Title, &def, &updated, &d.Actor); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("read layer definition: %w", err)
	}
	d.Definition, d.Updated = json.RawMessage(def), parseTime(updated)
	return &d, nil
}

// PutLayerDefinition creates or replaces a unified layer's definition and
// records it in the audit log, in one transaction; d.Updated and d.Actor
// are set from the clock and by. Invalid for a slug that is not lower-case
// ASCII letters, digits and hyphens, an empty title or a definition that
// is not a JSON object; Conflict when a dataset has the slug (both would
// be /ogc/collections/{slug}).
func (s *Store) PutLayerDefinition(ctx context.Context, by Actor, d *LayerDefinition) error {
	switch {
	case !ValidSlug(d.Slug):
		return Errorf(Invalid, "layer id %q must be lower-case ASCII letters, digits and hyphens", d.Slug)
	case strings.TrimSpace(d.Title) == "":
		return Errorf(Invalid, "layer %q needs a title", d.Slug)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(d.Definition, &obj); err != nil {
		return Errorf(Invalid, "layer %q: the definition is not a JSON object", d.Slug)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("put layer definition: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM datasets WHERE slug = ?`, d.Slug).Scan(&n); err != nil {
		return fmt.Errorf("put layer definition: %w", err)
	}
	if n > 0 {
		return Errorf(Conflict, "%q is a dataset's id; a unified layer needs an id of its own", d.Slug)
	}
	var existed int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM unified_layers WHERE slug = ?`, d.Slug).Scan(&existed); err != nil {
		return fmt.Errorf("put layer definition: %w", err)
	}
	d.Updated, d.Actor = s.Now().UTC(), by.Login
	if _, err := tx.ExecContext(ctx, `INSERT INTO unified_layers (slug, title, definition, updated, actor) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, definition = excluded.definition,
		updated = excluded.updated, actor = excluded.actor`,
		d.Slug, d.Title, string(d.Definition), timeText(d.Updated), d.Actor); err != nil {
		return fmt.Errorf("put layer definition: %w", err)
	}
	detail := "created"
	if existed > 0 {
		detail = "replaced"
	}
	if err := s.audit(ctx, tx, by, AuditLayerDefine, d.Slug, detail); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("put layer definition: %w", err)
	}
	return nil
}

// LayerSource is where a GIS layer version's coordinates came from: the
// original file's format, its coordinate system and how that was known,
// and the attributes' encoding. Versions of other kinds have none.
type LayerSource struct {
	Format   string   `json:"format"`   // geojson, shapefile, csv
	EPSG     int      `json:"epsg"`     // the original coordinates' system
	CRSName  string   `json:"crs"`      // "JGD2011 / Japan Plane Rectangular CS IX"
	CRSFrom  string   `json:"crs_from"` // declared, detected, assumed
	Encoding string   `json:"encoding,omitempty"`
	Members  []string `json:"members,omitempty"` // for a zip, the entries read
}

// PutLayerSource records src for a version inside the transaction that
// adds the version (AddVersion's fill), so both commit or neither does.
func PutLayerSource(ctx context.Context, tx *sql.Tx, versionID int64, src LayerSource) error {
	members := src.Members
	if members == nil {
		members = []string{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO layer_sources (version_id, format, epsg, crs_name, crs_from, encoding, members)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, versionID, src.Format, src.EPSG, src.CRSName, src.CRSFrom, src.Encoding, mustJSON(members))
	if err != nil {
		return fmt.Errorf("put layer source: %w", err)
	}
	return nil
}

// LayerSource returns what is known of a version's original coordinates;
// NotFound for a version that is not a GIS layer's, otherwise only
// internal errors.
func (s *Store) LayerSource(ctx context.Context, versionID int64) (*LayerSource, error) {
	var src LayerSource
	var members string
	err := s.DB.QueryRowContext(ctx, `SELECT format, epsg, crs_name, crs_from, encoding, members FROM layer_sources
		WHERE version_id = ?`, versionID).Scan(&src.Format, &src.EPSG, &src.CRSName, &src.CRSFrom, &src.Encoding, &members)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "no layer source for this version")
	}
	if err != nil {
		return nil, fmt.Errorf("read layer source: %w", err)
	}
	if err := json.Unmarshal([]byte(members), &src.Members); err != nil {
		return nil, fmt.Errorf("read layer source: %w", err)
	}
	return &src, nil
}
