package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// TestFailLogsServerErrorsOnly: a client that hangs up is not a server
// failure and must not page anyone; a real 500 is logged.
func TestFailLogsServerErrorsOnly(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		err    error
		status int
		logged bool
	}{
		{"client went away", canceled, fmt.Errorf("read records: %w", context.Canceled), statusClientClosed, false},
		{"database failed", context.Background(), fmt.Errorf("read records: disk I/O error"), http.StatusInternalServerError, true},
		// Canceled while the client is still there is our own doing: a failure.
		{"canceled inside", context.Background(), context.Canceled, http.StatusInternalServerError, true},
		{"not found", context.Background(), catalog.Errorf(catalog.NotFound, "no dataset"), http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/datasets/x/data.csv", nil).WithContext(tt.ctx)
			s.fail(c, tt.err)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if logged := bytes.Contains(logs.Bytes(), []byte("request failed")); logged != tt.logged {
				t.Errorf("logged %t, want %t: %s", logged, tt.logged, logs.String())
			}
		})
	}
}
