package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/datasets/demo"
)

// ogcServer serves the demo catalog and さいたま市's AED list (392 points:
// 40 pages of GDAL's 10) with its base URL its own address, so that the
// absolute links of the OGC API lead back to it, as real clients follow
// them.
type ogcServer struct {
	*testServer
	base string // http://127.0.0.1:port
}

func newOGCServer(t *testing.T) *ogcServer {
	t.Helper()
	ts := startTestServer(t, func(ts *testServer) {
		if err := demo.Load(context.Background(), ts.im, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		aed, err := os.ReadFile("../../shared/data/real-csv/saitama_aed.csv")
		if err != nil {
			t.Fatal(err)
		}
		ts.importCSV(t, "saitama-aed", "AED設置場所", "saitama_aed.csv", string(aed))
		ts.importCSV(t, "no-geometry", "位置のない表", "t.csv", "名前,数\nあ,1\nい,2\n")
	})
	return &ogcServer{testServer: ts, base: serveAtOwnURL(t, ts)}
}

// ogcCollectionIDs are the collections of newOGCServer: every published
// dataset with geometry.
var ogcCollectionIDs = []string{"aed", "evacuation-spaces", "events", "photo-archive", "public-facilities", "saitama-aed"}

// fetch gets an absolute URL (or a path of the server) with header (name,
// value, ...) and decodes the JSON answer into into, if not nil.
func (ts *ogcServer) fetch(t *testing.T, u string, into any, header ...string) *http.Response {
	t.Helper()
	if strings.HasPrefix(u, "/") {
		u = ts.base + u
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(strings.NewReader(string(body)))
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("%s: %d, not JSON: %v\n%.300s", u, res.StatusCode, err, body)
		}
	}
	return res
}

type ogcTestLink struct{ Href, Rel, Type string }

type ogcTestFeature struct {
	Type     string `json:"type"`
	ID       int    `json:"id"`
	Geometry struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
	Links      []ogcTestLink  `json:"links"`
}

type ogcTestPage struct {
	Type           string           `json:"type"`
	NumberMatched  int              `json:"numberMatched"`
	NumberReturned int              `json:"numberReturned"`
	TimeStamp      string           `json:"timeStamp"`
	Links          []ogcTestLink    `json:"links"`
	Features       []ogcTestFeature `json:"features"`
}

func linkOf(links []ogcTestLink, rel, typ string) (ogcTestLink, bool) {
	for _, l := range links {
		if l.Rel == rel && (typ == "" || l.Type == typ) {
			return l, true
		}
	}
	return ogcTestLink{}, false
}

// source reads a dataset's features as its GeoJSON download has them.
func (ts *ogcServer) source(t *testing.T, id string) []ogcTestFeature {
	t.Helper()
	var fc struct{ Features []ogcTestFeature }
	decode(t, ts.get(t, "/api/v1/datasets/"+id+"/data.geojson"), &fc)
	return fc.Features
}

func TestOGCLandingAndConformance(t *testing.T) {
	ts := newOGCServer(t)
	var landing struct {
		Title string
		Links []ogcTestLink
	}
	res := ts.fetch(t, "/ogc", &landing)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || landing.Title == "" {
		t.Fatalf("/ogc: %d %s %+v", res.StatusCode, res.Header.Get("Content-Type"), landing)
	}
	// Every link has a type, and what it leads to is of that type.
	for _, want := range []struct{ rel, typ string }{
		{"self", mtJSON}, {"alternate", mtHTML}, {"service-desc", mtOpenAPI}, {"service-doc", mtHTML},
		{"conformance", mtJSON}, {"data", mtJSON},
	} {
		l, ok := linkOf(landing.Links, want.rel, want.typ)
		if !ok {
			t.Errorf("no %s link of type %s: %+v", want.rel, want.typ, landing.Links)
			continue
		}
		res := ts.fetch(t, l.Href, nil)
		if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, want.typ) {
			t.Errorf("%s %s: %d %s", want.rel, l.Href, res.StatusCode, ct)
		}
	}
	for _, l := range landing.Links {
		if l.Type == "" || !strings.HasPrefix(l.Href, ts.base+"/ogc") {
			t.Errorf("link %+v: no type, or not absolute", l)
		}
	}
	var conf struct{ ConformsTo []string }
	ts.fetch(t, "/ogc/conformance", &conf)
	for _, c := range []string{"core", "geojson", "html", "oas30"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
			t.Errorf("conformance lacks %s: %v", c, conf.ConformsTo)
		}
	}
	// OWSLib asks for the landing page with a slash.
	if res := ts.fetch(t, "/ogc/", nil); res.StatusCode != 200 {
		t.Errorf("/ogc/: %d", res.StatusCode)
	}
}

