package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/geo"
)

// DefaultMaxGeoJSONBytes is ReadGeoJSON's size limit when maxBytes is 0.
const DefaultMaxGeoJSONBytes = 100 << 20

// GeoFeature is one feature of a GeoJSON file that passed the checks.
type GeoFeature struct {
	Index    int            // 0-based feature index in the collection
	Props    map[string]any // properties as decoded by encoding/json (numbers are float64); never nil
	Geometry orb.Geometry   // nil when the feature has null geometry
}

// GeoTable is a GeoJSON file read as a table: one row per feature.
type GeoTable struct {
	Columns  []string     // union of the good features' property keys, in first-seen order
	Features []GeoFeature // good features only
}

// ReadGeoJSON reads an RFC 7946 FeatureCollection, or a single Feature, of
// at most maxBytes bytes (0 means DefaultMaxGeoJSONBytes) from r.
//
// Whole-file problems return an error of type *Problem (severity error): a
// read failure, a file larger than maxBytes, an empty file or collection,
// text that is not JSON (with the line of the syntax error), and JSON that is
// neither a FeatureCollection nor a Feature.
//
// Otherwise the features are checked one by one. A feature that is not a
// Feature object, whose geometry type is unknown, whose coordinates are
// malformed, or whose geometry fails geo.Validate (for example Japan written
// as latitude,longitude) is refused with an error Problem; the others are
// kept. Refusal Problems carry the line where the feature starts and say
// "feature N" (0-based, as GeoFeature.Index) in the Reason, since minified
// files put every feature on line 1.
//
// Warnings: once when a legacy "crs" member names something other than
// CRS84 / EPSG:4326, and once, with a count, when kept features lie outside
// Japan's rough extent (likely swapped or zero coordinates).
func ReadGeoJSON(name string, r io.Reader, maxBytes int64) (*GeoTable, []Problem, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxGeoJSONBytes
	}
	fileProblem := func(format string, args ...any) error {
		return &Problem{File: name, Reason: fmt.Sprintf(format, args...), Severity: SeverityError}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, nil, fileProblem("the file could not be read: %v", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, nil, fileProblem("the file is larger than the %s limit for GeoJSON", geojsonSize(maxBytes))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // RFC 7946 §11: ignore a BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fileProblem("the file is empty")
	}
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
		CRS      json.RawMessage   `json:"crs"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, nil, &Problem{File: name, Line: geojsonLine(data, int(se.Offset)),
				Reason: fmt.Sprintf("the file is not JSON (%s); GeoJSON is a JSON text", geojsonSyntaxReason(data, se)), Severity: SeverityError}
		case errors.As(err, &te) && te.Field != "":
			return nil, nil, fileProblem("the file is JSON but not a GeoJSON FeatureCollection: its %q member holds %s where GeoJSON has %s",
				te.Field, geojsonArticle(te.Value), map[string]string{"features": "an array of features", "type": "a string"}[te.Field])
		default:
			return nil, nil, fileProblem("the file is JSON but not a GeoJSON FeatureCollection: it holds %s", geojsonDescribe(data))
		}
	}

	var raws []json.RawMessage
	var starts []int // byte offset where each feature starts
	switch top.Type {
	case "FeatureCollection":
		raws = top.Features
		starts = geojsonFeatureOffsets(data, len(raws))
	case "Feature":
		raws = []json.RawMessage{data}
		starts = []int{geojsonSkipSpace(data, 0)}
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return nil, nil, fileProblem("the file is a bare %s geometry; upload a FeatureCollection (each feature with its properties)", top.Type)
	case "":
		return nil, nil, fileProblem(`the file is JSON but not GeoJSON: it has no "type" member (%s)`, geojsonDescribe(data))
	default:
		return nil, nil, fileProblem("the file is JSON but not GeoJSON: its type is %q, expected \"FeatureCollection\"", top.Type)
	}
	if len(raws) == 0 {
		return nil, nil, fileProblem("the FeatureCollection is empty: it has no features")
	}

	var problems []Problem
	if w, ok := geojsonCRSWarning(top.CRS); ok {
		problems = append(problems, Problem{File: name, Reason: w, Severity: SeverityWarning})
	}

	t := &GeoTable{}
	seen := make(map[string]bool)
	outside, firstOutside := 0, -1
	var outsideAt orb.Point
	for i, raw := range raws {
		line := 0
		if i < len(starts) {
			line = geojsonLine(data, starts[i])
		}
		f, keys, err := geojsonDecodeFeature(raw)
		if err == nil && f.Geometry != nil {
			if verr := geo.Validate(f.Geometry); verr != nil {
				err = fmt.Errorf("invalid geometry: %w", verr)
			}
		}
		if err != nil {
			problems = append(problems, Problem{File: name, Line: line,
				Reason: fmt.Sprintf("feature %d refused: %v", i, err), Severity: SeverityError})
			continue
		}
		f.Index = i
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				t.Columns = append(t.Columns, k)
			}
		}
		if f.Geometry != nil && !geo.InJapan(f.Geometry.Bound().Center()) {
			if outside == 0 {
				firstOutside, outsideAt = i, f.Geometry.Bound().Center()
			}
			outside++
		}
		t.Features = append(t.Features, f)
	}
	if outside > 0 {
		problems = append(problems, Problem{File: name, Severity: SeverityWarning, Reason: fmt.Sprintf(
			"%d of %d features lie outside Japan (the first is feature %d, around [%g, %g]); check for swapped or zero coordinates",
			outside, len(t.Features), firstOutside, outsideAt[0], outsideAt[1])})
	}
	return t, problems, nil
}

// geojsonDecodeFeature decodes one feature, returning its property keys in the
// order they are written. Index is left for the caller.
func geojsonDecodeFeature(raw json.RawMessage) (GeoFeature, []string, error) {
	var doc struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return GeoFeature{}, nil, fmt.Errorf("not a GeoJSON Feature object (%s)", geojsonDescribe(raw))
	}
	if doc.Type != "Feature" {
		if doc.Type == "" {
			return GeoFeature{}, nil, errors.New(`not a GeoJSON Feature: it has no "type": "Feature"`)
		}
		return GeoFeature{}, nil, fmt.Errorf("type is %q, expected \"Feature\"", doc.Type)
	}
	f := GeoFeature{Props: map[string]any{}}
	var keys []string
	if p := bytes.TrimSpace(doc.Properties); len(p) > 0 && !bytes.Equal(p, []byte("null")) {
		if err := json.Unmarshal(p, &f.Props); err != nil {
			return GeoFeature{}, nil, fmt.Errorf(`"properties" must be an object or null (%s)`, geojsonDescribe(p))
		}
		keys = geojsonObjectKeys(p)
	}
	// RFC 7946 wants "geometry": null for a feature without a location;
	// a missing member is read the same way rather than losing the row.
	g := bytes.TrimSpace(doc.Geometry)
	if len(g) == 0 || bytes.Equal(g, []byte("null")) {
		return f, keys, nil
	}
	geom, err := geojsonDecodeGeometry(g)
	if err != nil {
		return GeoFeature{}, nil, err
	}
	f.Geometry = geom
	return f, keys, nil
}

// geojsonDecodeGeometry checks a geometry's type and the shape of its coordinates
// before handing it to orb, whose decoder would quietly read a missing
// coordinate as 0 and null coordinates as the point [0, 0].
func geojsonDecodeGeometry(raw []byte) (orb.Geometry, error) {
	var doc struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometries  []json.RawMessage `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("the geometry is not a GeoJSON geometry object (%s)", geojsonDescribe(raw))
	}
	depth, ok := geojsonDepth(doc.Type)
	if !ok {
		if doc.Type == "" {
			return nil, errors.New(`the geometry has no "type"`)
		}
		return nil, fmt.Errorf("geometry type %q is not a GeoJSON geometry type (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection)", doc.Type)
	}
	if doc.Type == "GeometryCollection" {
		c := orb.Collection{}
		for i, m := range doc.Geometries {
			g, err := geojsonDecodeGeometry(m)
			if err != nil {
				return nil, fmt.Errorf("geometry %d of the collection: %w", i+1, err)
			}
			c = append(c, g)
		}
		return c, nil
	}
	var coords any
	if err := json.Unmarshal(doc.Coordinates, &coords); err != nil || coords == nil {
		return nil, fmt.Errorf("the %s has no coordinates", doc.Type)
	}
	if err := geojsonCheckPositions(coords, depth); err != nil {
		return nil, fmt.Errorf("%s coordinates: %w", doc.Type, err)
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", doc.Type, err)
	}
	return g.Geometry(), nil
}

