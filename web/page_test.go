package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func (ts *testServer) page(t *testing.T, path string, status int) *goquery.Document {
	t.Helper()
	res := ts.get(t, path)
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d", path, res.StatusCode, status)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("%s: Content-Type %s", path, ct)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestHomeAndDatasetPages(t *testing.T) {
	ts := newTestServer(t)
	ts.importCSV(t, "xss", `<script>alert(1)</script>`, "x.csv", "名前\n<b>太字</b>\n")

	home := ts.page(t, "/", http.StatusOK)
	if home.Find(`html[lang="ja"]`).Length() != 1 || home.Find(`a[href="/datasets?kind=evacuation"]`).Length() == 0 {
		t.Errorf("home lacks lang or the always-visible disaster link")
	}

	list := ts.page(t, "/datasets?q=施設", http.StatusOK)
	if got := list.Find("ol.datasets li h2 a").First().Text(); got != "施設一覧" {
		t.Errorf("first result %q", got)
	}
	if list.Find(`.facets a[href*="department=shisan"]`).Length() != 1 {
		t.Errorf("no department facet link")
	}

	page := ts.page(t, "/datasets/shisetsu", http.StatusOK)
	var headers []string
	page.Find("table thead th").Each(func(_ int, s *goquery.Selection) { headers = append(headers, s.Text()) })
	if strings.Join(headers, ",") != "#,名称,住所,緯度,経度,定員,開設日,開設日_ISO8601" {
		t.Errorf("table headers %v", headers)
	}
	if n := page.Find("table tbody tr").Length(); n != 4 {
		t.Errorf("%d preview rows, want 4", n)
	}
	if got := page.Find("table tbody tr").First().Find("td").Eq(6).Text(); got != "令和2年4月1日" {
		t.Errorf("era date cell %q", got)
	}
	if page.Find(`a[href$="/data.geojson"]`).Length() != 1 || page.Find(`a[rel="license"]`).Text() == "" {
		t.Errorf("download or license link missing")
	}

	// Titles and cells from uploads are escaped, never markup. (The page's
	// one script is its schema.org description, which is data.)
	x := ts.page(t, "/datasets/xss", http.StatusOK)
	if x.Find(`script:not([type="application/ld+json"])`).Length() != 0 || x.Find("td b").Length() != 0 || x.Find("h1").Text() != "<script>alert(1)</script>" {
		t.Errorf("uploaded text was not escaped")
	}

	// Search results show why they matched, with uploaded text escaped.
	found := ts.page(t, "/datasets?q=alert", http.StatusOK)
	if found.Find("ol.datasets script").Length() != 0 || found.Find("ol.datasets li").Length() == 0 {
		t.Errorf("search for alert: %d results, %d script elements", found.Find("ol.datasets li").Length(), found.Find("ol.datasets script").Length())
	}
	if marked := ts.page(t, "/datasets?q=施設", http.StatusOK).Find(".snippet mark"); marked.Length() == 0 {
		t.Errorf("no highlighted snippet for 施設")
	}

	missing := ts.page(t, "/datasets/nope", http.StatusNotFound)
	if !strings.Contains(missing.Find("h1").Text(), "見つかりません") {
		t.Errorf("404 page: %q", missing.Find("h1").Text())
	}
}

// TestStylesheet: the CSP (default-src 'self') blocks inline styles, so the
// pages link one embedded stylesheet under a content-hashed name.
func TestStylesheet(t *testing.T) {
	ts := newTestServer(t)
	home := ts.page(t, "/", http.StatusOK)
	if n := home.Find("style").Length(); n != 0 {
		t.Errorf("%d inline <style> elements; the CSP blocks them", n)
	}
	if n := home.Find("[style]").Length(); n != 0 {
		t.Errorf("%d inline style attributes; the CSP blocks them", n)
	}
	href, ok := home.Find(`head link[rel="stylesheet"]`).Attr("href")
	if !ok || !regexp.MustCompile(`^/static/app\.[0-9a-f]{12}\.css$`).MatchString(href) {
		t.Fatalf("stylesheet link %q", href)
	}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, ts.URL+href, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
			t.Errorf("%s %s: %d %s", method, href, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s %s: Cache-Control %q", method, href, cc)
		}
		if method == http.MethodGet && !strings.Contains(string(body), ".disaster") {
			t.Errorf("GET %s: not the portal's stylesheet: %.100s", href, body)
		}
	}
	// Another hash is not a stylesheet: old names are gone with their build.
	if res := ts.get(t, "/static/app.000000000000.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d", res.StatusCode)
	}
}

// TestDatasetPreviewSorts: each column header sorts the preview by that
// column, ascending then descending, says so to screen readers, and
// keeps the order while paging; an unknown column is a 400.
func TestDatasetPreviewSorts(t *testing.T) {
	ts := newDemoServer(t)
	names := func(path string) ([]string, *goquery.Document) {
		res := ts.get(t, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		doc.Find("#preview + .table-wrap thead th").Each(func(i int, s *goquery.Selection) {
			if strings.TrimSpace(s.Text()) == "名称" {
				col = i
			}
		})
		if col < 0 {
			t.Fatalf("%s: no 名称 column", path)
		}
		var out []string
		doc.Find("#preview + .table-wrap tbody tr").Each(func(_ int, tr *goquery.Selection) {
			out = append(out, tr.Find("td").Eq(col).Text())
		})
		return out, doc
	}
	asc, doc := names("/datasets/public-facilities?sort=" + url.QueryEscape("名称"))
	if !slices.IsSorted(asc) || len(asc) != 20 {
		t.Errorf("ascending: %v", asc)
	}
	th := doc.Find(`th[aria-sort="ascending"]`)
	if strings.TrimSpace(th.Text()) != "名称" || th.Find("a").AttrOr("href", "") != "/datasets/public-facilities?sort="+url.QueryEscape("-名称")+"#preview" {
		t.Errorf("header %q links %q", th.Text(), th.Find("a").AttrOr("href", ""))
	}
	desc, _ := names("/datasets/public-facilities?sort=" + url.QueryEscape("-名称"))
	if !slices.IsSortedFunc(desc, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("descending: %v", desc)
	}
	next := doc.Find(`a[rel="next"]`).AttrOr("href", "")
	if !strings.Contains(next, "sort="+url.QueryEscape("名称")) {
		t.Fatalf("next page loses the order: %q", next)
	}
	more, _ := names(strings.TrimSuffix(next, "#preview"))
	if len(more) == 0 || more[0] < asc[len(asc)-1] {
		t.Errorf("second page %v does not follow %v", more, asc)
	}
	if r := ts.get(t, "/datasets/public-facilities?sort=nope"); r.StatusCode != 400 {
		t.Errorf("unknown column: %d", r.StatusCode)
	}
}
