package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/catalog"
)

// The other spatial queries on a layer's index:
// GET /api/v1/geo/contains?lat=&lon=&layer= ("which district or school
// zone is this point in": the polygons of layer that contain the point)
// and GET /api/v1/geo/bbox?bbox=&layer=&limit= (the features that meet a
// box, by the index rather than a scan of the records).

const (
	geoBBoxDefault = 100
	geoBBoxMax     = 1000
)

// pointParams reads lat and lon.
func pointParams(c *gin.Context) (orb.Point, error) {
	lat, errLat := strconv.ParseFloat(strings.TrimSpace(c.Query("lat")), 64)
	lon, errLon := strconv.ParseFloat(strings.TrimSpace(c.Query("lon")), 64)
	if errLat != nil || errLon != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return orb.Point{}, catalog.Errorf(catalog.Invalid, "lat and lon are required: degrees of WGS 84, lat from -90 to 90, lon from -180 to 180")
	}
	return orb.Point{lon, lat}, nil
}

// queriedLayer loads the index of the required layer parameter.
func (s *Server) queriedLayer(c *gin.Context) (*gisLayer, error) {
	slug := c.Query("layer")
	if slug == "" {
		return nil, catalog.Errorf(catalog.Invalid, "layer is required: the id of a dataset with geometry or of a unified layer")
	}
	return s.queryLayer(c.Request.Context(), slug)
}

func (s *Server) geoContains(c *gin.Context) error {
	p, err := pointParams(c)
	if err != nil {
		return err
	}
	l, err := s.queriedLayer(c)
	if err != nil {
		return err
	}
	var found []foundFeature
	for _, pos := range l.ix.Containing(p) {
		found = append(found, foundFeature{layer: l, pos: pos})
	}
	return s.writeFound(c, found, -1)
}

func (s *Server) geoBBox(c *gin.Context) error {
	bb, err := ogcBBox(c.Query("bbox"))
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", geoBBoxDefault, 1, 1<<30)
	if err != nil {
		return err
	}
	limit = min(limit, geoBBoxMax)
	l, err := s.queriedLayer(c)
	if err != nil {
		return err
	}
	pos := l.ix.InBound(orb.Bound{Min: orb.Point{bb[0], bb[1]}, Max: orb.Point{bb[2], bb[3]}})
	// In record order, so that the answer is stable and pages of it agree
	// with the records API.
	slices.SortFunc(pos, func(a, b int) int {
		ia, ib := l.ix.ID(a), l.ix.ID(b)
		switch {
		case ia < ib:
			return -1
		case ia > ib:
			return 1
		}
		return 0
	})
	matched := len(pos)
	found := make([]foundFeature, 0, min(limit, len(pos)))
	for _, p := range pos[:min(limit, len(pos))] {
		found = append(found, foundFeature{layer: l, pos: p})
	}
	return s.writeFound(c, found, matched)
}
