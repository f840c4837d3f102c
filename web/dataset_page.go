package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// datasetsView is the dataset search page.
type datasetsView struct {
	page
	Query       datasetQuery
	Total       int
	Items       []pageHit
	Facets      []facetView
	Departments map[string]text
	Prev, Next  string // links to the neighbouring pages, empty at the ends
	Page, Pages int
}

// pageHit is a dataset in the search page, with the words that matched.
type pageHit struct {
	*catalog.Dataset
	Snippet template.HTML
}

// snippetHTML joins the index's fragments of the description (or title).
// The index escapes the text and adds only <mark> around matches, so the
// fragments are trusted as HTML.
func snippetHTML(snippets map[string][]string) template.HTML {
	for _, field := range []string{"text", "title"} {
		if fs := snippets[field]; len(fs) > 0 {
			return template.HTML(strings.Join(fs, " … "))
		}
	}
	return ""
}

type facetView struct {
	Name   string
	Label  string
	Values []facetValue
}

type facetValue struct {
	Value    string
	Label    text
	Count    int
	URL      string
	Selected bool
}

// pageFacets are the facets on the page, in display order; each is named by
// the catalog's facet.{name}.
var pageFacets = []string{"kind", "department", "theme", "format", "license", "tag"}

func (s *Server) datasetsPage(c *gin.Context) error {
	var q datasetQuery
	if err := c.ShouldBindQuery(&q); err != nil {
		return catalog.Errorf(catalog.Invalid, "page and per_page must be numbers")
	}
	found, err := s.findDatasets(c, &q)
	if err != nil {
		return err
	}
	total := found.total
	p := s.page(c)
	p = p.titled(p.t("datasets.title"))
	depts, err := s.departmentTexts(c, p.Lang)
	if err != nil {
		return err
	}
	v := datasetsView{page: p, Query: q, Total: total, Departments: depts, Page: q.Page,
		Pages: max(1, (total+q.PerPage-1)/q.PerPage)}
	for _, h := range found.items {
		v.Items = append(v.Items, pageHit{Dataset: h.Dataset, Snippet: snippetHTML(h.snippets)})
	}
	base := c.Request.URL.Query()
	link := func(change func(url.Values)) string {
		u := url.Values{}
		for k, vs := range base {
			u[k] = append([]string(nil), vs...)
		}
		change(u)
		return "/datasets?" + u.Encode()
	}
	if q.Page > 1 {
		v.Prev = link(func(u url.Values) { u.Set("page", strconv.Itoa(q.Page-1)) })
	}
	if q.Page < v.Pages {
		v.Next = link(func(u url.Values) { u.Set("page", strconv.Itoa(q.Page+1)) })
	}
	for _, name := range pageFacets {
		fv := facetView{Name: name, Label: p.t("facet." + name)}
		selected := base.Get(name)
		for value, n := range found.facets[name] {
			val := value
			fv.Values = append(fv.Values, facetValue{Value: value, Label: facetValueLabel(p.Lang, name, value, depts), Count: n,
				Selected: value == selected,
				URL: link(func(u url.Values) {
					u.Del("page")
					if val == selected {
						u.Del(name)
					} else {
						u.Set(name, val)
					}
				})})
		}
		sortFacet(fv.Values)
		v.Facets = append(v.Facets, fv)
	}
	return s.render(c, http.StatusOK, "datasets.html", v)
}

func (s *Server) departmentNames(c *gin.Context) (map[string]string, error) {
	ds, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, d := range ds {
		m[d.Code] = d.NameJA
	}
	return m, nil
}

// departmentTexts are the departments' names by code, in l where the
// catalog has it.
func (s *Server) departmentTexts(c *gin.Context, l lang) (map[string]text, error) {
	ds, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return nil, err
	}
	m := map[string]text{}
	for _, d := range ds {
		m[d.Code] = pick(l, d.NameJA, d.NameEN)
	}
	return m, nil
}

func facetValueLabel(l lang, facet, value string, depts map[string]text) text {
	switch facet {
	case "kind":
		return text{kindName(l, catalog.Kind(value)), l}
	case "department":
		if n, ok := depts[value]; ok {
			return n
		}
	case "theme":
		if t, ok := catalog.ThemeByCode(value); ok {
			return pick(l, t.TitleJA, t.TitleEN)
		}
	case "license":
		if li, ok := catalog.LicenseByID(value); ok {
			return pick(l, li.TitleJA, li.TitleEN)
		}
	}
	return text{value, dataLang(l, value)}
}

// sortFacet orders values by count, then label, so the page is stable.
func sortFacet(vs []facetValue) {
	slices.SortFunc(vs, func(a, b facetValue) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Label.Text, b.Label.Text)
	})
}

func recordsPage(offset int, sort string) datasets.RecordFilter {
	return datasets.RecordFilter{Limit: previewRows, Offset: offset, Sort: sort}
}

// previewColumn is a column of the preview table with the links that sort
// by it.
type previewColumn struct {
	Name     string
	SortURL  string // the page sorted by this column, ascending or (when it already is) descending
	AriaSort string // ascending, descending or none
}

