package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/geo"
)

// Unified GIS layers (統合レイヤー): a definition kept in the catalog
// (catalog.LayerDefinition, read by geo.ParseMergeDef) merged by geo.Merge
// from its sources' current published versions. The merge is not stored:
// it is made on the first request that needs it and kept under a key of
// the definition and every source's version id, so that a new
// published version of a source (or a new definition) is a new key and the
// next request merges again. Old merges age out of a small LRU.

// maxUnifiedBuilds bounds the merges kept in memory.
const maxUnifiedBuilds = 8

// unifiedState keeps the merges, by key, and each layer's latest merge
// with the catalog's public stamp it was checked against: while the stamp
// and the definition stay, the sources' versions need not be looked up.
type unifiedState struct {
	mu     sync.Mutex
	builds map[string]*unifiedBuild
	latest map[string]unifiedLatest // by slug
}

// unifiedLatest is the merge last served for a layer.
type unifiedLatest struct {
	stamp string
	def   string // the definition's JSON
	build *unifiedBuild
}

// unifiedBuild is one merge of a unified layer, for one definition and one
// combination of its sources' published versions.
type unifiedBuild struct {
	key      string
	id       int64 // stands for a version in the tile cache and ETags: negative, from key
	ld       *catalog.LayerDefinition
	def      geo.MergeDef
	sources  []unifiedSourceRef
	report   geo.Report
	warnings []string
	built    time.Time
	features []unifiedFeature
	props    []ogcProperty
	bbox     *catalog.BBox
	ix       *geo.Index
	used     time.Time // for the LRU, under unifiedState.mu
}

// unifiedFeature is a merged feature as the OGC API serves it; its id is
// its position from 1.
type unifiedFeature struct {
	geometry, props []byte
	bound           orb.Bound
	hasBound        bool
	values          map[string]string // property -> text, for property filters
	text            string            // every value folded, for q
}

// unifiedSourceRef is a source (or the boundary) of a unified layer and
// the version it was merged from; Version 0 when it has none published.
type unifiedSourceRef struct {
	Dataset string `json:"dataset"`
	Version int    `json:"version,omitempty"`
	Role    string `json:"role"` // source or boundary
	d       *catalog.Dataset
	v       *catalog.Version
}

// Provenance properties every feature of a unified layer carries after the
// unified fields.
const (
	propSourceDatasets = "source_datasets" // the datasets it was made from, highest precedence first
	propSourceCount    = "source_count"    // how many source features were merged into it
	propProvenance     = "provenance"      // [{dataset, version, department, feature_id}]
)

// unifiedDefinitions lists the unified layers' definitions (for the admin
// pages). Errors are internal.
func (s *Server) unifiedDefinitions(ctx context.Context) ([]*catalog.LayerDefinition, error) {
	return s.store.LayerDefinitions(ctx)
}

// unifiedDefinition returns one definition; NotFound when there is none.
func (s *Server) unifiedDefinition(ctx context.Context, slug string) (*catalog.LayerDefinition, error) {
	return s.store.LayerDefinition(ctx, slug)
}

// saveUnifiedDefinition checks a definition (JSON, as geo.ParseMergeDef
// reads it) and stores it under its name, audited as by
// (catalog.AuditLayerDefine). Invalid with the field at fault for a bad
// definition, Conflict when a dataset has its name. The next request for
// the layer merges with it.
func (s *Server) saveUnifiedDefinition(ctx context.Context, by catalog.Actor, body []byte) (*catalog.LayerDefinition, error) {
	return SaveLayerDefinition(ctx, s.store, by, body)
}

// SaveLayerDefinition is saveUnifiedDefinition for callers without a
// server (the command line).
func SaveLayerDefinition(ctx context.Context, store *catalog.Store, by catalog.Actor, body []byte) (*catalog.LayerDefinition, error) {
	def, err := geo.ParseMergeDef(bytes.NewReader(body))
	if err != nil {
		return nil, &catalog.Error{Kind: catalog.Invalid, Message: err.Error(), Err: err}
	}
	title := def.Title
	if title == "" {
		title = def.Name
	}
	ld := &catalog.LayerDefinition{Slug: def.Name, Title: title, Definition: json.RawMessage(body)}
	if err := store.PutLayerDefinition(ctx, by, ld); err != nil {
		return nil, err
	}
	return ld, nil
}

