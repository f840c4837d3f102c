package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// Upload limits: a file may be as large as the importer takes, and one
// request (a photo dataset's images together) ten times that, in at most
// maxUploadFiles files.
const (
	uploadFilesPerLimit = 10
	maxUploadFiles      = 2000
)

// uploadLimit is the most one write request may send.
func (s *Server) uploadLimit() int64 {
	per := s.importer.MaxUpload
	if per <= 0 {
		per = 100 << 20
	}
	return per * uploadFilesPerLimit
}

// uploadView is the upload form: a new version of a dataset the user may
// edit, or a new dataset of their department (any, for an admin).
type uploadView struct {
	adminView
	Datasets    []*catalog.Dataset // the user may add a version to
	Departments []catalog.Department
	Kinds       []catalog.Kind
	Form        uploadForm
	Message     string
	MaxMB       int64
}

// uploadForm is what the form sent, kept to fill it again after an error.
type uploadForm struct {
	Dataset, Kind, Department, Title, Slug string
}

func (s *Server) uploadPage(c *gin.Context) error {
	return s.renderUpload(c, http.StatusOK, uploadForm{Dataset: c.Query("dataset")}, "")
}

func (s *Server) renderUpload(c *gin.Context, status int, form uploadForm, msg string) error {
	ctx := c.Request.Context()
	u := userFrom(c)
	if !u.CanEdit(u.Department) && u.Role != catalog.RoleAdmin {
		return catalog.Errorf(catalog.Forbidden, "閲覧者はデータを登録できません")
	}
	f := catalog.Filter{Status: "any", Sort: "title"}
	if u.Role != catalog.RoleAdmin {
		f.Department = u.Department
	}
	ds, _, _, err := s.store.FindDatasets(ctx, f)
	if err != nil {
		return err
	}
	view := uploadView{adminView: s.adminBase(c, "データの登録"), Datasets: ds, Kinds: catalog.Kinds, Form: form,
		Message: msg, MaxMB: s.importer.MaxUpload >> 20}
	if u.Role == catalog.RoleAdmin {
		if view.Departments, err = s.store.Departments(ctx); err != nil {
			return err
		}
	}
	return s.render(c, status, "admin_upload.html", view)
}

// upload stores the files as a draft version and shows its validation
// report. Nothing is published here: the report page does that, once the
// clerk has read what will be published.
func (s *Server) upload(c *gin.Context) error {
	form := uploadForm{Dataset: c.PostForm("dataset"), Kind: c.PostForm("kind"), Department: c.PostForm("department"),
		Title: strings.TrimSpace(c.PostForm("title")), Slug: strings.TrimSpace(c.PostForm("slug"))}
	req, err := s.uploadRequest(c, form)
	defer closeFiles(req.Files)
	if err == nil {
		var res *datasets.ImportResult
		res, err = s.importer.Import(c.Request.Context(), req)
		s.countUpload(err)
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/admin/datasets/"+res.Slug+"/versions/"+strconv.Itoa(res.Version))
			return nil
		}
	}
	switch catalog.KindOf(err) {
	case catalog.Invalid, catalog.TooLarge, catalog.Conflict, catalog.NotFound, catalog.Forbidden:
		// The form again, with what was wrong and what was chosen.
		return s.renderUpload(c, statusOf(err), form, catalog.MessageOf(err))
	}
	return err
}

