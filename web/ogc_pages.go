package web

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// The OGC API's metadata resources: the landing page, the conformance
// declaration, the collections and their queryables.

// ogcPageView is every /ogc resource as a page: the sections a resource
// has are set, the others empty.
type ogcPageView struct {
	Title       string
	Description string
	Crumbs      []ogcLink // from the landing page to the resource's parent
	Links       []ogcLink
	Conformance []string
	Collections []collectionDoc
	Collection  *collectionDoc
	Queryables  []ogcProperty
	Properties  []ogcProperty // the columns of Features
	Features    []ogcFeatureRow
	// Items pages: how many features match, which are shown, and the
	// neighbouring pages.
	Items             bool
	Matched, From, To int
	Prev, Next        string
	Operations        []ogcOperation
}

// ogcFeatureRow is one feature in a page's table.
type ogcFeatureRow struct {
	ID       int
	URL      string
	Geometry string // its type, and the coordinates of a point
	Values   []string
}

// ogcOperation is one path of the OpenAPI document, on its page.
type ogcOperation struct {
	Method, Path, Summary string
}

// landingDoc is the landing page as JSON.
type landingDoc struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Links       []ogcLink `json:"links"`
}

func (s *Server) ogcTitle() string {
	return s.cfg.City.NameJA + " オープンデータ OGC API - Features"
}

func (s *Server) ogcLanding(c *gin.Context) error {
	html, err := ogcRequest(c)
	if err != nil {
		return err
	}
	links := append(s.selfLinks("", mtJSON, html),
		ogcLink{Href: s.ogcURL("/api"), Rel: "service-desc", Type: mtOpenAPI, Title: "API の定義（OpenAPI 3.0）"},
		ogcLink{Href: s.ogcURL("/api?f=html"), Rel: "service-doc", Type: mtHTML, Title: "API の説明"},
		ogcLink{Href: s.ogcURL("/conformance"), Rel: "conformance", Type: mtJSON, Title: "適合クラス"},
		ogcLink{Href: s.ogcURL("/conformance"), Rel: "http://www.opengis.net/def/rel/ogc/1.0/conformance", Type: mtJSON, Title: "適合クラス"},
		ogcLink{Href: s.ogcURL("/collections"), Rel: "data", Type: mtJSON, Title: "コレクション"},
		ogcLink{Href: s.ogcURL("/collections"), Rel: "http://www.opengis.net/def/rel/ogc/1.0/data", Type: mtJSON, Title: "コレクション"},
	)
	doc := landingDoc{Title: s.ogcTitle(), Links: links,
		Description: s.cfg.City.NameJA + "が公開する位置情報つきのデータ（施設、避難場所、イベントなど）を、OGC API - Features で提供します。座標は世界測地系（WGS 84）の経度・緯度です。"}
	return s.ogcAnswer(c, html, mtJSON, doc, &ogcPageView{Title: doc.Title, Description: doc.Description, Links: links})
}

func (s *Server) ogcConformance(c *gin.Context) error {
	html, err := ogcRequest(c)
	if err != nil {
		return err
	}
	links := s.selfLinks("/conformance", mtJSON, html)
	doc := struct {
		ConformsTo []string  `json:"conformsTo"`
		Links      []ogcLink `json:"links"`
	}{ogcConformance, links}
	return s.ogcAnswer(c, html, mtJSON, doc, &ogcPageView{Title: "適合クラス", Crumbs: s.ogcCrumbs()[:1],
		Links: links, Conformance: ogcConformance})
}

// collectionDoc is a collection's metadata as JSON.
type collectionDoc struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Keywords    []string   `json:"keywords,omitempty"`
	Links       []ogcLink  `json:"links"`
	Extent      *ogcExtent `json:"extent,omitempty"`
	ItemType    string     `json:"itemType"`
	CRS         []string   `json:"crs"`
}

type ogcExtent struct {
	Spatial  *ogcSpatial  `json:"spatial,omitempty"`
	Temporal *ogcTemporal `json:"temporal,omitempty"`
}

type ogcSpatial struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type ogcTemporal struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// collectionDoc describes a collection. Its dates are calendar days in
// Japan, so its temporal extent runs from the first day's start to the
// last day's end in Japan's time.
func (s *Server) collectionDoc(info collectionInfo, html bool) collectionDoc {
	path := "/collections/" + info.ID
	doc := collectionDoc{ID: info.ID, Title: info.Title, Description: info.Description, Keywords: info.Keywords,
		ItemType: "feature", CRS: []string{crs84}}
	doc.Links = append(s.selfLinks(path, mtJSON, html),
		ogcLink{Href: s.ogcURL(path + "/items"), Rel: "items", Type: mtGeoJSON, Title: "地物（GeoJSON）"},
		ogcLink{Href: s.ogcURL(path + "/items?f=html"), Rel: "items", Type: mtHTML, Title: "地物（HTML）"},
		ogcLink{Href: s.ogcURL(path + "/queryables"), Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mtSchema, Title: "絞り込みに使える項目"},
	)
	if info.License.URL != "" {
		doc.Links = append(doc.Links, ogcLink{Href: info.License.URL, Rel: "license", Type: mtHTML, Title: info.License.TitleJA})
	}
	if info.PageURL != "" {
		doc.Links = append(doc.Links, ogcLink{Href: info.PageURL, Rel: "describedby", Type: mtHTML, Title: "データセットのページ"})
	}
	if info.DownloadURL != "" {
		doc.Links = append(doc.Links, ogcLink{Href: info.DownloadURL, Rel: "enclosure", Type: mtGeoJSON, Title: "全件のダウンロード（GeoJSON）"})
	}
	if info.BBox != nil || info.First != "" {
		doc.Extent = &ogcExtent{}
	}
	if b := info.BBox; b != nil {
		doc.Extent.Spatial = &ogcSpatial{BBox: [][4]float64{*b}, CRS: crs84}
	}
	if info.First != "" {
		first, last := info.First+"T00:00:00+09:00", info.Last+"T23:59:59+09:00"
		doc.Extent.Temporal = &ogcTemporal{Interval: [][2]*string{{&first, &last}}, TRS: trsGregorian}
	}
	return doc
}

