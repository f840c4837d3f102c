package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
)

// ErrInvalidDefinition is wrapped by every DefinitionError.
var ErrInvalidDefinition = errors.New("invalid layer definition")

// Boundary modes of a unified layer.
const (
	BoundaryClip   = "clip"   // cut lines and polygons at the boundary; keep points inside it
	BoundaryInside = "inside" // keep only features lying wholly inside the boundary
)

// MergeDef defines a unified layer: which source layers it is made of, how
// each source's attribute names map to the unified fields, how the same
// real-world thing published twice is recognised (conflation), and what is
// done at the city boundary. It is read from JSON by ParseMergeDef; JSON
// rather than TOML so that no parser dependency is added for one file.
type MergeDef struct {
	Name    string      `json:"name"`            // the layer's identifier, "shisetsu-hinanjo"
	Title   string      `json:"title,omitempty"` // "施設・避難所"
	Fields  []FieldDef  `json:"fields"`          // the unified schema, in output order
	Sources []SourceDef `json:"sources"`
	// Precedence orders the sources' datasets for attribute merging and
	// for the geometry of a conflated feature: the first dataset with a
	// non-empty value wins. Empty means the order of Sources.
	Precedence []string `json:"precedence,omitempty"`
	// Conflation, when set, merges features that are the same thing.
	Conflation *ConflationRule `json:"conflation,omitempty"`
	// Boundary, when set, clips to or filters by the city boundary.
	Boundary *BoundaryDef `json:"boundary,omitempty"`
}

// FieldDef is one field of the unified schema.
type FieldDef struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

// SourceDef is one source layer of a unified layer and the mapping of its
// attribute names to the unified fields.
type SourceDef struct {
	Dataset string `json:"dataset"` // the source dataset's identifier (slug)
	// Mapping maps a unified field to the source attribute names that may
	// hold it, tried in order: {"name": ["施設名", "名称", "NAME"]}. A
	// single name may be written as a string. Names are compared after
	// NFKC and case folding, so "ＮＡＭＥ" finds a column "name".
	Mapping map[string]Names `json:"mapping"`
}

// Names is a list of attribute names; in JSON a string or an array of
// strings.
type Names []string

// UnmarshalJSON accepts "名称" as well as ["名称", "施設名"].
func (n *Names) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*n = Names{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("must be a name or an array of names")
	}
	*n = many
	return nil
}

// ConflationRule says when two features of different sources are the same
// real-world thing. Either rule may be used, or both (the ID rule is tried
// first):
//   - IDField: the unified field holding a standard identifier; features
//     with the same non-empty value (after NFKC) are the same;
//   - NameField with MinSimilarity and MaxDistance: features whose names
//     are similar enough and that lie close enough. Names are normalised
//     (NFKC, lower case, white space and the Ignore strings removed) and
//     compared by the Dice coefficient of their character bigrams;
//     distances are great-circle distances (haversine on the mean Earth
//     radius, within 0.5 % of the ellipsoidal distance, which is well
//     under a metre at the thresholds of a few hundred metres this is
//     meant for) between representative points (a point itself, the
//     centre of the bounding box otherwise).
//
// Features of the same source are never merged with each other.
type ConflationRule struct {
	IDField       string   `json:"id_field,omitempty"`
	NameField     string   `json:"name_field,omitempty"`
	MinSimilarity float64  `json:"min_similarity,omitempty"` // 0 < s ≤ 1; bigram Dice
	MaxDistance   float64  `json:"max_distance_m,omitempty"` // metres, at most 5,000
	Ignore        []string `json:"ignore,omitempty"`         // removed from names before comparing: "(避難所)"
}

// BoundaryDef is what to do at the city boundary. Dataset names the layer
// holding the boundary (for the catalog to fetch); Geometry is set by the
// caller before Merge and is not part of the file.
type BoundaryDef struct {
	Mode     string       `json:"mode"` // BoundaryClip or BoundaryInside
	Dataset  string       `json:"dataset,omitempty"`
	Geometry orb.Geometry `json:"-"` // a Polygon or MultiPolygon in WGS 84
}

// DefinitionError names the field of a layer definition at fault, as a
// path ("sources[1].mapping.name") and says why.
type DefinitionError struct {
	Field  string
	Reason string
}

func (e *DefinitionError) Error() string {
	if e.Field == "" {
		return "layer definition: " + e.Reason
	}
	return "layer definition: " + e.Field + ": " + e.Reason
}

func (e *DefinitionError) Unwrap() error { return ErrInvalidDefinition }

