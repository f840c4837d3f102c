package web

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// TestAdminPhotoEdit: a clerk corrects one photo of their archive (its
// title, an era date, its place and a point typed as the map would write
// it); the correction is a draft built on the newest version, a second
// correction builds on the first, and after the publish the citizens'
// photo page and the photo API say what the clerk wrote. A bad point is
// shown again as typed; another department's editor is refused.
func TestAdminPhotoEdit(t *testing.T) {
	ts := adminServer(t)
	ctx := context.Background()
	csv := "NO,名称,画像ファイル,撮影年月日,場所名称,説明\r\n1,駅前,a.jpg,1968,駅前,にぎわう駅前\r\n2,役場,b.jpg,1960,旧役場,木造\r\n"
	if _, err := ts.im.Import(ctx, datasets.ImportRequest{Slug: "bousai-photos", Kind: catalog.KindPhoto, Department: "bousai",
		Meta: &catalog.Dataset{TitleJA: "防災の写真"}, Publish: true,
		Files: []datasets.File{{Name: "m.csv", Data: strings.NewReader(csv)}, {Name: "a.jpg", Data: bytes.NewReader(testJPEG(t, 300, 200))},
			{Name: "b.jpg", Data: bytes.NewReader(testJPEG(t, 301, 200))}}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	doc := b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/bousai-photos", nil))
	edit, ok := doc.Find(`#photos a[href$="/photos/2/edit"]`).Attr("href")
	if !ok {
		t.Fatal("the dataset page lists no photo to correct")
	}
	doc = b.doc(t, b.send(t, http.MethodGet, edit, nil))
	if v, _ := doc.Find("#p-title").Attr("value"); v != "役場" {
		t.Fatalf("form title %q", v)
	}
	if doc.Find(`#map[data-config*="p-lat"]`).Length() != 1 {
		t.Error("no map to place the point")
	}
	if src, _ := doc.Find("img.admin-photo").Attr("src"); src == "" || b.send(t, http.MethodGet, src, nil).StatusCode != 200 {
		t.Errorf("the photo is not shown: %q", src)
	}

	form := url.Values{"title": {"旧役場の庁舎"}, "date": {"大正末期"}, "place": {"中町"}, "description": {"木造2階建て"},
		"lat": {"35.7100"}, "lon": {"abc"}}
	res := b.post(t, edit, form)
	doc = b.doc(t, res)
	if res.StatusCode != http.StatusBadRequest || doc.Find("#photo-error").Length() != 1 {
		t.Fatalf("bad longitude: %d", res.StatusCode)
	}
	if v, _ := doc.Find("#p-title").Attr("value"); v != "旧役場の庁舎" {
		t.Errorf("the refused form lost what was typed: %q", v)
	}
	form.Set("lon", "139.5600")
	res = b.post(t, edit, form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/datasets/bousai-photos/versions/2") {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// A second correction, of the other photo, builds on the draft.
	res = b.post(t, "/admin/datasets/bousai-photos/photos/1/edit", url.Values{"title": {"駅前の商店街"}, "date": {"昭和40年代"}, "place": {"駅前"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/versions/3") {
		t.Fatalf("second save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// One photo more, from the dataset page's link.
	if _, ok := b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/bousai-photos", nil)).Find(`a[href="/admin/datasets/bousai-photos/photos/new/edit"]`).Attr("href"); !ok {
		t.Error("no link to add a photo")
	}
	if doc := b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/bousai-photos/photos/new/edit", nil)); doc.Find(`#p-image[type="file"]`).Length() != 1 {
		t.Error("the add form has no file field")
	}
	res = b.multipart(t, "/admin/datasets/bousai-photos/photos/new/edit", map[string]string{"title": ""}, "image", map[string][]byte{"c.jpg": testJPEG(t, 302, 200)})
	if res.StatusCode != http.StatusBadRequest || b.doc(t, res).Find("#photo-error").Length() != 1 {
		t.Fatalf("add without a title: %d %s", res.StatusCode, readAll(t, res.Body))
	}
	res = b.multipart(t, "/admin/datasets/bousai-photos/photos/new/edit", map[string]string{"title": "給水塔", "date": "昭和50年頃", "lat": "35.7", "lon": "139.55"},
		"image", map[string][]byte{"c.jpg": testJPEG(t, 302, 200)})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/versions/4") {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := b.post(t, "/admin/datasets/bousai-photos/versions/4/publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	var l photoList
	decode(t, ts.get(t, "/api/v1/photos?dataset=bousai-photos"), &l)
	titles := map[string]map[string]any{}
	for _, it := range l.Items {
		titles[it["title"].(map[string]any)["ja"].(string)] = it
	}
	office, station := titles["旧役場の庁舎"], titles["駅前の商店街"]
	if office == nil || station == nil || office["place"] != "中町" || office["lat"] != 35.71 || office["lon"] != 139.56 || office["date"] != "大正末期" {
		t.Fatalf("published photos %v", l.Items)
	}
	if station["date"] != "昭和40年代" || station["lat"] != nil {
		t.Errorf("the second photo %v", station)
	}
	if tower := titles["給水塔"]; tower == nil || tower["date"] != "昭和50年頃" || tower["lat"] != 35.7 || len(l.Items) != 3 {
		t.Errorf("the added photo %v (of %d)", tower, len(l.Items))
	}

	other := newBrowser(t, ts)
	other.login(t, "shisan-editor")
	if res := other.send(t, http.MethodGet, edit, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("another department's editor: %d", res.StatusCode)
	}
	if res := other.post(t, edit, url.Values{"title": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("another department's editor saving: %d", res.StatusCode)
	}
	for _, p := range []string{"/admin/datasets/bousai-photos/photos/99/edit", "/admin/datasets/bousai-draft/photos/1/edit"} {
		if res := b.send(t, http.MethodGet, p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, res.StatusCode)
		}
	}
}

// TestPlacePhotoOnMapInBrowser: on the correction page a click on the map
// writes the clicked point into the latitude and longitude fields, and a
// point typed there moves the marker; the page passes axe-core.
func TestPlacePhotoOnMapInBrowser(t *testing.T) {
	requireBrowser(t)
	ts := adminServer(t)
	if _, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "bousai-photos", Kind: catalog.KindPhoto, Department: "bousai",
		Meta: &catalog.Dataset{TitleJA: "防災の写真"}, Publish: true,
		Files: []datasets.File{{Name: "a.jpg", Data: bytes.NewReader(testJPEG(t, 300, 200))}}}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Errors     []string
		Violations []struct{ ID string }
		Expected   struct{ Lat, Lon float64 }
		Clicked    struct{ Lat, Lon string }
		Marker     *struct{ Lat, Lon float64 }
	}
	runBrowser(t, &rep, nil, "place.mjs", ts.URL, "bousai-editor", adminPassword, "/admin/datasets/bousai-photos/photos/1/edit")
	for _, e := range rep.Errors {
		t.Errorf("page error: %s", e)
	}
	for _, v := range rep.Violations {
		t.Errorf("axe: %s", v.ID)
	}
	lat, err1 := strconv.ParseFloat(rep.Clicked.Lat, 64)
	lon, err2 := strconv.ParseFloat(rep.Clicked.Lon, 64)
	if err1 != nil || err2 != nil || math.Abs(lat-rep.Expected.Lat) > 2e-4 || math.Abs(lon-rep.Expected.Lon) > 2e-4 { // about a pixel at zoom 12
		t.Errorf("the click wrote %+v, the map has %+v there", rep.Clicked, rep.Expected)
	}
	if rep.Marker == nil || math.Abs(rep.Marker.Lat-35.71) > 1e-3 || math.Abs(rep.Marker.Lon-139.56) > 1e-3 {
		t.Errorf("marker after typing 35.71, 139.56: %+v", rep.Marker)
	}
}
