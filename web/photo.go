package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// A photo is a record of a published photo dataset whose image file (the
// 画像ファイル column, matched to a version file's name) was uploaded with
// it. Its id is "{dataset slug}-{NO}": the standard's NO column, or the
// row number when a row has no NO, so that ids stay stable across versions
// as long as the city keeps its numbering. Slugs may contain "-" too; the
// id is split at its last "-".

// photo is one photo as the pages, the API, the IIIF documents and the
// images use it: the record's Dublin Core terms, read once when the photo
// index is built.
type photo struct {
	ID          string
	Dataset     *catalog.Dataset
	Version     *catalog.Version
	Row         int
	Title       string   // 名称 (dc:title)
	TitleEN     string   // 名称_英語
	Date        string   // 撮影年月日 as written (昭和40年代 stays so)
	From, To    string   // the days Date may mean (ISO 8601), "" when it reads as none
	Place       string   // 場所名称, else 撮影場所 (dc:coverage)
	Description string   // 説明, else 概要 (dc:description)
	Creator     string   // 撮影者 (dc:creator)
	Subjects    []string // 種類, 文化財分類 (dc:subject)
	Lat, Lon    float64
	HasPoint    bool   // Lat and Lon are set
	text        string // what words are matched against, folded (datasets.FoldText)
	File        catalog.VersionFile
}

// photoPerPage is the gallery's page size.
const photoPerPage = 24

// photosOf lists the photos of one published photo dataset's version, in
// file order.
func (s *Server) photosOf(ctx context.Context, d *catalog.Dataset, v *catalog.Version) ([]*photo, error) {
	images := map[string]catalog.VersionFile{}
	for _, f := range v.Files {
		if f.Role == "image" {
			images[f.Name] = f
		}
	}
	var out []*photo
	err := s.records.EachTyped(ctx, v, func(row int, fields, props []byte) error {
		var f, p map[string]any
		if err := json.Unmarshal(fields, &f); err != nil {
			return fmt.Errorf("photo record %d: %w", row, err)
		}
		if err := json.Unmarshal(props, &p); err != nil {
			return fmt.Errorf("photo record %d: %w", row, err)
		}
		if ph := newPhoto(d, v, row, f, p, images); ph != nil {
			out = append(out, ph)
		}
		return nil
	})
	return out, err
}

// newPhoto reads one record (its typed fields f and columns p); nil when
// its image was not uploaded.
func newPhoto(d *catalog.Dataset, v *catalog.Version, row int, f, p map[string]any, images map[string]catalog.VersionFile) *photo {
	text := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(cellText(m[k])); v != "" {
				return v
			}
		}
		return ""
	}
	file, ok := images[cmp.Or(text(p, "画像ファイル"), text(f, "image"))]
	if !ok {
		return nil // metadata without its image: not a photo (yet)
	}
	no := cmp.Or(text(p, "NO"), text(f, "id"), strconv.Itoa(row))
	ph := &photo{
		ID: d.Slug + "-" + no, Dataset: d, Version: v, Row: row, File: file,
		Title:       cmp.Or(text(p, "名称"), text(f, "title"), file.Name),
		TitleEN:     text(p, "名称_英語"),
		Date:        cmp.Or(text(p, "撮影年月日"), text(f, "date")),
		Place:       cmp.Or(text(p, "場所名称"), text(p, "撮影場所"), text(f, "place")),
		Description: cmp.Or(text(p, "説明"), text(p, "概要"), text(f, "description")),
		Creator:     cmp.Or(text(p, "撮影者"), text(f, "creator")),
	}
	for _, k := range []string{"種類", "文化財分類", "キーワード"} {
		if v := text(p, k); v != "" {
			ph.Subjects = append(ph.Subjects, v)
		}
	}
	ph.From, ph.To, _ = datasets.ParsePeriod(ph.Date)
	ph.Lat, ph.HasPoint = f["lat"].(float64)
	if lon, ok := f["lon"].(float64); ok && ph.HasPoint {
		ph.Lon = lon
	} else {
		ph.Lat, ph.HasPoint = 0, false
	}
	// Words are matched against every text a citizen may remember a photo
	// by: its names (the kana reading too), what it shows, where and when.
	ph.text = datasets.FoldText(strings.Join(append([]string{ph.Title, ph.TitleEN, text(p, "名称_カナ"),
		text(p, "名称_通称"), ph.Description, text(p, "概要"), ph.Place, text(p, "撮影場所"), text(p, "住所"),
		ph.Date, ph.Creator}, ph.Subjects...), "\n"))
	return ph
}

