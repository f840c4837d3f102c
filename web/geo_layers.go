package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/singleflight"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/geo"
)

// GIS layers for tiles and spatial queries: a published dataset with
// geometry, indexed in memory (geo.Index) once per published version. A
// version never changes, so its index is keyed by the version's id and a
// new version is simply another key; old ones age out of a small LRU.

// hazards are the evacuation standard's hazard columns, by the names the
// API uses (the typed fields' "hazards" keys), in the standard's order.
var hazards = []string{"flood", "landslide", "storm_surge", "earthquake", "tsunami", "fire", "inland_flood", "volcano"}

// maxLayers bounds the indexed layers kept in memory.
const maxLayers = 16

// gisLayer is one indexed version of a dataset, or a unified layer's
// merge (u set, v nil).
type gisLayer struct {
	slug string
	v    *catalog.Version
	u    *unifiedBuild
	ix   *geo.Index
	used time.Time // for the LRU, under gisState.mu
}

// queryLayer is the layer a spatial query's layer parameter names: a
// published dataset with geometry, or a unified layer (its current
// merge). NotFound when slug is neither.
func (s *Server) queryLayer(ctx context.Context, slug string) (*gisLayer, error) {
	d, v, err := s.gisLayerOf(ctx, slug)
	if err == nil {
		return s.layerIndex(ctx, d, v)
	}
	if catalog.KindOf(err) != catalog.NotFound {
		return nil, err
	}
	b, uerr := s.unifiedLayer(ctx, slug)
	switch {
	case catalog.KindOf(uerr) == catalog.NotFound:
		return nil, err
	case uerr != nil:
		return nil, uerr
	}
	return &gisLayer{slug: b.ld.Slug, u: b, ix: b.ix}, nil
}

// layerFeature loads feature id of a layer (its index's ID): a dataset's
// record, or a merged feature. NotFound when there is none.
func (s *Server) layerFeature(ctx context.Context, l *gisLayer, id int) (geometry, props []byte, err error) {
	if l.u != nil {
		return l.u.collection().feature(ctx, id)
	}
	return s.records.Feature(ctx, l.v, id)
}

// gisState keeps the indexed layers and the tile cache.
type gisState struct {
	mu     sync.Mutex
	layers map[int64]*gisLayer
	flight singleflight.Group
	tiles  tileCache
	// unified keeps the merges of the unified layers (unified.go).
	unified unifiedState
	// evac is the list of published evacuation layers, nearest's default,
	// reloaded when the catalog's public stamp moves.
	evac struct {
		stamp   string
		checked time.Time
		refs    []layerRef
	}
}

// layerRef names a published dataset with geometry and its version.
type layerRef struct {
	d *catalog.Dataset
	v *catalog.Version
}

// layerKeys are the properties a layer's features carry in tiles: a name,
// and for evacuation sites the hazards they accept. Everything else is a
// request away at /ogc/collections/{id}/items/{fid}, which a tile's
// feature id (the record's row) names.
func layerKeys(kind catalog.Kind) []string {
	if kind == catalog.KindEvacuation {
		return append([]string{"name"}, hazards...)
	}
	return []string{"name"}
}

// nameColumns are the columns a feature's name is taken from when the
// dataset has no standard name field, in order of preference.
var nameColumns = []string{"名称", "施設名", "施設・場所名", "名前", "name", "NAME", "Name", "title"}

// gisLayerOf finds the published layer slug; NotFound when there is no
// published dataset with geometry of that name.
func (s *Server) gisLayerOf(ctx context.Context, slug string) (*catalog.Dataset, *catalog.Version, error) {
	d, v, err := s.publishedBySlug(ctx, slug)
	if catalog.KindOf(err) == catalog.NotFound || err == nil && !v.HasGeometry {
		return nil, nil, catalog.Errorf(catalog.NotFound, "no layer %q: a layer is a published dataset with geometry", slug)
	}
	return d, v, err
}

