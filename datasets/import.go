package datasets

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/machi-opendata/portal/catalog"
)

// Importer turns uploaded files into dataset versions: it keeps the
// original bytes, reads and checks the data, and stores the records, all or
// nothing.
type Importer struct {
	Store     *catalog.Store
	Files     *catalog.Files
	MaxUpload int64 // bytes per file; 0 means no limit
	// MaxUnzipped bounds what a zipped Shapefile may uncompress to (it is
	// read into memory); 0 means geo's default, 512 MiB. A zip bomb is
	// refused as it inflates, whatever its directory claims.
	MaxUnzipped int64
	// Indexed, when set, is called after a publish so that the search index
	// has the new version when Import returns. Its failure loses nothing:
	// the catalog's outbox keeps the work for the next sync.
	Indexed func(ctx context.Context) error

	// inflight counts, by hash, the imports of this process that hold a
	// stored file not yet referenced by a committed version, so that a
	// failed import never removes a file another one is about to commit.
	mu       sync.Mutex
	inflight map[string]int
}

// maxProblems bounds what a version keeps of its report: a million bad rows
// need not be a million lines in the database.
const maxProblems = 1000

// upload is one stored file of the request.
type upload struct {
	catalog.VersionFile
	ext string
}

// Import stores req's files and reads them into a new version. A file that
// cannot be read at all changes nothing in the catalog and returns an
// Invalid error carrying the Problem; rows that are wrong are refused one by
// one and reported in the result.
func (im *Importer) Import(ctx context.Context, req ImportRequest) (*ImportResult, error) {
	if !req.Kind.Valid() {
		return nil, catalog.Errorf(catalog.Invalid, "unknown dataset kind %q (use one of facility, evacuation, event, photo, layer, table)", req.Kind)
	}
	if len(req.Files) == 0 {
		return nil, catalog.Errorf(catalog.Invalid, "no file to import")
	}
	if _, err := im.Store.Department(ctx, req.Department); err != nil {
		return nil, err
	}
	var ups []upload
	failed := true
	defer func() { im.release(ups, failed) }()
	for _, f := range req.Files {
		u, err := im.keep(f)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u)
	}
	plan, err := im.plan(req, ups)
	if err != nil {
		return nil, err
	}
	// The personal-information guard: findings stop a publish unless an
	// override reason is given (recorded in the audit log); a draft keeps
	// them in its result for the page that shows them.
	pii, err := im.scanPII(plan)
	if err != nil {
		return nil, err
	}
	override := strings.TrimSpace(req.Override)
	if len(pii) > 0 && req.Publish && override == "" {
		return nil, piiRefusal(pii)
	}
	meta := im.meta(req, ups)
	files := make([]catalog.VersionFile, len(ups))
	for i, u := range ups {
		files[i] = u.VersionFile
	}
	res := &ImportResult{Encoding: plan.encoding()}
	var src *catalog.LayerSource
	if ls, ok := plan.(layerSourcer); ok {
		src = ls.layerSource()
	}
	d, v, err := im.Store.AddVersion(ctx, catalog.NewVersion{Meta: meta, Files: files, Publish: req.Publish, Actor: req.Actor, Address: req.Address,
		Note: sourceNote(src)},
		func(ctx context.Context, tx *sql.Tx, versionID int64) (catalog.VersionStats, error) {
			w, err := newRecordWriter(ctx, tx, versionID)
			if err != nil {
				return catalog.VersionStats{}, err
			}
			st, err := plan.fill(w)
			if err != nil {
				w.Abandon()
				return st, err
			}
			if err := w.Close(); err != nil {
				return st, err
			}
			// Where the coordinates came from commits with the version.
			if src != nil && st.HasGeometry {
				return st, catalog.PutLayerSource(ctx, tx, versionID, *src)
			}
			return st, nil
		})
	if err != nil {
		return nil, err
	}
	failed = false
	if len(pii) > 0 && req.Publish {
		// The version is stored: a failure to audit is reported, not undone.
		if err := im.Store.Audit(ctx, catalog.Actor{Login: req.Actor, Address: req.Address}, catalog.AuditPIIOverride, d.Slug,
			fmt.Sprintf("version=%d findings=%d reason=%s", v.Number, len(pii), override)); err != nil {
			res.Problems = append(res.Problems, Problem{File: ups[0].Name, Severity: SeverityWarning,
				Reason: "the override could not be written to the audit log: " + catalog.MessageOf(err)})
		}
	}
	if req.Publish {
		// Sizes and checksums of the downloads, for the catalog. The version
		// is already stored: a failure here loses nothing and is retried by
		// the next measurement, so it is only reported.
		if err := im.measure(ctx, v); err != nil {
			res.Problems = append(res.Problems, Problem{File: ups[0].Name, Severity: SeverityWarning,
				Reason: "could not measure the downloads: " + catalog.MessageOf(err)})
		}
		if im.Indexed != nil {
			if err := im.Indexed(ctx); err != nil {
				res.Problems = append(res.Problems, Problem{File: ups[0].Name, Severity: SeverityWarning,
					Reason: "the search index will catch up later: " + catalog.MessageOf(err)})
			}
		}
	}
	res.Slug, res.Version, res.Rows, res.Refused, res.Columns = d.Slug, v.Number, v.Rows, v.Refused, v.Columns
	res.Standard = d.Standard
	if src != nil && v.HasGeometry {
		res.Source = src
	}
	res.PII = pii
	res.Problems = append(plan.problems(), res.Problems...)
	return res, nil
}

