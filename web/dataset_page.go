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
	Query       datasetQuery
	Total       int
	Items       []pageHit
	Facets      []facetView
	Departments map[string]string
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
	Value, Label string
	Count        int
	URL          string
	Selected     bool
}

// facetLabels names the facets on the page, in display order.
var facetLabels = []struct{ name, label string }{
	{"kind", "種類"}, {"department", "担当課"}, {"theme", "分野"}, {"format", "形式"}, {"license", "ライセンス"}, {"tag", "キーワード"},
}

func (s *Server) datasetsPage(c *gin.Context) error {
	var q datasetQuery
	if err := c.ShouldBindQuery(&q); err != nil {
		return catalog.Errorf(catalog.Invalid, "page and per_page must be numbers")
	}
	found, err := s.findDatasets(c, &q)
	if err != nil {
		return err
	}
	total, facets := found.total, found.facets
	depts, err := s.departmentNames(c)
	if err != nil {
		return err
	}
	v := datasetsView{Query: q, Total: total, Departments: depts, Page: q.Page,
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
	for _, fl := range facetLabels {
		fv := facetView{Name: fl.name, Label: fl.label}
		selected := base.Get(fl.name)
		for value, n := range facets[fl.name] {
			name := fl.name
			val := value
			fv.Values = append(fv.Values, facetValue{Value: value, Label: facetValueLabel(fl.name, value, depts), Count: n,
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

func facetValueLabel(facet, value string, depts map[string]string) string {
	switch facet {
	case "kind":
		return kindLabel(catalog.Kind(value))
	case "department":
		if n, ok := depts[value]; ok {
			return n
		}
	case "theme":
		if t, ok := catalog.ThemeByCode(value); ok {
			return t.TitleJA
		}
	case "license":
		if l, ok := catalog.LicenseByID(value); ok {
			return l.TitleJA
		}
	}
	return value
}

// sortFacet orders values by count, then label, so the page is stable.
func sortFacet(vs []facetValue) {
	slices.SortFunc(vs, func(a, b facetValue) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Label, b.Label)
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
	*datasetDetail
	Department string
	Preview    []map[string]any
	PreviewURL string
	Total      int
	Offset     int
	Prev, Next string
	LD         ldDataset // schema.org Dataset
	EventsLD   *ldGraph  // schema.org Events of an event dataset's coming events, or nil
	Headers    []previewColumn
	MapConfig  string // map.js's configuration when the data has geometry
}

const previewRows = 20

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
	view := datasetView{datasetDetail: d, Department: d.DepartmentInfo.NameJA, Total: total, Offset: offset,
		LD: s.datasetPageLD(d, v), Headers: previewColumns(d.Slug, v.Columns, sort)}
	if v.HasGeometry {
		// A map of the dataset alone, drawn by the map page's script.
		layer := s.mapLayerOf(d.Dataset)
		if view.MapConfig, err = s.mapConfig(c, []mapLayer{layer}); err != nil {
			return err
		}
	}
	if d.Kind == catalog.KindEvent {
		if view.EventsLD, err = s.eventsLD(c.Request.Context(), v, s.now()); err != nil {
			return err
		}
	}
	for _, r := range raw {
		m, err := decodeRecord(r)
		if err != nil {
			return err
		}
		view.Preview = append(view.Preview, m)
	}
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