// unifiedLayer returns the current merge of the unified layer slug,
// merging again when its definition or a source's published version has
// changed since the last one. NotFound when there is no such layer.
func (s *Server) unifiedLayer(ctx context.Context, slug string) (*unifiedBuild, error) {
	ld, err := s.store.LayerDefinition(ctx, slug)
	if err != nil {
		return nil, err
	}
	stamp, err := s.store.PublicStamp(ctx)
	if err != nil {
		return nil, err
	}
	st := &s.gis.unified
	st.mu.Lock()
	if l, ok := st.latest[slug]; ok && l.stamp == stamp && l.def == string(ld.Definition) {
		st.mu.Unlock()
		return l.build, nil
	}
	st.mu.Unlock()
	b, err := s.mergedLayer(ctx, ld)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.latest == nil {
		st.latest = map[string]unifiedLatest{}
	}
	st.latest[slug] = unifiedLatest{stamp: stamp, def: string(ld.Definition), build: b}
	return b, nil
}

// mergedLayer returns the merge of ld over its sources' current published
// versions: a kept one when those versions were merged before.
func (s *Server) mergedLayer(ctx context.Context, ld *catalog.LayerDefinition) (*unifiedBuild, error) {
	slug := ld.Slug
	def, err := geo.ParseMergeDef(bytes.NewReader(ld.Definition))
	if err != nil {
		// Checked when saved: only a change of geo's rules gets here.
		return nil, fmt.Errorf("unified layer %s: stored definition: %w", slug, err)
	}
	refs, err := s.unifiedSources(ctx, def)
	if err != nil {
		return nil, err
	}
	key := unifiedKey(ld, refs)
	st := &s.gis.unified
	st.mu.Lock()
	if b, ok := st.builds[key]; ok {
		b.used = time.Now()
		st.mu.Unlock()
		return b, nil
	}
	st.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	res, err, _ := s.gis.flight.Do("unified/"+key, func() (any, error) {
		b, err := s.mergeUnified(ctx, ld, def, refs, key)
		if err != nil {
			return nil, err
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.builds == nil {
			st.builds = map[string]*unifiedBuild{}
		}
		if len(st.builds) >= maxUnifiedBuilds {
			var oldest *unifiedBuild
			for _, o := range st.builds {
				if oldest == nil || o.used.Before(oldest.used) {
					oldest = o
				}
			}
			delete(st.builds, oldest.key)
		}
		st.builds[key] = b
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*unifiedBuild), nil
}

// unifiedSources finds the published version of each source and of the
// boundary; one not published has no version (the merge leaves it out
// and says so).
func (s *Server) unifiedSources(ctx context.Context, def geo.MergeDef) ([]unifiedSourceRef, error) {
	var refs []unifiedSourceRef
	add := func(dataset, role string) error {
		r := unifiedSourceRef{Dataset: dataset, Role: role}
		d, v, err := s.publishedBySlug(ctx, dataset)
		switch {
		case err == nil && v.HasGeometry:
			r.d, r.v, r.Version = d, v, v.Number
		case err != nil && catalog.KindOf(err) != catalog.NotFound:
			return err
		}
		refs = append(refs, r)
		return nil
	}
	for _, src := range def.Sources {
		if err := add(src.Dataset, "source"); err != nil {
			return nil, err
		}
	}
	if def.Boundary != nil && def.Boundary.Dataset != "" {
		if err := add(def.Boundary.Dataset, "boundary"); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// unifiedKey names a merge: the layer, a hash of its definition and the
// version id of every source.
func unifiedKey(ld *catalog.LayerDefinition, refs []unifiedSourceRef) string {
	h := fnv.New64a()
	h.Write(ld.Definition)
	var b strings.Builder
	b.WriteString(ld.Slug)
	b.WriteByte('@')
	b.WriteString(strconv.FormatUint(h.Sum64(), 16))
	for _, r := range refs {
		id := int64(0)
		if r.v != nil {
			id = r.v.ID
		}
		fmt.Fprintf(&b, ";%s=%d", r.Dataset, id)
	}
	return b.String()
}

// mergeUnified reads the sources' records and merges them.
func (s *Server) mergeUnified(ctx context.Context, ld *catalog.LayerDefinition, def geo.MergeDef, refs []unifiedSourceRef, key string) (*unifiedBuild, error) {
	b := &unifiedBuild{key: key, ld: ld, sources: refs, built: s.now().UTC(), used: time.Now()}
	h := fnv.New64a()
	h.Write([]byte(key))
	b.id = -int64(h.Sum64() >> 1)
	var sources []geo.SourceLayer
	for _, r := range refs {
		switch {
		case r.Role == "boundary" && r.v == nil:
			b.warnings = append(b.warnings, fmt.Sprintf("the boundary dataset %q has no published version with geometry: the boundary is not applied", r.Dataset))
			def.Boundary = nil
		case r.Role == "boundary":
			g, err := s.boundaryGeometry(ctx, r)
			if err != nil {
				return nil, err
			}
			if g == nil {
				b.warnings = append(b.warnings, fmt.Sprintf("the boundary dataset %q holds no polygon: the boundary is not applied", r.Dataset))
				def.Boundary = nil
				continue
			}
			def.Boundary.Geometry = g
		case r.v == nil:
			b.warnings = append(b.warnings, fmt.Sprintf("the source %q has no published version with geometry: its features are left out", r.Dataset))
			sources = append(sources, geo.SourceLayer{Dataset: r.Dataset})
		default:
			sl, err := s.sourceLayer(ctx, r)
			if err != nil {
				return nil, err
			}
			sources = append(sources, sl)
		}
	}
	layer, rep, err := geo.Merge(def, sources)
	if err != nil {
		return nil, fmt.Errorf("unified layer %s: %w", ld.Slug, err)
	}
	b.def, b.report = def, rep
	b.fill(layer)
	return b, nil
}

// sourceLayer reads a source's published records as a merge source: the
// columns' values as text, the geometry in WGS 84, the row as feature id,
// and the original system the version records (a Japanese one lets the
// merge check that features lie in Japan).
func (s *Server) sourceLayer(ctx context.Context, r unifiedSourceRef) (geo.SourceLayer, error) {
	sl := geo.SourceLayer{Dataset: r.Dataset, Version: r.v.Number, Department: r.d.Department}
	if src, err := s.store.LayerSource(ctx, r.v.ID); err == nil {
		sl.CRS, _ = geo.CRSByEPSG(src.EPSG)
	} else if catalog.KindOf(err) != catalog.NotFound {
		return sl, err
	}
	for _, c := range r.v.Columns {
		sl.Columns = append(sl.Columns, c.Name)
	}
	err := s.records.EachGeometry(ctx, r.v, func(rec *datasets.GeometryRecord) error {
		g, err := recordGeometry(rec)
		if err != nil {
			return fmt.Errorf("layer %s row %d: %w", r.Dataset, rec.Row, err)
		}
		var props map[string]any
		if err := json.Unmarshal(rec.Props, &props); err != nil {
			return fmt.Errorf("layer %s row %d: %w", r.Dataset, rec.Row, err)
		}
		vals := make([]string, len(sl.Columns))
		for i, c := range sl.Columns {
			vals[i] = valueText(props[c])
		}
		sl.Features = append(sl.Features, geo.SourceFeature{ID: strconv.Itoa(rec.Row), Geometry: g, Values: vals})
		return nil
	})
	return sl, err
}

// boundaryGeometry is the union of a boundary dataset's polygons (nil when
// it has none).
func (s *Server) boundaryGeometry(ctx context.Context, r unifiedSourceRef) (orb.Geometry, error) {
	var mp orb.MultiPolygon
	err := s.records.EachGeometry(ctx, r.v, func(rec *datasets.GeometryRecord) error {
		g, err := recordGeometry(rec)
		if err != nil {
			return fmt.Errorf("boundary %s row %d: %w", r.Dataset, rec.Row, err)
		}
		switch p := g.(type) {
		case orb.Polygon:
			mp = append(mp, p)
		case orb.MultiPolygon:
			mp = append(mp, p...)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case len(mp) == 0:
		return nil, nil
	case len(mp) == 1:
		return mp[0], nil
	}
	return mp, nil
}

// recordGeometry is a stored record's geometry: a point from its bounds,
// anything else from its GeoJSON.
func recordGeometry(rec *datasets.GeometryRecord) (orb.Geometry, error) {
	if rec.Geometry == nil {
		return orb.Point{rec.X, rec.Y}, nil
	}
	g, err := geojson.UnmarshalGeometry(rec.Geometry)
	if err != nil {
		return nil, err
	}
	return g.Geometry(), nil
}

// valueText is a record's JSON value as the text a merge compares and
// copies: numbers as written without exponent, null as empty.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fill turns the merged layer into what the OGC API and the tiles serve:
// each feature's GeoJSON geometry and properties (the unified fields, then
// where it came from), its bounds, and a spatial index for tiles.
func (b *unifiedBuild) fill(layer geo.MergedLayer) {
	for _, f := range b.def.Fields {
		b.props = append(b.props, ogcProperty{Name: f.Name, Type: "string"})
	}
	b.props = append(b.props, ogcProperty{Name: propSourceDatasets, Type: "string"}, ogcProperty{Name: propSourceCount, Type: "integer"})
	nameAt := slices.IndexFunc(layer.Fields, func(f string) bool { return f == "name" })
	if c := b.def.Conflation; c != nil && c.NameField != "" {
		nameAt = slices.Index(layer.Fields, c.NameField)
	}
	var bounds orb.Bound
	var items []geo.Item
	for i, mf := range layer.Features {
		uf := unifiedFeature{values: map[string]string{}}
		var p bytes.Buffer
		p.WriteByte('{')
		var text []string
		for k, name := range layer.Fields {
			if k > 0 {
				p.WriteByte(',')
			}
			p.Write(appendJSONText(name))
			p.WriteByte(':')
			if mf.Values[k] == "" {
				p.WriteString("null")
			} else {
				p.Write(appendJSONText(mf.Values[k]))
				uf.values[name] = mf.Values[k]
				text = append(text, mf.Values[k])
			}
		}
		var datasets []string
		for _, src := range mf.Sources {
			datasets = append(datasets, src.Dataset)
		}
		uf.values[propSourceDatasets] = strings.Join(datasets, ",")
		uf.values[propSourceCount] = strconv.Itoa(len(mf.Sources))
		prov, _ := json.Marshal(mf.Sources)
		fmt.Fprintf(&p, `,%s:%s,%s:%d,%s:%s}`, appendJSONText(propSourceDatasets), appendJSONText(uf.values[propSourceDatasets]),
			appendJSONText(propSourceCount), len(mf.Sources), appendJSONText(propProvenance), prov)
		uf.props = p.Bytes()
		uf.text = catalog.Fold(strings.Join(text, "\x00"))
		if mf.Geometry != nil {
			uf.geometry, _ = json.Marshal(geojson.NewGeometry(mf.Geometry))
			uf.bound, uf.hasBound = mf.Geometry.Bound(), true
			if len(items) == 0 {
				bounds = uf.bound
			} else {
				bounds = bounds.Union(uf.bound)
			}
			it := geo.Item{ID: uint64(i + 1), Geometry: mf.Geometry, Values: []any{nil}}
			if nameAt >= 0 && mf.Values[nameAt] != "" {
				it.Values[0] = mf.Values[nameAt]
			}
			items = append(items, it)
		}
		b.features = append(b.features, uf)
	}
	if len(items) > 0 {
		b.bbox = &catalog.BBox{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]}
	}
	b.ix = geo.NewIndex([]string{"name"}, items)
}

// appendJSONText is s as a JSON string, without HTML escaping.
func appendJSONText(s string) []byte {
	b, _ := marshalJSON(s)
	return bytes.TrimSpace(b)
}

// unifiedCollections lists every unified layer as a collection, by title.
// A layer whose merge fails is left out of the list (and logged): the
// other collections are still served.
func (s *Server) unifiedCollections(ctx context.Context) ([]featureCollection, error) {
	lds, err := s.store.LayerDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(lds, func(a, b *catalog.LayerDefinition) int { return strings.Compare(a.Title, b.Title) })
	var out []featureCollection
	for _, ld := range lds {
		b, err := s.unifiedLayer(ctx, ld.Slug)
		if err != nil {
			s.log.Error("unified layer", "id", ld.Slug, "err", err)
			continue
		}
		out = append(out, b.collection())
	}
	return out, nil
}
