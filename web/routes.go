package web

// routes lists every route, grouped public / api.
func (s *Server) routes() {
	r := s.engine
	r.NoRoute(s.notFound)
	r.GET("/healthz", s.wrap(s.healthz))

	// Citizens' pages.
	r.GET("/", s.wrap(s.home))
	r.GET("/datasets", s.wrap(s.datasetsPage))
	r.GET("/datasets/:id", s.wrap(s.datasetPage))

	api := r.Group("/api/v1")
	api.GET("/departments", s.wrap(s.listDepartments))
	api.GET("/datasets", s.wrap(s.listDatasets))
	api.GET("/datasets/:id", s.wrap(s.showDataset))
	api.GET("/datasets/:id/records", s.wrap(s.listRecords))
	api.GET("/datasets/:id/data.csv", s.wrap(s.downloadCSV))
	api.GET("/datasets/:id/data.json", s.wrap(s.downloadJSON))
	api.GET("/datasets/:id/data.geojson", s.wrap(s.downloadGeoJSON))
	api.GET("/datasets/:id/versions/:n", s.wrap(s.showVersion))
	api.GET("/datasets/:id/versions/:n/original", s.wrap(s.downloadOriginal))
	api.GET("/licenses", s.wrap(s.listLicenses))
	api.GET("/themes", s.wrap(s.listThemes))
}
