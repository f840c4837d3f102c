package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/search"
)

// healthz checks what serving needs: the database answers a query, and
// the search index (when there is one) answers; it reports the index's lag
// too. A failing check answers 503, for a load balancer or systemd to act.
func (s *Server) healthz(c *gin.Context) error {
	ctx := c.Request.Context()
	out := gin.H{"status": "ok", "database": "ok", "search": "none"}
	status := http.StatusOK
	if lag, err := s.store.IndexLag(ctx); err != nil {
		s.log.Error("healthz: database", append(logAttrs(c), "err", err)...)
		out["status"], out["database"], status = "unavailable", "failing", http.StatusServiceUnavailable
	} else {
		out["index_lag"] = lag
	}
	if s.search != nil {
		out["search"] = "ok"
		if _, err := s.search.Count(); err != nil {
			s.log.Error("healthz: search index", append(logAttrs(c), "err", err)...)
			out["status"], out["search"], status = "unavailable", "failing", http.StatusServiceUnavailable
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(status, out)
	return nil
}

func (s *Server) listDepartments(c *gin.Context) error {
	ds, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []catalog.Department{}
	}
	c.JSON(http.StatusOK, gin.H{"total": len(ds), "items": ds})
	return nil
}

func (s *Server) listLicenses(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"items": catalog.Licenses})
	return nil
}

func (s *Server) listThemes(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"items": catalog.Themes})
	return nil
}

// datasetQuery is the query string of the dataset list.
type datasetQuery struct {
	Q          string `form:"q"`
	Kind       string `form:"kind"`
	Department string `form:"department"`
	Theme      string `form:"theme"`
	Tag        string `form:"tag"`
	Format     string `form:"format"`
	License    string `form:"license"`
	Sort       string `form:"sort"`
	Page       int    `form:"page"`
	PerPage    int    `form:"per_page"`
}

// Limits of the dataset list's query. Every word of q is one more LIKE
// over every dataset, so q is bounded; and no catalog has 10,000 pages.
const (
	maxPerPage = 100
	maxPage    = 10_000
	maxQRunes  = 200
	maxQWords  = 16
)

func (q *datasetQuery) filter() (catalog.Filter, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = 20
	}
	if q.Page < 1 || q.Page > maxPage || q.PerPage < 1 || q.PerPage > maxPerPage {
		return catalog.Filter{}, catalog.Errorf(catalog.Invalid, "page must be from 1 to %d and per_page from 1 to %d", maxPage, maxPerPage)
	}
	if utf8.RuneCountInString(q.Q) > maxQRunes || len(strings.Fields(q.Q)) > maxQWords {
		return catalog.Filter{}, catalog.Errorf(catalog.Invalid, "q must be at most %d characters and %d words", maxQRunes, maxQWords)
	}
	if q.Kind != "" && !catalog.Kind(q.Kind).Valid() {
		return catalog.Filter{}, catalog.Errorf(catalog.Invalid, "unknown kind %q", q.Kind)
	}
	return catalog.Filter{Q: q.Q, Kind: catalog.Kind(q.Kind), Department: q.Department, Theme: q.Theme, Tag: q.Tag,
		Format: q.Format, License: q.License, Sort: q.Sort, Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage}, nil
}

func (s *Server) listDatasets(c *gin.Context) error {
	var q datasetQuery
	if err := c.ShouldBindQuery(&q); err != nil {
		return catalog.Errorf(catalog.Invalid, "bad query: page and per_page must be numbers")
	}
	found, err := s.findDatasets(c, &q)
	if err != nil {
		return err
	}
	type item struct {
		datasetSummary
		Score    float64             `json:"score,omitempty"`
		Snippets map[string][]string `json:"snippets,omitempty"`
	}
	items := make([]item, len(found.items))
	for i, h := range found.items {
		items[i] = item{datasetSummary: datasetSummary{Dataset: h.Dataset, URL: s.apiURL(h.Slug),
			PageURL: s.cfg.BaseURL + "/datasets/" + h.Slug}, Score: h.score, Snippets: h.snippets}
	}
	c.JSON(http.StatusOK, gin.H{"total": found.total, "page": q.Page, "per_page": q.PerPage, "items": items, "facets": found.facets})
	return nil
}

