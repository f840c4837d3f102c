package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// getHead are the methods of a read: every GET route answers HEAD too, with
// the same headers and no body (net/http drops the body of a HEAD answer).
var getHead = []string{http.MethodGet, http.MethodHead}

// routes lists every route, grouped public / api.
func (s *Server) routes() {
	r := s.engine
	get := func(g gin.IRoutes, path string, h handler) { g.Match(getHead, path, s.wrap(h)) }
	r.NoRoute(s.notFound)
	get(r, "/healthz", s.healthz)
	get(r, "/static/:name", s.static)

	// Citizens' pages.
	get(r, "/", s.home)
	get(r, "/datasets", s.datasetsPage)
	get(r, "/map", s.mapPage)
	get(r, "/events", s.eventsPage)
	get(r, "/events.ics", s.eventsICS)
	get(r, "/about", s.aboutPage)
	// The page, or DCAT by extension (.ttl, .jsonld, .rdf) or Accept.
	get(r, "/datasets/:id", s.datasetNegotiated)

	// DCAT-AP 3.0.1.
	get(r, "/catalog", s.catalogNegotiated)
	for _, f := range rdfFormats {
		get(r, "/catalog"+f.ext, s.catalogAs(f.ext))
	}

	// The standard open-data list (オープンデータ一覧).
	get(r, "/open_data_list.csv", s.openDataList)

	// OGC API - Features (ogc.go); "/ogc/" too, for clients that add the
	// slash to the landing page (OWSLib).
	get(r, "/ogc", s.ogcLanding)
	get(r, "/ogc/", s.ogcLanding)
	get(r, "/ogc/conformance", s.ogcConformance)
	get(r, "/ogc/api", s.ogcAPI)
	get(r, "/ogc/collections", s.ogcCollectionsList)
	get(r, "/ogc/collections/:id", s.ogcCollectionShow)
	get(r, "/ogc/collections/:id/queryables", s.ogcQueryables)
	get(r, "/ogc/collections/:id/items", s.ogcItems)
	get(r, "/ogc/collections/:id/items/:fid", s.ogcFeature)

	// The API's description: OpenAPI 3.1, and a page for people made from it.
	get(r, "/api/", s.apiPage)
	get(r, "/api/openapi.json", s.openAPIJSON)

	api := r.Group("/api/v1")
	get(api, "/departments", s.listDepartments)
	get(api, "/datasets", s.listDatasets)
	get(api, "/datasets/:id", s.showDataset)
	get(api, "/datasets/:id/records", s.listRecords)
	get(api, "/datasets/:id/data.csv", s.downloadCSV)
	get(api, "/datasets/:id/data.json", s.downloadJSON)
	get(api, "/datasets/:id/data.geojson", s.downloadGeoJSON)
	get(api, "/datasets/:id/versions/:n", s.showVersion)
	get(api, "/datasets/:id/versions/:n/original", s.downloadOriginal)
	get(api, "/licenses", s.listLicenses)
	get(api, "/themes", s.listThemes)
	get(api, "/search", s.needsIndex(s.searchAll))
	get(api, "/suggest", s.needsIndex(s.suggest))
	get(api, "/events", s.listEvents)
	get(api, "/datasets/:id/events.ics", s.datasetEventsICS)

	// CKAN Action API v3, read only (ckan.go): GET, or POST with a JSON
	// body as ckanapi sends; /api/action is CKAN's own alias.
	ckanMethods := []string{http.MethodGet, http.MethodHead, http.MethodPost}
	r.Match(ckanMethods, "/api/3/action/:action", s.ckan)
	r.Match(ckanMethods, "/api/action/:action", s.ckan)
}