// previewColumns are v's columns as the table's headers, sorted by sort
// ("name" or "-name", empty for file order).
func previewColumns(slug string, cols []catalog.Column, sort string) []previewColumn {
	out := make([]previewColumn, 0, len(cols))
	for _, c := range cols {
		pc := previewColumn{Name: c.Name, AriaSort: "none", SortURL: "/datasets/" + slug + "?sort=" + url.QueryEscape(c.Name) + "#preview"}
		switch sort {
		case c.Name:
			pc.AriaSort = "ascending"
			pc.SortURL = "/datasets/" + slug + "?sort=" + url.QueryEscape("-"+c.Name) + "#preview"
		case "-" + c.Name:
			pc.AriaSort = "descending"
		}
		out = append(out, pc)
	}
	return out
}

// decodeRecord reads a record for display, keeping numbers as written.
// decodeRecords decodes stored records for a preview table.
func decodeRecords(raws []json.RawMessage) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(raws))
	for _, r := range raws {
		m, err := decodeRecord(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func decodeRecord(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// datasetView is one dataset's page.
type datasetView struct {
	page
	*datasetDetail
	// The dataset's words in the page's language where it has them.
	Title, OtherTitle, Description text
	Department, LicenseTitle       text
	Credit                         text // how to credit the dataset
	PageRows                       int  // rows in a page of the preview
	Preview                        []previewRow
	PreviewURL                     string
	Total                          int
	Offset                         int
	Prev, Next                     string
	LD                             ldDataset // schema.org Dataset
	EventsLD                       *ldGraph  // schema.org Events of an event dataset's coming events, or nil
	Headers                        []previewColumn
	MapConfig                      string // map.js's configuration when the data has geometry
}

const previewRows = 20

// words sets the view's texts in l: the title (and, under it, the title in
// the other language), the description, the department, the licence and
// the credit line; each in Japanese where the dataset has no English.
func (v *datasetView) words(l lang) {
	d := v.datasetDetail
	v.Title = pick(l, d.TitleJA, d.TitleEN)
	if v.Title.Lang == ja && d.TitleEN != "" {
		v.OtherTitle = text{d.TitleEN, en}
	} else if v.Title.Lang == en {
		v.OtherTitle = text{d.TitleJA, ja}
	}
	if d.DescriptionJA != "" || d.DescriptionEN != "" {
		v.Description = pick(l, d.DescriptionJA, d.DescriptionEN)
	}
	var deptJA, deptEN string
	if d.DepartmentInfo != nil {
		deptJA, deptEN = d.DepartmentInfo.NameJA, d.DepartmentInfo.NameEN
	}
	v.Department = pick(l, deptJA, deptEN)
	v.LicenseTitle = pick(l, d.LicenseInfo.TitleJA, d.LicenseInfo.TitleEN)
	// The credit is one sentence: in English only when every part of it is.
	cl := l
	if v.Title.Lang != l || v.Department.Lang != l || v.LicenseTitle.Lang != l {
		cl = ja
	}
	v.Credit = text{msg(cl, "dataset.credit_line", "department", pick(cl, deptJA, deptEN).Text,
		"title", pick(cl, d.TitleJA, d.TitleEN).Text, "license", pick(cl, d.LicenseInfo.TitleJA, d.LicenseInfo.TitleEN).Text), cl}
}

func (s *Server) datasetPage(c *gin.Context) error {
	offset, err := intParam(c, "offset", 0, 0, 1<<40)
	if err != nil {
		return err
	}
	d, v, err := s.datasetDetail(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	sort := c.Query("sort")
	raw, total, err := s.records.Find(c.Request.Context(), v, recordsPage(offset, sort))
	if err != nil {
		return err
	}
	p := s.page(c)
	view := datasetView{page: p, datasetDetail: d, Total: total, Offset: offset, PageRows: previewRows,
		LD: s.datasetPageLD(d, v), Headers: previewColumns(d.Slug, v.Columns, sort)}
	view.words(p.Lang)
	view.page = p.titled(view.Title.Text)
	if v.HasGeometry {
		// A map of the dataset alone, drawn by the map page's script.
		layer := s.mapLayerIn(p.Lang, d.Dataset)
		if view.MapConfig, err = s.mapConfigIn(c, p.Lang, []mapLayer{layer}); err != nil {
			return err
		}
	}
	if d.Kind == catalog.KindEvent {
		if view.EventsLD, err = s.eventsLD(c.Request.Context(), v, s.now()); err != nil {
			return err
		}
	}
	recs, err := decodeRecords(raw)
	if err != nil {
		return err
	}
	view.Preview = previewTable(p.Lang, v.Columns, recs)
	page := func(off int) string {
		u := "/datasets/" + d.Slug + "?offset=" + strconv.Itoa(off)
		if sort != "" {
			u += "&sort=" + url.QueryEscape(sort)
		}
		return u + "#preview"
	}
	if offset > 0 {
		view.Prev = page(max(0, offset-previewRows))
	}
	if offset+previewRows < total {
		view.Next = page(offset + previewRows)
	}
	return s.render(c, http.StatusOK, "dataset.html", view)
}

// previewRow is one row of a dataset page's preview table, its cells as
// text with their language. Made here rather than in the template: a
// standard dataset has some forty columns, and the template's function
// calls per cell were most of the page's time.
type previewRow struct {
	Row   any
	Cells []text
}

func previewTable(l lang, cols []catalog.Column, recs []map[string]any) []previewRow {
	out := make([]previewRow, len(recs))
	for i, r := range recs {
		cells := make([]text, len(cols))
		for j, c := range cols {
			if t := cellText(r[c.Name]); t != "" {
				cells[j] = text{Text: t, Lang: dataLang(l, t)}
			}
		}
		out[i] = previewRow{Row: r["_row"], Cells: cells}
	}
	return out
}
