package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestMapPageWithoutJavaScript: the page lists every dataset with geometry
// as a layer with its legend colour, page and download, and carries what
// map.js needs; its policy lets in the base map's tiles and nothing else.
func TestMapPageWithoutJavaScript(t *testing.T) {
	ts := newDemoServer(t)
	res := ts.get(t, "/map")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://cyberjapandata.gsi.go.jp") || !strings.Contains(csp, "worker-src 'self'") ||
		strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Lib, Worker string
		Base        struct{ Tiles, Attribution string }
		Layers      []struct{ ID, Title, Color, URL string }
	}
	if err := json.Unmarshal([]byte(doc.Find("#map").AttrOr("data-config", "")), &cfg); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"evacuation-spaces": true, "public-facilities": true, "aed": true, "events": true}
	for _, l := range cfg.Layers {
		delete(want, l.ID)
		box := doc.Find(`input[data-layer="` + l.ID + `"]`)
		if box.Length() != 1 || !strings.Contains(box.Parent().Text(), l.Title) {
			t.Errorf("layer %s has no labelled checkbox", l.ID)
		}
		if doc.Find(`a[href="`+l.URL+`"]`).Length() != 1 {
			t.Errorf("layer %s: no download link for people without JavaScript", l.ID)
		}
		if r := ts.get(t, l.URL); r.StatusCode != 200 {
			t.Errorf("layer %s: %s answers %d", l.ID, l.URL, r.StatusCode)
		}
	}
	if len(want) > 0 {
		t.Errorf("layers missing from the map: %v", want)
	}
	if !strings.Contains(cfg.Base.Tiles, "cyberjapandata.gsi.go.jp") || !strings.Contains(cfg.Base.Attribution, "地理院タイル") {
		t.Errorf("base map %+v", cfg.Base)
	}
	for _, p := range []string{cfg.Lib, cfg.Worker, doc.Find(`script[type="module"]`).AttrOr("src", "")} {
		r := ts.get(t, p)
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") {
			t.Errorf("%s: %d %s", p, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
}

// requireBrowser finds Debian's chromium and the playwright-core that
// drives it (npm ci in web/testdata/browser, which .ci/run does).
func requireBrowser(t *testing.T) {
	t.Helper()
	requireTool(t, "node")
	requireTool(t, "/usr/bin/chromium")
	if _, err := os.Stat("testdata/browser/node_modules/playwright-core"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("playwright-core is not installed; .ci/run runs npm ci in web/testdata/browser")
		}
		t.Skip("playwright-core not installed: npm ci in web/testdata/browser")
	}
}

// TestMapInBrowser opens the map in a real browser with no network beyond
// this server, so the base map cannot load: every layer must still be
// drawn, every feature of it, and a layer's box must hide it.
func TestMapInBrowser(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	rep := drawMap(t, ts, "/map")
	if len(rep.Layers) < 4 {
		t.Fatalf("%d layers drawn", len(rep.Layers))
	}
	if rep.Hidden == nil || *rep.Hidden != 0 {
		t.Errorf("unticked layer still draws %v features", rep.Hidden)
	}
	// A dataset's page has a map of that dataset alone.
	if rep := drawMap(t, ts, "/datasets/evacuation-spaces"); len(rep.Layers) != 1 || rep.Layers[0].ID != "evacuation-spaces" {
		t.Errorf("dataset page map: %+v", rep.Layers)
	}
}

// mapReport is what testdata/browser/map.mjs saw.
type mapReport struct {
	Errors []string
	Layers []struct {
		ID, URL          string
		Rendered, Source int
	}
	Hidden *int
	Popup  *struct {
		Href, Title, Img string
		Width            int
	}
}

