package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// ogcOpenAPISource describes /ogc in OpenAPI 3.0, as the standard's
// OpenAPI 3.0 conformance class asks (3.0, not the 3.1 of /api/v1: the
// class names 3.0, and GDAL and OWSLib read 3.0). It is hand-written, for
// its prose; the server adds its URL and, for each collection, a path of
// its items that lists the collection's properties as parameters: GDAL
// reads them there to send its attribute filters to the server.
//
//go:embed ogc_openapi.json
var ogcOpenAPISource []byte

// checkOGCOpenAPI fails start when the embedded document is malformed.
func checkOGCOpenAPI() error {
	var doc map[string]any
	if err := json.Unmarshal(ogcOpenAPISource, &doc); err != nil {
		return fmt.Errorf("ogc_openapi.json: %w", err)
	}
	if _, ok := doc["paths"].(map[string]any); !ok {
		return fmt.Errorf("ogc_openapi.json: no paths")
	}
	return nil
}

func (s *Server) ogcAPI(c *gin.Context) error {
	html, err := ogcRequest(c)
	if err != nil {
		return err
	}
	colls, err := s.ogcCollections(c.Request.Context())
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(ogcOpenAPISource, &doc); err != nil {
		return err
	}
	doc["servers"] = []map[string]string{{"url": s.ogcURL(""), "description": "This portal"}}
	paths := doc["paths"].(map[string]any)
	for _, fc := range colls {
		info := fc.describe()
		var params []any
		for _, name := range ogcItemParams {
			params = append(params, map[string]string{"$ref": "#/components/parameters/" + name})
		}
		for _, p := range info.Properties {
			if slices.Contains(ogcItemParams, p.Name) {
				continue // the parameter of that name wins
			}
			schema := map[string]string{"type": p.Type}
			if p.Format != "" {
				schema["format"] = p.Format
			}
			params = append(params, map[string]any{"name": p.Name, "in": "query", "required": false,
				"description": "Only features whose " + p.Name + " equals this (given more than once: any of the values).",
				"schema":      schema})
		}
		paths["/collections/"+info.ID+"/items"] = map[string]any{"get": map[string]any{
			"tags": []string{"Data"}, "operationId": "getFeatures-" + info.ID, "summary": info.Title,
			"parameters": params,
			"responses": map[string]any{
				"200": map[string]string{"$ref": "#/components/responses/Features"},
				"400": map[string]string{"$ref": "#/components/responses/InvalidParameter"},
			},
		}}
	}
	links := s.selfLinks("/api", mtOpenAPI, html)
	if html {
		view := &ogcPageView{Title: "API の定義（OpenAPI 3.0）", Crumbs: s.ogcCrumbs()[:1], Links: links}
		for _, p := range slices.Sorted(maps.Keys(paths)) {
			op, _ := paths[p].(map[string]any)["get"].(map[string]any)
			summary, _ := op["summary"].(string)
			view.Operations = append(view.Operations, ogcOperation{Method: "GET", Path: "/ogc" + strings.TrimSuffix(p, "/"), Summary: summary})
		}
		return s.render(c, http.StatusOK, "ogc.html", view)
	}
	b, err := marshalJSON(doc)
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, mtOpenAPI+"; charset=utf-8", b)
	return nil
}
