package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Version is one immutable upload of a dataset: its files as uploaded and
// the records read from them.
type Version struct {
	ID        int64     `json:"-"`
	DatasetID int64     `json:"-"`
	Number    int       `json:"number"`
	Created   time.Time `json:"created"`
	// Published is when the version was first published; nil for a draft,
	// which only its department may see.
	Published   *time.Time      `json:"published,omitempty"`
	Actor       string          `json:"-"` // an account name: shown to admins only
	Note        string          `json:"note,omitempty"`
	Encoding    string          `json:"encoding,omitempty"`
	Columns     []Column        `json:"columns"`
	Rows        int             `json:"rows"`
	Refused     int             `json:"refused"`
	Problems    json.RawMessage `json:"-"`
	HasGeometry bool            `json:"has_geometry"`
	BBox        *BBox           `json:"bbox,omitempty"`
	Files       []VersionFile   `json:"files"`
}

// VersionFile is one file of a version as uploaded.
type VersionFile struct {
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Role      string `json:"role"` // data, metadata, image
}

// VersionStats is what filling a version's records found.
type VersionStats struct {
	Encoding    string
	Columns     []Column
	Rows        int
	Refused     int
	Problems    any // marshalled as JSON
	HasGeometry bool
	BBox        *BBox
	Standard    string   // the standard dataset the file conforms to, if any
	Tags        []string // keywords to add (the standard's tags)
}

// NewVersion asks AddVersion for a version of the dataset with Meta.Slug.
type NewVersion struct {
	// Meta is the dataset's metadata; used to create the dataset when the
	// slug is new, ignored otherwise (except Kind, which must match).
	Meta    Dataset
	Files   []VersionFile
	Publish bool
	Actor   string
	Address string // where the upload came from, for the audit log
	Note    string
}

// FillFunc stores a version's records inside AddVersion's transaction.
type FillFunc func(ctx context.Context, tx *sql.Tx, versionID int64) (VersionStats, error)

// AddVersion creates the dataset if its slug is new, adds a version with the
// next number, lets fill store its records, and publishes it if asked, all in
// one transaction: when fill fails nothing is changed. Errors: Invalid for
// bad metadata or an unknown department, Conflict when the slug belongs to a dataset of another kind
// or department, and whatever fill returns.
func (s *Store) AddVersion(ctx context.Context, nv NewVersion, fill FillFunc) (*Dataset, *Version, error) {
	if err := nv.Meta.validate(); err != nil {
		return nil, nil, err
	}
	now := s.Now().UTC()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	defer tx.Rollback()

	d, err := datasetBySlug(ctx, tx, nv.Meta.Slug)
	switch {
	case KindOf(err) == NotFound:
		d = new(Dataset)
		*d = nv.Meta
		d.Issued, d.Modified, d.Status = now, now, StatusDraft
		if d.ID, err = insertDataset(ctx, tx, d); err != nil {
			return nil, nil, err
		}
	case err != nil:
		return nil, nil, err
	case d.Kind != nv.Meta.Kind:
		return nil, nil, Errorf(Conflict, "dataset %q is a %s dataset, not %s", d.Slug, d.Kind, nv.Meta.Kind)
	case d.Department != nv.Meta.Department:
		return nil, nil, Errorf(Conflict, "dataset %q belongs to department %s", d.Slug, d.Department)
	}

	v := &Version{DatasetID: d.ID, Created: now, Actor: nv.Actor, Note: nv.Note, Files: nv.Files}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM versions WHERE dataset_id = ?`, d.ID).
		Scan(&v.Number); err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO versions (dataset_id, number, created, actor, note) VALUES (?, ?, ?, ?, ?)`,
		d.ID, v.Number, timeText(now), nv.Actor, nv.Note)
	if err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	for i, f := range nv.Files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO version_files (version_id, position, name, sha256, size, media_type, role)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, v.ID, i, f.Name, f.SHA256, f.Size, f.MediaType, f.Role); err != nil {
			return nil, nil, fmt.Errorf("add version file: %w", err)
		}
	}

	st, err := fill(ctx, tx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	v.Encoding, v.Columns, v.Rows, v.Refused = st.Encoding, st.Columns, st.Rows, st.Refused
	v.HasGeometry, v.BBox = st.HasGeometry, st.BBox
	if v.Problems, err = json.Marshal(st.Problems); err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE versions SET encoding = ?, columns = ?, row_count = ?, refused = ?,
		problems = ?, has_geometry = ?, bbox = ? WHERE id = ?`,
		v.Encoding, mustJSON(v.Columns), v.Rows, v.Refused, string(v.Problems), v.HasGeometry, nullJSON(v.BBox), v.ID); err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}

	if nv.Publish {
		// What a file conforms to describes the published dataset: a draft
		// must not change it before anyone has checked the draft.
		if st.Standard != "" {
			d.Standard = st.Standard
		}
		d.Keywords = appendMissing(d.Keywords, st.Tags...)
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET published = ? WHERE id = ?`, timeText(now), v.ID); err != nil {
			return nil, nil, fmt.Errorf("add version: %w", err)
		}
		v.Published = &now
		d.CurrentVersion, d.Status, d.Modified = v.Number, StatusPublished, now
		if v.BBox != nil {
			d.Spatial = v.BBox
		}
	}
	if err := updateDataset(ctx, tx, d); err != nil {
		return nil, nil, err
	}
	by := Actor{Login: nv.Actor, Address: nv.Address}
	if err := s.audit(ctx, tx, by, AuditUpload, d.Slug, uploadDetail(v)); err != nil {
		return nil, nil, err
	}
	if nv.Publish {
		if err := enqueueIndex(ctx, tx, d.Slug, timeText(now)); err != nil {
			return nil, nil, err
		}
		if err := s.audit(ctx, tx, by, AuditPublish, d.Slug, fmt.Sprintf("version=%d", v.Number)); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("add version: %w", err)
	}
	return d, v, nil
}

