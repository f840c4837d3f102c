package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/elnormous/contenttype"
	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/geo"
	"github.com/paulmach/orb"
)

// OGC API - Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) under /ogc,
// with Part 3's queryables: every published dataset with geometry is a
// feature collection. Each resource answers JSON, or HTML for a browser
// (f=html, or an Accept header that prefers text/html), with self and
// alternate links between the two, as pg_featureserv does.
//
// The handlers see collections only through featureCollection, so that the
// unified GIS layers can join as collections of their own.

// Media types of the OGC API's links and answers.
const (
	mtJSON    = "application/json"
	mtGeoJSON = "application/geo+json"
	mtHTML    = "text/html"
	mtOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mtSchema  = "application/schema+json"
)

// The coordinate and temporal reference systems of every collection:
// WGS 84 longitude/latitude (GeoJSON's), and the Gregorian calendar.
const (
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	trsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

// ogcConformance lists the conformance classes the API implements.
var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
}

// featureCollection is one collection of /ogc.
type featureCollection interface {
	// describe is what the collection's metadata shows.
	describe() collectionInfo
	// count tells how many features match q (its Limit and Offset aside).
	count(ctx context.Context, q *featureQuery) (int, error)
	// each calls fn with the features that match q, in a stable order,
	// from q.Offset and at most q.Limit of them: id is the feature's id,
	// geometry its GeoJSON geometry (nil: none), props its properties as a
	// JSON object; the slices are valid only during the call.
	each(ctx context.Context, q *featureQuery, fn func(id int, geometry, props []byte) error) error
	// feature loads one feature; NotFound when there is no such id.
	feature(ctx context.Context, id int) (geometry, props []byte, err error)
}

// collectionInfo describes a collection. The feature ids of a collection
// are positive whole numbers: GDAL takes integer ids as its feature ids.
type collectionInfo struct {
	ID, Title, Description string
	Keywords               []string
	BBox                   *catalog.BBox // nil: unknown
	// First and Last are the dates of the features' time, empty when the
	// features have none (then datetime matches none of them).
	First, Last string
	HasTime     bool
	Properties  []ogcProperty // in the order of the features' properties
	License     catalog.License
	PageURL     string // the collection's page for people, if any
	DownloadURL string // the whole collection as one GeoJSON file, if any
}

// ogcProperty is one property of a collection's features, typed as JSON
// Schema types them. Each is queryable: name=value keeps the features
// whose property equals value.
type ogcProperty struct {
	Name   string
	Type   string // string, number, integer, boolean
	Format string // date, or empty
}

// featureQuery is what the items request asks for.
type featureQuery struct {
	Limit, Offset int
	BBox          *catalog.BBox
	// Time: keep the features whose time meets From..To (dates,
	// inclusive, "" for an open end).
	Time     bool
	From, To string
	Equals   map[string][]string // property -> values, any of which matches
	Q        string              // text anywhere in the properties
}

// ogcState keeps what the OGC API computes once per published version: a
// version never changes, so neither does the span of its dates.
type ogcState struct {
	mu    sync.Mutex
	dates map[int64][2]string // version id -> first, last date
	// recent keeps each dataset collection found for a second: looking it
	// up (dataset, version, files: three queries) was a third of an items
	// request's time. A publish shows within a second, as the dataset JSON
	// does (responseCache).
	recent map[string]recentCollection
}

type recentCollection struct {
	dc *datasetCollection
	at time.Time
}

// recentCollectionTTL is how long a looked-up collection is reused.
const recentCollectionTTL = time.Second

// ogcCollections lists the collections: every published dataset with
// geometry, by title.
func (s *Server) ogcCollections(ctx context.Context) ([]featureCollection, error) {
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Format: "GeoJSON", Sort: "title"})
	if err != nil {
		return nil, err
	}
	versions, _, err := s.store.CurrentVersions(ctx, ds)
	if err != nil {
		return nil, err
	}
	var out []featureCollection
	for _, d := range ds {
		v := versions[d.ID]
		if v == nil || !v.HasGeometry {
			continue // withdrawn since it was listed, or no geometry
		}
		dc, err := s.datasetCollection(ctx, d, v)
		if err != nil {
			return nil, err
		}
		out = append(out, dc)
	}
	// The unified layers follow the datasets.
	us, err := s.unifiedCollections(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, us...), nil
}

// ogcCollection finds the collection id; NotFound when there is none.
func (s *Server) ogcCollection(ctx context.Context, id string) (featureCollection, error) {
	now := time.Now()
	s.ogc.mu.Lock()
	r, ok := s.ogc.recent[id]
	s.ogc.mu.Unlock()
	if ok && now.Sub(r.at) < recentCollectionTTL {
		return r.dc, nil
	}
	fc, err := s.findCollection(ctx, id)
	if dc, ok := fc.(*datasetCollection); ok && err == nil {
		s.ogc.mu.Lock()
		if s.ogc.recent == nil || len(s.ogc.recent) > 1000 {
			s.ogc.recent = map[string]recentCollection{}
		}
		s.ogc.recent[id] = recentCollection{dc: dc, at: now}
		s.ogc.mu.Unlock()
	}
	return fc, err
}

