package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// The map page: every published dataset with geometry, and every unified
// layer (統合レイヤー), as a layer over the base map (GSI's standard tiles
// by default). The page is useful without JavaScript (the layers, their
// legend and downloads are a list); with it, web/static/map.js draws them
// with MapLibre GL JS, embedded from npm (web/assets). Our layers are drawn
// whether or not the base map loads.

// mapLayer is one layer of the map page.
type mapLayer struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	TitleLang lang   `json:"lang"` // the title's language
	Kind      string `json:"kind"`
	Color     string `json:"color"`
	DataURL   string `json:"url"`  // the layer as GeoJSON
	PageURL   string `json:"page"` // what the layer is, for people
}

// kindColors are the layers' colours by kind, from ColorBrewer's
// colour-blind-safe "Dark2" scheme; the legend also names each layer, so
// colour is never the only cue (WCAG 1.4.1).
var kindColors = map[catalog.Kind]string{
	catalog.KindEvacuation: "#d95f02",
	catalog.KindFacility:   "#1b9e77",
	catalog.KindEvent:      "#7570b3",
	catalog.KindPhoto:      "#e7298a",
	catalog.KindLayer:      "#66a61e",
	catalog.KindTable:      "#666666",
}

// unifiedColor is the colour of the unified layers (統合レイヤー), the
// scheme's brown.
const unifiedColor = "#a6761d"

// BaseMap is the background of the map: an XYZ raster tile URL template
// and the attribution its terms require.
type BaseMap struct {
	TileURL     string
	Attribution string // HTML
}

// DefaultBaseMap is GSI's standard map (地理院タイル), whose terms ask for
// the attribution 「地理院タイル」 with a link to the tile list.
var DefaultBaseMap = BaseMap{
	TileURL:     "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
	Attribution: `<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>`,
}

