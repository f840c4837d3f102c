package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/mattn/go-sqlite3"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can be a dataset id: lower-case ASCII letters,
// digits and single hyphens, at most 100 characters.
func ValidSlug(s string) bool { return len(s) <= 100 && slugPattern.MatchString(s) }

func (d *Dataset) validate() error {
	switch {
	case !ValidSlug(d.Slug):
		return Errorf(Invalid, "dataset id %q must be lower-case ASCII letters, digits and hyphens", d.Slug)
	case !d.Kind.Valid():
		return Errorf(Invalid, "unknown dataset kind %q", d.Kind)
	case strings.TrimSpace(d.TitleJA) == "":
		return Errorf(Invalid, "dataset %q needs a Japanese title", d.Slug)
	case d.Department == "":
		return Errorf(Invalid, "dataset %q needs a department", d.Slug)
	}
	if _, ok := LicenseByID(d.License); !ok {
		return Errorf(Invalid, "unknown license %q", d.License)
	}
	for _, t := range d.Themes {
		if _, ok := ThemeByCode(t); !ok {
			return Errorf(Invalid, "unknown theme %q", t)
		}
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const datasetSelect = `SELECT d.id, d.slug, d.title_ja, d.title_en, d.description_ja, d.description_en, d.kind,
	d.department, d.keywords, d.themes, d.license, d.status, d.issued, d.modified, d.frequency, d.spatial,
	d.temporal_start, d.temporal_end, d.contact, d.standard, d.current_version, d.downloads,
	coalesce(v.has_geometry, 0)
	FROM datasets d LEFT JOIN versions v ON v.dataset_id = d.id AND v.number = d.current_version`

func scanDataset(row interface{ Scan(...any) error }) (*Dataset, error) {
	var (
		d                         Dataset
		keywords, themes, contact string
		issued, modified          string
		spatial                   sql.NullString
		hasGeometry               bool
	)
	err := row.Scan(&d.ID, &d.Slug, &d.TitleJA, &d.TitleEN, &d.DescriptionJA, &d.DescriptionEN, &d.Kind,
		&d.Department, &keywords, &themes, &d.License, &d.Status, &issued, &modified, &d.Frequency, &spatial,
		&d.TemporalStart, &d.TemporalEnd, &contact, &d.Standard, &d.CurrentVersion, &d.Downloads, &hasGeometry)
	if err != nil {
		return nil, err
	}
	d.Issued, d.Modified = parseTime(issued), parseTime(modified)
	for _, f := range []struct {
		text string
		into any
	}{{keywords, &d.Keywords}, {themes, &d.Themes}, {contact, &d.Contact}} {
		if err := json.Unmarshal([]byte(f.text), f.into); err != nil {
			return nil, fmt.Errorf("read dataset %s: %w", d.Slug, err)
		}
	}
	if spatial.Valid {
		d.Spatial = new(BBox)
		if err := json.Unmarshal([]byte(spatial.String), d.Spatial); err != nil {
			return nil, fmt.Errorf("read dataset %s: %w", d.Slug, err)
		}
	}
	d.Formats = formatsOf(d.Kind, d.CurrentVersion > 0, hasGeometry)
	return &d, nil
}

// formatsOf lists the download formats a dataset offers.
func formatsOf(k Kind, published, hasGeometry bool) []string {
	if !published {
		return []string{}
	}
	f := []string{"CSV", "JSON"}
	if hasGeometry {
		f = append(f, "GeoJSON")
	}
	if k == KindPhoto {
		f = append(f, "JPEG")
	}
	return f
}

func datasetBySlug(ctx context.Context, q querier, slug string) (*Dataset, error) {
	d, err := scanDataset(q.QueryRowContext(ctx, datasetSelect+` WHERE d.slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "no dataset %q", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", slug, err)
	}
	return d, nil
}

// DatasetBySlug returns a dataset; a NotFound error when there is none,
// otherwise only internal errors.
func (s *Store) DatasetBySlug(ctx context.Context, slug string) (*Dataset, error) {
	return datasetBySlug(ctx, s.DB, slug)
}

func insertDataset(ctx context.Context, tx *sql.Tx, d *Dataset) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO datasets (slug, title_ja, kind, department, license, issued, modified)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.Slug, d.TitleJA, d.Kind, d.Department, d.License, timeText(d.Issued), timeText(d.Modified))
	if err != nil {
		// The one foreign key of datasets is the department.
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
			return 0, Errorf(Invalid, "no department with code %q", d.Department)
		}
		return 0, fmt.Errorf("insert dataset %s: %w", d.Slug, err)
	}
	return res.LastInsertId()
}

func updateDataset(ctx context.Context, tx *sql.Tx, d *Dataset) error {
	if d.Keywords == nil {
		d.Keywords = []string{}
	}
	if d.Themes == nil {
		d.Themes = []string{}
	}
	_, err := tx.ExecContext(ctx, `UPDATE datasets SET title_ja = ?, title_en = ?, description_ja = ?, description_en = ?,
		keywords = ?, themes = ?, license = ?, status = ?, modified = ?, frequency = ?, spatial = ?,
		temporal_start = ?, temporal_end = ?, contact = ?, standard = ?, current_version = ?, search_text = ?
		WHERE id = ?`,
		d.TitleJA, d.TitleEN, d.DescriptionJA, d.DescriptionEN, mustJSON(d.Keywords), mustJSON(d.Themes), d.License,
		d.Status, timeText(d.Modified), d.Frequency, nullJSON(d.Spatial), d.TemporalStart, d.TemporalEnd,
		mustJSON(d.Contact), d.Standard, d.CurrentVersion, d.searchText(), d.ID)
	if err != nil {
		return fmt.Errorf("update dataset %s: %w", d.Slug, err)
	}
	return nil
}

func (d *Dataset) searchText() string {
	parts := []string{d.Slug, d.TitleJA, d.TitleEN, d.DescriptionJA, d.DescriptionEN, d.Standard}
	parts = append(parts, d.Keywords...)
	return Fold(strings.Join(parts, "\n"))
}

// AddDownloads adds counts to datasets' download counters, by dataset id,
// in one transaction: all are added or none. Errors are internal (the
// database failed or was busy).
func (s *Store) AddDownloads(ctx context.Context, counts map[int64]int64) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("count downloads: %w", err)
	}
	defer tx.Rollback()
	for id, n := range counts {
		if _, err := tx.ExecContext(ctx, `UPDATE datasets SET downloads = downloads + ? WHERE id = ?`, n, id); err != nil {
			return fmt.Errorf("count downloads: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("count downloads: %w", err)
	}
	return nil
}
