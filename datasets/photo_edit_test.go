package datasets

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

func smallJPEG(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEditPhoto corrects one photo of a published archive: the new version
// is a draft whose edited record says what the clerk wrote (a point placed
// on the map included), every other record and every image unchanged; on
// an archive made of images alone the missing columns are added. Bad input
// is refused and stores nothing.
func TestEditPhoto(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	meta := "NO,名称,画像ファイル,撮影年月日,場所名称,説明\r\n1,駅前,a.jpg,昭和40年代,駅前,にぎわう駅前\r\n2,役場,b.jpg,1960,旧役場,木造\r\n"
	if _, err := im.Import(ctx, ImportRequest{Slug: "arch", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "m.csv", Data: strings.NewReader(meta)}, {Name: "a.jpg", Data: bytes.NewReader(smallJPEG(t, 10))},
			{Name: "b.jpg", Data: bytes.NewReader(smallJPEG(t, 200))}}}); err != nil {
		t.Fatal(err)
	}
	base, before := recordsOf(t, im, "arch")
	lat, lon := 35.7038, 139.57
	res, err := im.EditPhoto(ctx, PhotoEditRequest{Slug: "arch", Department: "bousai", Base: base, Row: 2, Actor: "clerk",
		Edit: PhotoEdit{Title: "旧役場の庁舎", Date: "大正末期", Place: "中町", Description: "木造2階建て", Lat: &lat, Lon: &lon}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := im.Store.DatasetBySlug(ctx, "arch")
	v, err := im.Store.Version(ctx, d.ID, res.Version)
	if err != nil {
		t.Fatal(err)
	}
	if v.Published != nil || d.CurrentVersion != base.Number {
		t.Errorf("the edit should be a draft: published %v, current %d", v.Published, d.CurrentVersion)
	}
	fields := typedFields(t, im, v)
	if len(fields) != 2 {
		t.Fatalf("%d records", len(fields))
	}
	got := fields[1]
	if got["title"] != "旧役場の庁舎" || got["date"] != "大正末期" || got["place"] != "中町" || got["description"] != "木造2階建て" ||
		got["lat"] != lat || got["lon"] != lon || got["image"] != "b.jpg" {
		t.Errorf("edited record %v", got)
	}
	if fields[0]["title"] != "駅前" || fields[0]["date"] != "昭和40年代" || fields[0]["lat"] != nil {
		t.Errorf("the other record changed: %v (before %v)", fields[0], before[0])
	}
	images := map[string]string{}
	for _, f := range base.Files {
		if f.Role == "image" {
			images[f.Name] = f.SHA256
		}
	}
	n := 0
	for _, f := range v.Files {
		if f.Role == "image" {
			n++
			if images[f.Name] != f.SHA256 {
				t.Errorf("image %s changed", f.Name)
			}
		}
	}
	if n != 2 || !v.HasGeometry {
		t.Errorf("%d images, geometry %v", n, v.HasGeometry)
	}

	// Images alone: the edit adds the columns.
	if _, err := im.Import(ctx, ImportRequest{Slug: "bare", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "c.jpg", Data: bytes.NewReader(smallJPEG(t, 90))}}}); err != nil {
		t.Fatal(err)
	}
	bare, _ := recordsOf(t, im, "bare")
	res, err = im.EditPhoto(ctx, PhotoEditRequest{Slug: "bare", Department: "bousai", Base: bare, Row: 1,
		Edit: PhotoEdit{Title: "給水塔", Place: "東町", Description: "解体前の給水塔", Date: "1972"}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = im.Store.DatasetBySlug(ctx, "bare")
	v, _ = im.Store.Version(ctx, d.ID, res.Version)
	if f := typedFields(t, im, v)[0]; f["title"] != "給水塔" || f["place"] != "東町" || f["description"] != "解体前の給水塔" || f["date"] != "1972" {
		t.Errorf("bare archive edit %v", f)
	}

	versions, _ := im.Store.Versions(ctx, d.ID)
	for name, e := range map[string]PhotoEdit{
		"no title":   {Place: "x"},
		"half point": {Title: "x", Lat: &lat},
		"off Earth":  {Title: "x", Lat: &lon, Lon: &lat}, // 139 is no latitude
		"bad date":   {Title: "x", Date: "いつか"},
	} {
		if _, err := im.EditPhoto(ctx, PhotoEditRequest{Slug: "bare", Department: "bousai", Base: bare, Row: 1, Edit: e}); catalog.KindOf(err) != catalog.Invalid {
			t.Errorf("%s: err %v, want Invalid", name, err)
		}
	}
	if _, err := im.EditPhoto(ctx, PhotoEditRequest{Slug: "bare", Department: "bousai", Base: bare, Row: 9, Edit: PhotoEdit{Title: "x"}}); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("unknown row: %v", err)
	}
	if after, _ := im.Store.Versions(ctx, d.ID); len(after) != len(versions) {
		t.Errorf("refused edits stored %d versions", len(after)-len(versions))
	}
}

// TestAddPhoto adds one photo to a published archive: a draft with the
// archive's photos and the new one, described as asked; a name the archive
// has already, a file that is no photo, and a bad description are refused.
func TestAddPhoto(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	meta := "NO,名称,画像ファイル,撮影年月日\r\n1,駅前,a.jpg,1968\r\n"
	if _, err := im.Import(ctx, ImportRequest{Slug: "arch", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "m.csv", Data: strings.NewReader(meta)}, {Name: "a.jpg", Data: bytes.NewReader(smallJPEG(t, 10))}}}); err != nil {
		t.Fatal(err)
	}
	base, _ := recordsOf(t, im, "arch")
	lat, lon := 35.7, 139.56
	res, err := im.AddPhoto(ctx, PhotoAddRequest{Slug: "arch", Department: "bousai", Base: base,
		Image: File{Name: `C:\\scans\\water-tower.JPG`, Data: bytes.NewReader(smallJPEG(t, 99))},
		Meta:  PhotoEdit{Title: "給水塔", Date: "昭和50年頃", Place: "東町", Lat: &lat, Lon: &lon}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := im.Store.DatasetBySlug(ctx, "arch")
	v, _ := im.Store.Version(ctx, d.ID, res.Version)
	fields := typedFields(t, im, v)
	if len(fields) != 2 || fields[0]["title"] != "駅前" || fields[1]["title"] != "給水塔" || fields[1]["image"] != "water-tower.JPG" ||
		fields[1]["date"] != "昭和50年頃" || fields[1]["lat"] != lat {
		t.Fatalf("records %v", fields)
	}
	if v.Published != nil || len(v.Files) != 3 {
		t.Errorf("draft %v with %d files", v.Published, len(v.Files))
	}
	for name, req := range map[string]PhotoAddRequest{
		"same name":  {Image: File{Name: "a.jpg", Data: bytes.NewReader(smallJPEG(t, 1))}, Meta: PhotoEdit{Title: "x"}},
		"not photo":  {Image: File{Name: "notes.txt", Data: strings.NewReader("x")}, Meta: PhotoEdit{Title: "x"}},
		"no title":   {Image: File{Name: "b.jpg", Data: bytes.NewReader(smallJPEG(t, 1))}},
		"bad period": {Image: File{Name: "b.jpg", Data: bytes.NewReader(smallJPEG(t, 1))}, Meta: PhotoEdit{Title: "x", Date: "むかし"}},
	} {
		req.Slug, req.Department, req.Base = "arch", "bousai", base
		if _, err := im.AddPhoto(ctx, req); catalog.KindOf(err) != catalog.Invalid {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
}