// baseMapOrigin is the scheme and host of the base map's tiles, for the
// Content-Security-Policy; empty when it is this server.
func (b BaseMap) origin() string {
	u, err := url.Parse(b.TileURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

type mapView struct {
	page
	Layers  []mapLayer
	Nearest nearestForm
	// Config is what map.js reads: the library's files, the base map and
	// the layers, as JSON in a data attribute.
	Config string
}

func (s *Server) mapPage(c *gin.Context) error {
	ds, _, _, err := s.store.FindDatasets(c.Request.Context(), catalog.Filter{Format: "GeoJSON", Sort: "title"})
	if err != nil {
		return err
	}
	p := s.page(c)
	view := mapView{page: p.titled(p.t("map.title"))}
	for _, d := range ds {
		layer := s.mapLayerIn(p.Lang, d)
		if d.Kind == catalog.KindPhoto {
			// The photos' own GeoJSON: each point opens its photo's page,
			// with its thumbnail.
			layer.DataURL = photosGeoJSONOf(d.Slug)
		}
		view.Layers = append(view.Layers, layer)
	}
	unified, err := s.unifiedMapLayers(c.Request.Context(), p.Lang)
	if err != nil {
		return err
	}
	view.Layers = append(view.Layers, unified...)
	if view.Nearest, err = s.nearestOnMap(c, p.Lang); err != nil {
		return err
	}
	if view.Config, err = s.mapConfigIn(c, p.Lang, view.Layers); err != nil {
		return err
	}
	return s.render(c, 200, "map.html", view)
}

// mapLayerOf is a dataset as a layer of a map, named in Japanese (the
// admin pages' maps).
func (s *Server) mapLayerOf(d *catalog.Dataset) mapLayer { return s.mapLayerIn(ja, d) }

// mapLayerIn is a dataset as a layer of a map, named in l.
func (s *Server) mapLayerIn(l lang, d *catalog.Dataset) mapLayer {
	color := kindColors[d.Kind]
	if color == "" {
		color = kindColors[catalog.KindTable]
	}
	title := pick(l, d.TitleJA, d.TitleEN)
	return mapLayer{ID: d.Slug, Title: title.Text, TitleLang: title.Lang, Kind: kindName(l, d.Kind), Color: color,
		DataURL: "/api/v1/datasets/" + d.Slug + "/data.geojson", PageURL: "/datasets/" + d.Slug}
}

// unifiedMapLayers are the unified layers as layers of the map, by title,
// drawn from their OGC API items (all of them: ogcMaxLimit is above a
// city's facilities). A layer whose merge fails is left out, as in
// /ogc/collections.
func (s *Server) unifiedMapLayers(ctx context.Context, l lang) ([]mapLayer, error) {
	colls, err := s.unifiedCollections(ctx)
	if err != nil {
		return nil, err
	}
	var out []mapLayer
	for _, c := range colls {
		info := c.describe()
		items := "/ogc/collections/" + url.PathEscape(info.ID)
		out = append(out, mapLayer{ID: info.ID, Title: info.Title, TitleLang: dataLang(l, info.Title), Kind: msg(l, "map.unified_kind"),
			Color: unifiedColor, DataURL: items + "/items?f=json&limit=" + strconv.Itoa(ogcMaxLimit), PageURL: items + "?f=html"})
	}
	return out, nil
}

// mapLocaleKeys are the words of MapLibre's controls (its locale option)
// and the catalog keys that translate them.
var mapLocaleKeys = map[string]string{
	"NavigationControl.ZoomIn":             "map.zoom_in",
	"NavigationControl.ZoomOut":            "map.zoom_out",
	"NavigationControl.ResetBearing":       "map.reset_bearing",
	"AttributionControl.ToggleAttribution": "map.toggle_attribution",
	"AttributionControl.MapFeedback":       "map.feedback",
	"Popup.Close":                          "map.popup_close",
	"Map.Title":                            "map.title",
}

// mapConfig is mapConfigIn for a page in Japanese (the admin pages' maps).
func (s *Server) mapConfig(c *gin.Context, layers []mapLayer) (string, error) {
	return s.mapConfigIn(c, ja, layers)
}

// mapConfigIn is what map.js reads to draw layers (the library's files, the
// base map, the layers, the controls' words in the page's language l); it
// sets the page's policy to let the map work.
func (s *Server) mapConfigIn(c *gin.Context, l lang, layers []mapLayer) (string, error) {
	return s.mapConfigWith(c, l, layers, nil)
}

// mapPlace names the form fields a click on the map writes its point to.
type mapPlace struct {
	Lat string `json:"lat"` // the latitude field's id
	Lon string `json:"lon"`
}

// mapPlaceConfig is map.js's configuration for placing a point (the admin
// pages, in Japanese): no layers, and a click writes the point into the
// fields latID and lonID.
func (s *Server) mapPlaceConfig(c *gin.Context, latID, lonID string) (string, error) {
	return s.mapConfigWith(c, ja, nil, &mapPlace{latID, lonID})
}

func (s *Server) mapConfigWith(c *gin.Context, l lang, layers []mapLayer, place *mapPlace) (string, error) {
	if layers == nil {
		layers = []mapLayer{} // map.js walks the list
	}
	lib, err := s.assets.path("maplibre-gl.mjs")
	if err != nil {
		return "", err
	}
	worker, err := s.assets.path("maplibre-gl-worker.mjs")
	if err != nil {
		return "", err
	}
	base := s.cfg.BaseMap
	if base.TileURL == "" {
		base = DefaultBaseMap
	}
	locale := map[string]string{}
	for k, key := range mapLocaleKeys {
		locale[k] = msg(l, key)
	}
	cfg, err := json.Marshal(map[string]any{
		"lib": lib, "worker": worker, "layers": layers, "locale": locale, "place": place,
		"base": map[string]string{"tiles": base.TileURL, "attribution": base.Attribution},
	})
	if err != nil {
		return "", err
	}
	c.Header("Content-Security-Policy", mapCSP(base))
	return string(cfg), nil
}

// mapCSP is the page's policy: the default one, plus the base map's tiles
// (MapLibre fetches them) and its module worker, served from here.
func mapCSP(base BaseMap) string {
	tiles := ""
	if o := base.origin(); o != "" {
		tiles = " " + o
	}
	return "default-src 'self'; img-src 'self' data: blob:" + tiles + "; connect-src 'self'" + tiles +
		"; worker-src 'self' blob:; frame-ancestors 'none'"
}