// geojsonDepth returns how many array levels a geometry type's
// coordinates nest above its positions, and false for a type RFC 7946 does
// not define. A GeometryCollection has no coordinates (depth 0).
func geojsonDepth(typ string) (int, bool) {
	switch typ {
	case "Point", "GeometryCollection":
		return 0, true
	case "MultiPoint", "LineString":
		return 1, true
	case "MultiLineString", "Polygon":
		return 2, true
	case "MultiPolygon":
		return 3, true
	}
	return 0, false
}

// geojsonCheckPositions checks that v nests arrays depth deep above positions of
// 2 or 3 numbers (RFC 7946 §3.1.1; altitude is allowed and dropped).
func geojsonCheckPositions(v any, depth int) error {
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected an array, found %s", geojsonDescribeValue(v))
	}
	if depth > 0 {
		for _, e := range arr {
			if err := geojsonCheckPositions(e, depth-1); err != nil {
				return err
			}
		}
		return nil
	}
	if len(arr) < 2 {
		return fmt.Errorf("a position needs longitude and latitude, found %d number(s)", len(arr))
	}
	for _, e := range arr {
		if _, ok := e.(float64); !ok {
			return fmt.Errorf("a position holds numbers, found %s", geojsonDescribeValue(e))
		}
	}
	return nil
}

