package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, each served under a name that holds
// a hash of its bytes (app.css as /static/app.0123456789ab.css): a new build
// gets new names, so browsers may keep a file for a year without asking.
type assets struct {
	byName map[string]asset  // hashed file name -> asset
	paths  map[string]string // file name -> URL path with the hashed name
}

type asset struct {
	body        []byte
	contentType string
}

// loadAssets reads and hashes every static file, once, at start.
func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]asset{}, paths: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		body, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a.byName[hashed] = asset{body: body, contentType: contentTypeOf(ext)}
		a.paths[name] = "/static/" + hashed
	}
	return a, nil
}

func contentTypeOf(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// path is the URL of the static file name, for templates; an unknown name
// is an error, so a page that links a missing file fails its test.
func (a *assets) path(name string) (string, error) {
	p, ok := a.paths[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return p, nil
}

func (s *Server) static(c *gin.Context) error {
	f, ok := s.assets.byName[c.Param("name")]
	if !ok {
		return catalog.Errorf(catalog.NotFound, "no such file: %s", c.Request.URL.Path)
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, f.contentType, f.body)
	return nil
}
