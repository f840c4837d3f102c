package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// The features of a collection: /ogc/collections/{id}/items, paged with
// limit and offset and linked page to page by next links (GDAL's driver
// reads nothing but them), and one feature at /items/{fid}.

// Paging of items. The standard's own example allows 10,000 features a
// page; a larger limit is clamped to it, not refused. An HTML page is
// rendered in memory before it is sent, so it holds fewer.
const (
	ogcDefaultLimit = 10
	ogcMaxLimit     = 10_000
	ogcMaxHTMLLimit = 500
	ogcMaxOffset    = 1 << 40
)

// ogcItemParams are the parameters of items that are not properties, each
// one of ogc_openapi.json's components.parameters. A property of the same
// name cannot be filtered on (the parameter wins).
var ogcItemParams = []string{"limit", "offset", "bbox", "datetime", "q", "f", "lang"}

// japan is the time zone of the data's dates and of every date the portal
// shows: a date-time in a datetime parameter is compared with them as the
// day it falls on in Japan, and a dataset registered at 08:00 in Japan was
// registered that day, not the day before (UTC). Japan has no daylight
// saving time, so a fixed zone is exact.
var japan = time.FixedZone("JST", 9*60*60)

// featureQueryOf reads the items request: Invalid for a malformed value
// or a parameter that is neither a known one nor a property of the
// collection. An HTML page holds fewer features.
func featureQueryOf(c *gin.Context, info collectionInfo, html bool) (*featureQuery, error) {
	q := &featureQuery{Equals: map[string][]string{}}
	props := map[string]bool{}
	for _, p := range info.Properties {
		props[p.Name] = true
	}
	for k, vals := range c.Request.URL.Query() {
		switch {
		case slices.Contains(ogcItemParams, k):
		case props[k]:
			q.Equals[k] = vals
		default:
			return nil, catalog.Errorf(catalog.Invalid, "unknown parameter %q: items takes %s, and the properties of the collection (see its queryables)",
				k, strings.Join(ogcItemParams, ", "))
		}
	}
	maxLimit := ogcMaxLimit
	if html {
		maxLimit = ogcMaxHTMLLimit
	}
	var err error
	if q.Limit, err = intParam(c, "limit", ogcDefaultLimit, 1, 1<<62); err != nil {
		return nil, catalog.Errorf(catalog.Invalid, "limit must be a whole number from 1 (at most %d are returned)", maxLimit)
	}
	q.Limit = min(q.Limit, maxLimit)
	if q.Offset, err = intParam(c, "offset", 0, 0, ogcMaxOffset); err != nil {
		return nil, err
	}
	if b := c.Query("bbox"); b != "" {
		if q.BBox, err = ogcBBox(b); err != nil {
			return nil, err
		}
	}
	if dt, ok := c.GetQuery("datetime"); ok {
		q.Time = true
		if q.From, q.To, err = ogcDatetime(dt); err != nil {
			return nil, err
		}
	}
	q.Q = strings.TrimSpace(c.Query("q"))
	return q, nil
}

// ogcBBox reads bbox: minLon,minLat,maxLon,maxLat, or the six numbers of a
// box with heights (which are ignored: the features are flat).
func ogcBBox(s string) (*catalog.BBox, error) {
	if parts := strings.Split(s, ","); len(parts) == 6 {
		s = strings.Join([]string{parts[0], parts[1], parts[3], parts[4]}, ",")
	}
	b, err := parseBBox(s)
	if err != nil {
		return nil, catalog.Errorf(catalog.Invalid, "bbox must be minLon,minLat,maxLon,maxLat in degrees (WGS 84), west before east: a box across the antimeridian is not supported")
	}
	return b, nil
}

