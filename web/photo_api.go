package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// photoItem is a photo as the API gives it: the Dublin Core terms (title,
// description, subject, creator, date, coverage as place and point,
// rights), what to cite, and where its images are.
type photoItem struct {
	ID          string          `json:"id"`
	Title       photoTitle      `json:"title"`
	Description string          `json:"description,omitempty"`
	Subject     []string        `json:"subject,omitempty"`
	Creator     string          `json:"creator,omitempty"`
	Date        string          `json:"date,omitempty"` // as written: 昭和40年代
	DateRange   *photoDateRange `json:"date_range,omitempty"`
	Place       string          `json:"place,omitempty"`
	Lat         *float64        `json:"lat,omitempty"`
	Lon         *float64        `json:"lon,omitempty"`
	Department  string          `json:"department"`
	Dataset     string          `json:"dataset"`
	License     string          `json:"license"`
	Rights      string          `json:"rights,omitempty"` // the licence's URL
	Credit      string          `json:"credit"`
	URL         string          `json:"url"` // the photo's page
	Thumbnail   string          `json:"thumbnail"`
	IIIF        photoIIIF       `json:"iiif"`
}

type photoTitle struct {
	JA string `json:"ja"`
	EN string `json:"en,omitempty"`
}

// photoDateRange is the days a date may mean: 昭和40年代 is 1965-01-01 to
// 1974-12-31.
type photoDateRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type photoIIIF struct {
	Info     string `json:"info"`
	Manifest string `json:"manifest"`
}

func (s *Server) photoItem(p *photo) photoItem {
	base := s.photoService(p)
	it := photoItem{ID: p.ID, Title: photoTitle{p.Title, p.TitleEN}, Description: p.Description, Subject: p.Subjects,
		Creator: p.Creator, Date: p.Date, Place: p.Place, Department: p.Dataset.Department, Dataset: p.Dataset.Slug,
		License: p.Dataset.License, Rights: licenseURL(p.Dataset), Credit: s.credit(p),
		URL: s.cfg.BaseURL + "/photos/" + p.ID, Thumbnail: s.cfg.BaseURL + s.thumbnailPath(p),
		IIIF: photoIIIF{Info: base + "/info.json", Manifest: base + "/manifest.json"}}
	if p.From != "" {
		it.DateRange = &photoDateRange{p.From, p.To}
	}
	if p.HasPoint {
		it.Lat, it.Lon = &p.Lat, &p.Lon
	}
	return it
}

// thumbnailPath is the IIIF URL path of p's thumbnail: 200 pixels wide, or
// the full size of a narrower image (nothing is upscaled).
func (s *Server) thumbnailPath(p *photo) string {
	if w, _, err := s.images.size(p.File.SHA256); err == nil && w > thumbnailWidth {
		return "/iiif/" + p.ID + "/full/200,/0/default.jpg"
	}
	return "/iiif/" + p.ID + "/full/max/0/default.jpg"
}

// findPhotos reads a search from the request and runs it.
func (s *Server) findPhotos(c *gin.Context, perPage int) (*photoQuery, []*photo, error) {
	q, err := parsePhotoQuery(c.Query, perPage)
	if err != nil {
		return nil, nil, err
	}
	set, err := s.photoSet(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	return q, q.find(set), nil
}

// listPhotos is GET /api/v1/photos.
func (s *Server) listPhotos(c *gin.Context) error {
	q, found, err := s.findPhotos(c, 20)
	if err != nil {
		return err
	}
	page := q.pageOf(found)
	items := make([]photoItem, len(page))
	for i, p := range page {
		items[i] = s.photoItem(p)
	}
	c.JSON(http.StatusOK, gin.H{"total": len(found), "page": q.Page, "per_page": q.PerPage, "items": items})
	return nil
}

// photosGeoJSONOf is the GeoJSON of one photo dataset's placed photos.
func photosGeoJSONOf(slug string) string {
	return "/api/v1/photos.geojson?" + url.Values{"dataset": {slug}}.Encode()
}

// maxPhotoFeatures bounds a GeoJSON answer: a map of a whole city's
// archive, not of any number of them.
const maxPhotoFeatures = 10_000

// photosGeoJSON is GET /api/v1/photos.geojson: the photos found that have
// a point, for maps, without paging (up to maxPhotoFeatures).
func (s *Server) photosGeoJSON(c *gin.Context) error {
	_, found, err := s.findPhotos(c, maxPerPage)
	if err != nil {
		return err
	}
	type feature struct {
		Type       string         `json:"type"`
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties photoItem      `json:"properties"`
	}
	features := []feature{}
	matched := 0
	for _, p := range found {
		if !p.HasPoint {
			continue
		}
		if matched++; len(features) < maxPhotoFeatures {
			features = append(features, feature{Type: "Feature", ID: p.ID,
				Geometry:   map[string]any{"type": "Point", "coordinates": []float64{p.Lon, p.Lat}},
				Properties: s.photoItem(p)})
		}
	}
	body, err := marshalJSON(gin.H{"type": "FeatureCollection", "numberMatched": matched,
		"numberReturned": len(features), "features": features})
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/geo+json", body)
	return nil
}