func TestOGCCollections(t *testing.T) {
	ts := newOGCServer(t)
	type collection struct {
		ID, Title, ItemType string
		CRS                 []string
		Links               []ogcTestLink
		Extent              struct {
			Spatial struct {
				BBox [][]float64
				CRS  string
			}
			Temporal *struct {
				Interval [][]*string
				TRS      string
			}
		}
	}
	var list struct {
		Links       []ogcTestLink
		Collections []collection
	}
	ts.fetch(t, "/ogc/collections", &list)
	var ids []string
	for _, c := range list.Collections {
		ids = append(ids, c.ID)
		var d struct {
			Spatial []float64 `json:"spatial"`
		}
		decode(t, ts.get(t, "/api/v1/datasets/"+c.ID), &d)
		if c.ItemType != "feature" || !slices.Equal(c.CRS, []string{crs84}) || c.Extent.Spatial.CRS != crs84 ||
			len(c.Extent.Spatial.BBox) != 1 || !slices.Equal(c.Extent.Spatial.BBox[0], d.Spatial) {
			t.Errorf("%s: %+v (dataset's extent %v)", c.ID, c, d.Spatial)
		}
		for _, want := range []struct{ rel, typ string }{{"self", mtJSON}, {"items", mtGeoJSON}, {"items", mtHTML},
			{"http://www.opengis.net/def/rel/ogc/1.0/queryables", mtSchema}, {"license", mtHTML}} {
			if _, ok := linkOf(c.Links, want.rel, want.typ); !ok {
				t.Errorf("%s: no %s link of type %s", c.ID, want.rel, want.typ)
			}
		}
		// The collection's own document says the same.
		var one collection
		ts.fetch(t, "/ogc/collections/"+c.ID, &one)
		if diff := cmp.Diff(c.Extent, one.Extent); diff != "" || one.Title != c.Title {
			t.Errorf("%s alone differs:\n%s", c.ID, diff)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, ogcCollectionIDs) {
		t.Errorf("collections %v, want %v", ids, ogcCollectionIDs)
	}
	// Events have dates: the temporal extent spans them, as days in Japan.
	first, last := "9999", ""
	for _, f := range ts.source(t, "events") {
		first, last = min(first, f.Properties["開始日"].(string)), max(last, f.Properties["終了日"].(string))
	}
	for _, c := range list.Collections {
		switch tm := c.Extent.Temporal; {
		case c.ID == "events":
			if tm == nil || *tm.Interval[0][0] != first+"T00:00:00+09:00" || *tm.Interval[0][1] != last+"T23:59:59+09:00" || tm.TRS == "" {
				t.Errorf("events' temporal extent %+v, want %s to %s", tm, first, last)
			}
		case c.ID == "public-facilities" && tm != nil:
			t.Errorf("public facilities have no dates, yet a temporal extent %+v", tm)
		}
	}
	for _, path := range []string{"/ogc/collections/no-geometry", "/ogc/collections/nope", "/ogc/collections/no-geometry/items"} {
		var e struct{ Error struct{ Code string } }
		if res := ts.fetch(t, path, &e); res.StatusCode != 404 || e.Error.Code != "not_found" {
			t.Errorf("%s: %d %+v", path, res.StatusCode, e)
		}
	}
}

// TestOGCItemsPagesThroughNextLinks follows next links through every
// collection, as GDAL does: every feature once, in order, with the
// coordinates of the dataset's GeoJSON download.
func TestOGCItemsPagesThroughNextLinks(t *testing.T) {
	ts := newOGCServer(t)
	for _, id := range ogcCollectionIDs {
		t.Run(id, func(t *testing.T) {
			want := ts.source(t, id)
			var got []ogcTestFeature
			next, pages := "/ogc/collections/"+id+"/items?limit=7", 0
			for next != "" {
				var p ogcTestPage
				res := ts.fetch(t, next, &p)
				if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, mtGeoJSON) {
					t.Fatalf("%s: %d %s", next, res.StatusCode, ct)
				}
				pages++
				if p.Type != "FeatureCollection" || p.NumberMatched != len(want) || p.NumberReturned != len(p.Features) || p.TimeStamp == "" {
					t.Fatalf("page %d: type %s, matched %d returned %d, %d features", pages, p.Type, p.NumberMatched, p.NumberReturned, len(p.Features))
				}
				got = append(got, p.Features...)
				l, ok := linkOf(p.Links, "next", mtGeoJSON)
				next = l.Href
				if ok != (len(got) < len(want)) {
					t.Fatalf("page %d: next link %v after %d of %d features", pages, ok, len(got), len(want))
				}
				if _, ok := linkOf(p.Links, "prev", mtGeoJSON); ok != (pages > 1) {
					t.Errorf("page %d: prev link %v", pages, ok)
				}
			}
			if len(got) != len(want) || pages != (len(want)+6)/7 {
				t.Fatalf("%d features in %d pages, want %d", len(got), pages, len(want))
			}
			for i := range want {
				if got[i].ID != want[i].ID || !slices.Equal(got[i].Geometry.Coordinates, want[i].Geometry.Coordinates) ||
					!cmp.Equal(got[i].Properties, want[i].Properties) {
					t.Fatalf("feature %d: %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// overlaps tells whether a feature's dates start..end meet from..to
// ("" for an open end), the rule datetime is checked against.
func overlaps(start, end, from, to string) bool {
	if end == "" {
		end = start
	}
	return start != "" && (to == "" || start <= to) && (from == "" || end >= from)
}

func TestOGCItemsQuery(t *testing.T) {
	ts := newOGCServer(t)
	events := ts.source(t, "events")
	countEvents := func(from, to string) int {
		n := 0
		for _, f := range events {
			end, _ := f.Properties["終了日"].(string)
			if overlaps(f.Properties["開始日"].(string), end, from, to) {
				n++
			}
		}
		return n
	}
	day := events[3].Properties["開始日"].(string)
	facilities := ts.source(t, "public-facilities")
	inBox := 0
	for _, f := range facilities {
		if c := f.Geometry.Coordinates; c[0] >= 139.55 && c[0] <= 139.57 && c[1] >= 35.70 && c[1] <= 35.71 {
			inBox++
		}
	}
	q := url.QueryEscape
	for _, tt := range []struct {
		name, path        string
		matched, returned int
		firstID           int
		limit             string // of the next link, if any
	}{
		{"default page of 10", "public-facilities/items", len(facilities), 10, 1, "10"},
		{"offset", "public-facilities/items?offset=50&limit=5", len(facilities), len(facilities) - 50, 51, ""},
		{"offset past the end", "public-facilities/items?offset=1000", len(facilities), 0, 0, ""},
		{"limit above the collection", "saitama-aed/items?limit=5000", 392, 392, 1, ""},
		{"bbox", "public-facilities/items?limit=100&bbox=139.55,35.70,139.57,35.71", inBox, inBox, 0, ""},
		{"bbox with heights", "public-facilities/items?limit=100&bbox=139.55,35.70,0,139.57,35.71,100", inBox, inBox, 0, ""},
		{"attribute", "public-facilities/items?" + q("名称") + "=" + q("みどり野市役所"), 1, 1, 1, ""},
		{"attribute, two values", "public-facilities/items?NO=2&NO=3", 2, 2, 2, ""},
		{"attribute and bbox", "aed/items?limit=100&" + q("小児対応設備の有無") + "=true&bbox=139.5,35.6,139.7,35.8", -1, -1, 0, ""},
		{"text", "public-facilities/items?q=" + q("図書館"), -1, -1, 0, ""},
		{"datetime day", "events/items?limit=100&datetime=" + day, countEvents(day, day), countEvents(day, day), 0, ""},
		{"datetime interval", "events/items?limit=100&datetime=2026-06-01/2026-08-31", countEvents("2026-06-01", "2026-08-31"), countEvents("2026-06-01", "2026-08-31"), 0, ""},
		{"datetime open start", "events/items?limit=100&datetime=../2026-05-31", countEvents("", "2026-05-31"), countEvents("", "2026-05-31"), 0, ""},
		{"datetime open end", "events/items?limit=100&datetime=2026-12-01/", countEvents("2026-12-01", ""), countEvents("2026-12-01", ""), 0, ""},
		// 23:30 UTC on 31 May is 08:30 on 1 June in Japan.
		{"datetime date-time", "events/items?limit=100&datetime=2026-05-31T23:30:00Z/" + q("2026-06-30T23:59:59+09:00"), countEvents("2026-06-01", "2026-06-30"), countEvents("2026-06-01", "2026-06-30"), 0, ""},
		{"datetime, no dates", "public-facilities/items?datetime=2026-06-01", 0, 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p ogcTestPage
			res := ts.fetch(t, "/ogc/collections/"+tt.path, &p)
			if res.StatusCode != 200 {
				t.Fatalf("%d", res.StatusCode)
			}
			if tt.matched < 0 { // some, fewer than all
				tt.matched, tt.returned = p.NumberMatched, p.NumberReturned
				if p.NumberMatched == 0 || p.NumberMatched >= len(ts.source(t, strings.Split(tt.path, "/")[0])) {
					t.Errorf("matched %d", p.NumberMatched)
				}
			}
			if p.NumberMatched != tt.matched || p.NumberReturned != tt.returned || len(p.Features) != tt.returned {
				t.Errorf("matched %d returned %d (%d features), want %d %d", p.NumberMatched, p.NumberReturned, len(p.Features), tt.matched, tt.returned)
			}
			if tt.firstID > 0 && (len(p.Features) == 0 || p.Features[0].ID != tt.firstID) {
				t.Errorf("first feature is not %d", tt.firstID)
			}
			next, ok := linkOf(p.Links, "next", mtGeoJSON)
			if ok != (tt.limit != "") {
				t.Errorf("next link %v", ok)
			}
			if u, err := url.Parse(next.Href); ok && (err != nil || u.Query().Get("limit") != tt.limit) {
				t.Errorf("next link %s, want limit=%s", next.Href, tt.limit)
			}
		})
	}
	for _, bad := range []string{
		"public-facilities/items?nosuch=1", "public-facilities/items?crs=x", "public-facilities/items?limit=0",
		"public-facilities/items?limit=x", "public-facilities/items?offset=-1", "public-facilities/items?bbox=1,2,3",
		"public-facilities/items?bbox=170,30,-170,40", "public-facilities/items?f=xml", "events/items?datetime=yesterday",
		"events/items?datetime=2026-06-30/2026-06-01", "events/items?datetime=..", "events/items?datetime=",
		"events/items?datetime=2026-06-01T10:00:00Z/2026-06-01T09:00:00Z", "events/items?datetime=2026-13-01", "public-facilities?nosuch=1",
		"public-facilities/items/1?limit=1", "public-facilities/queryables?x=1",
	} {
		var e struct {
			Error struct{ Code, Message string }
		}
		if res := ts.fetch(t, "/ogc/collections/"+bad, &e); res.StatusCode != 400 || e.Error.Code != "invalid" || e.Error.Message == "" {
			t.Errorf("%s: %d %+v, want 400", bad, res.StatusCode, e)
		}
	}
}

// TestOGCLimitIsClamped: a limit above the maximum is taken as the
// maximum, not refused, and the next link carries the maximum.
func TestOGCLimitIsClamped(t *testing.T) {
	ts := newTestServer(t)
	var b strings.Builder
	b.WriteString("名前,緯度,経度\n")
	for i := range ogcMaxLimit + 5 {
		fmt.Fprintf(&b, "点%d,35.%04d,139.%04d\n", i, i%10000, i%10000)
	}
	ts.importCSV(t, "many", "多くの点", "many.csv", b.String())
	var p ogcTestPage
	decode(t, ts.get(t, "/ogc/collections/many/items?limit=20000"), &p)
	next, _ := linkOf(p.Links, "next", mtGeoJSON)
	if p.NumberMatched != ogcMaxLimit+5 || p.NumberReturned != ogcMaxLimit || len(p.Features) != ogcMaxLimit ||
		!strings.Contains(next.Href, "limit=10000&offset=10000") {
		t.Errorf("limit=20000: matched %d returned %d (%d features), next %s", p.NumberMatched, p.NumberReturned, len(p.Features), next.Href)
	}
	decode(t, ts.get(t, strings.TrimPrefix(next.Href, "http://portal.test")), &p)
	if p.NumberReturned != 5 || p.Features[4].ID != ogcMaxLimit+5 {
		t.Errorf("the last page: %d features", p.NumberReturned)
	}
}

func TestOGCFeature(t *testing.T) {
	ts := newOGCServer(t)
	want := ts.source(t, "evacuation-spaces")[4]
	var f ogcTestFeature
	res := ts.fetch(t, "/ogc/collections/evacuation-spaces/items/5", &f)
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, mtGeoJSON) {
		t.Fatalf("%d %s", res.StatusCode, ct)
	}
	if f.Type != "Feature" || f.ID != 5 || !cmp.Equal(f.Geometry, want.Geometry) || !cmp.Equal(f.Properties, want.Properties) {
		t.Errorf("feature 5 = %+v, want %+v", f, want)
	}
	for _, rel := range []string{"self", "alternate", "collection"} {
		if _, ok := linkOf(f.Links, rel, ""); !ok {
			t.Errorf("no %s link: %+v", rel, f.Links)
		}
	}
	for _, id := range []string{"0", "-1", "999", "abc", "05"} {
		var e struct{ Error struct{ Code string } }
		if res := ts.fetch(t, "/ogc/collections/evacuation-spaces/items/"+id, &e); res.StatusCode != 404 || e.Error.Code != "not_found" {
			t.Errorf("feature %s: %d %+v", id, res.StatusCode, e)
		}
	}
}

// serveAtOwnURL serves ts's catalog again on an address of its own, with
// that address as the base URL, and returns it: clients such as GDAL follow
// the absolute links, which must point where the server is.
func serveAtOwnURL(t testing.TB, ts *testServer) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	srv, err := New(ts.store, ts.srv.files, ts.srv.search, Config{BaseURL: base, City: ts.srv.cfg.City},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs := &httptest.Server{Listener: l, Config: &http.Server{Handler: srv}}
	hs.Start()
	t.Cleanup(hs.Close)
	return base
}
