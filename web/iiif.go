package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// IIIF: every photo is an Image API 3.0 level 0 service (info.json and the
// pre-generated sizes only) and a Presentation API 3.0 manifest; a photo
// dataset is a manifest with one canvas per photo. Viewers (Mirador,
// Universal Viewer) load these from other origins, hence CORS on all of it.

const (
	iiifImageContext        = "http://iiif.io/api/image/3/context.json"
	iiifPresentationContext = "http://iiif.io/api/presentation/3/context.json"
	// derivativeMaxAge: a photo id's image changes only with a new
	// version, rarely, and the ETag (the original's hash and the width)
	// revalidates it then; a week spares the server the rest.
	derivativeMaxAge = "public, max-age=604800"
	// infoMaxAge: info.json changes with the image too, and its ETag is
	// its bytes; a day, as viewers fetch it before every image.
	infoMaxAge = "public, max-age=86400"
	// manifestMaxAge: a manifest carries metadata an editor may correct
	// without a new version; an hour.
	manifestMaxAge = "public, max-age=3600"
)

func iiifHeaders(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
}

// photoService is the photo's Image API base URI.
func (s *Server) photoService(p *photo) string { return s.cfg.BaseURL + "/iiif/" + p.ID }

// iiifInfo is GET /iiif/{photo}/info.json.
func (s *Server) iiifInfo(c *gin.Context) error {
	iiifHeaders(c)
	p, err := s.photoByID(c.Request.Context(), c.Param("photo"))
	if err != nil {
		return err
	}
	w, h, err := s.images.size(p.File.SHA256)
	if err != nil {
		return err
	}
	body, err := marshalJSON(map[string]any{
		"@context": iiifImageContext, "id": s.photoService(p), "type": "ImageService3",
		"protocol": "http://iiif.io/api/image", "profile": "level0",
		"width": w, "height": h, "sizes": sizes(w, h),
	})
	if err != nil {
		return err
	}
	serveIIIFJSON(c, body, `application/ld+json;profile="`+iiifImageContext+`"`, infoMaxAge)
	return nil
}

// serveIIIFJSON answers a IIIF document with an ETag made of its bytes, so
// that a viewer revalidating gets 304, and a lifetime.
func serveIIIFJSON(c *gin.Context, body []byte, contentType, maxAge string) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", maxAge)
	if _, match := ifNoneMatch(c.Request, etag); match {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, body)
}

// iiifImage is GET /iiif/{photo}/full/{size}/{rotation}/{quality}.{format}
// for the level 0 subset: region full, size "w," of a listed size or "max",
// rotation 0, default.jpg. Anything else is a request this server cannot
// answer: 400, as the Image API asks.
func (s *Server) iiifImage(c *gin.Context) error {
	iiifHeaders(c)
	p, err := s.photoByID(c.Request.Context(), c.Param("photo"))
	if err != nil {
		return err
	}
	if c.Param("rotation") != "0" || c.Param("file") != "default.jpg" {
		return catalog.Errorf(catalog.Invalid, "only rotation 0 and default.jpg are served (IIIF level 0)")
	}
	w, h, err := s.images.size(p.File.SHA256)
	if err != nil {
		return err
	}
	width := level0Width(c.Param("size"), w, h)
	if width == 0 {
		return catalog.Errorf(catalog.Invalid, "size %q is not one of the sizes listed in info.json", c.Param("size"))
	}
	f, err := s.images.open(p.File.SHA256, width)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", "image/jpeg")
	hd.Set("ETag", fmt.Sprintf(`"%s-%d"`, p.File.SHA256, width))
	hd.Set("Cache-Control", derivativeMaxAge)
	// ServeContent answers If-None-Match with 304 and serves ranges.
	http.ServeContent(c.Writer, c.Request, "", st.ModTime(), f)
	return nil
}

// level0Width is the width of the pre-generated size that a IIIF size
// parameter names for an image of w×h, or 0 for none. Image API 3.0 names a
// size listed in info.json as "w,h" (its canonical form, what viewers such
// as OpenSeadragon ask for), and the whole image as "max"; "w," and ",h"
// name the same sizes by one side.
func level0Width(param string, w, h int) int {
	if param == "max" {
		return w
	}
	ws, hs, ok := strings.Cut(param, ",")
	if !ok || ws == "" && hs == "" {
		return 0
	}
	for _, is := range sizes(w, h) {
		if (ws == "" || ws == strconv.Itoa(is.Width)) && (hs == "" || hs == strconv.Itoa(is.Height)) {
			return is.Width
		}
	}
	return 0
}

// iiifLang is a IIIF language map (named apart from the pages' lang).
type iiifLang map[string][]string

func langMap(ja, en string) iiifLang {
	return iiifLang{"ja": {ja}, "en": {cmp.Or(en, ja)}}
}

type labelValue struct {
	Label iiifLang `json:"label"`
	Value iiifLang `json:"value"`
}