// drawMap opens path in the browser and checks that every layer of its map
// drew each place of its data.
func drawMap(t *testing.T, ts *testServer, path string) mapReport {
	t.Helper()
	var rep mapReport
	runBrowser(t, &rep, nil, "map.mjs", ts.URL+path)
	if len(rep.Errors) > 0 {
		t.Errorf("page errors: %v", rep.Errors)
	}
	for _, l := range rep.Layers {
		var fc struct {
			Features []struct {
				Geometry struct{ Coordinates json.RawMessage }
			}
		}
		decode(t, ts.get(t, l.URL), &fc)
		places := map[string]bool{}
		for _, f := range fc.Features {
			var c any
			json.Unmarshal(f.Geometry.Coordinates, &c) // re-encoded as the browser does
			b, _ := json.Marshal(c)
			places[string(b)] = true
		}
		if l.Rendered != len(places) || l.Source < len(fc.Features) {
			t.Errorf("%s: %d places drawn, %d in the data (%d features in the map's source, %d in the file)",
				l.ID, l.Rendered, len(places), l.Source, len(fc.Features))
		}
	}
	return rep
}

// TestMapNearestForm: the form on the map page answers the same sites, in
// the same order, as /api/v1/geo/nearest, without JavaScript.
func TestMapNearestForm(t *testing.T) {
	ts := newDemoServer(t)
	q := "lat=35.705&lon=139.565&hazard=earthquake"
	var api struct {
		Features []struct {
			Properties map[string]any
		}
	}
	decode(t, ts.get(t, "/api/v1/geo/nearest?"+q+"&n=5"), &api)
	res := ts.get(t, "/map?"+q)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	items := doc.Find("ol.near li")
	if items.Length() != 5 || len(api.Features) != 5 {
		t.Fatalf("%d sites on the page, %d from the API", items.Length(), len(api.Features))
	}
	items.Each(func(i int, li *goquery.Selection) {
		if name := api.Features[i].Properties["名称"]; !strings.Contains(li.Text(), name.(string)) {
			t.Errorf("site %d: %q, API says %v", i, li.Text(), name)
		}
	})
	if doc.Find(`#hazard option[selected]`).AttrOr("value", "") != "earthquake" || doc.Find("#lat").AttrOr("value", "") != "35.705" {
		t.Error("the form does not keep what was asked")
	}
	if r := ts.get(t, "/map?lat=abc&lon=139"); r.StatusCode != 400 {
		t.Errorf("bad latitude: %d", r.StatusCode)
	}
	if r := ts.get(t, "/map?lat=35.7&lon=139.5&hazard=meteor"); r.StatusCode != 400 {
		t.Errorf("unknown hazard: %d", r.StatusCode)
	}
}

// TestPhotoMapInBrowser: the gallery's map draws every photo found that has
// a place (a search narrows it), and a photo's point opens a popup with its
// thumbnail, loaded, and a link to its page. The map page's layer of the
// photo archive is drawn from the same photos' GeoJSON.
func TestPhotoMapInBrowser(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	for _, path := range []string{"/photos", "/photos?q=" + url.QueryEscape("昭和の駅前"), "/photos?lang=en"} {
		var found struct {
			Features []struct {
				Properties struct{ URL, Thumbnail string }
			}
		}
		decode(t, ts.get(t, "/api/v1/photos.geojson?"+strings.SplitN(path+"?", "?", 3)[1]), &found)
		if len(found.Features) == 0 {
			t.Fatalf("%s: no placed photos in the demo to map", path)
		}
		rep := drawMap(t, ts, path)
		if len(rep.Layers) != 1 || rep.Layers[0].Source < len(found.Features) {
			t.Fatalf("%s: layers %+v, %d photos placed", path, rep.Layers, len(found.Features))
		}
		if rep.Popup == nil {
			t.Fatalf("%s: no popup for a photo's point", path)
		}
		if !strings.HasPrefix(rep.Popup.Href, "/photos/") || !strings.HasPrefix(rep.Popup.Img, "/iiif/") || rep.Popup.Width == 0 || rep.Popup.Title == "" {
			t.Errorf("%s: popup %+v (want a link to the photo's page and its thumbnail, loaded)", path, *rep.Popup)
		}
		if r := ts.get(t, rep.Popup.Href); r.StatusCode != http.StatusOK {
			t.Errorf("%s: the popup's link %s answers %d", path, rep.Popup.Href, r.StatusCode)
		}
	}
	rep := drawMap(t, ts, "/map")
	i := slices.IndexFunc(rep.Layers, func(l struct {
		ID, URL          string
		Rendered, Source int
	}) bool {
		return strings.Contains(l.URL, "photos.geojson")
	})
	if i < 0 {
		t.Fatalf("the map page has no photo layer: %+v", rep.Layers)
	}
}
