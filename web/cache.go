package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"
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
	// flight makes the clients that find an entry missing or expired at the
	// same moment wait for one rebuild instead of each doing it.
	flight singleflight.Group
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

// lookup returns the live entry for key.
func (rc *responseCache) lookup(key string) (cachedResponse, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.m[key]
	return e, ok && !rc.now().After(e.expires)
}

// serveJSON answers from the cache when it holds key, otherwise renders with
// build, keeps the bytes and answers. Conditional requests get 304.
//
// build runs once for all the requests waiting on key, with a context that
// is not canceled when the request that happens to run it goes away: the
// others still want the answer.
func (rc *responseCache) serveJSON(c *gin.Context, key string, build func(context.Context) (any, error)) error {
	e, ok := rc.lookup(key)
	if !ok {
		ctx := context.WithoutCancel(c.Request.Context())
		v, err, _ := rc.flight.Do(key, func() (any, error) {
			if e, ok := rc.lookup(key); ok {
				return e, nil // rebuilt by a flight that just landed
			}
			return rc.rebuild(ctx, key, build)
		})
		if err != nil {
			return err
		}
		e = v.(cachedResponse)
	}
	c.Header("ETag", e.etag)
	if _, match := ifNoneMatch(c.Request, e.etag); match {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", e.body)
	return nil
}

func (rc *responseCache) rebuild(ctx context.Context, key string, build func(context.Context) (any, error)) (cachedResponse, error) {
	v, err := build(ctx)
	if err != nil {
		return cachedResponse{}, err
	}
	body, err := marshalJSON(v)
	if err != nil {
		return cachedResponse{}, err
	}
	sum := sha256.Sum256(body)
	e := cachedResponse{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, expires: rc.now().Add(rc.ttl)}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.m) >= maxCached {
		rc.m = map[string]cachedResponse{}
	}
	rc.m[key] = e
	return e, nil
}
