package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestPhotoGalleryFilters(t *testing.T) {
	ts := newPhotoServer(t)
	q := url.QueryEscape
	doc := ts.page(t, "/photos?q="+q("昭和の駅前"), 200)
	cards := doc.Find(".gallery .photo-card")
	var hrefs []string
	cards.Each(func(_ int, s *goquery.Selection) {
		h, _ := s.Find("a").Attr("href")
		hrefs = append(hrefs, h)
	})
	if !strings.Contains(strings.Join(hrefs, " "), "/photos/photo-archive-2") {
		t.Errorf("昭和の駅前 shows %v", hrefs)
	}
	if v, _ := doc.Find("#photo-q").Attr("value"); v != "昭和の駅前" {
		t.Errorf("the form lost the words: %q", v)
	}
	if status := doc.Find(`[role="status"]`).Text(); !strings.Contains(status, "枚") {
		t.Errorf("count %q", status)
	}
	// Every field has its label, and the headings descend in order.
	doc.Find("form.photo-search input:not([type=hidden]), form.photo-search select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %q has no label", id)
		}
	})
	if doc.Find("h1").Length() != 1 || doc.Find("h2#photo-search-title").Length() != 1 {
		t.Error("headings")
	}
	if doc.Find(`#photo-department option[value="shisan"]`).Length() != 1 {
		t.Error("the department choice lacks shisan, which publishes photos")
	}

	// Paging keeps the filters: 25 photos up to 2000 make two pages.
	page1 := ts.page(t, "/photos?to=2000&department=", 200)
	next, _ := page1.Find(`nav a[rel="next"]`).Attr("href")
	u, err := url.Parse(next)
	if err != nil || u.Path != "/photos" || u.Query().Get("to") != "2000" || u.Query().Get("page") != "2" {
		t.Fatalf("next page link %q", next)
	}
	page2 := ts.page(t, next, 200)
	if n := page2.Find(".gallery .photo-card").Length(); n != 1 {
		t.Errorf("%d photos on page 2, want 1", n)
	}
	prev, _ := page2.Find(`nav a[rel="prev"]`).Attr("href")
	if prev != "/photos?to=2000" {
		t.Errorf("previous page link %q", prev)
	}
	if v, _ := page2.Find("#photo-to").Attr("value"); v != "2000" {
		t.Errorf("page 2's form lost to: %q", v)
	}

	// Filters that find nothing say so; bad ones answer 400.
	none := ts.page(t, "/photos?from=2020", 200)
	if none.Find(".gallery").Length() != 0 || !strings.Contains(none.Find("main").Text(), "条件に合う写真はありませんでした") {
		t.Error("no 'nothing found' message")
	}
	ts.page(t, "/photos?from=xyz", 400)
	ts.page(t, "/photos?bbox=1,2", 400)

	// The photos with a point are listed with their place.
	placed := doc.Find(".photo-places li")
	if placed.Length() == 0 || !strings.Contains(placed.First().Text(), "緯度") {
		t.Errorf("場所のある写真: %d items", placed.Length())
	}
	geo, _ := doc.Find(`a[type="application/geo+json"]`).Attr("href")
	if res := ts.get(t, geo); res.StatusCode != 200 || !strings.HasPrefix(geo, "/api/v1/photos.geojson?q=") {
		t.Errorf("GeoJSON link %q: status %d", geo, res.StatusCode)
	}
}
