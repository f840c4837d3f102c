package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
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
	LayerBoundary        = "city-boundary"
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

// layerEntry is one of the departments' GIS layers as a catalog dataset.
type layerEntry struct {
	slug, department, file, title, titleEN, description string
	keywords                                            []string
}

// layerEntries are the GIS layers the demo imports, each as its department
// would upload it (kind layer).
var layerEntries = []layerEntry{
	{LayerEvacuationSites, "bousai", evacuationZip, "指定緊急避難場所（防災安全課GIS・サンプル）",
		"Evacuation sites (Disaster Prevention GIS, sample)",
		"防災安全課のGISから書き出した指定緊急避難場所のShapefile（平面直角座標系第IX系 EPSG:6677、属性はShift_JIS）。取り込み時に世界測地系の経緯度に変換しています。",
		[]string{"GIS", "避難場所", "Shapefile", "サンプルデータ"}},
	{LayerFacilities, "toshikeikaku", facilitiesGeoJSON, "公共施設（都市計画課GIS・サンプル）",
		"Public facilities (Urban Planning GIS, sample)",
		"都市計画課のGISの公共施設レイヤー（GeoJSON、世界測地系）。学校・公園などは防災安全課の避難場所と同じ施設です。",
		[]string{"GIS", "公共施設", "GeoJSON", "サンプルデータ"}},
	{LayerDistricts, "toshikeikaku", districtsGeoJSON, "町丁目区域（都市計画課GIS・サンプル）",
		"Districts (Urban Planning GIS, sample)",
		"都市計画課のGISの町の区域（ポリゴン、GeoJSON）。",
		[]string{"GIS", "町丁目", "区域", "サンプルデータ"}},
	{LayerBoundary, "toshikeikaku", "boundary.geojson", "市域界（サンプル）", "City boundary (sample)",
		"みどり野市（サンプル）の市域界（簡略化したポリゴン、GeoJSON）。統合レイヤーの範囲に使います。",
		[]string{"GIS", "市域", "サンプルデータ"}},
}

// LayerRequests returns the import requests of the departments' GIS
// layers (the integrated GIS demo), published, by Actor "demo":
// 防災安全課's evacuation sites as the zipped Shapefile in zone IX, and
// 都市計画課's facilities, districts and the city boundary as GeoJSON.
// They go through the importer as any upload does.
func LayerRequests() ([]datasets.ImportRequest, error) {
	depts := map[string]catalog.Department{}
	for _, d := range Departments() {
		depts[d.Code] = d
	}
	b := Boundary().Bound()
	bbox := catalog.BBox{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}
	var reqs []datasets.ImportRequest
	for _, e := range layerEntries {
		var data []byte
		var err error
		if e.slug == LayerBoundary {
			data, err = files.ReadFile("data/" + e.file)
		} else {
			data, err = layerFiles.ReadFile("data/layers/" + e.file)
		}
		if err != nil {
			return nil, fmt.Errorf("demo: layer %s: %w", e.slug, err)
		}
		d := depts[e.department]
		spatial := bbox
		reqs = append(reqs, datasets.ImportRequest{Slug: e.slug, Kind: catalog.KindLayer, Department: e.department,
			Publish: true, Actor: Actor,
			Meta: &catalog.Dataset{Slug: e.slug, TitleJA: e.title, TitleEN: e.titleEN,
				DescriptionJA: "【" + SampleNote + "】" + e.description, Kind: catalog.KindLayer, Department: e.department,
				Keywords: e.keywords, Themes: []string{"REGI"}, License: "CC-BY-4.0", Frequency: "IRREG", Spatial: &spatial,
				Contact: catalog.Contact{Name: CityName + " " + d.NameJA, Email: d.Email, Phone: d.Phone}},
			Files: []datasets.File{{Name: e.file, Data: bytes.NewReader(data)}}})
	}
	return reqs, nil
}

// UnifiedLayerJSON is the demo's unified 施設・避難所 layer definition as
// the catalog stores it.
func UnifiedLayerJSON() ([]byte, error) {
	return layerFiles.ReadFile("data/layers/" + unifiedDefinition)
}

// LoadLayers imports the GIS layers that im's catalog lacks and stores the
// unified 施設・避難所 layer's definition when it has none: after Load (or
// on a catalog that has the demo departments), so that the OGC API lists
// the unified layer and its conflation report names the schools, parks
// and gymnasium both departments publish. The departments must exist.
func LoadLayers(ctx context.Context, im *datasets.Importer) error {
	reqs, err := LayerRequests()
	if err != nil {
		return err
	}
	for _, r := range reqs {
		_, err := im.Store.DatasetBySlug(ctx, r.Slug)
		if err == nil {
			continue
		}
		if catalog.KindOf(err) != catalog.NotFound {
			return err
		}
		if _, err := im.Import(ctx, r); err != nil {
			return fmt.Errorf("import %s: %w", r.Slug, err)
		}
	}
	def, err := UnifiedLayerDefinition()
	if err != nil {
		return err
	}
	if _, err := im.Store.LayerDefinition(ctx, def.Name); catalog.KindOf(err) != catalog.NotFound {
		return err // nil when it is there already
	}
	raw, err := UnifiedLayerJSON()
	if err != nil {
		return err
	}
	return im.Store.PutLayerDefinition(ctx, catalog.Actor{Login: Actor}, &catalog.LayerDefinition{Slug: def.Name, Title: def.Title, Definition: raw})
}