// foundDatasets is one page of a dataset query.
type foundDatasets struct {
	items  []datasetHit
	total  int
	facets map[string]map[string]int
}

// datasetHit is a dataset found, with why when the index found it.
type datasetHit struct {
	*catalog.Dataset
	score    float64
	snippets map[string][]string
}

// findDatasets answers a dataset query for the API and the page alike.
// With words and an index, the index ranks them and a long paste is
// clipped, not refused; otherwise the catalog matches them itself.
func (s *Server) findDatasets(c *gin.Context, q *datasetQuery) (*foundDatasets, error) {
	ctx := c.Request.Context()
	if s.search == nil || strings.TrimSpace(q.Q) == "" {
		f, err := q.filter()
		if err != nil {
			return nil, err
		}
		items, total, facets, err := s.store.FindDatasets(ctx, f)
		if err != nil {
			return nil, err
		}
		out := &foundDatasets{total: total, facets: facets}
		for _, d := range items {
			out.items = append(out.items, datasetHit{Dataset: d})
		}
		return out, nil
	}
	paging := *q
	paging.Q = ""
	if _, err := paging.filter(); err != nil {
		return nil, err
	}
	q.Page, q.PerPage, q.Q = paging.Page, paging.PerPage, clipQuery(q.Q)
	sortBy := q.Sort
	if sortBy == "" {
		sortBy = "relevance"
	}
	res, err := s.search.Search(ctx, search.Query{Q: q.Q, Types: []string{"dataset"}, Kind: q.Kind,
		Department: q.Department, Theme: q.Theme, Tag: q.Tag, Format: q.Format, License: q.License, Sort: sortBy,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage})
	if err != nil {
		return nil, err
	}
	out := &foundDatasets{total: res.Total, facets: res.Facets}
	for _, h := range res.Hits {
		d, err := s.store.DatasetBySlug(ctx, h.Dataset)
		if catalog.KindOf(err) == catalog.NotFound {
			continue // withdrawn since it was indexed; the outbox catches up
		}
		if err != nil {
			return nil, err
		}
		if d.Status != catalog.StatusPublished {
			continue
		}
		out.items = append(out.items, datasetHit{Dataset: d, score: h.Score, snippets: h.Snippets})
	}
	return out, nil
}

// datasetSummary is a dataset in the list.
type datasetSummary struct {
	*catalog.Dataset
	URL     string `json:"url"`
	PageURL string `json:"page_url"`
}

// datasetDetail is one dataset with its distributions and versions.
type datasetDetail struct {
	datasetSummary
	DepartmentInfo *catalog.Department `json:"department_info"`
	LicenseInfo    catalog.License     `json:"license_info"`
	Columns        []catalog.Column    `json:"columns"`
	Distributions  []distribution      `json:"distributions"`
	Versions       []versionSummary    `json:"versions"`
}

