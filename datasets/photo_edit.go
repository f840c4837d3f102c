package datasets

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// PhotoEdit is a clerk's correction of one photo's record: the fields the
// photo page shows and the point the admin page's map places.
type PhotoEdit struct {
	Title, Date, Place, Description string
	Lat, Lon                        *float64 // both nil: no point
}

// check refuses what a photo's record cannot say.
func (e PhotoEdit) check() error {
	if e.Title == "" {
		return catalog.Errorf(catalog.Invalid, "a photo needs a title")
	}
	if (e.Lat == nil) != (e.Lon == nil) {
		return catalog.Errorf(catalog.Invalid, "a point needs both latitude and longitude")
	}
	if e.Lat != nil && (*e.Lat < -90 || *e.Lat > 90 || *e.Lon < -180 || *e.Lon > 180) {
		return catalog.Errorf(catalog.Invalid, "latitude %g, longitude %g is not a point on Earth", *e.Lat, *e.Lon)
	}
	if e.Date != "" {
		if _, _, ok := ParsePeriod(e.Date); !ok {
			return catalog.Errorf(catalog.Invalid, "%q is not a date or period the archive can read (1965-05-03, 昭和40年代, 大正末期 …)", e.Date)
		}
	}
	return nil
}

// PhotoEditRequest asks for one photo of a version to be corrected.
type PhotoEditRequest struct {
	Slug, Department string
	Base             *catalog.Version // the version the photo is read from
	Row              int              // the photo's record (its row in Base)
	Edit             PhotoEdit
	Actor, Address   string
}

// photoEditColumns are the columns an edit writes when the version has none
// for a field (a version made from images alone has no 説明 or 場所名称).
var photoEditColumns = map[string]string{
	"image": "画像ファイル", "title": "タイトル", "date": "撮影年月日", "place": "場所名称", "description": "説明", "lat": "緯度", "lon": "経度",
}

// EditPhoto makes a new draft version of a photo dataset in which one
// photo's record says what the edit says; every other record and every
// image stay as they are. Versions are immutable, so a correction is a
// version like any upload: the base's records are written back as a
// metadata CSV with the one row changed, the base's images are referred to
// again (stored once, by checksum), and the whole goes through Import: the
// same reading, limits, personal-information guard and report, and a
// publish like any other.
func (im *Importer) EditPhoto(ctx context.Context, req PhotoEditRequest) (*ImportResult, error) {
	e := req.Edit
	if err := e.check(); err != nil {
		return nil, err
	}
	// The record's place among the version's records, in their order.
	var ordinal int
	var exists bool
	err := im.Store.DB.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM records WHERE version_id = ?1 AND row < ?2),
		EXISTS (SELECT 1 FROM records WHERE version_id = ?1 AND row = ?2)`, req.Base.ID, req.Row).Scan(&ordinal, &exists)
	if err != nil {
		return nil, fmt.Errorf("find photo record: %w", err)
	}
	if !exists {
		return nil, catalog.Errorf(catalog.NotFound, "no photo at row %d of version %d", req.Row, req.Base.Number)
	}
	return im.reviseArchive(ctx, req.Slug, req.Department, req.Base, req.Actor, req.Address, nil, func(a *archiveRows) {
		a.set(ordinal, e)
	})
}

// archiveRows are a photo version's records written back as a metadata
// CSV: its header and rows, and which column holds each standard field.
type archiveRows struct {
	rows    [][]string
	mapping *Mapping
	added   map[string]int // columns col added, by field
}

// col is the column of the standard field key, added (empty in every row)
// when the version has none.
func (a *archiveRows) col(key string) int {
	if a.mapping != nil {
		if i, ok := a.mapping.Index[key]; ok {
			return i
		}
	}
	if i, ok := a.added[key]; ok {
		return i
	}
	for i := range a.rows {
		a.rows[i] = append(a.rows[i], "")
	}
	i := len(a.rows[0]) - 1
	a.rows[0][i] = photoEditColumns[key]
	if a.added == nil {
		a.added = map[string]int{}
	}
	a.added[key] = i
	return i
}

// set writes e into record i (0-based).
func (a *archiveRows) set(i int, e PhotoEdit) {
	lat, lon := "", ""
	if e.Lat != nil {
		lat, lon = strconv.FormatFloat(*e.Lat, 'f', -1, 64), strconv.FormatFloat(*e.Lon, 'f', -1, 64)
	}
	for _, kv := range [][2]string{{"title", e.Title}, {"date", e.Date}, {"place", e.Place}, {"description", e.Description}, {"lat", lat}, {"lon", lon}} {
		c := a.col(kv[0])
		a.rows[1+i][c] = kv[1]
	}
}

// reviseArchive makes a new draft version of a photo dataset from base:
// its records written back as a metadata CSV, changed by change, with
// base's images referred to again (stored once, by checksum) and the added
// files, all through Import.
func (im *Importer) reviseArchive(ctx context.Context, slug, department string, base *catalog.Version, actor, address string,
	added []File, change func(a *archiveRows)) (*ImportResult, error) {
	var buf bytes.Buffer
	if err := (&Records{DB: im.Store.DB}).WriteCSV(ctx, &buf, base, ExportOptions{}); err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) < 1 {
		return nil, fmt.Errorf("photo archive: the version's records read back as %d rows: %v", len(rows), err)
	}
	a := &archiveRows{rows: rows}
	a.mapping, _ = MatchStandard(catalog.KindPhoto, "metadata.csv", rows[0])
	change(a)
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(a.rows); err != nil {
		return nil, err
	}
	files := []File{{Name: "metadata.csv", Data: &out}}
	for _, f := range base.Files {
		if f.Role != "image" {
			continue
		}
		r, err := im.Files.Open(f.SHA256)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		files = append(files, File{Name: f.Name, Data: r})
	}
	files = append(files, added...)
	return im.Import(ctx, ImportRequest{Slug: slug, Kind: catalog.KindPhoto, Department: department, Files: files,
		Actor: actor, Address: address})
}

// PhotoAddRequest asks for one photo to be added to an archive.
type PhotoAddRequest struct {
	Slug, Department string
	Base             *catalog.Version // the version the archive is read from
	Image            File             // the photo: a JPEG or PNG
	Meta             PhotoEdit
	Actor, Address   string
}

// AddPhoto makes a new draft version of a photo dataset with one photo
// more, described by req.Meta; every other record and image stay. A file
// name the archive has already is refused: the metadata names images by
// file name, so two of one name could not be told apart.
func (im *Importer) AddPhoto(ctx context.Context, req PhotoAddRequest) (*ImportResult, error) {
	if err := req.Meta.check(); err != nil {
		return nil, err
	}
	name := path.Base(strings.ReplaceAll(req.Image.Name, "\\", "/"))
	if ext := strings.ToLower(path.Ext(name)); ext != ".jpg" && ext != ".jpeg" && ext != ".png" {
		return nil, catalog.Errorf(catalog.Invalid, "%s: a photo is a JPEG (.jpg) or PNG (.png) file", name)
	}
	for _, f := range req.Base.Files {
		if f.Role == "image" && f.Name == name {
			return nil, catalog.Errorf(catalog.Invalid, "%s: the archive has a photo of that file name already; rename the file", name)
		}
	}
	return im.reviseArchive(ctx, req.Slug, req.Department, req.Base, req.Actor, req.Address,
		[]File{{Name: name, Data: req.Image.Data}}, func(a *archiveRows) {
			a.rows = append(a.rows, make([]string, len(a.rows[0])))
			a.rows[len(a.rows)-1][a.col("image")] = name
			a.set(len(a.rows)-2, req.Meta)
		})
}
