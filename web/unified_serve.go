package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
)

// A unified layer served: as an OGC API collection (its features filtered
// in memory: a merge is of a city's facilities, thousands, not millions),
// and its conflation report at /api/v1/layers/{id}/report.

// unifiedCollection is a merge as a feature collection.
type unifiedCollection struct {
	b *unifiedBuild
}

func (b *unifiedBuild) collection() *unifiedCollection { return &unifiedCollection{b: b} }

func (uc *unifiedCollection) describe() collectionInfo {
	b := uc.b
	var names []string
	for _, r := range b.sources {
		if r.Role == "source" {
			names = append(names, r.Dataset)
		}
	}
	return collectionInfo{
		ID: b.ld.Slug, Title: b.ld.Title, BBox: b.bbox, Properties: b.props,
		Keywords: []string{"統合レイヤー"},
		Description: "統合レイヤー：" + strings.Join(names, "、") + " の地物を一つの項目にそろえ、同じ施設は一つにまとめたもの（" +
			strconv.Itoa(b.report.Matched) + "件を統合）。各地物の provenance に元のデータセット・版・地物番号があります。",
	}
}

// match tells whether feature f meets q's filters (paging aside).
func (uc *unifiedCollection) match(f *unifiedFeature, q *featureQuery) bool {
	if q.Time {
		return false // a unified layer has no dates: a period matches none
	}
	if bb := q.BBox; bb != nil {
		if !f.hasBound || f.bound.Max[0] < bb[0] || f.bound.Min[0] > bb[2] || f.bound.Max[1] < bb[1] || f.bound.Min[1] > bb[3] {
			return false
		}
	}
	for name, vals := range q.Equals {
		got, ok := f.values[name]
		if !ok {
			return false
		}
		hit := false
		for _, v := range vals {
			hit = hit || got == v || equalNumbers(got, v)
		}
		if !hit {
			return false
		}
	}
	if q.Q != "" && !strings.Contains(f.text, catalog.Fold(q.Q)) {
		return false
	}
	return true
}

// equalNumbers compares two texts as numbers, so that 80 matches 80.0 as
// it does in a dataset's collection.
func equalNumbers(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

func (uc *unifiedCollection) count(_ context.Context, q *featureQuery) (int, error) {
	n := 0
	for i := range uc.b.features {
		if uc.match(&uc.b.features[i], q) {
			n++
		}
	}
	return n, nil
}

func (uc *unifiedCollection) each(ctx context.Context, q *featureQuery, fn func(id int, geometry, props []byte) error) error {
	skip, left := q.Offset, q.Limit
	for i := range uc.b.features {
		if left <= 0 {
			break
		}
		f := &uc.b.features[i]
		if !uc.match(f, q) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(i+1, f.geometry, f.props); err != nil {
			return err
		}
		left--
	}
	return nil
}

func (uc *unifiedCollection) feature(_ context.Context, id int) ([]byte, []byte, error) {
	if id < 1 || id > len(uc.b.features) {
		return nil, nil, catalog.Errorf(catalog.NotFound, "no feature %d in %s", id, uc.b.ld.Slug)
	}
	f := &uc.b.features[id-1]
	return f.geometry, f.props, nil
}

// unifiedReport is a merge's report as /api/v1/layers/{id}/report answers
// it: which versions were merged, and geo's report of what was mapped,
// matched (and why) and repaired.
type unifiedReport struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Updated  time.Time          `json:"definition_updated"`
	Built    time.Time          `json:"built"`
	Inputs   []unifiedSourceRef `json:"inputs"`
	Warnings []string           `json:"warnings,omitempty"`
	geo.Report
}

// unifiedLayerReport is the current merge's report (for the admin pages
// too); NotFound when there is no such layer.
func (s *Server) unifiedLayerReport(ctx context.Context, slug string) (*unifiedReport, error) {
	b, err := s.unifiedLayer(ctx, slug)
	if err != nil {
		return nil, err
	}
	return &unifiedReport{ID: b.ld.Slug, Title: b.ld.Title, Updated: b.ld.Updated, Built: b.built,
		Inputs: b.sources, Warnings: b.warnings, Report: b.report}, nil
}

// layerReport answers GET /api/v1/layers/{id}/report.
func (s *Server) layerReport(c *gin.Context) error {
	rep, err := s.unifiedLayerReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	b, err := marshalJSON(rep)
	if err != nil {
		return err
	}
	c.Data(200, "application/json; charset=utf-8", b)
	return nil
}

// tileSourceOf finds what the tiles of layer slug are made from: a dataset's
// indexed version, or a unified layer's current merge. key stands for the
// version in caches and ETags. NotFound when slug is neither.
func (s *Server) tileSourceOf(ctx context.Context, slug string) (src *tileSource, err error) {
	d, v, err := s.gisLayerOf(ctx, slug)
	if err == nil {
		return &tileSource{slug: d.Slug, key: v.ID, title: d.TitleJA, description: d.DescriptionJA, license: d.License,
			bbox: firstBBox(v.BBox, d.Spatial), keys: layerKeys(d.Kind),
			index: func(ctx context.Context) (*geo.Index, error) {
				l, err := s.layerIndex(ctx, d, v)
				if err != nil {
					return nil, err
				}
				return l.ix, nil
			}}, nil
	}
	if catalog.KindOf(err) != catalog.NotFound {
		return nil, err
	}
	b, uerr := s.unifiedLayer(ctx, slug)
	if uerr != nil {
		if catalog.KindOf(uerr) == catalog.NotFound {
			return nil, err
		}
		return nil, uerr
	}
	return &tileSource{slug: b.ld.Slug, key: b.id, title: b.ld.Title, bbox: b.bbox, keys: []string{"name"},
		index: func(context.Context) (*geo.Index, error) { return b.ix, nil }}, nil
}

// tileSource is a layer as the tiles see it.
type tileSource struct {
	slug, title, description, license string
	key                               int64
	bbox                              *catalog.BBox
	keys                              []string
	index                             func(ctx context.Context) (*geo.Index, error)
}

func firstBBox(bs ...*catalog.BBox) *catalog.BBox {
	for _, b := range bs {
		if b != nil {
			return b
		}
	}
	return nil
}