// ogcDatetime reads datetime: an RFC 3339 date or date-time, or an interval
// of two, either end open (".." or empty). It returns the period as dates
// in Japan, "" for an open end.
func ogcDatetime(s string) (from, to string, err error) {
	// A "+" of an unencoded offset (+09:00) arrives as a space.
	s = strings.ReplaceAll(s, " ", "+")
	bad := catalog.Errorf(catalog.Invalid, "datetime must be a date or date-time (RFC 3339, e.g. 2026-05-01 or 2026-05-01T10:00:00+09:00) or an interval of two, start/end, either end open (..)")
	start, end, interval := strings.Cut(s, "/")
	from, since, err := ogcDate(start, interval, false)
	if err != nil {
		return "", "", bad
	}
	if !interval {
		return from, from, nil
	}
	to, until, err := ogcDate(end, true, true)
	if err != nil {
		return "", "", bad
	}
	if from != "" && to != "" && until.Before(since) {
		return "", "", catalog.Errorf(catalog.Invalid, "datetime: the interval ends before it starts")
	}
	return from, to, nil
}

// ogcDate reads one end of a datetime: the day it falls on in Japan, and
// the instant it stands for (a date as an interval's end: the day's end);
// "" for an open end, which only an interval may have.
func ogcDate(s string, open, end bool) (string, time.Time, error) {
	if open && (s == "" || s == "..") {
		return "", time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, japan); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return s, t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return "", t, err
	}
	return t.In(japan).Format(time.DateOnly), t, nil
}

