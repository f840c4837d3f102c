package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// handler is a route that returns its failure instead of writing it.
type handler func(c *gin.Context) error

// wrap turns a handler's error into the response, in one place.
func (s *Server) wrap(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

var errorStatus = map[catalog.ErrorKind]int{
	catalog.Internal:        http.StatusInternalServerError,
	catalog.NotFound:        http.StatusNotFound,
	catalog.Invalid:         http.StatusBadRequest,
	catalog.Conflict:        http.StatusConflict,
	catalog.Unauthorized:    http.StatusUnauthorized,
	catalog.Forbidden:       http.StatusForbidden,
	catalog.TooLarge:        http.StatusRequestEntityTooLarge,
	catalog.Unavailable:     http.StatusServiceUnavailable,
	catalog.TooManyRequests: http.StatusTooManyRequests,
}

var errorCode = map[catalog.ErrorKind]string{
	catalog.Internal:        "internal",
	catalog.NotFound:        "not_found",
	catalog.Invalid:         "invalid",
	catalog.Conflict:        "conflict",
	catalog.Unauthorized:    "unauthorized",
	catalog.Forbidden:       "forbidden",
	catalog.TooLarge:        "too_large",
	catalog.Unavailable:     "unavailable",
	catalog.TooManyRequests: "too_many_requests",
}

// statusClientClosed is nginx's "client closed request": never seen by the
// client, it only tells the access log what happened.
const statusClientClosed = 499

// fail writes err as JSON ({"error": {"code", "message"}}) or as an HTML
// page, by route. 5xx are logged with their detail and shown without it.
//
// A response that has already sent bytes cannot change its status: fail
// then aborts the handler with http.ErrAbortHandler, so net/http cuts the
// connection and the client sees a broken transfer (no final chunk, a
// short body) instead of a download that merely looks complete.
func (s *Server) fail(c *gin.Context, err error) {
	if clientGone(c, err) {
		// Not the server's failure: the client hung up (or the server is
		// shutting down) while we worked for it.
		s.log.Debug("request canceled", append(logAttrs(c), "err", err)...)
		if c.Writer.Written() {
			panic(http.ErrAbortHandler)
		}
		c.AbortWithStatus(statusClientClosed)
		return
	}
	kind := catalog.KindOf(err)
	status := errorStatus[kind]
	if status >= 500 {
		s.log.Error("request failed", append(logAttrs(c), "err", err)...)
	}
	if c.Writer.Written() {
		panic(http.ErrAbortHandler)
	}
	// The headers set for the answer that failed (a download's validators,
	// name and type) must not describe the error.
	h := c.Writer.Header()
	for _, k := range []string{"ETag", "Last-Modified", "Content-Disposition", "Content-Encoding", "Content-Type"} {
		h.Del(k)
	}
	h.Set("Cache-Control", "no-store")
	msg := catalog.MessageOf(err)
	if wantsHTML(c) {
		s.renderError(c, status, msg)
		return
	}
	c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": errorCode[kind], "message": msg}})
}

// clientGone tells whether err comes from the request's context ending.
func clientGone(c *gin.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil
}

// wantsHTML tells whether the request is for a citizens' page, or for
// the HTML form of an OGC API resource.
func wantsHTML(c *gin.Context) bool {
	p := c.Request.URL.Path
	if isOGC(p) {
		html, _ := ogcWantsHTML(c)
		return html
	}
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && !strings.Contains(p, ".")
}

func (s *Server) notFound(c *gin.Context) {
	s.fail(c, catalog.Errorf(catalog.NotFound, "no such page: %s", c.Request.URL.Path))
}

func logLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
