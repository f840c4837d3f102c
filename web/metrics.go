package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// promMetrics are what /metrics shows, in the Prometheus text format: one
// registry per server (no package globals), so that tests and two servers
// in one process do not share counts.
type promMetrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	downloads *prometheus.CounterVec
	uploads   *prometheus.CounterVec
}

func (s *Server) newMetrics() *promMetrics {
	m := &promMetrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_http_requests_total",
			Help: "HTTP requests answered, by route (the route's pattern), method and status code."},
			[]string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portal_http_request_duration_seconds",
			Help:    "Time to answer, by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			[]string{"route", "method"}),
		downloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_downloads_total",
			Help: "Downloads answered in full, by dataset and format."}, []string{"dataset", "format"}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portal_uploads_total",
			Help: "Uploads through the admin pages and the API, by outcome (stored, or the error's kind)."}, []string{"outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.downloads, m.uploads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portal_search_index_lag",
			Help: "Dataset changes waiting for the search index (the outbox); stays near 0 when the index keeps up."},
			func() float64 { return s.gauge(s.store.IndexLag) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portal_database_bytes",
			Help: "Size of the SQLite database (pages in use and free)."},
			func() float64 { return s.gauge(s.store.Size) }))
	return m
}

// gauge reads a value for a scrape, -1 when it cannot (a scrape must not
// fail because the database is busy for a moment).
func (s *Server) gauge(f func(context.Context) (int64, error)) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := f(ctx)
	if err != nil {
		s.log.Warn("metrics: gauge", "err", err)
		return -1
	}
	return float64(n)
}

func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// downloadFormats are the routes' last segments that are downloads, and
// the format each is counted as.
var downloadFormats = map[string]string{
	"data.csv": "csv", "data.json": "json", "data.geojson": "geojson", "original": "original",
	"photos.zip": "zip", "events.ics": "ics",
}

// measure counts and times each request by its route's pattern (a bounded
// set, unlike paths), and counts downloads by dataset.
func (s *Server) measure(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	if f, ok := downloadFormats[path.Base(route)]; ok && status == http.StatusOK && c.Request.Method == http.MethodGet &&
		strings.HasPrefix(route, "/api/v1/datasets/:id/") {
		s.metrics.downloads.WithLabelValues(c.Param("id"), f).Inc()
	}
}

// requestIDHeader carries a request's id: taken from a proxy that sets one
// (nginx's $request_id), made here otherwise, and sent back, so that a
// citizen's report and the logs meet.
const requestIDHeader = "X-Request-ID"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

type requestIDKey struct{}

// requestID gives every request an id, in the response header and in the
// request's context for the logs.
func requestID(c *gin.Context) {
	id := c.GetHeader(requestIDHeader)
	if !requestIDPattern.MatchString(id) {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Header(requestIDHeader, id)
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
	c.Next()
}

// requestIDOf is the id requestID gave the request, "" outside one.
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// logAttrs are the attributes every log line about a request carries.
func logAttrs(c *gin.Context) []any {
	return []any{slog.String("request_id", requestIDOf(c.Request.Context())), "method", c.Request.Method, "path", c.Request.URL.Path}
}
