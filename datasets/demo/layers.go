package demo

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/geo"
)

// The departments' GIS layers of the integrated GIS demo (issue 5), as the
// departments send them: 防災安全課's evacuation sites as a zipped
// Shapefile in plane rectangular zone IX with Shift_JIS attributes,
// 都市計画課's public facilities and 町 polygons as GeoJSON in WGS 84. The
// files were made once from the CSVs (layers_gen_test.go) and are data.
//
//go:embed data/layers
var layerFiles embed.FS

// Files under data/layers/.
const (
	evacuationZip     = "evacuation_sites_zone9.zip"
	facilitiesGeoJSON = "facilities.geojson"
	districtsGeoJSON  = "districts.geojson"
	unifiedDefinition = "shisetsu_hinanjo.json"
)

// The demo layers' dataset identifiers, as the unified layer's definition
// names them.
const (
	LayerEvacuationSites = "bousai-evacuation-sites-shp"
	LayerFacilities      = "toshikeikaku-facilities-geojson"
	LayerDistricts       = "toshikeikaku-districts-geojson"
)

// Layers reads the demo's source layers: evacuation sites (防災安全課,
// from the Shapefile, converted from EPSG:6677), public facilities and
// districts (都市計画課, GeoJSON). Each is version 1. The error says which
// file could not be read, which the package tests rule out.
func Layers() ([]geo.SourceLayer, error) {
	zipData, err := layerFiles.ReadFile("data/layers/" + evacuationZip)
	if err != nil {
		return nil, err
	}
	l, err := geo.ReadShapefileZip(bytes.NewReader(zipData), int64(len(zipData)),
		geo.ShapefileOptions{Department: "bousai", File: evacuationZip})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	out := []geo.SourceLayer{geo.SourceFromLayer(LayerEvacuationSites, 1, l)}
	for _, g := range []struct{ dataset, file string }{
		{LayerFacilities, facilitiesGeoJSON},
		{LayerDistricts, districtsGeoJSON},
	} {
		s, err := geoJSONLayer(g.dataset, "toshikeikaku", g.file)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// geoJSONLayer reads one of the demo's small GeoJSON files; columns are
// the property names in sorted order (orb keeps properties in a map).
func geoJSONLayer(dataset, department, file string) (geo.SourceLayer, error) {
	b, err := layerFiles.ReadFile("data/layers/" + file)
	if err != nil {
		return geo.SourceLayer{}, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return geo.SourceLayer{}, fmt.Errorf("demo: %s: %w", file, err)
	}
	wgs84, _ := geo.CRSByEPSG(geo.EPSGWGS84)
	s := geo.SourceLayer{Dataset: dataset, Version: 1, Department: department, CRS: wgs84}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		for k := range f.Properties {
			if !seen[k] {
				seen[k] = true
				s.Columns = append(s.Columns, k)
			}
		}
	}
	sort.Strings(s.Columns)
	for _, f := range fc.Features {
		vals := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			if v, ok := f.Properties[c]; ok && v != nil {
				vals[i] = strings.TrimSpace(fmt.Sprint(v))
			}
		}
		s.Features = append(s.Features, geo.SourceFeature{ID: fmt.Sprint(f.ID), Geometry: f.Geometry, Values: vals})
	}
	return s, nil
}

// UnifiedLayerDefinition returns the demo's unified 施設・避難所 layer, read
// from its definition file, with the city boundary set.
func UnifiedLayerDefinition() (geo.MergeDef, error) {
	b, err := layerFiles.ReadFile("data/layers/" + unifiedDefinition)
	if err != nil {
		return geo.MergeDef{}, err
	}
	def, err := geo.ParseMergeDef(bytes.NewReader(b))
	if err != nil {
		return def, fmt.Errorf("demo: %s: %w", unifiedDefinition, err)
	}
	if def.Boundary != nil {
		def.Boundary.Geometry = Boundary()
	}
	return def, nil
}
