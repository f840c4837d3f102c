package web

import (
	"bytes"
	lru "container/list"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb/maptile"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
)

// Vector tiles (Mapbox Vector Tile 2.1) of every layer at
// /tiles/{layer}/{z}/{x}/{y}.mvt, described by TileJSON 3.0.0 at
// /tiles/{layer}.json. A tile is made from the layer's index (geo.Tile)
// once per published version and kept in an LRU; its ETag is the
// version's, so a new version changes every tile's validator. A unified
// layer's tiles come from its current merge, keyed as a version by the
// merge (tileSourceOf).

const (
	mtMVT = "application/vnd.mapbox-vector-tile"
	// tileCacheBytes bounds the tiles kept in memory.
	tileCacheBytes = 64 << 20
	// tileMaxAge lets clients and proxies reuse a tile for five minutes
	// without asking; after that a conditional request costs a 304.
	tileMaxAge = "public, max-age=300"
)

// tileKey names a tile of a version.
type tileKey struct {
	version int64
	z, x, y int
}

// tileEntry is a cached tile: its bytes (nil for an empty tile), and its
// gzip form made on the first request that accepts it.
type tileEntry struct {
	key  tileKey
	raw  []byte
	once sync.Once
	gz   []byte
}

// tileCache is an LRU of tiles bounded in bytes.
type tileCache struct {
	mu    sync.Mutex
	ll    *lru.List // front: most recently used
	m     map[tileKey]*lru.Element
	bytes int
}

// entrySize is what an entry counts against the bound: its bytes and a
// little for the bookkeeping (so that empty tiles count too).
func entrySize(e *tileEntry) int { return len(e.raw) + len(e.gz) + 128 }

func (tc *tileCache) get(k tileKey) (*tileEntry, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	el, ok := tc.m[k]
	if !ok {
		return nil, false
	}
	tc.ll.MoveToFront(el)
	return el.Value.(*tileEntry), true
}

func (tc *tileCache) put(e *tileEntry) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.m == nil {
		tc.m, tc.ll = map[tileKey]*lru.Element{}, lru.New()
	}
	if _, ok := tc.m[e.key]; ok {
		return
	}
	tc.m[e.key] = tc.ll.PushFront(e)
	tc.bytes += entrySize(e)
	tc.evict()
}

// grew accounts for a gzip form added to an entry.
func (tc *tileCache) grew(n int) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.bytes += n
	tc.evict()
}

func (tc *tileCache) evict() {
	for tc.bytes > tileCacheBytes && tc.ll.Len() > 1 {
		el := tc.ll.Back()
		e := tc.ll.Remove(el).(*tileEntry)
		delete(tc.m, e.key)
		tc.bytes -= entrySize(e)
	}
}

