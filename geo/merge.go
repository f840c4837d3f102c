package geo

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"
)

// SourceLayer is one source of a merge as a plain value: its features with
// geometry already in WGS 84, its attribute columns, and where it came
// from. The catalog builds it from a dataset's current version.
type SourceLayer struct {
	Dataset    string   // the dataset's identifier, as the definition names it
	Version    int      // the dataset version the features were read from
	Department string   // the publishing department's code
	CRS        CRS      // the original coordinates' system; a Japanese one enables the extent check
	Columns    []string // attribute names, in the order of Values
	Features   []SourceFeature
}

// SourceFeature is one feature of a source layer.
type SourceFeature struct {
	ID       string       // the feature's identifier in its source (record number, GeoJSON id)
	Geometry orb.Geometry // WGS 84; nil for a feature without geometry
	Values   []string     // in the layer's Columns order
}

// SourceFromLayer turns a read layer into a merge source; feature IDs are
// the record numbers.
func SourceFromLayer(dataset string, version int, l *Layer) SourceLayer {
	s := SourceLayer{Dataset: dataset, Version: version, Department: l.Source.Department, CRS: l.Source.CRS}
	for _, c := range l.Columns {
		s.Columns = append(s.Columns, c.Name)
	}
	s.Features = make([]SourceFeature, len(l.Features))
	for i, f := range l.Features {
		s.Features[i] = SourceFeature{ID: strconv.Itoa(f.ID), Geometry: f.Geometry, Values: f.Values}
	}
	return s
}

// Provenance is where a merged feature's data came from.
type Provenance struct {
	Dataset    string `json:"dataset"`
	Version    int    `json:"version"`
	Department string `json:"department"`
	FeatureID  string `json:"feature_id"`
}

// MergedFeature is one feature of a unified layer: WGS 84 geometry, the
// unified fields' values in the definition's order, and every source
// feature it was made from, the one of highest precedence first.
type MergedFeature struct {
	ID       string       `json:"id"` // "dataset:feature_id" of its first source
	Geometry orb.Geometry `json:"geometry"`
	Values   []string     `json:"values"`
	Sources  []Provenance `json:"sources"`
}

// MergedLayer is the result of a merge.
type MergedLayer struct {
	Name     string          `json:"name"`
	Title    string          `json:"title,omitempty"`
	Fields   []string        `json:"fields"`
	Features []MergedFeature `json:"features"`
}

// Report says what a merge did, for a person to review.
type Report struct {
	Sources  []SourceReport  `json:"sources"`
	Features int             `json:"features"` // features in the merged layer
	Matched  int             `json:"matched"`  // source features merged into another
	Matches  []Match         `json:"matches,omitempty"`
	Issues   []GeometryIssue `json:"issues,omitempty"`
	Outside  int             `json:"outside,omitempty"` // features left out by the boundary
	Clipped  int             `json:"clipped,omitempty"` // features cut at the boundary
}

// SourceReport says how a source's attributes were mapped.
type SourceReport struct {
	Dataset  string            `json:"dataset"`
	Version  int               `json:"version"`
	Features int               `json:"features"`          // features read
	Mapped   map[string]string `json:"mapped"`            // unified field → the column found
	Missing  []string          `json:"missing,omitempty"` // fields none of whose names is a column
}

// Match is one conflation decision: Merged was taken to be the same thing
// as Kept, which has higher precedence.
type Match struct {
	Rule       string    `json:"rule"` // RuleID or RuleNameDistance
	Kept       MatchSide `json:"kept"`
	Merged     MatchSide `json:"merged"`
	Distance   float64   `json:"distance_m"` // -1 when either has no geometry
	Similarity float64   `json:"similarity"` // of the normalised names; 0 for the ID rule without names
	Reason     string    `json:"reason"`
}

// MatchSide names one feature of a match.
type MatchSide struct {
	Dataset   string `json:"dataset"`
	FeatureID string `json:"feature_id"`
	Name      string `json:"name,omitempty"`
	ID        string `json:"id,omitempty"`
}

