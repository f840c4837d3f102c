package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// A clerk corrects a photo of an archive one at a time: its title, date
// (昭和40年代 as well as a day), place, description, and its point, placed
// on a map. Each correction is a new draft version built on the newest
// version (datasets.EditPhoto), so several corrections add up before one
// publish, and the publish goes through the report and the guard as an
// upload does.

type adminPhotoView struct {
	adminView
	Dataset   *catalog.Dataset
	Version   *catalog.Version
	Photo     *photo
	Form      photoForm
	Message   string
	MapConfig string
	Image     string // the original, as uploaded (drafts are not served publicly)
}

// photoForm is the form's fields as typed.
type photoForm struct {
	Title, Date, Place, Description, Lat, Lon string
}

// newestVersion is the dataset's latest version, draft or published: what
// a correction builds on.
func (s *Server) newestVersion(c *gin.Context, d *catalog.Dataset) (*catalog.Version, error) {
	vs, err := s.store.Versions(c.Request.Context(), d.ID)
	if err != nil {
		return nil, err
	}
	var newest *catalog.Version
	for _, v := range vs {
		if newest == nil || v.Number > newest.Number {
			newest = v
		}
	}
	if newest == nil {
		return nil, catalog.Errorf(catalog.NotFound, "%s has no version", d.Slug)
	}
	return newest, nil
}

// newPhotoRow is the row of the form that adds a photo: its page is
// /admin/datasets/{id}/photos/new/edit.
const newPhotoRow = "new"

// adminPhotoOf finds the photo of the request's row in the newest version
// of a photo dataset the user may edit; nil for the row "new".
func (s *Server) adminPhotoOf(c *gin.Context) (*catalog.Dataset, *catalog.Version, *photo, error) {
	d, err := s.datasetFor(c, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if d.Kind != catalog.KindPhoto {
		return nil, nil, nil, catalog.Errorf(catalog.NotFound, "%s is not a photo dataset", d.Slug)
	}
	v, err := s.newestVersion(c, d)
	if err != nil {
		return nil, nil, nil, err
	}
	if c.Param("row") == newPhotoRow {
		return d, v, nil, nil
	}
	row, err := strconv.Atoi(c.Param("row"))
	if err != nil {
		return nil, nil, nil, catalog.Errorf(catalog.NotFound, "no photo %q", c.Param("row"))
	}
	ps, err := s.photosOf(c.Request.Context(), d, v)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, p := range ps {
		if p.Row == row {
			return d, v, p, nil
		}
	}
	return nil, nil, nil, catalog.Errorf(catalog.NotFound, "no photo at row %d of %s", row, d.Slug)
}

func (s *Server) adminPhotoPage(c *gin.Context) error {
	d, v, p, err := s.adminPhotoOf(c)
	if err != nil {
		return err
	}
	if p == nil {
		return s.renderAdminPhoto(c, http.StatusOK, d, v, nil, photoForm{}, "")
	}
	f := photoForm{Title: p.Title, Date: p.Date, Place: p.Place, Description: p.Description}
	if p.HasPoint {
		f.Lat, f.Lon = strconv.FormatFloat(p.Lat, 'f', -1, 64), strconv.FormatFloat(p.Lon, 'f', -1, 64)
	}
	return s.renderAdminPhoto(c, http.StatusOK, d, v, p, f, "")
}

func (s *Server) renderAdminPhoto(c *gin.Context, status int, d *catalog.Dataset, v *catalog.Version, p *photo, f photoForm, msg string) error {
	cfg, err := s.mapPlaceConfig(c, "p-lat", "p-lon")
	if err != nil {
		return err
	}
	view := adminPhotoView{adminView: s.adminBase(c, "写真を1枚追加する"), Dataset: d, Version: v, Photo: p, Form: f, Message: msg, MapConfig: cfg}
	if p != nil {
		view.Title = p.Title + " を直す"
		if i := slices.IndexFunc(v.Files, func(vf catalog.VersionFile) bool { return vf.SHA256 == p.File.SHA256 }); i >= 0 {
			view.Image = "/admin/datasets/" + d.Slug + "/versions/" + strconv.Itoa(v.Number) + "/original?file=" + strconv.Itoa(i)
		}
	}
	return s.render(c, status, "admin_photo.html", view)
}

// saveAdminPhoto makes the draft version with the correction and shows its
// report; a refused form is shown again as typed, with why.
func (s *Server) saveAdminPhoto(c *gin.Context) error {
	d, v, p, err := s.adminPhotoOf(c)
	if err != nil {
		return err
	}
	if c.Request.MultipartForm == nil {
		if err := parseForm(c.Request); err != nil {
			return err
		}
	}
	f := photoForm{Title: strings.TrimSpace(c.PostForm("title")), Date: strings.TrimSpace(c.PostForm("date")),
		Place: strings.TrimSpace(c.PostForm("place")), Description: strings.TrimSpace(c.PostForm("description")),
		Lat: strings.TrimSpace(c.PostForm("lat")), Lon: strings.TrimSpace(c.PostForm("lon"))}
	edit := datasets.PhotoEdit{Title: f.Title, Date: f.Date, Place: f.Place, Description: f.Description}
	for _, x := range []struct {
		text string
		dst  **float64
	}{{f.Lat, &edit.Lat}, {f.Lon, &edit.Lon}} {
		if x.text == "" {
			continue
		}
		n, err := strconv.ParseFloat(x.text, 64)
		if err != nil {
			return s.renderAdminPhoto(c, http.StatusBadRequest, d, v, p, f, "緯度と経度は 35.7038 のような数で書いてください")
		}
		*x.dst = &n
	}
	var res *datasets.ImportResult
	if p == nil {
		fh, ferr := c.FormFile("image")
		if ferr != nil {
			return s.renderAdminPhoto(c, http.StatusBadRequest, d, v, p, f, "写真のファイルを選んでください")
		}
		img, ferr := fh.Open()
		if ferr != nil {
			return ferr
		}
		defer img.Close()
		res, err = s.importer.AddPhoto(c.Request.Context(), datasets.PhotoAddRequest{Slug: d.Slug, Department: d.Department,
			Base: v, Image: datasets.File{Name: fh.Filename, Data: img}, Meta: edit, Actor: userFrom(c).Login, Address: clientAddr(c)})
	} else {
		res, err = s.importer.EditPhoto(c.Request.Context(), datasets.PhotoEditRequest{Slug: d.Slug, Department: d.Department,
			Base: v, Row: p.Row, Edit: edit, Actor: userFrom(c).Login, Address: clientAddr(c)})
	}
	if err != nil {
		if catalog.KindOf(err) == catalog.Invalid {
			return s.renderAdminPhoto(c, http.StatusBadRequest, d, v, p, f, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/datasets/"+d.Slug+"/versions/"+strconv.Itoa(res.Version))
	return nil
}