// canvas builds the photo's Canvas: the display size painted on it, with
// the image service for viewers that zoom.
func (s *Server) canvas(p *photo) (map[string]any, error) {
	w, h, err := s.images.size(p.File.SHA256)
	if err != nil {
		return nil, err
	}
	szs := sizes(w, h)
	disp := szs[len(szs)-1]
	for _, z := range szs {
		if z.Width == displayWidth {
			disp = z
		}
	}
	base := s.photoService(p)
	service := []map[string]any{{"id": base, "type": "ImageService3", "profile": "level0"}}
	return map[string]any{
		"id": base + "/canvas/1", "type": "Canvas", "label": langMap(p.Title, p.TitleEN),
		"width": w, "height": h,
		"thumbnail": []map[string]any{{"id": fmt.Sprintf("%s/full/%d,/0/default.jpg", base, szs[0].Width),
			"type": "Image", "format": "image/jpeg", "width": szs[0].Width, "height": szs[0].Height, "service": service}},
		"items": []map[string]any{{
			"id": base + "/page/1", "type": "AnnotationPage",
			"items": []map[string]any{{
				"id": base + "/annotation/1", "type": "Annotation", "motivation": "painting",
				"target": base + "/canvas/1",
				"body": map[string]any{
					"id":   fmt.Sprintf("%s/full/%d,/0/default.jpg", base, disp.Width),
					"type": "Image", "format": "image/jpeg", "width": disp.Width, "height": disp.Height,
					"service": service,
				},
			}},
		}},
	}, nil
}

// manifest builds a Manifest around canvases, with the dataset's rights.
func (s *Server) manifest(id string, label iiifLang, d *catalog.Dataset, meta []labelValue, credit string, items []map[string]any) map[string]any {
	m := map[string]any{
		"@context": iiifPresentationContext, "id": id, "type": "Manifest", "label": label,
		"metadata": meta,
		"requiredStatement": labelValue{Label: langMap("クレジット", "Attribution"),
			Value: iiifLang{"ja": {credit}}},
		"homepage": []map[string]any{{"id": s.cfg.BaseURL + "/datasets/" + d.Slug, "type": "Text",
			"label": langMap(d.TitleJA, d.TitleEN), "format": "text/html"}},
		"items": items,
	}
	if u := licenseURL(d); u != "" {
		m["rights"] = u
	}
	return m
}

func (s *Server) serveManifest(c *gin.Context, m map[string]any) error {
	body, err := marshalJSON(m)
	if err != nil {
		return err
	}
	serveIIIFJSON(c, body, `application/ld+json;profile="`+iiifPresentationContext+`"`, manifestMaxAge)
	return nil
}

// photoManifest is GET /iiif/{photo}/manifest.json.
func (s *Server) photoManifest(c *gin.Context) error {
	iiifHeaders(c)
	p, err := s.photoByID(c.Request.Context(), c.Param("photo"))
	if err != nil {
		return err
	}
	cv, err := s.canvas(p)
	if err != nil {
		return err
	}
	var meta []labelValue
	add := func(ja, en, v string) {
		if v != "" {
			meta = append(meta, labelValue{Label: langMap(ja, en), Value: iiifLang{"ja": {v}}})
		}
	}
	add("名称", "Title", p.Title)
	add("撮影年月日", "Date", p.Date)
	add("場所名称", "Place", p.Place)
	add("説明", "Description", p.Description)
	add("撮影者", "Creator", p.Creator)
	add("データセット", "Dataset", p.Dataset.TitleJA)
	return s.serveManifest(c, s.manifest(s.photoService(p)+"/manifest.json", langMap(p.Title, p.TitleEN),
		p.Dataset, meta, s.credit(p), []map[string]any{cv}))
}

// datasetManifest is GET /iiif/datasets/{id}/manifest.json: every photo of
// a photo dataset, one canvas each.
func (s *Server) datasetManifest(c *gin.Context) error {
	iiifHeaders(c)
	ctx := c.Request.Context()
	d, v, err := s.published(c)
	if err != nil {
		return err
	}
	if d.Kind != catalog.KindPhoto {
		return catalog.Errorf(catalog.NotFound, "%q is not a photo dataset", d.Slug)
	}
	items, err := s.canvases(ctx, d, v)
	if err != nil {
		return err
	}
	meta := []labelValue{
		{Label: langMap("説明", "Description"), Value: langMap(d.DescriptionJA, d.DescriptionEN)},
		{Label: langMap("写真の数", "Photos"), Value: iiifLang{"none": {strconv.Itoa(len(items))}}},
	}
	credit := fmt.Sprintf("%s（%s）", d.TitleJA, s.cfg.City.NameJA)
	if l, ok := catalog.LicenseByID(d.License); ok {
		credit += l.TitleJA
	}
	return s.serveManifest(c, s.manifest(s.cfg.BaseURL+"/iiif/datasets/"+d.Slug+"/manifest.json",
		langMap(d.TitleJA, d.TitleEN), d, meta, credit, items))
}

func (s *Server) canvases(ctx context.Context, d *catalog.Dataset, v *catalog.Version) ([]map[string]any, error) {
	ps, err := s.photosOf(ctx, d, v)
	if err != nil {
		return nil, err
	}
	items := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		cv, err := s.canvas(p)
		if err != nil {
			return nil, err
		}
		items = append(items, cv)
	}
	return items, nil
}