// readAllPhotos reads the photos of every published photo dataset from
// the records, for the index.
func (s *Server) readAllPhotos(ctx context.Context, limit int) (out []*photo, truncated bool, err error) {
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Kind: catalog.KindPhoto, Sort: "title"})
	if err != nil {
		return nil, false, err
	}
	versions, _, err := s.store.CurrentVersions(ctx, ds)
	if err != nil {
		return nil, false, err
	}
	for _, d := range ds {
		v := versions[d.ID]
		if v == nil || d.Status != catalog.StatusPublished {
			continue
		}
		ps, err := s.photosOf(ctx, d, v)
		if err != nil {
			return nil, false, err
		}
		if len(out)+len(ps) > limit {
			return append(out, ps[:limit-len(out)]...), true, nil
		}
		out = append(out, ps...)
	}
	return out, false, nil
}

// photoByID finds a photo by its id; NotFound for an id that names none.
func (s *Server) photoByID(ctx context.Context, id string) (*photo, error) {
	set, err := s.photoSet(ctx)
	if err != nil {
		return nil, err
	}
	if p, ok := set.byID[id]; ok {
		return p, nil
	}
	if !set.truncated {
		return nil, catalog.Errorf(catalog.NotFound, "no photo %q", id)
	}
	return s.readPhotoByID(ctx, id)
}

// readPhotoByID finds a photo in its dataset's records: for the photos
// past the index's bound.
func (s *Server) readPhotoByID(ctx context.Context, id string) (*photo, error) {
	notFound := catalog.Errorf(catalog.NotFound, "no photo %q", id)
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return nil, notFound
	}
	d, v, err := s.publishedBySlug(ctx, id[:i])
	if catalog.KindOf(err) == catalog.NotFound || err == nil && d.Kind != catalog.KindPhoto {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	ps, err := s.photosOf(ctx, d, v)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, notFound
}

// credit is the line a reuser copies: what, whose, under which licence.
func (s *Server) credit(p *photo) string {
	who := cmp.Or(p.Creator, s.cfg.City.NameJA)
	lic := p.Dataset.License
	if l, ok := catalog.LicenseByID(lic); ok {
		lic = l.TitleJA
	}
	return fmt.Sprintf("出典：%s「%s」（%s、%s）", who, p.Title, p.Dataset.TitleJA, lic)
}

// licenseURL is the dataset's licence as a URL, or "" when it has none.
func licenseURL(d *catalog.Dataset) string {
	if l, ok := catalog.LicenseByID(d.License); ok {
		return l.URL
	}
	return ""
}

type photoView struct {
	page
	*photo
	Credit, License, LicenseURL string
	Display, Original, Manifest string
	ManifestURL                 string // absolute, to paste into a IIIF viewer
	Width, Height               int    // of the display image
}

func (s *Server) photoPage(c *gin.Context) error {
	p, err := s.photoByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	w, h, err := s.images.size(p.File.SHA256)
	if err != nil {
		return err
	}
	// The display width, or the full size of a smaller photo.
	disp := sizes(w, h)[min(1, len(sizes(w, h))-1)]
	pg := s.page(c)
	view := photoView{page: pg.titled(p.Title), photo: p, Credit: s.credit(p), LicenseURL: licenseURL(p.Dataset), License: p.Dataset.License,
		Width: disp.Width, Height: disp.Height,
		Display:  fmt.Sprintf("/iiif/%s/full/%d,/0/default.jpg", p.ID, disp.Width),
		Original: fmt.Sprintf("/api/v1/datasets/%s/versions/%d/original?file=%s", p.Dataset.Slug, p.Version.Number, p.File.SHA256),
		Manifest: "/iiif/" + p.ID + "/manifest.json", ManifestURL: s.photoService(p) + "/manifest.json"}
	if l, ok := catalog.LicenseByID(p.Dataset.License); ok {
		view.License = pick(pg.Lang, l.TitleJA, l.TitleEN).Text
	}
	return s.render(c, 200, "photo.html", view)
}