// ParseMergeDef reads a unified layer definition from JSON and checks it.
// Unknown members are refused (a misspelt "precedance" would otherwise be
// silently ignored). The error is a *DefinitionError naming the field.
func ParseMergeDef(r io.Reader) (MergeDef, error) {
	var def MergeDef
	data, err := io.ReadAll(r)
	if err != nil {
		return def, &DefinitionError{Reason: fmt.Sprintf("cannot be read: %v", err)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&def); err != nil {
		return def, jsonDefinitionError(err)
	}
	return def, def.Validate()
}

func jsonDefinitionError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &DefinitionError{Reason: fmt.Sprintf("not JSON: %v (at byte %d)", err, se.Offset)}
	case errors.As(err, &te):
		return &DefinitionError{Field: te.Field, Reason: fmt.Sprintf("holds %s, expected %s", te.Value, te.Type)}
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &DefinitionError{Field: strings.Trim(f, `"`), Reason: "unknown member"}
	}
	if strings.Contains(msg, "must be a name or an array of names") {
		return &DefinitionError{Field: "sources[].mapping", Reason: "each field maps to a name or an array of names"}
	}
	return &DefinitionError{Reason: msg}
}

// Validate checks a definition: a name, unique non-empty fields, at least
// one source with a unique dataset, mappings onto declared fields only,
// a precedence naming exactly the sources, a conflation rule that is
// complete, and a known boundary mode. The error is a *DefinitionError
// naming the first field at fault.
func (d MergeDef) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &DefinitionError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(d.Name) == "" {
		return bad("name", "is required")
	}
	if len(d.Fields) == 0 {
		return bad("fields", "at least one field is required")
	}
	fields := map[string]bool{}
	for i, f := range d.Fields {
		at := fmt.Sprintf("fields[%d].name", i)
		if strings.TrimSpace(f.Name) == "" {
			return bad(at, "is required")
		}
		if fields[f.Name] {
			return bad(at, "%q is declared twice", f.Name)
		}
		fields[f.Name] = true
	}
	if len(d.Sources) == 0 {
		return bad("sources", "at least one source is required")
	}
	datasets := map[string]bool{}
	for i, s := range d.Sources {
		at := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s.Dataset) == "" {
			return bad(at+".dataset", "is required")
		}
		if datasets[s.Dataset] {
			return bad(at+".dataset", "%q is listed twice", s.Dataset)
		}
		datasets[s.Dataset] = true
		if len(s.Mapping) == 0 {
			return bad(at+".mapping", "maps no field")
		}
		for _, field := range sortedKeys(s.Mapping) {
			if !fields[field] {
				return bad(at+".mapping."+field, "is not one of the fields")
			}
			if len(s.Mapping[field]) == 0 {
				return bad(at+".mapping."+field, "names no attribute")
			}
			for _, n := range s.Mapping[field] {
				if strings.TrimSpace(n) == "" {
					return bad(at+".mapping."+field, "holds an empty attribute name")
				}
			}
		}
	}
	if len(d.Precedence) > 0 {
		seen := map[string]bool{}
		for i, p := range d.Precedence {
			if !datasets[p] {
				return bad(fmt.Sprintf("precedence[%d]", i), "%q is not one of the sources", p)
			}
			if seen[p] {
				return bad(fmt.Sprintf("precedence[%d]", i), "%q is listed twice", p)
			}
			seen[p] = true
		}
		if len(seen) != len(datasets) {
			return bad("precedence", "must list every source (%d of %d listed)", len(seen), len(datasets))
		}
	}
	if c := d.Conflation; c != nil {
		if c.IDField == "" && c.NameField == "" {
			return bad("conflation", "needs id_field or name_field")
		}
		if c.IDField != "" && !fields[c.IDField] {
			return bad("conflation.id_field", "%q is not one of the fields", c.IDField)
		}
		if c.NameField != "" {
			if !fields[c.NameField] {
				return bad("conflation.name_field", "%q is not one of the fields", c.NameField)
			}
			if !(c.MinSimilarity > 0 && c.MinSimilarity <= 1) {
				return bad("conflation.min_similarity", "must be above 0 and at most 1, it is %g", c.MinSimilarity)
			}
			// The spatial grid and the spherical distance are meant for
			// nearby things; a larger radius would also make every cell
			// hold most of a city.
			if !(c.MaxDistance > 0 && c.MaxDistance <= 5000) {
				return bad("conflation.max_distance_m", "must be above 0 and at most 5000 metres, it is %g", c.MaxDistance)
			}
		}
	}
	if b := d.Boundary; b != nil {
		if b.Mode != BoundaryClip && b.Mode != BoundaryInside {
			return bad("boundary.mode", "must be %q or %q, it is %q", BoundaryClip, BoundaryInside, b.Mode)
		}
	}
	return nil
}

// order returns the sources' datasets in precedence order.
func (d MergeDef) order() []string {
	if len(d.Precedence) > 0 {
		return d.Precedence
	}
	out := make([]string, len(d.Sources))
	for i, s := range d.Sources {
		out[i] = s.Dataset
	}
	return out
}

// Uses reports whether the unified layer is made from the dataset, as a
// source or as its boundary: when such a dataset gets a new version, the
// layer is to be merged again.
func (d MergeDef) Uses(dataset string) bool {
	for _, s := range d.Sources {
		if s.Dataset == dataset {
			return true
		}
	}
	return d.Boundary != nil && d.Boundary.Dataset == dataset
}
