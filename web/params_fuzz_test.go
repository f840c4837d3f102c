package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzQueryParameters sends any query string to the routes that parse
// parameters themselves: CKAN's package_search (Solr-style q and fq) and
// datastore_search, OGC API items (bbox, datetime, limit, offset, filters),
// the records API and the events API. Whatever the input, the answer is a
// success or a client error, never a 5xx (which would mean a parser let
// something through that the code behind it cannot take) and never a panic.
func FuzzQueryParameters(f *testing.F) {
	for _, s := range []string{"q=公園&fq=metadata_modified:[NOW-1DAY TO *]&rows=5&sort=score desc",
		"fq=tags:(\"防災\" OR 避難) AND NOT res_format:CSV&facet.field=[\"tags\"]",
		"bbox=139,35,140,36&limit=5&offset=2&datetime=2026-01-01/..", "bbox=1,2,3&limit=-1", "datetime=../..",
		"filters={\"名称\":\"公園\"}&q=x&limit=100000", "from=2026-04-01&to=2026-03-01&q=%FF", "sort=-名称&offset=9999999999999999999",
		"bbox-crs=http://www.opengis.net/def/crs/EPSG/0/6677&bbox=0,0,1,1", "%zz=1&=&&"} {
		for _, route := range []int{0, 1, 2, 3, 4} {
			f.Add(route, s)
		}
	}
	ts := newTestServer(f)
	paths := []string{"/api/3/action/package_search?", "/api/3/action/datastore_search?resource_id=shisetsu&",
		"/ogc/collections/shisetsu/items?f=json&", "/api/v1/datasets/shisetsu/records?", "/api/v1/events?"}
	f.Fuzz(func(t *testing.T, route int, query string) {
		if route < 0 {
			route = -route
		}
		req, err := http.NewRequest(http.MethodGet, "http://portal.test"+paths[route%len(paths)]+query, nil)
		if err != nil {
			return // not a URL a client could send
		}
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", req.URL, rec.Code, rec.Body.String())
		}
	})
}