// Merge builds a unified layer from its sources, as def says:
//  1. each source's columns are found for the unified fields (names
//     compared after NFKC and case folding);
//  2. each geometry is checked and safely repaired (RepairGeometry);
//     faults are reported per feature and features whose geometry cannot
//     be used at all are left out;
//  3. with a boundary, features are clipped to it or kept only inside it;
//  4. with a conflation rule, a feature of a later source (in precedence
//     order) that matches a feature of an earlier one is merged into it:
//     empty values are filled from it and its provenance added, and the
//     decision is reported.
//
// Features keep the order of the sources (by precedence) and of their
// records. The error wraps ErrInvalidDefinition when def is invalid or a
// source it names is missing; repairs and matches are never errors.
func Merge(def MergeDef, sources []SourceLayer) (MergedLayer, Report, error) {
	var rep Report
	if err := def.Validate(); err != nil {
		return MergedLayer{}, rep, err
	}
	byDataset := make(map[string]*SourceLayer, len(sources))
	for i := range sources {
		byDataset[sources[i].Dataset] = &sources[i]
	}
	defs := make(map[string]SourceDef, len(def.Sources))
	for _, s := range def.Sources {
		if byDataset[s.Dataset] == nil {
			return MergedLayer{}, rep, &DefinitionError{Field: "sources", Reason: fmt.Sprintf("no layer was given for dataset %q", s.Dataset)}
		}
		defs[s.Dataset] = s
	}
	var bnd *boundary
	if def.Boundary != nil {
		var err error
		if bnd, err = newBoundary(def.Boundary); err != nil {
			return MergedLayer{}, rep, err
		}
	}

	out := MergedLayer{Name: def.Name, Title: def.Title, Fields: make([]string, len(def.Fields))}
	for i, f := range def.Fields {
		out.Fields[i] = f.Name
	}
	c := newConflator(def, sources)
	for _, ds := range def.order() {
		src := byDataset[ds]
		cols, sr := mapColumns(defs[ds], def.Fields, src)
		rep.Sources = append(rep.Sources, sr)
		japan := src.CRS.Datum() == "JGD2000" || src.CRS.Datum() == "JGD2011"
		for _, f := range src.Features {
			g, faults := RepairGeometry(f.Geometry, japan)
			dropped := f.Geometry != nil && g == nil
			for _, ft := range faults {
				rep.Issues = append(rep.Issues, GeometryIssue{Dataset: ds, FeatureID: f.ID, Fault: ft, Dropped: dropped})
			}
			if dropped {
				continue
			}
			if bnd != nil && g != nil {
				var keep, cut bool
				var err error
				g, keep, cut, err = bnd.apply(g)
				if err != nil {
					rep.Issues = append(rep.Issues, GeometryIssue{Dataset: ds, FeatureID: f.ID,
						Fault: Fault{Problem: "cannot be compared with the boundary: " + err.Error()}})
				}
				if !keep {
					rep.Outside++
					continue
				}
				if cut {
					rep.Clipped++
				}
			}
			values := make([]string, len(cols))
			for i, ci := range cols {
				if ci >= 0 && ci < len(f.Values) {
					values[i] = f.Values[ci]
				}
			}
			prov := Provenance{Dataset: ds, Version: src.Version, Department: src.Department, FeatureID: f.ID}
			if m, ok := c.match(ds, f.ID, g, values, out.Features); ok {
				mf := &out.Features[m.index]
				for i, v := range values {
					if mf.Values[i] == "" {
						mf.Values[i] = v
					}
				}
				if mf.Geometry == nil {
					mf.Geometry = g
				}
				mf.Sources = append(mf.Sources, prov)
				rep.Matches = append(rep.Matches, m.Match)
				rep.Matched++
				continue
			}
			out.Features = append(out.Features, MergedFeature{
				ID: ds + ":" + f.ID, Geometry: g, Values: values, Sources: []Provenance{prov},
			})
			c.add(len(out.Features)-1, ds, g, values)
		}
	}
	rep.Features = len(out.Features)
	return out, rep, nil
}

// mapColumns finds, for each unified field, the index of the source column
// holding it (-1 for none).
func mapColumns(sd SourceDef, fields []FieldDef, src *SourceLayer) ([]int, SourceReport) {
	sr := SourceReport{Dataset: src.Dataset, Version: src.Version, Features: len(src.Features), Mapped: map[string]string{}}
	index := make(map[string]int, len(src.Columns))
	for i, c := range src.Columns {
		k := attributeKey(c)
		if _, dup := index[k]; !dup {
			index[k] = i
		}
	}
	cols := make([]int, len(fields))
	for i, f := range fields {
		cols[i] = -1
		names, ok := sd.Mapping[f.Name]
		if !ok {
			continue
		}
		for _, n := range names {
			if ci, ok := index[attributeKey(n)]; ok {
				cols[i] = ci
				sr.Mapped[f.Name] = src.Columns[ci]
				break
			}
		}
		if cols[i] < 0 {
			sr.Missing = append(sr.Missing, f.Name)
		}
	}
	return cols, sr
}

// attributeKey is how attribute names are compared: NFKC, lower case,
// surrounding space trimmed ("ＮＡＭＥ " finds "name", "ﾒｲｼｮｳ" finds "メイショウ").
func attributeKey(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare[string])
	return keys
}
