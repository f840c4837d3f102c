package datasets

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"

	"github.com/machi-opendata/portal/catalog"
)

// PhotoEdit is a clerk's correction of one photo's record: the fields the
// photo page shows and the point the admin page's map places.
type PhotoEdit struct {
	Title, Date, Place, Description string
	Lat, Lon                        *float64 // both nil: no point
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
	"title": "タイトル", "date": "撮影年月日", "place": "場所名称", "description": "説明", "lat": "緯度", "lon": "経度",
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
	if e.Title == "" {
		return nil, catalog.Errorf(catalog.Invalid, "a photo needs a title")
	}
	if (e.Lat == nil) != (e.Lon == nil) {
		return nil, catalog.Errorf(catalog.Invalid, "a point needs both latitude and longitude")
	}
	if e.Lat != nil && (*e.Lat < -90 || *e.Lat > 90 || *e.Lon < -180 || *e.Lon > 180) {
		return nil, catalog.Errorf(catalog.Invalid, "latitude %g, longitude %g is not a point on Earth", *e.Lat, *e.Lon)
	}
	if e.Date != "" {
		if _, _, ok := ParsePeriod(e.Date); !ok {
			return nil, catalog.Errorf(catalog.Invalid, "%q is not a date or period the archive can read (1965-05-03, 昭和40年代, 大正末期 …)", e.Date)
		}
	}
	// The record's place among the version's records, in their order.
	var ordinal int
	err := im.Store.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE version_id = ? AND row <
		(SELECT row FROM records WHERE version_id = ? AND row = ?)`, req.Base.ID, req.Base.ID, req.Row).Scan(&ordinal)
	if err == nil {
		var one int
		err = im.Store.DB.QueryRowContext(ctx, `SELECT 1 FROM records WHERE version_id = ? AND row = ?`, req.Base.ID, req.Row).Scan(&one)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.NotFound, "no photo at row %d of version %d", req.Row, req.Base.Number)
	}
	if err != nil {
		return nil, fmt.Errorf("find photo record: %w", err)
	}

	var buf bytes.Buffer
	if err := (&Records{DB: im.Store.DB}).WriteCSV(ctx, &buf, req.Base, ExportOptions{}); err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) < 2+ordinal {
		return nil, fmt.Errorf("photo edit: the version's records read back as %d rows: %v", len(rows), err)
	}
	m, _ := MatchStandard(catalog.KindPhoto, "metadata.csv", rows[0])
	col := func(key string) int {
		if m != nil {
			if i, ok := m.Index[key]; ok {
				return i
			}
		}
		for i := range rows {
			rows[i] = append(rows[i], "")
		}
		rows[0][len(rows[0])-1] = photoEditColumns[key]
		return len(rows[0]) - 1
	}
	row := rows[1+ordinal]
	set := func(key, value string) { i := col(key); row = rows[1+ordinal]; row[i] = value }
	set("title", e.Title)
	set("date", e.Date)
	set("place", e.Place)
	set("description", e.Description)
	lat, lon := "", ""
	if e.Lat != nil {
		lat, lon = strconv.FormatFloat(*e.Lat, 'f', -1, 64), strconv.FormatFloat(*e.Lon, 'f', -1, 64)
	}
	set("lat", lat)
	set("lon", lon)

	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	files := []File{{Name: "metadata.csv", Data: &out}}
	for _, f := range req.Base.Files {
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
	return im.Import(ctx, ImportRequest{Slug: req.Slug, Kind: catalog.KindPhoto, Department: req.Department, Files: files,
		Actor: req.Actor, Address: req.Address})
}
