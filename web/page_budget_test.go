package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/machi-opendata/portal/datasets/demo"
)

// The page budget: what a phone on a slow line must fetch before it can use
// the home page, and how long the server takes over each citizens' page.

// homeBudget is the most the home page may cost in bytes on the wire: its
// HTML and the styles and scripts it loads (MapLibre, loaded by the map
// pages alone, aside).
const homeBudget = 100 << 10

// TestPageBudget: the home page with its styles and scripts, fetched as a
// browser does (asking for gzip), is under homeBudget.
func TestPageBudget(t *testing.T) {
	ts := newDemoServer(t)
	// wire fetches path and returns the bytes sent and the body as read.
	wire := func(path string) (int, []byte) {
		t.Helper()
		res := ts.get(t, path, "Accept-Encoding", "gzip, deflate, br")
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		sent := readAll(t, res.Body)
		body := sent
		switch enc := res.Header.Get("Content-Encoding"); enc {
		case "":
			t.Logf("%s: %d bytes, not compressed", path, len(sent))
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(sent))
			if err != nil {
				t.Fatal(err)
			}
			body = readAll(t, zr)
			t.Logf("%s: %d bytes, gzip (%d)", path, len(sent), len(body))
		default:
			t.Fatalf("%s: Content-Encoding %s", path, enc)
		}
		return len(sent), body
	}
	total, html := wire("/")
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	var needs []string
	doc.Find(`link[rel="stylesheet"][href], script[src]`).Each(func(_ int, s *goquery.Selection) {
		href := s.AttrOr("href", s.AttrOr("src", ""))
		if !strings.Contains(href, "maplibre") {
			needs = append(needs, href)
		}
	})
	if len(needs) == 0 {
		t.Error("the home page loads no style sheet: was it parsed?")
	}
	for _, p := range needs {
		n, _ := wire(p)
		total += n
	}
	t.Logf("home page: %d bytes with %v (budget %d)", total, needs, homeBudget)
	if total > homeBudget {
		t.Errorf("home page: %d bytes on the wire, over the budget of %d", total, homeBudget)
	}
}

// citizenPages are the citizens' HTML pages, by name, on the demo catalog
// with its GIS layers.
var citizenPages = []struct{ name, path string }{
	{"home", "/"},
	{"datasets", "/datasets"},
	{"search", "/datasets?q=図書館"},
	{"search_kind", "/datasets?kind=evacuation"},
	{"dataset", "/datasets/evacuation-spaces"},
	{"dataset_events", "/datasets/events"},
	{"events", "/events"},
	{"event", "/events/events/12"},
	{"photos", "/photos"},
	{"photos_search", "/photos?q=駅前"},
	{"photo", "/photos/photo-archive-1"},
	{"map", "/map"},
	{"map_nearest", "/map?lat=35.705&lon=139.565&hazard=earthquake"},
	{"about", "/about"},
	{"api", "/api/"},
	{"ogc_items", "/ogc/collections/aed/items?f=html"},
	{"en_home", "/?lang=en"},
}

// BenchmarkPages measures the server's time over each citizens' page of the
// demo (the handler alone, no network): go test ./web -run '^$' -bench Pages.
// The target is under 10 ms a page.
func BenchmarkPages(b *testing.B) {
	ts := startTestServer(b, func(ts *testServer) {
		ctx := context.Background()
		if err := demo.Load(ctx, ts.im, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			b.Fatal(err)
		}
		if err := demo.LoadLayers(ctx, ts.im); err != nil {
			b.Fatal(err)
		}
	})
	for _, p := range citizenPages {
		b.Run(p.name, func(b *testing.B) {
			serve := func() {
				w := httptest.NewRecorder()
				ts.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p.path, nil))
				if w.Code != 200 {
					b.Fatalf("%s: status %d: %.200s", p.path, w.Code, w.Body)
				}
				io.Copy(io.Discard, w.Body)
			}
			serve() // caches warm, as on a running server
			for b.Loop() {
				serve()
			}
		})
	}
}
