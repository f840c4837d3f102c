package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// versionView is a version's validation report: what was read, what was
// refused and why, what the guard found, and a preview of what citizens
// would see, with the actions the user may take on it.
type versionView struct {
	adminView
	Dataset     *catalog.Dataset
	Version     *catalog.Version
	Department  string
	Problems    []datasets.Problem
	Errors      int // problems that refused a row or the file
	Review      *datasets.Review
	ReviewErr   string // the files could not be read again
	Columns     []catalog.Column
	Preview     []map[string]any
	MapConfig   string
	Current     bool // the version citizens see now
	CanEdit     bool
	CanOverride bool  // an admin may publish despite the guard
	Older       []int // earlier versions, to compare with
	Message     string
}

// adminVersion shows one version to the users of its department.
func (s *Server) adminVersion(c *gin.Context) error {
	d, v, err := s.adminVersionOf(c, false)
	if err != nil {
		return err
	}
	return s.renderVersion(c, http.StatusOK, d, v, "")
}

// renderVersion shows the report with msg, the reason an action failed.
func (s *Server) renderVersion(c *gin.Context, status int, d *catalog.Dataset, v *catalog.Version, msg string) error {
	ctx := c.Request.Context()
	u := userFrom(c)
	view := versionView{adminView: s.adminBase(c, d.TitleJA+" 第"+strconv.Itoa(v.Number)+"版"), Dataset: d, Version: v, Message: msg,
		Columns: v.Columns, Current: d.Status == catalog.StatusPublished && d.CurrentVersion == v.Number,
		CanEdit: u.CanEdit(d.Department), CanOverride: u.Role == catalog.RoleAdmin}
	names, err := s.departmentNames(c)
	if err != nil {
		return err
	}
	view.Department = names[d.Department]
	if len(v.Problems) > 0 {
		if err := json.Unmarshal(v.Problems, &view.Problems); err != nil {
			return err
		}
	}
	for _, p := range view.Problems {
		if p.Severity == datasets.SeverityError {
			view.Errors++
		}
	}
	// The guard and the standard's columns, read again from the files as
	// kept: what the publish button will check.
	if view.Review, err = s.importer.Review(d, v); err != nil {
		if catalog.KindOf(err) == catalog.Internal {
			return err
		}
		view.ReviewErr = catalog.MessageOf(err)
	}
	raw, _, err := s.records.Find(ctx, v, datasets.RecordFilter{Limit: previewRows})
	if err != nil {
		return err
	}
	if view.Preview, err = decodeRecords(raw); err != nil {
		return err
	}
	if v.HasGeometry {
		layer := s.mapLayerOf(d)
		layer.DataURL = versionURL(d, v) + "/data.geojson"
		layer.PageURL = ""
		if view.MapConfig, err = s.mapConfig(c, []mapLayer{layer}); err != nil {
			return err
		}
	}
	vs, err := s.store.Versions(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, o := range vs {
		if o.Number != v.Number {
			view.Older = append(view.Older, o.Number)
		}
	}
	return s.render(c, status, "admin_version.html", view)
}

func versionURL(d *catalog.Dataset, v *catalog.Version) string {
	return "/admin/datasets/" + d.Slug + "/versions/" + strconv.Itoa(v.Number)
}

// adminVersionOf loads the route's dataset and version {n} for a user of
// its department (write: one who may edit it).
func (s *Server) adminVersionOf(c *gin.Context, write bool) (*catalog.Dataset, *catalog.Version, error) {
	d, err := s.datasetFor(c, write)
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return nil, nil, catalog.Errorf(catalog.NotFound, "版 %q はありません", c.Param("n"))
	}
	v, err := s.store.Version(c.Request.Context(), d.ID, n)
	if err != nil {
		return nil, nil, err
	}
	return d, v, nil
}

// adminVersionGeoJSON is a version's records as GeoJSON, drafts included,
// for the report's map.
func (s *Server) adminVersionGeoJSON(c *gin.Context) error {
	_, v, err := s.adminVersionOf(c, false)
	if err != nil {
		return err
	}
	if !v.HasGeometry {
		return catalog.Errorf(catalog.NotFound, "この版には位置の情報がありません")
	}
	c.Header("Content-Type", "application/geo+json")
	return s.records.WriteGeoJSON(c.Request.Context(), c.Writer, v)
}

// adminOriginal downloads one file of a version as uploaded, drafts
// included: the department's own bytes, so nothing is stripped.
func (s *Server) adminOriginal(c *gin.Context) error {
	d, v, err := s.adminVersionOf(c, false)
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(c.DefaultQuery("file", "0"))
	if err != nil || i < 0 || i >= len(v.Files) {
		return catalog.Errorf(catalog.NotFound, "第%d版にそのファイルはありません", v.Number)
	}
	return s.serveStored(c, d, v, v.Files[i])
}

// publishVersion publishes a draft, or restores an earlier version. Only
// an admin may override the guard, with a written reason.
func (s *Server) publishVersion(c *gin.Context) error {
	d, v, err := s.adminVersionOf(c, true)
	if err != nil {
		return err
	}
	override := strings.TrimSpace(c.PostForm("override"))
	if override != "" && userFrom(c).Role != catalog.RoleAdmin {
		return catalog.Errorf(catalog.Forbidden, "個人情報の確認を省いて公開できるのは管理者だけです")
	}
	if _, err := s.importer.Publish(c.Request.Context(), datasets.PublishRequest{Slug: d.Slug, Number: v.Number,
		By: actor(c), Override: override}); err != nil {
		if k := catalog.KindOf(err); k == catalog.Invalid || k == catalog.Conflict {
			// The guard's findings, or a version published already: shown
			// on the report, beside what they are about.
			return s.renderVersion(c, statusOf(err), d, v, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/datasets/"+d.Slug+"?done=published")
	return nil
}

// withdraw takes a dataset off the public pages, with a reason.
func (s *Server) withdraw(c *gin.Context) error {
	d, err := s.datasetFor(c, true)
	if err != nil {
		return err
	}
	if _, err := s.store.Withdraw(c.Request.Context(), d.Slug, c.PostForm("reason"), actor(c)); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/datasets/"+d.Slug+"?done=withdrawn")
	return nil
}

// encodingLabels name the encodings as a clerk's spreadsheet does.
var encodingLabels = map[string]string{
	string(datasets.UTF8):     "UTF-8",
	string(datasets.UTF8BOM):  "UTF-8（BOM 付き）",
	string(datasets.ShiftJIS): "Shift_JIS（Excel の CSV）",
	string(datasets.EUCJP):    "EUC-JP",
	string(datasets.UTF16LE):  "UTF-16（リトルエンディアン）",
	string(datasets.UTF16BE):  "UTF-16（ビッグエンディアン）",
}

// encodingLabel names a version's encoding, or says it has none (images).
func encodingLabel(e string) string {
	if l, ok := encodingLabels[e]; ok {
		return l
	}
	if e == "" {
		return "—"
	}
	return e
}