// uploadDetail describes an upload for the audit log: the version, what
// was read, and the files by name and checksum.
func uploadDetail(v *Version) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version=%d rows=%d refused=%d", v.Number, v.Rows, v.Refused)
	for i, f := range v.Files {
		if i == 10 { // a thousand photos need not make a thousand-line row
			fmt.Fprintf(&b, " files+=%d", len(v.Files)-i)
			break
		}
		fmt.Fprintf(&b, " file=%q sha256=%s", f.Name, f.SHA256[:min(12, len(f.SHA256))])
	}
	return b.String()
}

// Versions lists a dataset's versions, newest first, with their files. An
// unknown dataset has none; errors are internal (the database failed).
func (s *Store) Versions(ctx context.Context, datasetID int64) ([]*Version, error) {
	rows, err := s.DB.QueryContext(ctx, versionSelect+` WHERE dataset_id = ? ORDER BY number DESC`, datasetID)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var out []*Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	for _, v := range out {
		if v.Files, err = s.versionFiles(ctx, v.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Version returns version n of a dataset with its files; NotFound when there
// is no such version, otherwise only internal errors.
func (s *Store) Version(ctx context.Context, datasetID int64, n int) (*Version, error) {
	v, err := scanVersion(s.DB.QueryRowContext(ctx, versionSelect+` WHERE dataset_id = ? AND number = ?`, datasetID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "no version %d", n)
	}
	if err != nil {
		return nil, err
	}
	if v.Files, err = s.versionFiles(ctx, v.ID); err != nil {
		return nil, err
	}
	return v, nil
}

const versionSelect = `SELECT id, dataset_id, number, created, published, actor, note, encoding, columns, row_count, refused,
	problems, has_geometry, bbox FROM versions`

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	var (
		v                Version
		created, columns string
		problems         string
		bbox, published  sql.NullString
	)
	if err := row.Scan(&v.ID, &v.DatasetID, &v.Number, &created, &published, &v.Actor, &v.Note, &v.Encoding, &columns,
		&v.Rows, &v.Refused, &problems, &v.HasGeometry, &bbox); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("read version: %w", err)
	}
	v.Created = parseTime(created)
	if published.Valid {
		t := parseTime(published.String)
		v.Published = &t
	}
	v.Problems = json.RawMessage(problems)
	if err := json.Unmarshal([]byte(columns), &v.Columns); err != nil {
		return nil, fmt.Errorf("read version columns: %w", err)
	}
	if bbox.Valid {
		v.BBox = new(BBox)
		if err := json.Unmarshal([]byte(bbox.String), v.BBox); err != nil {
			return nil, fmt.Errorf("read version bbox: %w", err)
		}
	}
	return &v, nil
}

func (s *Store) versionFiles(ctx context.Context, versionID int64) ([]VersionFile, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT name, sha256, size, media_type, role FROM version_files
		WHERE version_id = ? ORDER BY position`, versionID)
	if err != nil {
		return nil, fmt.Errorf("list version files: %w", err)
	}
	defer rows.Close()
	var out []VersionFile
	for rows.Next() {
		var f VersionFile
		if err := rows.Scan(&f.Name, &f.SHA256, &f.Size, &f.MediaType, &f.Role); err != nil {
			return nil, fmt.Errorf("list version files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// DistributionInfo is the size and checksum of a generated download.
type DistributionInfo struct {
	Size   int64
	SHA256 string
}

// PutDistribution records the size and checksum of a version's generated
// download in format. Errors are internal (the database failed).
func (s *Store) PutDistribution(ctx context.Context, versionID int64, format string, info DistributionInfo) error {
	_, err := s.DB.ExecContext(ctx, `INSERT OR REPLACE INTO distributions (version_id, format, size, sha256) VALUES (?, ?, ?, ?)`,
		versionID, format, info.Size, info.SHA256)
	if err != nil {
		return fmt.Errorf("put distribution: %w", err)
	}
	return nil
}

// Distributions returns what is known of a version's generated downloads, by
// format (empty when nothing is). Errors are internal (the database failed).
func (s *Store) Distributions(ctx context.Context, versionID int64) (map[string]DistributionInfo, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT format, size, sha256 FROM distributions WHERE version_id = ?`, versionID)
	if err != nil {
		return nil, fmt.Errorf("list distributions: %w", err)
	}
	defer rows.Close()
	out := map[string]DistributionInfo{}
	for rows.Next() {
		var f string
		var d DistributionInfo
		if err := rows.Scan(&f, &d.Size, &d.SHA256); err != nil {
			return nil, fmt.Errorf("list distributions: %w", err)
		}
		out[f] = d
	}
	return out, rows.Err()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called on plain structs and slices, which always marshal
	}
	return string(b)
}

