package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// newPhotoServer serves the demo catalog plus "big-photos", one photo of
// 1200×900 so that every pre-generated width exists (the demo's
// placeholders are 640 wide, narrower than the display width).
func newPhotoServer(t *testing.T) *testServer {
	t.Helper()
	ts := newDemoServer(t)
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for x := 0; x < 1200; x++ {
		for y := 0; y < 900; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	csv := "NO,名称,画像ファイル,撮影年月日,場所名称,説明\r\n7,大きな写真,big.jpg,1975-05-05,中央公園,試験用の写真\r\n"
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "big-photos", Kind: catalog.KindPhoto,
		Department: "shisan", Meta: &catalog.Dataset{TitleJA: "大きな写真", License: "CC-BY-4.0"}, Publish: true,
		Files: []datasets.File{{Name: "big.csv", Data: strings.NewReader(csv)}, {Name: "big.jpg", Data: bytes.NewReader(jpg.Bytes())}}})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestPhotoDerivatives(t *testing.T) {
	ts := newPhotoServer(t)
	tests := []struct {
		name, path string
		w, h       int
	}{
		{"thumbnail", "/iiif/big-photos-7/full/200,/0/default.jpg", 200, 150},
		{"display", "/iiif/big-photos-7/full/800,/0/default.jpg", 800, 600},
		{"full", "/iiif/big-photos-7/full/1200,/0/default.jpg", 1200, 900},
		{"max", "/iiif/big-photos-7/full/max/0/default.jpg", 1200, 900},
		// Image API 3.0's canonical form, what OpenSeadragon asks for.
		{"thumbnail as w,h", "/iiif/big-photos-7/full/200,150/0/default.jpg", 200, 150},
		{"display as w,h", "/iiif/big-photos-7/full/800,600/0/default.jpg", 800, 600},
		{"full as w,h", "/iiif/big-photos-7/full/1200,900/0/default.jpg", 1200, 900},
		{"display as ,h", "/iiif/big-photos-7/full/,600/0/default.jpg", 800, 600},
		{"demo thumbnail", "/iiif/photo-archive-1/full/200,/0/default.jpg", 200, 150},
		{"demo full", "/iiif/photo-archive-1/full/max/0/default.jpg", 640, 480},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, tt.path)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			cfg, err := jpeg.DecodeConfig(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width != tt.w || cfg.Height != tt.h {
				t.Errorf("%dx%d, want %dx%d", cfg.Width, cfg.Height, tt.w, tt.h)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}

func TestPhotoDerivativeCacheAndETag(t *testing.T) {
	ts := newPhotoServer(t)
	const path = "/iiif/big-photos-7/full/800,/0/default.jpg"
	first := ts.get(t, path)
	body1 := readAll(t, first.Body)
	// The display size and the thumbnail are made together, from one decode.
	made := ts.srv.images.encodes.Load()
	if made != 2 {
		t.Fatalf("%d encodes after the first request, want 2", made)
	}
	second := ts.get(t, path)
	if body2 := readAll(t, second.Body); !bytes.Equal(body1, body2) {
		t.Error("the second answer differs from the first")
	}
	ts.get(t, "/iiif/big-photos-7/full/200,/0/default.jpg")
	if n := ts.srv.images.encodes.Load(); n != made {
		t.Errorf("the second request or the thumbnail encoded again (%d encodes)", n)
	}
	etag := first.Header.Get("ETag")
	if etag == "" || etag != second.Header.Get("ETag") {
		t.Fatalf("ETags %q, %q", etag, second.Header.Get("ETag"))
	}
	if res := ts.get(t, path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
}

func TestPhotoImageRefusals(t *testing.T) {
	ts := newPhotoServer(t)
	tests := []struct {
		path   string
		status int
	}{
		{"/iiif/big-photos-7/full/300,/0/default.jpg", 400}, // not a listed size
		{"/iiif/big-photos-7/full/,200/0/default.jpg", 400},
		{"/iiif/big-photos-7/full/200,151/0/default.jpg", 400}, // a listed width, another height
		{"/iiif/big-photos-7/full/,/0/default.jpg", 400},
		{"/iiif/big-photos-7/full/200/0/default.jpg", 400},
		{"/iiif/big-photos-7/full/^max/0/default.jpg", 400}, // upscaling is not level 0
		{"/iiif/big-photos-7/full/pct:50/0/default.jpg", 400},
		{"/iiif/big-photos-7/full/200,/90/default.jpg", 400},
		{"/iiif/big-photos-7/full/200,/0/gray.jpg", 400},
		{"/iiif/big-photos-7/full/200,/0/default.png", 400},
		{"/iiif/big-photos-99/full/200,/0/default.jpg", 404},
		{"/iiif/no-such-1/info.json", 404},
		{"/iiif/nodash/info.json", 404},
		{"/iiif/events-1/info.json", 404}, // a dataset, but not of photos
		{"/iiif/big-photos-99/manifest.json", 404},
		{"/iiif/datasets/events/manifest.json", 404},
		{"/iiif/datasets/no-such/manifest.json", 404},
	}
	for _, tt := range tests {
		if res := ts.get(t, tt.path); res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, res.StatusCode, tt.status)
		}
	}
}

func TestIIIFInfo(t *testing.T) {
	ts := newPhotoServer(t)
	res := ts.get(t, "/iiif/big-photos-7/info.json")
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("status %d, CORS %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
	var info map[string]any
	decode(t, res, &info)
	want := map[string]any{
		"@context": "http://iiif.io/api/image/3/context.json", "id": "http://portal.test/iiif/big-photos-7",
		"type": "ImageService3", "protocol": "http://iiif.io/api/image", "profile": "level0",
		"width": 1200.0, "height": 900.0,
	}
	for k, v := range want {
		if info[k] != v {
			t.Errorf("%s = %v, want %v", k, info[k], v)
		}
	}
	szs, _ := info["sizes"].([]any)
	var got []string
	for _, s := range szs {
		m := s.(map[string]any)
		got = append(got, jsonNum(m["width"])+"x"+jsonNum(m["height"]))
	}
	if strings.Join(got, " ") != "200x150 800x600 1200x900" {
		t.Errorf("sizes %v", got)
	}
	// Every listed size is served.
	for _, s := range szs {
		w := jsonNum(s.(map[string]any)["width"])
		if res := ts.get(t, "/iiif/big-photos-7/full/"+w+",/0/default.jpg"); res.StatusCode != 200 {
			t.Errorf("size %s: status %d", w, res.StatusCode)
		}
	}
}

func TestPhotoGallery(t *testing.T) {
	ts := newPhotoServer(t)
	doc := ts.page(t, "/photos", 200)
	cards := doc.Find(".gallery .photo-card")
	if cards.Length() != photoPerPage {
		t.Fatalf("%d photos on page 1, want %d", cards.Length(), photoPerPage)
	}
	first := cards.First()
	href, _ := first.Find("a").Attr("href")
	src, _ := first.Find("img").Attr("src")
	alt, _ := first.Find("img").Attr("alt")
	if !strings.HasPrefix(href, "/photos/") || !strings.HasSuffix(src, "/full/200,/0/default.jpg") || alt == "" {
		t.Errorf("first card: href %q src %q alt %q", href, src, alt)
	}
	if !strings.Contains(first.Find(".caption").Text(), alt) {
		t.Errorf("caption %q lacks the title %q", first.Find(".caption").Text(), alt)
	}
	if ts.page(t, "/photos", 200).Find(`nav a[rel="next"]`).Length() != 1 {
		t.Error("no next page link: 25 photos need two pages")
	}
	page2 := ts.page(t, "/photos?page=2", 200)
	if n := page2.Find(".gallery .photo-card").Length(); n != 1 {
		t.Errorf("%d photos on page 2, want 1", n)
	}
	if page2.Find(`nav a[rel="prev"]`).Length() != 1 {
		t.Error("no previous page link on page 2")
	}
	ts.page(t, "/photos?page=x", 400)
	if doc.Find(`nav a[href="/photos"]`).Length() == 0 {
		t.Error("写真 is not in the navigation")
	}
}

func TestPhotoPage(t *testing.T) {
	ts := newPhotoServer(t)
	doc := ts.page(t, "/photos/photo-archive-2", 200)
	if h := doc.Find("h1").Text(); h != "昭和40年代の駅前商店街" {
		t.Errorf("h1 %q", h)
	}
	img := doc.Find("figure.photo img")
	src, _ := img.Attr("src")
	alt, _ := img.Attr("alt")
	if src != "/iiif/photo-archive-2/full/640,/0/default.jpg" || alt != "昭和40年代の駅前商店街" {
		t.Errorf("img src %q alt %q", src, alt)
	}
	meta := map[string]string{}
	for i := range doc.Find(".photo-meta dt").Nodes {
		dt := doc.Find(".photo-meta dt").Eq(i)
		meta[dt.Text()] = dt.Next().Text()
	}
	if meta["撮影年月日"] != "昭和40年代" || meta["場所名称"] != "みどり野駅北口" || !strings.Contains(meta["説明"], "商店街") {
		t.Errorf("metadata %v", meta)
	}
	credit := doc.Find("#credit").Text()
	if !strings.Contains(credit, "昭和40年代の駅前商店街") || !strings.Contains(credit, "クリエイティブ・コモンズ") {
		t.Errorf("credit %q", credit)
	}
	orig, _ := doc.Find("a.original").Attr("href")
	if res := ts.get(t, orig); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("original %s: status %d, %s", orig, res.StatusCode, res.Header.Get("Content-Type"))
	}
	man, _ := doc.Find("a.manifest").Attr("href")
	if man != "/iiif/photo-archive-2/manifest.json" {
		t.Errorf("manifest link %q", man)
	}
	ts.page(t, "/photos/photo-archive-999", 404)
	ts.page(t, "/photos/events-1", 404)
}

func jsonNum(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}
