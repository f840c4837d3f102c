package web

import (
	"net/http"
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

	// Titles and cells from uploads are escaped, never markup.
	x := ts.page(t, "/datasets/xss", http.StatusOK)
	if x.Find("script").Length() != 0 || x.Find("td b").Length() != 0 || x.Find("h1").Text() != "<script>alert(1)</script>" {
		t.Errorf("uploaded text was not escaped")
	}

	missing := ts.page(t, "/datasets/nope", http.StatusNotFound)
	if !strings.Contains(missing.Find("h1").Text(), "見つかりません") {
		t.Errorf("404 page: %q", missing.Find("h1").Text())
	}
}
