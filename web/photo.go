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
)

// A photo is a record of a published photo dataset whose image file (the
// 画像ファイル column, matched to a version file's name) was uploaded with
// it. Its id is "{dataset slug}-{NO}": the standard's NO column, or the
// row number when a row has no NO, so that ids stay stable across versions
// as long as the city keeps its numbering. Slugs may contain "-" too; the
// id is split at its last "-".

// photo is one photo as the pages, the IIIF documents and the images use it.
type photo struct {
	ID          string
	Dataset     *catalog.Dataset
	Version     *catalog.Version
	Row         int
	Title       string // 名称
	TitleEN     string // 名称_英語
	Date        string // 撮影年月日 as written (昭和40年代 stays so)
	Place       string // 場所名称, else 撮影場所
	Description string // 説明, else 概要
	Creator     string // 撮影者
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
		var f map[string]any
		var p map[string]any
		if err := json.Unmarshal(fields, &f); err != nil {
			return fmt.Errorf("photo record %d: %w", row, err)
		}
		if err := json.Unmarshal(props, &p); err != nil {
			return fmt.Errorf("photo record %d: %w", row, err)
		}
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
		out = append(out, &photo{
			ID: d.Slug + "-" + no, Dataset: d, Version: v, Row: row, File: file,
			Title:       cmp.Or(text(p, "名称"), text(f, "title"), file.Name),
			TitleEN:     text(p, "名称_英語"),
			Date:        cmp.Or(text(p, "撮影年月日"), text(f, "date")),
			Place:       cmp.Or(text(p, "場所名称"), text(p, "撮影場所"), text(f, "place")),
			Description: cmp.Or(text(p, "説明"), text(p, "概要"), text(f, "description")),
			Creator:     cmp.Or(text(p, "撮影者"), text(f, "creator")),
		})
		return nil
	})
	return out, err
}

// allPhotos lists the photos of every published photo dataset.
func (s *Server) allPhotos(ctx context.Context) ([]*photo, error) {
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Kind: catalog.KindPhoto, Sort: "title"})
	if err != nil {
		return nil, err
	}
	var out []*photo
	for _, d := range ds {
		_, v, err := s.publishedBySlug(ctx, d.Slug)
		if err != nil {
			return nil, err
		}
		ps, err := s.photosOf(ctx, d, v)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// photoByID finds a photo by its id; NotFound for an id that names none.
func (s *Server) photoByID(ctx context.Context, id string) (*photo, error) {
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

type photosView struct {
	Photos         []*photo
	Total, Page    int
	Prev, Next     int // 0: none
	First, Last    int // the 1-based positions shown
	ThumbnailWidth int
}

func (s *Server) photosPage(c *gin.Context) error {
	page := 1
	if q := c.Query("page"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxPage {
			return catalog.Errorf(catalog.Invalid, "page は 1 以上の数で指定してください")
		}
		page = n
	}
	all, err := s.allPhotos(c.Request.Context())
	if err != nil {
		return err
	}
	start := min((page-1)*photoPerPage, len(all))
	end := min(start+photoPerPage, len(all))
	view := photosView{Photos: all[start:end], Total: len(all), Page: page, First: start + 1, Last: end,
		ThumbnailWidth: thumbnailWidth}
	if page > 1 {
		view.Prev = page - 1
	}
	if end < len(all) {
		view.Next = page + 1
	}
	return s.render(c, 200, "photos.html", view)
}

type photoView struct {
	*photo
	Credit, License, LicenseURL string
	Display, Original, Manifest string
	Width, Height               int // of the display image
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
	view := photoView{photo: p, Credit: s.credit(p), LicenseURL: licenseURL(p.Dataset), License: p.Dataset.License,
		Width: disp.Width, Height: disp.Height,
		Display:  fmt.Sprintf("/iiif/%s/full/%d,/0/default.jpg", p.ID, disp.Width),
		Original: fmt.Sprintf("/api/v1/datasets/%s/versions/%d/original?file=%s", p.Dataset.Slug, p.Version.Number, p.File.SHA256),
		Manifest: "/iiif/" + p.ID + "/manifest.json"}
	if l, ok := catalog.LicenseByID(p.Dataset.License); ok {
		view.License = l.TitleJA
	}
	return s.render(c, 200, "photo.html", view)
}