// tile answers /tiles/{layer}/{z}/{x}/{y}.mvt: 200 with the tile, 204 for
// a tile with no feature, 400 for a z/x/y that names no tile, 404 for an
// unknown layer.
func (s *Server) tile(c *gin.Context) error {
	ys, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return catalog.Errorf(catalog.NotFound, "tiles are /tiles/{layer}/{z}/{x}/{y}.mvt")
	}
	z, errZ := strconv.Atoi(c.Param("z"))
	x, errX := strconv.Atoi(c.Param("x"))
	y, errY := strconv.Atoi(ys)
	if errZ != nil || errX != nil || errY != nil || !geo.ValidTile(z, x, y) {
		return catalog.Errorf(catalog.Invalid, "no tile %s/%s/%s: z must be 0 to %d and x, y 0 to 2^z-1",
			c.Param("z"), c.Param("x"), ys, geo.TileMaxRequestZoom)
	}
	src, err := s.tileSourceOf(c.Request.Context(), c.Param("layer"))
	if err != nil {
		return err
	}
	etag := strongETag(src.slug, strconv.FormatInt(src.key, 10), "mvt", c.Param("z"), c.Param("x"), ys)
	gzipped := acceptsGzip(c.Request)
	sent := etag
	if gzipped {
		sent = gzipETag(etag)
	}
	// The headers are set only once the tile is at hand, so an error
	// answer never carries them.
	h := c.Writer.Header()
	headers := func() {
		h.Set("Vary", "Accept-Encoding")
		h.Set("Access-Control-Allow-Origin", "*") // map clients load tiles from other sites
		h.Set("Cache-Control", tileMaxAge)
		h.Set("ETag", sent)
	}
	if _, match := ifNoneMatch(c.Request, etag, gzipETag(etag)); match {
		headers()
		c.Status(http.StatusNotModified)
		return nil
	}
	key := tileKey{src.key, z, x, y}
	// The build outlives the request that started it: others wait on it.
	ctx := context.WithoutCancel(c.Request.Context())
	e, ok := s.gis.tiles.get(key)
	if !ok {
		// One build for all the requests that want the same tile at once
		// (a map opening on a popular view).
		res, err, _ := s.gis.flight.Do(fmt.Sprintf("tile/%d/%d/%d/%d", src.key, z, x, y), func() (any, error) {
			if e, ok := s.gis.tiles.get(key); ok {
				return e, nil
			}
			ix, err := src.index(ctx)
			if err != nil {
				return nil, err
			}
			raw, err := ix.Tile(src.slug, maptile.New(uint32(x), uint32(y), maptile.Zoom(z)))
			if err != nil {
				return nil, fmt.Errorf("tile %s/%d/%d/%d: %w", src.slug, z, x, y, err)
			}
			e := &tileEntry{key: key, raw: raw}
			s.gis.tiles.put(e)
			return e, nil
		})
		if err != nil {
			return err
		}
		e = res.(*tileEntry)
	}
	headers()
	if e.raw == nil {
		c.Status(http.StatusNoContent)
		return nil
	}
	body := e.raw
	if gzipped {
		e.once.Do(func() {
			var buf bytes.Buffer
			gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			gz.Write(e.raw)
			gz.Close()
			e.gz = buf.Bytes()
			s.gis.tiles.grew(len(e.gz))
		})
		body = e.gz
		h.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, mtMVT, body)
	return nil
}

// tileJSON is a TileJSON 3.0.0 document.
type tileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// tileJSONDoc answers /tiles/{layer}.json. It needs no index: the bounds
// are the version's and the fields the layer kind's.
func (s *Server) tileJSONDoc(c *gin.Context) error {
	slug, ok := strings.CutSuffix(c.Param("layer"), ".json")
	if !ok {
		return catalog.Errorf(catalog.NotFound, "a layer's TileJSON is /tiles/{layer}.json")
	}
	src, err := s.tileSourceOf(c.Request.Context(), slug)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	for _, k := range src.keys {
		if k == "name" {
			fields[k] = "String"
		} else {
			fields[k] = "Boolean"
		}
	}
	doc := tileJSON{TileJSON: "3.0.0", Name: src.title, Description: src.description, Scheme: "xyz",
		Tiles:   []string{s.cfg.BaseURL + "/tiles/" + src.slug + "/{z}/{x}/{y}.mvt"},
		MinZoom: 0, MaxZoom: geo.TileMaxZoom,
		VectorLayers: []vectorLayer{{ID: src.slug, Description: src.title, MinZoom: 0, MaxZoom: geo.TileMaxZoom, Fields: fields}}}
	if lic, ok := catalog.LicenseByID(src.license); ok {
		doc.Attribution = lic.TitleJA
	}
	if bb := src.bbox; bb != nil {
		doc.Bounds = []float64{bb[0], bb[1], bb[2], bb[3]}
		// Centre on the layer at the zoom where it spans about a tile.
		zoom := math.Floor(math.Log2(360 / math.Max(bb[2]-bb[0], 1e-6)))
		doc.Center = []float64{(bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2, math.Min(math.Max(zoom, 0), geo.TileMaxZoom)}
	}
	etag := strongETag(src.slug, strconv.FormatInt(src.key, 10), "tilejson", s.cfg.BaseURL)
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=60")
	if _, match := ifNoneMatch(c.Request, etag); match {
		c.Status(http.StatusNotModified)
		return nil
	}
	b, err := marshalJSON(doc)
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	return nil
}
