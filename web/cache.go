package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// responseCache keeps rendered JSON for a short time. The catalog changes
// rarely and is read constantly; a second of staleness (a download counter,
// an edit made by `portal import` in another process) buys answering the
// busiest reads without touching SQLite.
type responseCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cachedResponse
}

type cachedResponse struct {
	body    []byte
	etag    string
	expires time.Time
}

// maxCached bounds the cache; past it the whole map is dropped, which is
// simpler than an LRU and fine for a catalog of hundreds of datasets.
const maxCached = 10_000

func newResponseCache(ttl time.Duration) *responseCache {
	return &responseCache{ttl: ttl, now: time.Now, m: map[string]cachedResponse{}}
}

// serveJSON answers from the cache when it holds key, otherwise renders with
// build, keeps the bytes and answers. Conditional requests get 304.
func (rc *responseCache) serveJSON(c *gin.Context, key string, build func() (any, error)) error {
	now := rc.now()
	rc.mu.Lock()
	e, ok := rc.m[key]
	rc.mu.Unlock()
	if !ok || now.After(e.expires) {
		v, err := build()
		if err != nil {
			return err
		}
		body, err := marshalJSON(v)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		e = cachedResponse{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, expires: now.Add(rc.ttl)}
		rc.mu.Lock()
		if len(rc.m) >= maxCached {
			rc.m = map[string]cachedResponse{}
		}
		rc.m[key] = e
		rc.mu.Unlock()
	}
	c.Header("ETag", e.etag)
	if c.GetHeader("If-None-Match") == e.etag {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", e.body)
	return nil
}
