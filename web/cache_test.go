package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestCacheIfNoneMatch(t *testing.T) {
	ts := newTestServer(t)
	const path = "/api/v1/datasets/shisetsu"
	etag := ts.get(t, path).Header.Get("ETag")
	tests := []struct {
		inm    string
		status int
	}{
		{etag, http.StatusNotModified},
		{"W/" + etag, http.StatusNotModified},
		{`"other", ` + etag, http.StatusNotModified},
		{"*", http.StatusNotModified},
		{`"other"`, http.StatusOK},
	}
	for _, tt := range tests {
		if res := ts.get(t, path, "If-None-Match", tt.inm); res.StatusCode != tt.status {
			t.Errorf("If-None-Match %s: %d, want %d", tt.inm, res.StatusCode, tt.status)
		}
	}
}

// TestCacheRebuildsOnce: clients that miss together wait for one rebuild.
func TestCacheRebuildsOnce(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	rc := newResponseCache(time.Minute)
	var builds atomic.Int32
	build := func(ctx context.Context) (any, error) {
		builds.Add(1)
		time.Sleep(200 * time.Millisecond) // long enough for every client to arrive
		return map[string]int{"n": 1}, nil
	}
	var wg sync.WaitGroup
	codes := make([]int, 50)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/datasets/x", nil)
			if err := rc.serveJSON(c, "dataset/x", build); err != nil {
				t.Error(err)
			}
			codes[i] = w.Code
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d rebuilds for 50 clients, want 1", n)
	}
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("client %d: %d", i, code)
		}
	}
}

// TestCacheRebuildOutlivesItsClient: the client whose request runs the
// rebuild hangs up; the others still get their answer.
func TestCacheRebuildOutlivesItsClient(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	rc := newResponseCache(time.Minute)
	build := func(ctx context.Context) (any, error) {
		time.Sleep(50 * time.Millisecond)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return []int{1}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	if err := rc.serveJSON(c, "k", build); err != nil {
		t.Errorf("the rebuild failed with its client: %v", err)
	}
}