// uploadRequest checks the form against the user's rights and opens its
// files. A file's name is only a label: it never becomes a path.
func (s *Server) uploadRequest(c *gin.Context, form uploadForm) (datasets.ImportRequest, error) {
	ctx := c.Request.Context()
	u := userFrom(c)
	req := datasets.ImportRequest{Actor: u.Login, Address: clientAddr(c)}
	if form.Dataset != "" {
		d, err := s.store.DatasetBySlug(ctx, form.Dataset)
		if err != nil {
			return req, err
		}
		if !u.CanEdit(d.Department) {
			return req, catalog.Errorf(catalog.Forbidden, "このデータセットを扱う権限がありません")
		}
		req.Slug, req.Kind, req.Department = d.Slug, d.Kind, d.Department
	} else {
		req.Kind, req.Department, req.Slug = catalog.Kind(form.Kind), u.Department, form.Slug
		if u.Role == catalog.RoleAdmin && form.Department != "" {
			req.Department = form.Department
		}
		if !u.CanEdit(req.Department) {
			return req, catalog.Errorf(catalog.Forbidden, "この課のデータは登録できません")
		}
		if req.Slug != "" && !catalog.ValidSlug(req.Slug) {
			return req, catalog.Errorf(catalog.Invalid, "ID は半角の英小文字・数字・ハイフンで書いてください")
		}
		if req.Slug != "" {
			// A new dataset must not become a version of an existing one.
			if _, err := s.store.DatasetBySlug(ctx, req.Slug); err == nil {
				return req, catalog.Errorf(catalog.Conflict, "ID %s はすでに使われています。既存のデータセットを選ぶか、別の ID にしてください", req.Slug)
			}
		}
		if form.Title != "" {
			req.Meta = &catalog.Dataset{TitleJA: form.Title}
		}
	}
	if c.Request.MultipartForm == nil {
		if err := parseForm(c.Request); err != nil {
			return req, err
		}
	}
	var fhs []*multipart.FileHeader
	if mf := c.Request.MultipartForm; mf != nil {
		fhs = mf.File["files"]
	}
	switch {
	case len(fhs) == 0:
		return req, catalog.Errorf(catalog.Invalid, "ファイルを選んでください")
	case len(fhs) > maxUploadFiles:
		return req, catalog.Errorf(catalog.TooLarge, "一度に登録できるファイルは %d 個までです", maxUploadFiles)
	}
	for _, fh := range fhs {
		f, err := fh.Open()
		if err != nil {
			return req, err
		}
		name := path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
		req.Files = append(req.Files, datasets.File{Name: name, Data: f})
	}
	return req, nil
}

// closeFiles closes the form's files that uploadRequest opened.
func closeFiles(fs []datasets.File) {
	for _, f := range fs {
		if cl, ok := f.Data.(interface{ Close() error }); ok {
			cl.Close()
		}
	}
}

// statusOf is the HTTP status of an error's kind, for pages that show the
// error inside themselves.
func statusOf(err error) int {
	var e *catalog.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError
	}
	return errorStatus[e.Kind]
}

// apiUpload is the scripted upload: a personal API token (or a session
// with its CSRF header) posts files as multipart/form-data to
// /api/v1/datasets/{id}/versions. A new id creates the dataset (kind and
// title from the form); an existing one gets a new version. publish=true
// publishes at once, through the same guard as the pages; only an admin's
// override passes it.
func (s *Server) apiUpload(c *gin.Context) error {
	ctx := c.Request.Context()
	slug := c.Param("id")
	form := uploadForm{Kind: c.PostForm("kind"), Department: c.PostForm("department"), Title: strings.TrimSpace(c.PostForm("title"))}
	switch _, err := s.store.DatasetBySlug(ctx, slug); {
	case err == nil:
		form.Dataset = slug
	case catalog.KindOf(err) == catalog.NotFound:
		form.Slug = slug
	default:
		return err
	}
	req, err := s.uploadRequest(c, form)
	defer closeFiles(req.Files)
	if err != nil {
		return err
	}
	req.Publish = c.PostForm("publish") == "true"
	req.Override = strings.TrimSpace(c.PostForm("override"))
	if req.Override != "" && userFrom(c).Role != catalog.RoleAdmin {
		return catalog.Errorf(catalog.Forbidden, "only an admin may publish despite the personal-information guard")
	}
	res, err := s.importer.Import(ctx, req)
	s.countUpload(err)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/datasets/"+res.Slug+"/versions/"+strconv.Itoa(res.Version))
	c.JSON(http.StatusCreated, res)
	return nil
}

// countUpload counts an upload's outcome for /metrics: stored, or the kind
// of error that refused it.
func (s *Server) countUpload(err error) {
	outcome := "stored"
	if err != nil {
		outcome = errorCode[catalog.KindOf(err)]
	}
	s.metrics.uploads.WithLabelValues(outcome).Inc()
}