func (s *Server) ogcCollectionsList(c *gin.Context) error {
	html, err := ogcRequest(c)
	if err != nil {
		return err
	}
	colls, err := s.ogcCollections(c.Request.Context())
	if err != nil {
		return err
	}
	docs := make([]collectionDoc, len(colls))
	for i, fc := range colls {
		docs[i] = s.collectionDoc(fc.describe(), false)
	}
	links := s.selfLinks("/collections", mtJSON, html)
	doc := struct {
		Links       []ogcLink       `json:"links"`
		Collections []collectionDoc `json:"collections"`
	}{links, docs}
	return s.ogcAnswer(c, html, mtJSON, doc, &ogcPageView{Title: "コレクション", Crumbs: s.ogcCrumbs()[:1],
		Links: links, Collections: docs})
}

func (s *Server) ogcCollectionShow(c *gin.Context) error {
	html, _, info, err := s.routeCollection(c)
	if err != nil {
		return err
	}
	doc := s.collectionDoc(info, html)
	return s.ogcAnswer(c, html, mtJSON, doc, &ogcPageView{Title: info.Title, Description: info.Description,
		Crumbs: s.ogcCrumbs(), Links: doc.Links, Collection: &doc})
}

// ogcQueryables is a collection's queryables (OGC API - Features Part 3):
// a JSON Schema of the properties that name=value filters on.
func (s *Server) ogcQueryables(c *gin.Context) error {
	html, _, info, err := s.routeCollection(c)
	if err != nil {
		return err
	}
	path := "/collections/" + info.ID + "/queryables"
	props := map[string]map[string]string{}
	for _, p := range info.Properties {
		props[p.Name] = map[string]string{"title": p.Name, "type": p.Type}
		if p.Format != "" {
			props[p.Name]["format"] = p.Format
		}
	}
	links := s.selfLinks(path, mtSchema, html)
	doc := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": s.ogcURL(path),
		"type": "object", "title": info.Title, "properties": props, "additionalProperties": false,
		"links": links,
	}
	return s.ogcAnswer(c, html, mtSchema, doc, &ogcPageView{Title: info.Title + "：絞り込みに使える項目",
		Crumbs: s.ogcCrumbs(ogcLink{Href: "/ogc/collections/" + info.ID + "?f=html", Title: info.Title}), Links: links, Queryables: info.Properties})
}

// ogcCrumbs are the breadcrumbs of a page: the landing page, then the
// collections, then more.
func (s *Server) ogcCrumbs(more ...ogcLink) []ogcLink {
	return append([]ogcLink{{Href: "/ogc?f=html", Title: "OGC API"}, {Href: "/ogc/collections?f=html", Title: "コレクション"}}, more...)
}

// ogcRequest reads what every /ogc request may carry: f (json or html) and
// lang, the portal's language switch; any other parameter is refused, as
// the standard asks of parameters a server does not know. It tells whether
// to answer HTML.
// routeCollection reads the request for one collection's resource: the
// format asked for (only f and lang are accepted) and the route's
// collection. NotFound for an unknown collection.
func (s *Server) routeCollection(c *gin.Context) (html bool, fc featureCollection, info collectionInfo, err error) {
	if html, err = ogcRequest(c); err != nil {
		return false, nil, info, err
	}
	if fc, err = s.ogcCollection(c.Request.Context(), c.Param("id")); err != nil {
		return false, nil, info, err
	}
	return html, fc, fc.describe(), nil
}

func ogcRequest(c *gin.Context) (bool, error) {
	for k := range c.Request.URL.Query() {
		if k != "f" && k != "lang" {
			return false, catalog.Errorf(catalog.Invalid, "unknown parameter %q", k)
		}
	}
	return ogcWantsHTML(c)
}

// geometrySummary names a geometry for a page: its type, and a point's
// coordinates.
func geometrySummary(g map[string]any) string {
	t, _ := g["type"].(string)
	if c, ok := g["coordinates"].([]any); ok && t == "Point" && len(c) >= 2 {
		return fmt.Sprintf("Point (%v, %v)", c[0], c[1])
	}
	if t == "" {
		return "なし"
	}
	return t
}

// featureURL is the URL of a feature of a collection.
func (s *Server) featureURL(coll string, id int) string {
	return s.ogcURL("/collections/" + coll + "/items/" + strconv.Itoa(id))
}
