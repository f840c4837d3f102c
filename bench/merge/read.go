package main

import (
	"fmt"
	"os"
	"strconv"

	json "github.com/goccy/go-json"
	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/geo"
)

// The benchmark's GeoJSON reader decodes with goccy/go-json (already in
// the module graph through Gin) into plain structs: orb's geojson package
// goes through encoding/json and took 12 of the 15 seconds of a first run.
type rawCollection struct {
	Features []rawFeature `json:"features"`
}

type rawFeature struct {
	ID         any            `json:"id"`
	Properties map[string]any `json:"properties"`
	Geometry   *rawGeometry   `json:"geometry"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func (g *rawGeometry) orb() (orb.Geometry, error) {
	if g == nil {
		return nil, nil
	}
	var err error
	switch g.Type {
	case "Point":
		var p [2]float64
		err = json.Unmarshal(g.Coordinates, &p)
		return orb.Point(p), err
	case "MultiPoint":
		var ps []orb.Point
		err = json.Unmarshal(g.Coordinates, &ps)
		return orb.MultiPoint(ps), err
	case "LineString":
		var ps []orb.Point
		err = json.Unmarshal(g.Coordinates, &ps)
		return orb.LineString(ps), err
	case "MultiLineString":
		var ls []orb.LineString
		err = json.Unmarshal(g.Coordinates, &ls)
		return orb.MultiLineString(ls), err
	case "Polygon":
		var p orb.Polygon
		err = json.Unmarshal(g.Coordinates, &p)
		return p, err
	case "MultiPolygon":
		var mp orb.MultiPolygon
		err = json.Unmarshal(g.Coordinates, &mp)
		return mp, err
	}
	return nil, fmt.Errorf("geometry type %q is not read by the benchmark", g.Type)
}

// read decodes a GeoJSON file into a merge source; columns are the
// properties in order of first appearance.
func read(path, dataset string) (geo.SourceLayer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return geo.SourceLayer{}, err
	}
	var fc rawCollection
	if err := json.Unmarshal(b, &fc); err != nil {
		return geo.SourceLayer{}, fmt.Errorf("%s: %w", path, err)
	}
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	s := geo.SourceLayer{Dataset: dataset, Version: 1, Department: dataset, CRS: wgs84}
	index := map[string]int{}
	for _, f := range fc.Features {
		for k := range f.Properties {
			if _, ok := index[k]; !ok {
				index[k] = len(s.Columns)
				s.Columns = append(s.Columns, k)
			}
		}
	}
	s.Features = make([]geo.SourceFeature, len(fc.Features))
	for i, f := range fc.Features {
		vals := make([]string, len(s.Columns))
		for k, v := range f.Properties {
			switch v := v.(type) {
			case string:
				vals[index[k]] = v
			case float64:
				vals[index[k]] = strconv.FormatFloat(v, 'f', -1, 64)
			case nil:
			default:
				vals[index[k]] = fmt.Sprint(v)
			}
		}
		g, err := f.Geometry.orb()
		if err != nil {
			return s, fmt.Errorf("%s: feature %d: %w", path, i+1, err)
		}
		s.Features[i] = geo.SourceFeature{ID: strconv.Itoa(i + 1), Geometry: g, Values: vals}
	}
	return s, nil
}