// geojsonCRSWarning returns a warning when a legacy (GeoJSON 2008) "crs" member
// names a system other than WGS 84 longitude/latitude.
func geojsonCRSWarning(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", false
	}
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
			Href string `json:"href"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(raw, &crs) // an odd crs is only worth the warning below
	n := crs.Properties.Name
	if n == "" {
		n = crs.Properties.Href
	}
	u := strings.ToUpper(n)
	if strings.HasSuffix(u, "CRS84") || strings.HasSuffix(u, "EPSG::4326") || strings.HasSuffix(u, "EPSG:4326") ||
		strings.HasSuffix(u, "/EPSG/0/4326") {
		return "", false
	}
	if n == "" {
		n = string(raw)
	}
	return fmt.Sprintf("the file declares the coordinate system %q; GeoJSON (RFC 7946) is always WGS 84 longitude/latitude (CRS84), "+
		"so coordinates are read as such (JGD2011 degrees, EPSG:6668, are close enough; projected metres are refused)", n), true
}

// geojsonFeatureOffsets returns the byte offset where each element of the
// top-level "features" array starts, or nil if it cannot find them. data is
// valid JSON.
func geojsonFeatureOffsets(data []byte, n int) []int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "features" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
		offsets := make([]int, 0, n)
		for dec.More() {
			// InputOffset is just past the previous token; the
			// element starts after the whitespace and comma.
			offsets = append(offsets, geojsonSkipSpace(data, int(dec.InputOffset())))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil
			}
		}
		return offsets
	}
	return nil
}

// geojsonObjectKeys returns the keys of a JSON object in the order written.
func geojsonObjectKeys(obj []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

func geojsonSkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
		default:
			return i
		}
	}
	return i
}

// geojsonSyntaxReason words a JSON syntax error; encoding/json prints the first
// byte of a multi-byte character as Latin-1 ('å' for 名).
func geojsonSyntaxReason(data []byte, se *json.SyntaxError) string {
	if strings.HasPrefix(se.Error(), "invalid character") && se.Offset > 0 && int(se.Offset) <= len(data) {
		r, _ := utf8.DecodeRune(data[se.Offset-1:])
		return fmt.Sprintf("unexpected %q", r)
	}
	return se.Error()
}

// geojsonLine returns the 1-based line of byte offset off.
func geojsonLine(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// geojsonDescribe names what a JSON text holds, for messages.
func geojsonDescribe(data []byte) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return "malformed JSON"
	}
	return geojsonDescribeValue(v)
}

func geojsonDescribeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		if t, ok := v["type"].(string); ok {
			return fmt.Sprintf("an object of type %q", t)
		}
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func geojsonArticle(jsonType string) string {
	if jsonType == "" {
		return "something else"
	}
	if strings.ContainsAny(jsonType[:1], "aeiou") {
		return "an " + jsonType
	}
	return "a " + jsonType
}

func geojsonSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d-byte", n)
	}
}
