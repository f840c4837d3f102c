package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// getHead are the methods of a read: every GET route answers HEAD too, with
// the same headers and no body (net/http drops the body of a HEAD answer).
var getHead = []string{http.MethodGet, http.MethodHead}

// routes lists every route, grouped public / api / admin.
func (s *Server) routes() {
	r := s.engine
	get := func(g gin.IRoutes, path string, h handler) { g.Match(getHead, path, s.wrap(h)) }
	r.NoRoute(s.notFound)
	get(r, "/healthz", s.healthz)
	r.GET("/metrics", s.metricsHandler())
	get(r, "/static/:name", s.static)

	// Citizens' pages.
	get(r, "/", s.home)
	get(r, "/datasets", s.datasetsPage)
	get(r, "/map", s.mapPage)
	get(r, "/events", s.eventsPage)
	get(r, "/events.ics", s.eventsICS)
	get(r, "/events/:dataset/:key", s.eventPage)
	get(r, "/events/:dataset/:key/calendar.ics", s.eventICS)
	get(r, "/about", s.aboutPage)
	get(r, "/photos", s.photosPage)
	get(r, "/photos/:id", s.photoPage)

	// IIIF: Image API 3.0 level 0 and Presentation API 3.0 (iiif.go).
	get(r, "/iiif/datasets/:id/manifest.json", s.datasetManifest)
	get(r, "/iiif/:photo/info.json", s.iiifInfo)
	get(r, "/iiif/:photo/manifest.json", s.photoManifest)
	get(r, "/iiif/:photo/full/:size/:rotation/:file", s.iiifImage)
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
	get(api, "/geo/nearest", s.nearest)
	get(api, "/geo/contains", s.geoContains)
	get(api, "/geo/bbox", s.geoBBox)
	get(api, "/layers/:id/report", s.layerReport)
	// Photos: search, map points and a dataset's archive (photo_api.go, photo_zip.go).
	get(api, "/photos", s.listPhotos)
	get(api, "/photos.geojson", s.photosGeoJSON)
	get(api, "/datasets/:id/photos.zip", s.photosZIP)

	// Vector tiles and their TileJSON (tiles.go).
	get(r, "/tiles/:layer", s.tileJSONDoc)
	get(r, "/tiles/:layer/:z/:x/:y", s.tile)
	get(api, "/events", s.listEvents)
	get(api, "/datasets/:id/events.ics", s.datasetEventsICS)

	// CKAN Action API v3, read only (ckan.go): GET, or POST with a JSON
	// body as ckanapi sends; /api/action is CKAN's own alias.
	ckanMethods := []string{http.MethodGet, http.MethodHead, http.MethodPost}
	r.Match(ckanMethods, "/api/3/action/:action", s.ckan)
	r.Match(ckanMethods, "/api/action/:action", s.ckan)

	// The API for scripts with a personal token (or a session and its CSRF
	// token). Every API write goes in this group, behind requireUser.
	apiAuth := r.Group("/api/v1", s.limitBody, s.requireUser(false))
	get(apiAuth, "/me", s.me)
	apiAuth.POST("/datasets/:id/versions", s.wrap(s.apiUpload))

	// Admin pages: only the login form is open; everything else under
	// /admin passes requireUser (session, CSRF on writes), admin-only pages
	// requireRole too, and per-dataset pages check the department
	// (datasetFor). TestAdminRoutesRefuseStrangers enumerates them.
	get(r, "/admin/login", s.loginPage)
	r.POST("/admin/login", s.wrap(s.login))
	admin := r.Group("/admin", s.limitBody, s.requireUser(true))
	get(admin, "", s.dashboard)
	admin.POST("/logout", s.wrap(s.logout))
	admin.POST("/logout-all", s.wrap(s.logoutEverywhere))
	get(admin, "/datasets/:id", s.adminDataset)
	// The upload flow (admin_upload.go, admin_version.go, admin_metadata.go):
	// upload as a draft, read its report, publish; versions, diffs, edits.
	get(admin, "/upload", s.uploadPage)
	admin.POST("/upload", s.wrap(s.upload))
	get(admin, "/datasets/:id/versions/:n", s.adminVersion)
	get(admin, "/datasets/:id/versions/:n/original", s.adminOriginal)
	get(admin, "/datasets/:id/versions/:n/data.geojson", s.adminVersionGeoJSON)
	admin.POST("/datasets/:id/versions/:n/publish", s.wrap(s.publishVersion))
	admin.POST("/datasets/:id/withdraw", s.wrap(s.withdraw))
	get(admin, "/datasets/:id/edit", s.metadataPage)
	admin.POST("/datasets/:id/edit", s.wrap(s.saveMetadata))
	get(admin, "/datasets/:id/diff", s.diffPage)
	get(admin, "/datasets/:id/photos/:row/edit", s.adminPhotoPage)
	admin.POST("/datasets/:id/photos/:row/edit", s.wrap(s.saveAdminPhoto))
	get(admin, "/password", s.passwordPage)
	admin.POST("/password", s.wrap(s.changePassword))
	get(admin, "/tokens", s.tokensPage)
	admin.POST("/tokens", s.wrap(s.createToken))
	admin.POST("/tokens/:tid/revoke", s.wrap(s.revokeToken))
	admins := admin.Group("", s.requireRole(catalog.RoleAdmin))
	get(admins, "/users", s.usersPage)
	admins.POST("/users", s.wrap(s.createUser))
	admins.POST("/users/:uid/role", s.wrap(s.setUserRole))
	admins.POST("/users/:uid/disable", s.wrap(s.setUserDisabled(true)))
	admins.POST("/users/:uid/enable", s.wrap(s.setUserDisabled(false)))
	admins.POST("/users/:uid/password", s.wrap(s.resetPassword))
	get(admins, "/departments", s.departmentsPage)
	get(admin, "/layers", s.layersPage)
	admins.POST("/layers", s.wrap(s.saveLayer))
	admins.POST("/departments", s.wrap(s.saveDepartment))
	get(admins, "/audit", s.auditPage)
	get(admins, "/audit.csv", s.auditCSV)
}