// distribution is one download of a dataset (dcat:Distribution).
type distribution struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Format      string `json:"format"`
	MediaType   string `json:"media_type"`
	ByteSize    int64  `json:"byte_size,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	DownloadURL string `json:"download_url"`
}

type versionSummary struct {
	*catalog.Version
	OriginalURL string `json:"original_url"`
}

// published loads the dataset of the route's {id} if citizens may see it.
func (s *Server) published(c *gin.Context) (*catalog.Dataset, *catalog.Version, error) {
	return s.publishedBySlug(c.Request.Context(), c.Param("id"))
}

// publishedBySlug loads a dataset that citizens may see, a published one,
// and its published version; NotFound for any other.
func (s *Server) publishedBySlug(ctx context.Context, slug string) (*catalog.Dataset, *catalog.Version, error) {
	d, err := s.store.DatasetBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if d.Status != catalog.StatusPublished || d.CurrentVersion == 0 {
		return nil, nil, catalog.Errorf(catalog.NotFound, "no dataset %q", d.Slug)
	}
	v, err := s.store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		return nil, nil, err
	}
	return d, v, nil
}

func (s *Server) showDataset(c *gin.Context) error {
	slug := c.Param("id")
	return s.cache.serveJSON(c, "dataset/"+slug, func(ctx context.Context) (any, error) {
		d, _, err := s.datasetDetail(ctx, slug)
		return d, err
	})
}

// datasetDetail loads a published dataset with everything its page and its
// API answer show, and its published version.
func (s *Server) datasetDetail(ctx context.Context, slug string) (*datasetDetail, *catalog.Version, error) {
	d, v, err := s.publishedBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	dept, err := s.store.Department(ctx, d.Department)
	if err != nil {
		return nil, nil, err
	}
	versions, err := s.store.Versions(ctx, d.ID)
	if err != nil {
		return nil, nil, err
	}
	dists, err := s.distributions(ctx, d, v)
	if err != nil {
		return nil, nil, err
	}
	lic, _ := catalog.LicenseByID(d.License)
	out := &datasetDetail{
		datasetSummary: datasetSummary{Dataset: d, URL: s.apiURL(d.Slug), PageURL: s.cfg.BaseURL + "/datasets/" + d.Slug},
		DepartmentInfo: dept, LicenseInfo: lic, Columns: v.Columns, Distributions: dists,
	}
	for _, vv := range versions {
		if vv.Published == nil {
			continue // drafts are for their department only
		}
		out.Versions = append(out.Versions, versionSummary{Version: vv,
			OriginalURL: s.apiURL(d.Slug) + "/versions/" + strconv.Itoa(vv.Number) + "/original"})
	}
	return out, v, nil
}

func (s *Server) showVersion(c *gin.Context) error {
	d, _, err := s.published(c)
	if err != nil {
		return err
	}
	v, err := s.publicVersion(c, d, c.Param("n"))
	if err != nil {
		return err
	}
	// The validation report (v.Problems) is for the department, on the
	// admin pages; citizens see the counts (rows, refused) only.
	c.JSON(http.StatusOK, gin.H{"version": v,
		"original_url": s.apiURL(d.Slug) + "/versions/" + strconv.Itoa(v.Number) + "/original"})
	return nil
}

// publicVersion loads version n of a published dataset if it was ever
// published: a draft answers 404 like a version that does not exist.
func (s *Server) publicVersion(c *gin.Context, d *catalog.Dataset, n string) (*catalog.Version, error) {
	num, err := strconv.Atoi(n)
	if err != nil {
		return nil, catalog.Errorf(catalog.NotFound, "no version %q", n)
	}
	v, err := s.store.Version(c.Request.Context(), d.ID, num)
	if err != nil {
		return nil, err
	}
	if v.Published == nil {
		return nil, catalog.Errorf(catalog.NotFound, "no version %d", num)
	}
	return v, nil
}

// distributions lists the downloads of a dataset's published version with
// their sizes and checksums where they are known.
func (s *Server) distributions(ctx context.Context, d *catalog.Dataset, v *catalog.Version) ([]distribution, error) {
	known, err := s.store.Distributions(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	return s.distributionsOf(d, v, known), nil
}

// distributionsOf lists the downloads of version v given what is known of
// its generated ones (sizes, checksums) by format.
func (s *Server) distributionsOf(d *catalog.Dataset, v *catalog.Version, known map[string]catalog.DistributionInfo) []distribution {
	var out []distribution
	for _, f := range datasets.Exports {
		if f.NeedsGeometry && !v.HasGeometry {
			continue
		}
		info := known[f.Name]
		out = append(out, distribution{Title: d.TitleJA + " (" + f.Format + ")", Description: exportNotes[f.Format], Format: f.Format, MediaType: f.MediaType,
			ByteSize: info.Size, SHA256: info.SHA256, DownloadURL: s.apiURL(d.Slug) + "/" + f.Name})
	}
	for _, vf := range v.Files {
		if vf.Role == "data" || vf.Role == "metadata" {
			out = append(out, distribution{Title: vf.Name + "（原本 / original）", Description: originalNote, Format: formatOfMedia(vf.MediaType),
				MediaType: vf.MediaType, ByteSize: vf.Size, SHA256: vf.SHA256,
				DownloadURL: s.apiURL(d.Slug) + "/versions/" + strconv.Itoa(v.Number) + "/original?file=" + vf.SHA256})
		}
	}
	return out
}

// exportNotes say what each generated download is; DCAT, CKAN and the API
// show them.
var exportNotes = map[string]string{
	"CSV":     "全レコード（UTF-8 の CSV、1 行目は見出し）。Excel 向けの BOM 付きは ?bom=1、Shift_JIS は ?encoding=shift_jis",
	"JSON":    "全レコード（JSON の配列）",
	"GeoJSON": "全レコード（GeoJSON の FeatureCollection、WGS 84 経緯度）",
}

// originalNote says what an original file is.
const originalNote = "担当課がアップロードしたままのファイル（原本）"

// currentDistributions loads a published dataset's current version and
// its downloads.
func (s *Server) currentDistributions(ctx context.Context, d *catalog.Dataset) (*catalog.Version, []distribution, error) {
	v, err := s.store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		return nil, nil, err
	}
	dists, err := s.distributions(ctx, d, v)
	if err != nil {
		return nil, nil, err
	}
	return v, dists, nil
}

func formatOfMedia(mt string) string {
	switch {
	case strings.Contains(mt, "csv"):
		return "CSV"
	case strings.Contains(mt, "geo+json"):
		return "GeoJSON"
	case strings.Contains(mt, "json"):
		return "JSON"
	case strings.Contains(mt, "zip"):
		return "ZIP"
	case strings.Contains(mt, "jpeg"):
		return "JPEG"
	}
	return mt
}

func (s *Server) apiURL(slug string) string { return s.cfg.BaseURL + "/api/v1/datasets/" + slug }

// reservedRecordParams are the query parameters of the records endpoint
// that are not column filters.
var reservedRecordParams = map[string]bool{"limit": true, "offset": true, "q": true, "bbox": true, "sort": true, "lang": true}

func (s *Server) listRecords(c *gin.Context) error {
	_, v, err := s.published(c)
	if err != nil {
		return err
	}
	f := datasets.RecordFilter{Q: c.Query("q"), Sort: c.Query("sort"), Equals: map[string]string{}}
	if f.Limit, err = intParam(c, "limit", 100, 1, 1000); err != nil {
		return err
	}
	if f.Offset, err = intParam(c, "offset", 0, 0, 1<<40); err != nil {
		return err
	}
	if b := c.Query("bbox"); b != "" {
		if f.BBox, err = parseBBox(b); err != nil {
			return err
		}
	}
	for k, vals := range c.Request.URL.Query() {
		if !reservedRecordParams[k] {
			f.Equals[k] = vals[0]
		}
	}
	recs, total, err := s.records.Find(c.Request.Context(), v, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "limit": f.Limit, "offset": f.Offset, "columns": v.Columns, "records": recs})
	return nil
}

func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, catalog.Errorf(catalog.Invalid, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat.
func parseBBox(s string) (*catalog.BBox, error) {
	parts := strings.Split(s, ",")
	bad := catalog.Errorf(catalog.Invalid, "bbox must be minLon,minLat,maxLon,maxLat in degrees")
	if len(parts) != 4 {
		return nil, bad
	}
	var b catalog.BBox
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad
		}
		b[i] = f
	}
	if b[0] > b[2] || b[1] > b[3] || b[1] < -90 || b[3] > 90 || b[0] < -180 || b[2] > 180 {
		return nil, bad
	}
	return &b, nil
}
