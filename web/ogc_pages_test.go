package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

// The OGC API's other faces: queryables, the HTML pages, HEAD, and its
// place in the DCAT catalog.

func TestOGCQueryables(t *testing.T) {
	ts := newOGCServer(t)
	var q struct {
		Schema     string                       `json:"$schema"`
		ID         string                       `json:"$id"`
		Type       string                       `json:"type"`
		Properties map[string]map[string]string `json:"properties"`
	}
	res := ts.fetch(t, "/ogc/collections/events/queryables", &q)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), mtSchema) || q.Type != "object" || q.ID != ts.base+"/ogc/collections/events/queryables" ||
		!strings.Contains(q.Schema, "json-schema.org") {
		t.Errorf("queryables: %s %+v", res.Header.Get("Content-Type"), q)
	}
	for name, want := range map[string]map[string]string{
		"開始日": {"title": "開始日", "type": "string", "format": "date"}, "定員": {"title": "定員", "type": "integer"},
		"緯度": {"title": "緯度", "type": "number"}, "イベント名": {"title": "イベント名", "type": "string"},
	} {
		if diff := cmp.Diff(want, q.Properties[name]); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
}

// TestOGCHTML: each resource is a page too, by f=html or a browser's
// Accept; JSON stays the default for clients that send */* or nothing.
func TestOGCHTML(t *testing.T) {
	ts := newOGCServer(t)
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, tt := range []struct {
		path   string
		accept string
		html   bool
		rows   string // a selector with the number of matches wanted
		n      int
	}{
		{"/ogc", browser, true, `ul.links a[type="application/json"][href$="/ogc/collections"]`, 2},
		{"/ogc?f=html", "", true, `a[href$="/ogc/api"]`, 1},
		{"/ogc", "*/*", false, "", 0},
		{"/ogc", "", false, "", 0},
		{"/ogc/conformance?f=html", "", true, "ul.conformance li", len(ogcConformance)},
		{"/ogc/collections", browser, true, "table.collections tbody tr", len(ogcCollectionIDs)},
		{"/ogc/collections/events?f=html", "", true, "dl.collection dt", 4},
		{"/ogc/collections/events/queryables?f=html", "", true, "table.queryables tbody tr", 32},
		{"/ogc/collections/events/items?f=html&limit=5", "", true, "table.features tbody tr", 5},
		{"/ogc/collections/saitama-aed/items?f=html&limit=1000", "", true, "table.features tbody tr", 392},
		{"/ogc/collections/events/items/3", browser, true, "table.features tbody tr", 1},
		{"/ogc/api?f=html", "", true, "table.operations tbody tr", 8 + len(ogcCollectionIDs)},
		{"/ogc/collections/events/items", "application/geo+json", false, "", 0},
	} {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			var h []string
			if tt.accept != "" {
				h = []string{"Accept", tt.accept}
			}
			res := ts.fetch(t, tt.path, nil, h...)
			isHTML := strings.HasPrefix(res.Header.Get("Content-Type"), "text/html")
			if res.StatusCode != 200 || isHTML != tt.html {
				t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if !tt.html {
				return
			}
			page, err := goquery.NewDocumentFromReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if n := page.Find(tt.rows).Length(); n != tt.n {
				t.Errorf("%s: %d, want %d", tt.rows, n, tt.n)
			}
			// Each page links to its JSON form.
			if page.Find(`ul.links a[href*="f=json"]`).Length() == 0 {
				t.Errorf("no link to the JSON form")
			}
		})
	}
	// An error asked for by a browser is a page; by a client, JSON.
	if res := ts.fetch(t, "/ogc/collections/nope", nil, "Accept", browser); res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("404 for a browser: %s", res.Header.Get("Content-Type"))
	}
	var p ogcTestPage
	ts.fetch(t, "/ogc/collections/events/items?f=html&limit=5", nil)
	ts.fetch(t, "/ogc/collections/events/items?limit=5", &p)
	if next, _ := linkOf(p.Links, "next", mtGeoJSON); !strings.Contains(next.Href, "offset=5") || !strings.Contains(next.Href, "f=json") {
		t.Errorf("next %s", next.Href)
	}
	if res := ts.fetch(t, "/ogc/collections/events/items?f=html&limit=600", nil); res.StatusCode != 200 {
		t.Errorf("an HTML page of 600: %d, want it clamped to 500", res.StatusCode)
	}
}

// TestOGCHead: every GET answers HEAD with its headers and no body.
func TestOGCHead(t *testing.T) {
	ts := newOGCServer(t)
	for _, path := range []string{"/ogc", "/ogc/collections/events/items?limit=3", "/ogc/collections/events/items/1"} {
		res := ts.do(t, http.MethodHead, path)
		if body := readAll(t, res.Body); res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Type") == "" {
			t.Errorf("HEAD %s: %d, %d bytes, %s", path, res.StatusCode, len(body), res.Header.Get("Content-Type"))
		}
	}
}

// TestOGCInDCAT: the catalog names the OGC API as a data service serving
// the datasets with geometry, and only them.
func TestOGCInDCAT(t *testing.T) {
	ts := newOGCServer(t)
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	ts.fetch(t, "/catalog.jsonld", &doc)
	var served []string
	for _, n := range doc.Graph {
		if n["@id"] != ts.base+"/ogc#service" {
			continue
		}
		if n["dcat:endpointURL"].(map[string]any)["@id"] != ts.base+"/ogc" ||
			n["dcat:endpointDescription"].(map[string]any)["@id"] != ts.base+"/ogc/api" {
			t.Errorf("OGC service %v", n)
		}
		for _, d := range n["dcat:servesDataset"].([]any) {
			id := d.(map[string]any)["@id"].(string)
			served = append(served, strings.TrimSuffix(strings.TrimPrefix(id, ts.base+"/datasets/"), "#dataset"))
		}
	}
	slices.Sort(served)
	if !slices.Equal(served, ogcCollectionIDs) {
		t.Errorf("the OGC service serves %v, want %v", served, ogcCollectionIDs)
	}
}