// findCollection looks the collection id up: a published dataset with
// geometry, or a unified layer.
func (s *Server) findCollection(ctx context.Context, id string) (featureCollection, error) {
	d, v, err := s.publishedBySlug(ctx, id)
	if catalog.KindOf(err) == catalog.NotFound || err == nil && !v.HasGeometry {
		b, uerr := s.unifiedLayer(ctx, id)
		if uerr == nil {
			return b.collection(), nil
		}
		if catalog.KindOf(uerr) != catalog.NotFound {
			return nil, uerr
		}
		return nil, catalog.Errorf(catalog.NotFound, "no collection %q", id)
	}
	if err != nil {
		return nil, err
	}
	return s.datasetCollection(ctx, d, v)
}

// datasetCollection is a published dataset with geometry as a collection:
// its records are the features, their row numbers the ids.
type datasetCollection struct {
	info    collectionInfo
	v       *catalog.Version
	records *datasets.Records
	// index is the version's spatial index (the one tiles and nearest
	// use), built on the first bbox query of a version.
	index func(ctx context.Context) (*geo.Index, error)
	// start and end are the columns of the features' time (see
	// timeColumns).
	start, end string
}

func (s *Server) datasetCollection(ctx context.Context, d *catalog.Dataset, v *catalog.Version) (*datasetCollection, error) {
	lic, _ := catalog.LicenseByID(d.License)
	dc := &datasetCollection{v: v, records: s.records, index: func(ctx context.Context) (*geo.Index, error) {
		l, err := s.layerIndex(ctx, d, v)
		if err != nil {
			return nil, err
		}
		return l.ix, nil
	}, info: collectionInfo{
		ID: d.Slug, Title: d.TitleJA, Description: d.DescriptionJA, Keywords: d.Keywords,
		BBox: v.BBox, License: lic, PageURL: s.cfg.BaseURL + "/datasets/" + d.Slug,
		DownloadURL: s.apiURL(d.Slug) + "/data.geojson",
	}}
	if dc.info.BBox == nil {
		dc.info.BBox = d.Spatial
	}
	for _, c := range v.Columns {
		p := ogcProperty{Name: c.Name, Type: "string"}
		switch c.Type {
		case catalog.TypeInteger:
			p.Type = "integer"
		case catalog.TypeNumber:
			p.Type = "number"
		case catalog.TypeBoolean:
			p.Type = "boolean"
		case catalog.TypeDate:
			p.Format = "date"
		}
		dc.info.Properties = append(dc.info.Properties, p)
	}
	dc.start, dc.end = timeColumns(v.Columns)
	if dc.start == "" {
		return dc, nil
	}
	dc.info.HasTime = true
	span, err := s.versionDates(ctx, v, dc.start, dc.end)
	if err != nil {
		return nil, err
	}
	dc.info.First, dc.info.Last = span[0], span[1]
	return dc, nil
}

// versionDates is the span of a version's dates, computed once.
func (s *Server) versionDates(ctx context.Context, v *catalog.Version, start, end string) ([2]string, error) {
	st := &s.ogc
	st.mu.Lock()
	span, ok := st.dates[v.ID]
	st.mu.Unlock()
	if ok {
		return span, nil
	}
	first, last, err := s.records.DateRange(ctx, v, start, end)
	if err != nil {
		return span, err
	}
	span = [2]string{first, last}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dates == nil || len(st.dates) > maxCached {
		st.dates = map[int64][2]string{}
	}
	st.dates[v.ID] = span
	return span, nil
}

// timeColumns picks the columns that hold the features' time: a start and
// an end date column of the same stem (開始日 and 終了日, the events'
// standard columns, or 開催開始日 and 開催終了日), else the first date
// column alone; none when the version has no date column.
func timeColumns(cols []catalog.Column) (start, end string) {
	dates := map[string]bool{}
	for _, c := range cols {
		if c.Type == catalog.TypeDate {
			dates[c.Name] = true
		}
	}
	for _, c := range cols {
		if stem, ok := strings.CutSuffix(c.Name, "開始日"); ok && dates[c.Name] && dates[stem+"終了日"] {
			return c.Name, stem + "終了日"
		}
	}
	for _, c := range cols {
		if dates[c.Name] {
			return c.Name, ""
		}
	}
	return "", ""
}

func (dc *datasetCollection) describe() collectionInfo { return dc.info }

// filter is q as a filter over the dataset's records; none when no record
// can match (a period, and the records have no dates).
func (dc *datasetCollection) filter(q *featureQuery) (f datasets.RecordFilter, none bool) {
	f = datasets.RecordFilter{Q: q.Q, BBox: q.BBox, Limit: q.Limit, Offset: q.Offset,
		Equals: map[string]string{}, OneOf: map[string][]string{}}
	for name, vals := range q.Equals {
		if len(vals) == 1 {
			f.Equals[name] = vals[0]
		} else {
			f.OneOf[name] = vals
		}
	}
	if q.Time {
		if dc.start == "" {
			return f, true
		}
		f.Dates = &datasets.DateFilter{Start: dc.start, End: dc.end, From: q.From, To: q.To}
	}
	return f, false
}