// layerIndex returns the index of version v of d, building it on first use
// (one build for all the requests that wait for it).
func (s *Server) layerIndex(ctx context.Context, d *catalog.Dataset, v *catalog.Version) (*gisLayer, error) {
	st := &s.gis
	st.mu.Lock()
	if l, ok := st.layers[v.ID]; ok {
		l.used = time.Now()
		st.mu.Unlock()
		return l, nil
	}
	st.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	res, err, _ := st.flight.Do(strconv.FormatInt(v.ID, 10), func() (any, error) {
		ix, err := s.buildIndex(ctx, d, v)
		if err != nil {
			return nil, err
		}
		l := &gisLayer{slug: d.Slug, v: v, ix: ix, used: time.Now()}
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.layers == nil {
			st.layers = map[int64]*gisLayer{}
		}
		if len(st.layers) >= maxLayers {
			var oldest *gisLayer
			for _, o := range st.layers {
				if oldest == nil || o.used.Before(oldest.used) {
					oldest = o
				}
			}
			delete(st.layers, oldest.v.ID)
		}
		st.layers[v.ID] = l
		return l, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*gisLayer), nil
}

// buildIndex reads v's records with geometry into an index.
func (s *Server) buildIndex(ctx context.Context, d *catalog.Dataset, v *catalog.Version) (*geo.Index, error) {
	keys := layerKeys(d.Kind)
	items := make([]geo.Item, 0, v.Rows)
	err := s.records.EachGeometry(ctx, v, func(r *datasets.GeometryRecord) error {
		it := geo.Item{ID: uint64(r.Row), Values: make([]any, len(keys))}
		if r.Geometry == nil {
			it.Geometry = orb.Point{r.X, r.Y}
		} else {
			g, err := geojson.UnmarshalGeometry(r.Geometry)
			if err != nil {
				return fmt.Errorf("layer %s row %d: geometry: %w", d.Slug, r.Row, err)
			}
			it.Geometry = g.Geometry()
		}
		var fields struct {
			Name    string          `json:"name"`
			Hazards map[string]bool `json:"hazards"`
		}
		if r.Fields != nil {
			if err := json.Unmarshal(r.Fields, &fields); err != nil {
				return fmt.Errorf("layer %s row %d: fields: %w", d.Slug, r.Row, err)
			}
		}
		if fields.Name == "" {
			fields.Name = nameOf(r.Props)
		}
		if fields.Name != "" {
			it.Values[0] = fields.Name
		}
		for k, h := range keys[1:] {
			if v, ok := fields.Hazards[h]; ok {
				it.Values[k+1] = v
			}
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return geo.NewIndex(keys, items), nil
}

// nameOf picks a feature's name from its record: the first of nameColumns
// that holds text.
func nameOf(props []byte) string {
	var m map[string]any
	if json.Unmarshal(props, &m) != nil {
		return ""
	}
	for _, c := range nameColumns {
		if s, ok := m[c].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// evacuationLayers lists the published evacuation datasets with geometry,
// nearest's default layers. The list is kept and checked against the
// catalog's public stamp at most once a second.
func (s *Server) evacuationLayers(ctx context.Context) ([]layerRef, error) {
	st := &s.gis
	st.mu.Lock()
	if st.evac.refs != nil && time.Since(st.evac.checked) < time.Second {
		refs := st.evac.refs
		st.mu.Unlock()
		return refs, nil
	}
	st.mu.Unlock()
	stamp, err := s.store.PublicStamp(ctx)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	if st.evac.refs != nil && st.evac.stamp == stamp {
		st.evac.checked = time.Now()
		refs := st.evac.refs
		st.mu.Unlock()
		return refs, nil
	}
	st.mu.Unlock()
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Kind: catalog.KindEvacuation, Sort: "title"})
	if err != nil {
		return nil, err
	}
	versions, _, err := s.store.CurrentVersions(ctx, ds)
	if err != nil {
		return nil, err
	}
	refs := []layerRef{}
	for _, d := range ds {
		if v := versions[d.ID]; v != nil && v.HasGeometry {
			refs = append(refs, layerRef{d, v})
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.evac.stamp, st.evac.checked, st.evac.refs = stamp, time.Now(), refs
	return refs, nil
}
