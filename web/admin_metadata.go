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

// frequencies are the EU frequency codes a clerk chooses from, with the
// words a clerk uses.
var frequencies = []struct{ Code, Label string }{
	{"", "指定しない"}, {"IRREG", "不定期"}, {"DAILY", "毎日"}, {"WEEKLY", "毎週"}, {"MONTHLY", "毎月"},
	{"QUARTERLY", "四半期ごと"}, {"ANNUAL", "毎年"}, {"NEVER", "更新しない"},
}

type metadataView struct {
	adminView
	Dataset     *catalog.Dataset
	Form        catalog.Metadata
	Keywords    string // one line, separated by commas
	Licenses    []catalog.License
	Themes      []catalog.Theme
	Frequencies []struct{ Code, Label string }
	Message     string
}

func (s *Server) metadataPage(c *gin.Context) error {
	d, err := s.datasetFor(c, true)
	if err != nil {
		return err
	}
	return s.renderMetadata(c, http.StatusOK, d, catalog.MetadataOf(d), "")
}

func (s *Server) renderMetadata(c *gin.Context, status int, d *catalog.Dataset, m catalog.Metadata, msg string) error {
	return s.render(c, status, "admin_metadata.html", metadataView{adminView: s.adminBase(c, d.TitleJA+" の説明を編集"),
		Dataset: d, Form: m, Keywords: strings.Join(m.Keywords, ", "), Licenses: catalog.Licenses, Themes: catalog.Themes,
		Frequencies: frequencies, Message: msg})
}

// saveMetadata replaces the dataset's metadata with the form's; a refused
// form is shown again with what was typed and why.
func (s *Server) saveMetadata(c *gin.Context) error {
	d, err := s.datasetFor(c, true)
	if err != nil {
		return err
	}
	m := catalog.Metadata{
		TitleJA: strings.TrimSpace(c.PostForm("title_ja")), TitleEN: strings.TrimSpace(c.PostForm("title_en")),
		DescriptionJA: strings.TrimSpace(c.PostForm("description_ja")), DescriptionEN: strings.TrimSpace(c.PostForm("description_en")),
		Keywords: splitKeywords(c.PostForm("keywords")), Themes: c.PostFormArray("themes"),
		License: c.PostForm("license"), Frequency: c.PostForm("frequency"),
		TemporalStart: strings.TrimSpace(c.PostForm("temporal_start")), TemporalEnd: strings.TrimSpace(c.PostForm("temporal_end")),
		Contact: catalog.Contact{Name: strings.TrimSpace(c.PostForm("contact_name")), Email: strings.TrimSpace(c.PostForm("contact_email")),
			Phone: strings.TrimSpace(c.PostForm("contact_phone")), URL: strings.TrimSpace(c.PostForm("contact_url"))},
	}
	if m.Themes == nil {
		m.Themes = []string{}
	}
	if _, err := s.store.UpdateMetadata(c.Request.Context(), d.Slug, m, actor(c)); err != nil {
		if catalog.KindOf(err) == catalog.Invalid {
			return s.renderMetadata(c, http.StatusBadRequest, d, m, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/datasets/"+d.Slug+"?done=saved")
	return nil
}

// splitKeywords reads keywords separated by commas (ASCII or Japanese) or
// new lines, dropping empty and repeated ones.
func splitKeywords(s string) []string {
	out := []string{}
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '、' || r == '，' || r == '\n' }) {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

type diffView struct {
	adminView
	Dataset *catalog.Dataset
	Diff    *datasets.Diff
	Columns []string // of the newer version, for the rows shown
}

// diffLimit bounds the rows a diff page lists; the counts cover them all.
const diffLimit = 200

// diffPage compares two versions: ?from=&to= (default: the one before to,
// and the newest).
func (s *Server) diffPage(c *gin.Context) error {
	d, err := s.datasetFor(c, false)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	vs, err := s.store.Versions(ctx, d.ID)
	if err != nil {
		return err
	}
	if len(vs) < 2 {
		return catalog.Errorf(catalog.NotFound, "比べる版がありません（版が1つだけです）")
	}
	to, err := versionParam(c, "to", vs[0].Number)
	if err != nil {
		return err
	}
	from, err := versionParam(c, "from", to-1)
	if err != nil {
		return err
	}
	a, err := s.store.Version(ctx, d.ID, from)
	if err != nil {
		return err
	}
	b, err := s.store.Version(ctx, d.ID, to)
	if err != nil {
		return err
	}
	diff, err := s.records.DiffVersions(ctx, a, b, diffLimit)
	if err != nil {
		return err
	}
	view := diffView{adminView: s.adminBase(c, d.TitleJA+" の版の比較"), Dataset: d, Diff: diff}
	for _, col := range b.Columns {
		view.Columns = append(view.Columns, col.Name)
	}
	for _, col := range diff.ColumnsRemoved {
		view.Columns = append(view.Columns, col)
	}
	return s.render(c, http.StatusOK, "admin_diff.html", view)
}

func versionParam(c *gin.Context, name string, def int) (int, error) {
	q := c.Query(name)
	if q == "" {
		return def, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		return 0, catalog.Errorf(catalog.Invalid, "%s は版の番号で指定してください", name)
	}
	return n, nil
}
