package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestIIIFViewerOpensTheStationPhotos is the archive's promise end to end:
// a citizen searches 昭和の駅前, opens the first photo found, copies its
// IIIF manifest address from the photo page, and opens it in TIFY, a
// standard IIIF viewer hosted on another site (its own origin here, so
// that CORS is what a real viewer meets). The viewer must load the
// manifest and the image service's info.json, draw the photo from one of
// the pre-generated sizes, and show the photo's title; the dataset's
// manifest must open as well.
func TestIIIFViewerOpensTheStationPhotos(t *testing.T) {
	requireBrowser(t)
	if _, err := os.Stat("testdata/browser/node_modules/tify/dist/tify.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tify is not installed; .ci/run runs npm ci in web/testdata/browser")
		}
		t.Skip("tify not installed: npm ci in web/testdata/browser")
	}
	ts := newDemoServer(t)
	base := serveAtOwnURL(t, ts)

	// The search, and the first photo found.
	res, err := http.Get(base + "/photos?q=" + url.QueryEscape("昭和の駅前"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	first, ok := doc.Find(`ul.gallery a[href^="/photos/"]`).First().Attr("href")
	if !ok {
		t.Fatal("昭和の駅前 found no photo in the gallery")
	}
	res, err = http.Get(base + first)
	if err != nil {
		t.Fatal(err)
	}
	doc, err = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	manifest := strings.TrimSpace(doc.Find("code.manifest-url").Text())
	if !strings.HasPrefix(manifest, base+"/iiif/") {
		t.Fatalf("photo page %s: manifest %q", first, manifest)
	}
	// The viewer shows the label in its own language (English, unless
	// told), which the manifest gives beside the Japanese.
	var m struct{ Label map[string][]string }
	res, err = http.Get(manifest)
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if err != nil || len(m.Label["en"]) == 0 {
		t.Fatalf("manifest label %v: %v", m.Label, err)
	}
	title := m.Label["en"][0]

	// The viewer's own site: TIFY's files and a page that opens a manifest.
	viewer := http.NewServeMux()
	viewer.Handle("/tify/", http.StripPrefix("/tify/", http.FileServer(http.Dir("testdata/browser/node_modules/tify/dist"))))
	harness := template.Must(template.New("").Parse(`<!doctype html><html lang="ja"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><link rel="stylesheet" href="/tify/tify.css"></head><body><div id="tify" style="height:800px"></div>
<script type="module">import Tify from '/tify/tify.js'; new Tify({container: '#tify', manifestUrl: {{.}}});</script></body></html>`))
	viewer.HandleFunc("/open", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		harness.Execute(w, r.URL.Query().Get("manifest"))
	})
	vs := httptest.NewServer(viewer)
	t.Cleanup(vs.Close)

	photoID := strings.TrimPrefix(first, "/photos/")
	rep := openInViewer(t, vs.URL+"/open?manifest="+url.QueryEscape(manifest))
	rep.expect(t, base, manifest, base+"/iiif/"+photoID+"/info.json")
	if !strings.Contains(strings.Join(strings.Fields(rep.Text), " "), title) {
		t.Errorf("the viewer does not show the photo's title %q:\n%s", title, rep.Text)
	}

	// The whole archive: one manifest, a page per photo.
	archive := base + "/iiif/datasets/photo-archive/manifest.json"
	rep = openInViewer(t, vs.URL+"/open?manifest="+url.QueryEscape(archive))
	rep.expect(t, base, archive, "")
}

// viewerReport is what testdata/browser/iiif.mjs saw.
type viewerReport struct {
	Errors   []string
	Requests []struct {
		URL, Type string
		Status    int
	}
	Text  string
	Drawn *struct{ Width, Height int }
}

func openInViewer(t *testing.T, harness string) viewerReport {
	t.Helper()
	var rep viewerReport
	runBrowser(t, &rep, nil, "iiif.mjs", harness)
	return rep
}

// expect checks that the viewer fetched the manifest (and info, if given)
// and at least one image from the portal, all answered 200 with their
// types, and drew it, without errors.
func (rep viewerReport) expect(t *testing.T, base, manifest, info string) {
	t.Helper()
	for _, e := range rep.Errors {
		t.Errorf("viewer error: %s", e)
	}
	seen := map[string]bool{}
	images := 0
	for _, r := range rep.Requests {
		if !strings.HasPrefix(r.URL, base) {
			continue
		}
		if r.Status != http.StatusOK {
			t.Errorf("%s answered %d", r.URL, r.Status)
		}
		seen[r.URL] = true
		if strings.HasSuffix(r.URL, "/default.jpg") {
			images++
			if r.Type != "image/jpeg" {
				t.Errorf("%s: type %q", r.URL, r.Type)
			}
		} else if !strings.Contains(r.Type, "json") {
			t.Errorf("%s: type %q", r.URL, r.Type)
		}
	}
	if !seen[manifest] {
		t.Errorf("the viewer never fetched %s: %+v", manifest, rep.Requests)
	}
	if info != "" && !seen[info] {
		t.Errorf("the viewer never fetched %s: %+v", info, rep.Requests)
	}
	if images == 0 || rep.Drawn == nil || rep.Drawn.Width == 0 {
		t.Errorf("no image drawn: %d image requests, canvas %+v", images, rep.Drawn)
	}
}
