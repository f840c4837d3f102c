package web

import (
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
	catalog.Internal:     http.StatusInternalServerError,
	catalog.NotFound:     http.StatusNotFound,
	catalog.Invalid:      http.StatusBadRequest,
	catalog.Conflict:     http.StatusConflict,
	catalog.Unauthorized: http.StatusUnauthorized,
	catalog.Forbidden:    http.StatusForbidden,
	catalog.TooLarge:     http.StatusRequestEntityTooLarge,
}

var errorCode = map[catalog.ErrorKind]string{
	catalog.Internal:     "internal",
	catalog.NotFound:     "not_found",
	catalog.Invalid:      "invalid",
	catalog.Conflict:     "conflict",
	catalog.Unauthorized: "unauthorized",
	catalog.Forbidden:    "forbidden",
	catalog.TooLarge:     "too_large",
}

// fail writes err as JSON ({"error": {"code", "message"}}) or as an HTML
// page, by route. 5xx are logged with their detail and shown without it.
func (s *Server) fail(c *gin.Context, err error) {
	kind := catalog.KindOf(err)
	status := errorStatus[kind]
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	if c.Writer.Written() {
		// A streamed response failed midway: the status is gone; cut the body.
		c.Abort()
		return
	}
	msg := catalog.MessageOf(err)
	if wantsHTML(c) {
		s.renderError(c, status, msg)
		return
	}
	c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": errorCode[kind], "message": msg}})
}

// wantsHTML tells whether the request is for a citizens' page.
func wantsHTML(c *gin.Context) bool {
	p := c.Request.URL.Path
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
