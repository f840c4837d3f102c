package web

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/geo"
)

// GET /api/v1/geo/nearest?lat=&lon=&layer=&hazard=&n=: the n evacuation
// sites (or features of layer) nearest to a point, by distance on the
// GRS80 ellipsoid, as a GeoJSON FeatureCollection, nearest first.

const (
	nearestDefault = 5
	nearestMax     = 50
)

// nearestHit is one site found, before its record is loaded.
type nearestHit struct {
	layer *gisLayer
	nb    geo.Neighbor
}

func (s *Server) nearest(c *gin.Context) error {
	p, err := pointParams(c)
	if err != nil {
		return err
	}
	// n above the maximum is clamped, as the OGC API's limit is.
	n, err := intParam(c, "n", nearestDefault, 1, 1<<30)
	if err != nil {
		return err
	}
	found, err := s.findNearest(c.Request.Context(), p, c.Query("layer"), c.Query("hazard"), min(n, nearestMax))
	if err != nil {
		return err
	}
	return s.writeFound(c, found, -1)
}

// findNearest finds the n features of layer (empty: the evacuation sites
// of every evacuation dataset) nearest to p on the ellipsoid, keeping
// only sites that accept hazard (empty: any), nearest first. Invalid for
// an unknown hazard, NotFound for an unknown layer.
func (s *Server) findNearest(ctx context.Context, p orb.Point, layer, hazard string, n int) ([]foundFeature, error) {
	hk := -1
	if hazard != "" {
		if hk = slices.Index(hazards, hazard); hk < 0 {
			return nil, catalog.Errorf(catalog.Invalid, "hazard must be one of %s", strings.Join(hazards, ", "))
		}
	}
	// The layer asked for (a dataset or a unified layer), or every
	// published evacuation layer.
	var layers []*gisLayer
	if layer != "" {
		l, err := s.queryLayer(ctx, layer)
		if err != nil {
			return nil, err
		}
		layers = []*gisLayer{l}
	} else {
		refs, err := s.evacuationLayers(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			l, err := s.layerIndex(ctx, r.d, r.v)
			if err != nil {
				return nil, err
			}
			layers = append(layers, l)
		}
	}
	var hits []nearestHit
	for _, l := range layers {
		var keep func(int) bool
		if hk >= 0 {
			k := slices.Index(l.ix.Keys, hazard)
			if k < 0 {
				continue // not an evacuation layer: no site declares hazards
			}
			keep = func(pos int) bool { return l.ix.Value(pos, k) == true }
		}
		for _, nb := range l.ix.Nearest(p, n, keep) {
			hits = append(hits, nearestHit{l, nb})
		}
	}
	slices.SortStableFunc(hits, func(a, b nearestHit) int {
		switch {
		case a.nb.Distance < b.nb.Distance:
			return -1
		case a.nb.Distance > b.nb.Distance:
			return 1
		}
		return 0
	})
	hits = hits[:min(len(hits), n)]
	found := make([]foundFeature, len(hits))
	for i, h := range hits {
		found[i] = foundFeature{layer: h.layer, pos: h.nb.Pos, distance: h.nb.Distance, hasDistance: true}
	}
	return found, nil
}

// foundFeature is a feature a spatial query found.
type foundFeature struct {
	layer       *gisLayer
	pos         int // in the layer's index
	distance    float64
	hasDistance bool
}

// writeFound answers a GeoJSON FeatureCollection of found, each feature
// with its geometry and its record as stored (a JSON object) for
// properties, after distance_m (when measured), layer (the dataset) and
// url (the feature in the OGC API). matched, when not negative, is written
// as numberMatched. The answer is written by hand: the records are JSON
// already.
func (s *Server) writeFound(c *gin.Context, found []foundFeature, matched int) error {
	ctx := c.Request.Context()
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range found {
		row := int(f.layer.ix.ID(f.pos))
		geom, props, err := s.layerFeature(ctx, f.layer, row)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type":"Feature","id":`)
		b.WriteString(strconv.Itoa(row))
		b.WriteString(`,"geometry":`)
		b.Write(geom)
		b.WriteString(`,"properties":{`)
		if f.hasDistance {
			b.WriteString(`"distance_m":`)
			b.WriteString(strconv.FormatFloat(f.distance, 'f', 1, 64))
			b.WriteByte(',')
		}
		b.WriteString(`"layer":`)
		slug, _ := marshalJSON(f.layer.slug)
		b.Write(bytes.TrimSpace(slug))
		b.WriteString(`,"url":`)
		u, _ := marshalJSON(s.cfg.BaseURL + "/ogc/collections/" + f.layer.slug + "/items/" + strconv.Itoa(row))
		b.Write(bytes.TrimSpace(u))
		if rest := bytes.TrimSpace(props); len(rest) > 2 {
			b.WriteByte(',')
			b.Write(rest[1 : len(rest)-1])
		}
		b.WriteString(`}}`)
	}
	b.WriteString(`]`)
	if matched >= 0 {
		b.WriteString(`,"numberMatched":`)
		b.WriteString(strconv.Itoa(matched))
	}
	b.WriteString(`,"numberReturned":`)
	b.WriteString(strconv.Itoa(len(found)))
	b.WriteString("}\n")
	c.Data(http.StatusOK, mtGeoJSON+"; charset=utf-8", b.Bytes())
	return nil
}
