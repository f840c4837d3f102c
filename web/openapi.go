package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPISource describes /api/v1 in OpenAPI 3.1. It is one hand-written
// file, not generated from the handlers, so that its prose is written for
// people; TestOpenAPI keeps it honest: every /api/v1 route is in it and
// nothing else, it validates as OpenAPI 3.1, and real answers validate
// against its schemas.
//
//go:embed openapi.json
var openAPISource []byte

// apiDoc is the OpenAPI document as served and the API page made from it,
// both built once at start.
type apiDoc struct {
	body []byte // the document with this portal's server URL
	etag string
	page *apiPageView
}

// loadAPIDoc reads the embedded document, names baseURL as its server and
// builds the page's view. A malformed document fails start, not a request.
func loadAPIDoc(baseURL string) (*apiDoc, error) {
	server := "/"
	if baseURL != "" {
		server = baseURL
	}
	body, err := replaceTopLevel(openAPISource, "servers", []map[string]string{{"url": server, "description": "This portal"}})
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	var doc oaDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	page, err := newAPIPageView(&doc, server)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return &apiDoc{body: body, etag: strongETag("openapi", string(body)), page: page}, nil
}

// replaceTopLevel sets key of the JSON object src to value, keeping the
// other members, their order and their formatting: the served document
// reads like the file.
func replaceTopLevel(src []byte, key string, value any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out bytes.Buffer
	out.WriteString("{")
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if name == key {
			found = true
			if raw, err = json.Marshal(value); err != nil {
				return nil, err
			}
		}
		if out.Len() > 1 {
			out.WriteString(",")
		}
		k, _ := json.Marshal(name)
		fmt.Fprintf(&out, "\n  %s: %s", k, raw)
	}
	if !found {
		return nil, fmt.Errorf("no member %q", key)
	}
	out.WriteString("\n}\n")
	return out.Bytes(), nil
}

// openAPIJSON serves the OpenAPI document.
func (s *Server) openAPIJSON(c *gin.Context) error {
	h := c.Writer.Header()
	h.Set("ETag", s.api.etag)
	h.Set("Cache-Control", "public, max-age=300")
	// Tools that render or test an API (editors, code generators) fetch
	// the document from their own origin.
	h.Set("Access-Control-Allow-Origin", "*")
	if _, match := ifNoneMatch(c.Request, s.api.etag); match {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", s.api.body)
	return nil
}

// apiPage is the API reference for people, rendered from the same
// document, without JavaScript.
func (s *Server) apiPage(c *gin.Context) error {
	return s.render(c, http.StatusOK, "api.html", s.api.page)
}