func nullJSON(v *BBox) any {
	if v == nil {
		return nil
	}
	return mustJSON(v)
}

func appendMissing(list []string, add ...string) []string {
	for _, a := range add {
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}

// FileReferenced tells whether any version lists the stored file with that
// hash.
func (s *Store) FileReferenced(ctx context.Context, sum string) (bool, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM version_files WHERE sha256 = ?`, sum).Scan(&n); err != nil {
		return false, fmt.Errorf("file referenced: %w", err)
	}
	return n > 0, nil
}

// CurrentVersions loads the current versions of many datasets at once, with
// their files and what is known of their generated downloads, by dataset
// id: three queries for up to maxBatch datasets instead of three per
// dataset, for views that walk the whole catalog (DCAT, CKAN). Datasets
// with no current version are left out. Errors are internal.
func (s *Store) CurrentVersions(ctx context.Context, ds []*Dataset) (map[int64]*Version, map[int64]map[string]DistributionInfo, error) {
	versions := map[int64]*Version{}
	known := map[int64]map[string]DistributionInfo{}
	for len(ds) > 0 {
		batch := ds[:min(len(ds), maxBatch)]
		ds = ds[len(batch):]
		var (
			cond []string
			args []any
		)
		for _, d := range batch {
			if d.CurrentVersion > 0 {
				cond, args = append(cond, "(dataset_id = ? AND number = ?)"), append(args, d.ID, d.CurrentVersion)
			}
		}
		if len(cond) == 0 {
			continue
		}
		byID := map[int64]*Version{}
		err := s.eachRow(ctx, versionSelect+" WHERE "+strings.Join(cond, " OR "), args, func(r *sql.Rows) error {
			v, err := scanVersion(r)
			if err != nil {
				return err
			}
			versions[v.DatasetID], byID[v.ID] = v, v
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("current versions: %w", err)
		}
		ids := make([]any, 0, len(byID))
		for id := range byID {
			ids = append(ids, id)
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
		err = s.eachRow(ctx, `SELECT version_id, name, sha256, size, media_type, role FROM version_files
			WHERE version_id IN `+in+` ORDER BY version_id, position`, ids, func(r *sql.Rows) error {
			var id int64
			var f VersionFile
			if err := r.Scan(&id, &f.Name, &f.SHA256, &f.Size, &f.MediaType, &f.Role); err != nil {
				return err
			}
			byID[id].Files = append(byID[id].Files, f)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("current versions' files: %w", err)
		}
		err = s.eachRow(ctx, `SELECT version_id, format, size, sha256 FROM distributions WHERE version_id IN `+in, ids,
			func(r *sql.Rows) error {
				var id int64
				var f string
				var d DistributionInfo
				if err := r.Scan(&id, &f, &d.Size, &d.SHA256); err != nil {
					return err
				}
				ds := byID[id].DatasetID
				if known[ds] == nil {
					known[ds] = map[string]DistributionInfo{}
				}
				known[ds][f] = d
				return nil
			})
		if err != nil {
			return nil, nil, fmt.Errorf("current versions' downloads: %w", err)
		}
	}
	return versions, known, nil
}

// maxBatch bounds the datasets of one CurrentVersions query (SQLite allows
// 32,766 parameters; two per dataset).
const maxBatch = 500

// eachRow runs query and calls f on every row.
func (s *Store) eachRow(ctx context.Context, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