// measure records the size and checksum of each download of v.
func (im *Importer) measure(ctx context.Context, v *catalog.Version) error {
	infos, err := (&Records{DB: im.Store.DB}).Measure(ctx, v)
	if err != nil {
		return err
	}
	for name, info := range infos {
		if err := im.Store.PutDistribution(ctx, v.ID, name, info); err != nil {
			return err
		}
	}
	return nil
}

// keep stores one uploaded file and classifies it by its extension.
func (im *Importer) keep(f File) (upload, error) {
	ext := strings.ToLower(path.Ext(f.Name))
	role, media := "data", ""
	switch ext {
	case ".csv":
		media = "text/csv"
	case ".tsv":
		media = "text/tab-separated-values"
	case ".txt":
		media = "text/plain"
	case ".geojson":
		media = "application/geo+json"
	case ".json":
		media = "application/json"
	case ".zip":
		// A zipped Shapefile, kept as uploaded: its members are read from
		// the stored zip, never extracted to disk.
		media = "application/zip"
	case ".jpg", ".jpeg":
		role, media = "image", "image/jpeg"
	case ".png":
		role, media = "image", "image/png"
	case ".shp", ".shx", ".dbf", ".prj", ".cpg":
		return upload{}, catalog.Errorf(catalog.Invalid,
			"%s: a Shapefile's files come together: zip the .shp, .shx, .dbf, .prj (and .cpg) into one .zip and upload that", f.Name)
	default:
		return upload{}, catalog.Errorf(catalog.Invalid,
			"%s: unsupported file type %q; upload CSV (.csv, .tsv), GeoJSON (.geojson), a zipped Shapefile (.zip) or images (.jpg, .png)", f.Name, ext)
	}
	st, err := im.Files.Stage(f.Data, im.MaxUpload)
	if err == nil {
		err = im.holdAndCommit(st)
	}
	if err != nil {
		if catalog.KindOf(err) == catalog.TooLarge {
			return upload{}, catalog.Errorf(catalog.TooLarge, "%s: %s", f.Name, catalog.MessageOf(err))
		}
		return upload{}, err
	}
	return upload{VersionFile: catalog.VersionFile{Name: f.Name, SHA256: st.SHA256, Size: st.Size, MediaType: media, Role: role}, ext: ext}, nil
}

// holdAndCommit and release track the stored files of imports in flight.
// When an import fails, its files that no version refers to and no other
// import of this process holds are removed: a refused upload leaves nothing
// behind. Committing a file and removing one happen under the same lock, so
// a failing import never removes a file another has just stored.
func (im *Importer) holdAndCommit(st *catalog.Staged) error {
	im.mu.Lock()
	defer im.mu.Unlock()
	if err := im.Files.Commit(st); err != nil {
		return err
	}
	if im.inflight == nil {
		im.inflight = map[string]int{}
	}
	im.inflight[st.SHA256]++
	return nil
}

func (im *Importer) release(ups []upload, failed bool) {
	im.mu.Lock()
	defer im.mu.Unlock()
	for _, u := range ups {
		im.inflight[u.SHA256]--
		if im.inflight[u.SHA256] > 0 {
			continue
		}
		delete(im.inflight, u.SHA256)
		if !failed {
			continue
		}
		// A fresh context: the request's may be what was cancelled.
		used, err := im.Store.FileReferenced(context.Background(), u.SHA256)
		if err == nil && !used {
			im.Files.Remove(u.SHA256)
		}
	}
}

// open opens a stored upload for reading.
func (im *Importer) open(u upload) (*os.File, error) { return im.Files.Open(u.SHA256) }

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// meta builds the metadata of a new dataset from the request, with the
// defaults a clerk expects: CC BY 4.0, the department as publisher, the
// file name as title.
func (im *Importer) meta(req ImportRequest, ups []upload) catalog.Dataset {
	var d catalog.Dataset
	if req.Meta != nil {
		d = *req.Meta
	}
	d.Kind, d.Department = req.Kind, req.Department
	if req.Slug != "" {
		d.Slug = req.Slug
	}
	first := ups[0].Name
	if d.TitleJA == "" {
		d.TitleJA = strings.TrimSuffix(first, path.Ext(first))
	}
	if d.Slug == "" {
		d.Slug = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(strings.TrimSuffix(first, path.Ext(first))), "-"), "-")
		if d.Slug == "" || len(d.Slug) < 3 {
			// A Japanese file name leaves nothing ASCII: name it by kind and content.
			h := sha256.Sum256([]byte(d.TitleJA + ups[0].SHA256))
			d.Slug = string(req.Kind) + "-" + hex.EncodeToString(h[:4])
		}
	}
	if d.License == "" {
		d.License = catalog.DefaultLicense
	}
	if d.Keywords == nil {
		d.Keywords = []string{}
	}
	return d
}

// errFileUnreadable marks a whole-file failure.
var errFileUnreadable = errors.New("file unreadable")

// fileError turns a whole-file Problem into an Invalid error that keeps it.
func fileError(err error) error {
	var p *Problem
	if errors.As(err, &p) {
		return &catalog.Error{Kind: catalog.Invalid, Message: p.Error(), Err: errFileUnreadable}
	}
	return err
}