func (s *Server) ogcItems(c *gin.Context) error {
	html, err := ogcWantsHTML(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	fc, err := s.ogcCollection(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	info := fc.describe()
	q, err := featureQueryOf(c, info, html)
	if err != nil {
		return err
	}
	matched, err := fc.count(ctx, q)
	if err != nil {
		return err
	}
	returned := min(q.Limit, max(0, matched-q.Offset))
	path := "/collections/" + info.ID + "/items"
	links, prev, next := s.itemsLinks(c, path, q, returned, matched, html)
	if html {
		return s.itemsPage(c, fc, q, links, prev, next, matched, returned)
	}
	c.Header("Content-Type", mtGeoJSON+"; charset=utf-8")
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.WriteString(`{"type":"FeatureCollection","numberMatched":` + strconv.Itoa(matched) +
		`,"numberReturned":` + strconv.Itoa(returned) +
		`,"timeStamp":"` + s.now().UTC().Format(time.RFC3339) + `","links":`)
	writeJSON(w, links)
	w.WriteString(`,"features":[`)
	n := 0
	err = fc.each(ctx, q, func(id int, geometry, props []byte) error {
		if n > 0 {
			w.WriteByte(',')
		}
		n++
		return writeFeature(w, id, geometry, props, nil)
	})
	if err != nil {
		return err
	}
	w.WriteString("]}\n")
	return w.Flush()
}

// featureWriter is where features are written: a buffered response, or a
// buffer.
type featureWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// writeFeature writes a GeoJSON Feature, with links when there are any.
func writeFeature(w featureWriter, id int, geometry, props []byte, links []ogcLink) error {
	w.WriteString(`{"type":"Feature","id":`)
	w.WriteString(strconv.Itoa(id))
	w.WriteString(`,"geometry":`)
	if len(geometry) == 0 {
		w.WriteString("null")
	} else {
		w.Write(geometry)
	}
	w.WriteString(`,"properties":`)
	w.Write(props)
	if links != nil {
		w.WriteString(`,"links":`)
		if err := writeJSON(w, links); err != nil {
			return err
		}
	}
	return w.WriteByte('}')
}

// itemsLinks are the links of a page of items: self and alternate (the
// request's own parameters with f), the next and previous pages (limit
// and offset changed), and the collection. It returns the HTML next and
// previous pages' URLs too, empty when there is none.
func (s *Server) itemsLinks(c *gin.Context, path string, q *featureQuery, returned, matched int, html bool) (links []ogcLink, prev, next string) {
	params := c.Request.URL.Query()
	params.Del("f")
	at := func(offset int, f string) string {
		p := url.Values{}
		for k, v := range params {
			p[k] = v
		}
		if offset >= 0 {
			p.Set("limit", strconv.Itoa(q.Limit))
			if offset > 0 {
				p.Set("offset", strconv.Itoa(offset))
			} else {
				p.Del("offset")
			}
		}
		p.Set("f", f)
		return s.ogcURL(path + "?" + p.Encode())
	}
	self, alt := ogcLink{Href: at(-1, "json"), Rel: "self", Type: mtGeoJSON, Title: "GeoJSON"},
		ogcLink{Href: at(-1, "html"), Rel: "alternate", Type: mtHTML, Title: "HTML"}
	if html {
		self.Rel, alt.Rel = "alternate", "self"
		links = []ogcLink{alt, self}
	} else {
		links = []ogcLink{self, alt}
	}
	pageType, pageFormat := mtGeoJSON, "json"
	if html {
		pageType, pageFormat = mtHTML, "html"
	}
	if q.Offset+returned < matched {
		links = append(links, ogcLink{Href: at(q.Offset+q.Limit, pageFormat), Rel: "next", Type: pageType, Title: "次のページ"})
		next = at(q.Offset+q.Limit, "html")
	}
	if q.Offset > 0 {
		p := max(0, q.Offset-q.Limit)
		links = append(links, ogcLink{Href: at(p, pageFormat), Rel: "prev", Type: pageType, Title: "前のページ"})
		prev = at(p, "html")
	}
	links = append(links, ogcLink{Href: s.ogcURL(strings.TrimSuffix(path, "/items")), Rel: "collection", Type: mtJSON, Title: "コレクション"})
	return links, prev, next
}

// itemsPage renders a page of items as a table, one row a feature.
func (s *Server) itemsPage(c *gin.Context, fc featureCollection, q *featureQuery, links []ogcLink, prev, next string, matched, returned int) error {
	info := fc.describe()
	view := &ogcPageView{Title: info.Title, Description: info.Description, Links: links, Properties: info.Properties,
		Crumbs: s.ogcCrumbs(ogcLink{Href: "/ogc/collections/" + info.ID + "?f=html", Title: info.Title}),
		Items:  true, Matched: matched, From: q.Offset + 1, To: q.Offset + returned, Prev: prev, Next: next}
	err := fc.each(c.Request.Context(), q, func(id int, geometry, props []byte) error {
		row, err := s.featureRow(info, id, geometry, props)
		if err != nil {
			return err
		}
		view.Features = append(view.Features, row)
		return nil
	})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "ogc.html", view)
}

// featureRow is a feature as a row of a page's table.
func (s *Server) featureRow(info collectionInfo, id int, geometry, props []byte) (ogcFeatureRow, error) {
	var g map[string]any
	var p map[string]any
	if len(geometry) > 0 {
		if err := json.Unmarshal(geometry, &g); err != nil {
			return ogcFeatureRow{}, err
		}
	}
	if err := json.Unmarshal(props, &p); err != nil {
		return ogcFeatureRow{}, err
	}
	row := ogcFeatureRow{ID: id, URL: s.featureURL(info.ID, id) + "?f=html", Geometry: geometrySummary(g)}
	for _, prop := range info.Properties {
		row.Values = append(row.Values, cellText(p[prop.Name]))
	}
	return row, nil
}

func (s *Server) ogcFeature(c *gin.Context) error {
	html, fc, info, err := s.routeCollection(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	fid := c.Param("fid")
	id, err := strconv.Atoi(fid)
	if err != nil || id < 1 || strconv.Itoa(id) != fid {
		return catalog.Errorf(catalog.NotFound, "no feature %q in %s", fid, info.ID)
	}
	geometry, props, err := fc.feature(ctx, id)
	if err != nil {
		return err
	}
	path := "/collections/" + info.ID + "/items/" + fid
	links := append(s.selfLinks(path, mtGeoJSON, html),
		ogcLink{Href: s.ogcURL("/collections/" + info.ID), Rel: "collection", Type: mtJSON, Title: info.Title})
	if html {
		row, err := s.featureRow(info, id, geometry, props)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "ogc.html", &ogcPageView{Title: info.Title + " #" + fid, Links: links,
			Crumbs:     s.ogcCrumbs(ogcLink{Href: "/ogc/collections/" + info.ID + "/items?f=html", Title: info.Title}),
			Properties: info.Properties, Features: []ogcFeatureRow{row}})
	}
	var buf bytes.Buffer
	if err := writeFeature(&buf, id, geometry, props, links); err != nil {
		return err
	}
	buf.WriteByte('\n')
	c.Data(http.StatusOK, mtGeoJSON+"; charset=utf-8", buf.Bytes())
	return nil
}
