// Package web serves the portal over HTTP with Gin: the citizens' pages, the
// JSON API and downloads. Handlers only translate HTTP; the work is done by
// catalog and datasets.
package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/search"
)

// Config is what the server needs to know beyond its stores.
type Config struct {
	BaseURL string  // public URL without trailing slash, used in absolute links
	City    City    // the municipality that publishes the catalog
	BaseMap BaseMap // the map page's background; zero: DefaultBaseMap
	// Importer takes the admin pages' uploads. It is shared with the rest
	// of the process (the demo loader) so that one place tracks the files
	// of imports in flight; nil: one over the store and files, 100 MB per
	// file.
	Importer *datasets.Importer
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For names the client (nginx on 127.0.0.1, say);
	// empty: the connection's peer is the client.
	TrustedProxies []string
}

// Server holds the portal's HTTP side.
type Server struct {
	store     *catalog.Store
	files     *catalog.Files
	search    *search.Index // nil: no search index
	records   *datasets.Records
	cfg       Config
	log       *slog.Logger
	pages     *template.Template
	assets    *assets
	cache     *responseCache
	downloads downloadCounter
	images    *derivatives  // photo derivatives (photo_image.go)
	ckanView  ckanCache     // the catalog as the CKAN API shows it
	upcoming  upcomingCache // the home page's coming events
	api       *apiDoc       // the OpenAPI document and the API page
	importer  *datasets.Importer
	metrics   *promMetrics
	warming   photoWarming // derivatives of new photos, made in the background (photo_warm.go)
	ogc       ogcState     // what the OGC API keeps of published versions
	gis       gisState     // indexed GIS layers and vector tiles (geo_layers.go, tiles.go)
	engine    *gin.Engine
	// now is the clock of what depends on the date (which events are
	// still to come); tests fix it.
	now func() time.Time
}

// New builds the server, hashes its static files and parses its templates
// (a broken template fails here, at start, not on a request).
// index answers searches; it may be nil, and then dataset queries fall back
// to the catalog's own matching and /api/v1/search answers 503.
func New(store *catalog.Store, files *catalog.Files, index *search.Index, cfg Config, log *slog.Logger) (*Server, error) {
	static, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	pages, err := parseTemplates(static)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	api, err := loadAPIDoc(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := checkOGCOpenAPI(); err != nil {
		return nil, err
	}
	s := &Server{
		store:   store,
		files:   files,
		search:  index,
		records: &datasets.Records{DB: store.DB},
		cfg:     cfg,
		log:     log,
		pages:   pages,
		assets:  static,
		cache:   newResponseCache(time.Second),
		images:  newDerivatives(files),
		api:     api,
		now:     time.Now,
	}
	s.importer = cfg.Importer
	if s.importer == nil {
		s.importer = &datasets.Importer{Store: store, Files: files, MaxUpload: 100 << 20}
	}
	gin.SetMode(gin.ReleaseMode)
	s.engine = gin.New()
	// Only the configured proxies' forwarded addresses are believed; gin
	// trusts every peer unless told otherwise.
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	s.engine.RemoteIPHeaders = []string{"X-Forwarded-For", "X-Real-IP"}
	s.metrics = s.newMetrics()
	s.engine.Use(requestID, s.recovery, s.accessLog, s.measure, securityHeaders)
	s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// recovery turns a panic into a logged 500 instead of a dropped connection.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.fail(c, fmt.Errorf("panic: %v", p))
		}
	}()
	c.Next()
}

// accessLog logs each request at debug level (5xx at warn: the error itself
// is logged at error level by fail). The level is checked first: on the hot
// path a disabled log line costs nothing.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := logLevel(status) - 4
	if ctx := c.Request.Context(); s.log.Enabled(ctx, level) {
		s.log.Log(ctx, level, "request", append(logAttrs(c), "status", status, "ms", time.Since(start).Milliseconds())...)
	}
}

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https://cyberjapandata.gsi.go.jp; frame-ancestors 'none'")
	c.Next()
}

// marshalJSON encodes v as the API writes JSON: without HTML escaping, so
// that "&" in a URL stays "&".
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