// count is numberMatched. Counting rows in SQLite reads the whole
// version's records (props and geometry live in the table's key), about
// 100 ms a million rows on every request; so without a filter it is the
// version's row count, fixed at import, and a bbox alone is answered by
// the spatial index. Text, property and time filters still count in SQL.
func (dc *datasetCollection) count(ctx context.Context, q *featureQuery) (int, error) {
	f, none := dc.filter(q)
	switch {
	case none:
		return 0, nil
	case unfiltered(q):
		return dc.v.Rows, nil
	case q.BBox != nil && bboxOnly(q):
		rows, err := dc.bboxRows(ctx, q)
		return len(rows), err
	}
	return dc.records.Count(ctx, dc.v, f)
}

func (dc *datasetCollection) each(ctx context.Context, q *featureQuery, fn func(id int, geometry, props []byte) error) error {
	f, none := dc.filter(q)
	if none {
		return nil
	}
	if q.BBox != nil && bboxOnly(q) {
		// The page of the index's matches, in file order, read by row.
		rows, err := dc.bboxRows(ctx, q)
		if err != nil {
			return err
		}
		start := min(q.Offset, len(rows))
		end := min(start+q.Limit, len(rows))
		f = datasets.RecordFilter{Rows: rows[start:end], Limit: end - start}
	}
	return dc.records.Features(ctx, dc.v, f, fn)
}

// unfiltered tells whether q selects every feature.
func unfiltered(q *featureQuery) bool { return q.BBox == nil && bboxOnly(q) }

// bboxOnly tells whether q has no filter but (maybe) a bbox.
func bboxOnly(q *featureQuery) bool {
	return !q.Time && strings.TrimSpace(q.Q) == "" && len(q.Equals) == 0
}

// bboxRows are the row numbers of the features in q's bbox, ascending.
func (dc *datasetCollection) bboxRows(ctx context.Context, q *featureQuery) ([]int, error) {
	ix, err := dc.index(ctx)
	if err != nil {
		return nil, err
	}
	b := q.BBox
	pos := ix.InBound(orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}})
	rows := make([]int, len(pos))
	for i, p := range pos {
		rows[i] = int(ix.ID(p))
	}
	slices.Sort(rows)
	return rows, nil
}

func (dc *datasetCollection) feature(ctx context.Context, id int) ([]byte, []byte, error) {
	return dc.records.Feature(ctx, dc.v, id)
}

// ogcWantsHTML tells whether an /ogc request asks for HTML: f=html, or
// without f an Accept header that prefers text/html over JSON (a
// browser's). Clients that send no Accept, */*, or a JSON type get JSON.
// Invalid for an f other than json or html.
func ogcWantsHTML(c *gin.Context) (bool, error) {
	switch c.Query("f") {
	case "html":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, catalog.Errorf(catalog.Invalid, "f must be json or html")
	}
	c.Header("Vary", "Accept")
	avail := []contenttype.MediaType{contenttype.NewMediaType(mtJSON), contenttype.NewMediaType(mtHTML)}
	mt, _, err := contenttype.GetAcceptableMediaType(c.Request, avail)
	return err == nil && mt.MIME() == mtHTML, nil
}

// isOGC tells whether path is under /ogc.
func isOGC(path string) bool { return path == "/ogc" || strings.HasPrefix(path, "/ogc/") }

// ogcLink is a link of an OGC API answer; type is always given, as the
// standard recommends and clients (GDAL) use to pick among links.
type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
}

// ogcURL is the absolute URL of an /ogc path.
func (s *Server) ogcURL(path string) string { return s.cfg.BaseURL + "/ogc" + path }

// selfLinks are the self and alternate links of a resource at path: JSON
// (of media type jsonType) and HTML, self being the one answered.
func (s *Server) selfLinks(path, jsonType string, html bool) []ogcLink {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	j := ogcLink{Href: s.ogcURL(path + sep + "f=json"), Rel: "alternate", Type: jsonType, Title: "JSON"}
	h := ogcLink{Href: s.ogcURL(path + sep + "f=html"), Rel: "alternate", Type: mtHTML, Title: "HTML"}
	if html {
		h.Rel = "self"
		return []ogcLink{h, j}
	}
	j.Rel = "self"
	return []ogcLink{j, h}
}

// ogcAnswer writes a JSON document of media type mt, or the HTML page of
// view.
func (s *Server) ogcAnswer(c *gin.Context, html bool, mt string, doc any, view *ogcPageView) error {
	if html {
		return s.render(c, http.StatusOK, "ogc.html", view)
	}
	b, err := marshalJSON(doc)
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, mt+"; charset=utf-8", b)
	return nil
}
