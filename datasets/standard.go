package datasets

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/machi-opendata/portal/catalog"
)

// Field is one field of a standard dataset: a column under the names it
// has in the different schemes and in real files.
type Field struct {
	// Key is the canonical key: "name", "name_kana", "address", "lat",
	// "lon", "code" (the managing body's 全国地方公共団体コード), "id",
	// "phone", "url", "hazard_flood", "start_date", "image", ... Columns
	// without an English key (most of the table standards' own columns)
	// are keyed by their 2019 column name.
	Key string
	// Names are the header names of the field: the 2019 template's, the
	// 2023 scheme's, the GSI layout's, then aliases seen in real files.
	Names    []string
	Required bool       // a conforming file has the column and every row fills it
	Type     ColumnType // expected type of the values (TypeText when free)
}

// Standard is one of the Digital Agency's standard datasets
// (自治体標準オープンデータセット).
type Standard struct {
	ID     string       // template id: "public_facility", "evacuation_space", "event", "cultural_property", "aed", ...
	Name   string       // 公共施設一覧, 指定緊急避難場所一覧, イベント一覧, ...
	Kind   catalog.Kind // facility, evacuation, event, photo, or table for the others
	Fields []Field

	schemes []builtScheme
}

// builtScheme is a scheme with the field key of each column.
type builtScheme struct {
	name    string
	columns []string
	keys    []string
}

// Standards lists every known standard: the four the contract's dataset
// kinds follow (公共施設一覧, 指定緊急避難場所一覧, イベント一覧, and
// 文化財一覧 for photo archives) and the other templates as table
// standards. Each call builds new values; callers may keep or change them.
func Standards() []*Standard {
	defs := standardDefs()
	out := make([]*Standard, 0, len(defs))
	for _, d := range defs {
		out = append(out, d.build())
	}
	return out
}

func (d standardDef) build() *Standard {
	s := &Standard{ID: d.id, Name: d.name, Kind: d.kind}
	pos := make(map[string]int) // key -> index in s.Fields
	add := func(key, name string) {
		i, ok := pos[key]
		if !ok {
			i = len(s.Fields)
			pos[key] = i
			s.Fields = append(s.Fields, Field{Key: key, Type: keyType(key)})
		}
		if !slices.Contains(s.Fields[i].Names, name) {
			s.Fields[i].Names = append(s.Fields[i].Names, name)
		}
	}
	for _, sc := range d.schemes {
		b := builtScheme{name: sc.name, columns: sc.columns, keys: make([]string, len(sc.columns))}
		for j, c := range sc.columns {
			k, ok := sc.keys[c]
			if !ok {
				k, ok = d.keys[c]
			}
			if !ok {
				k, ok = commonKey(c)
			}
			if !ok {
				k = c
			}
			b.keys[j] = k
			add(k, c)
		}
		s.schemes = append(s.schemes, b)
	}
	aliasKeys := make([]string, 0, len(d.aliases))
	for k := range d.aliases {
		aliasKeys = append(aliasKeys, k)
	}
	slices.Sort(aliasKeys)
	for _, k := range aliasKeys {
		for _, n := range d.aliases[k] {
			add(k, n)
		}
	}
	for _, f := range s.Fields {
		for _, n := range commonAliases(f.Key) {
			add(f.Key, n)
		}
	}
	for _, k := range d.required {
		s.Fields[pos[k]].Required = true
	}
	return s
}

// field returns the standard's field with the key, or nil.
func (s *Standard) field(key string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Key == key {
			return &s.Fields[i]
		}
	}
	return nil
}

// Mapping links a file's header to a standard.
type Mapping struct {
	Standard *Standard
	Scheme   string         // "2019" (the templates' older scheme), "2023", or "gsi": the closest
	Index    map[string]int // field key -> column index in the header
	// Conforms is set when every required field has a column, so the
	// file can be read as the standard's kind. Whether it follows the
	// standard closely enough to be tagged as such is Tags's business.
	Conforms bool

	header []string // the header's names, trimmed, for Problem.Column
	score  float64  // how well the header fits the scheme's fields (F1 of precision and coverage)
	exact  float64  // the same counting only names written as in the scheme
	close  bool     // the header follows the scheme: see minPrecision
}

// Closeness thresholds. A file follows a scheme when most of its columns
// are the scheme's (precision: real files add a few columns of their own),
// it has a fair part of the scheme's columns (coverage: real files drop
// optional ones, a 2023 evacuation list with 18 of 39 columns is common),
// and a fair part of the columns particular to the standard, not only the
// name, address, coordinates and contacts that every list has.
const (
	minPrecision   = 0.75
	minCoverage    = 0.4
	minDistinctive = 0.4
)

// MatchStandard maps header to the standard of kind (facility,
// evacuation, event or photo); the mapping conforms when every required
// field has a column. For KindTable it tries every standard and returns the
// one the header follows best (conforming and close to one of its schemes,
// as for Tags), or nil if it follows none; for other kinds (layer) it
// returns nil.
//
// Header names are compared after NFKC (so full-width and half-width
// brackets, letters and digits are the same: 料金（基本） is 料金(基本)),
// without spaces and a BOM, and with ASCII letters folded to lower case.
// Each header column is used for at most one field.
//
// The problems are one error per required field without a column, naming
// the standard; columns the standard does not know are not reported.
func MatchStandard(kind catalog.Kind, file string, header []string) (*Mapping, []Problem) {
	h := newStdHeaderIndex(header)
	switch kind {
	case catalog.KindFacility, catalog.KindEvacuation, catalog.KindEvent, catalog.KindPhoto:
		for _, s := range Standards() {
			if s.Kind != kind {
				continue
			}
			m := s.match(h)
			var problems []Problem
			for _, f := range s.Fields {
				if _, ok := m.Index[f.Key]; f.Required && !ok {
					problems = append(problems, Problem{File: file, Column: f.Names[0], Severity: SeverityError,
						Reason: stdMissingReason(s, f)})
				}
			}
			return m, problems
		}
	case catalog.KindTable:
		var best *Mapping
		for _, s := range Standards() {
			if m := s.match(h); m.Conforms && m.close && (best == nil || m.score > best.score) {
				best = m
			}
		}
		return best, nil
	}
	return nil, nil
}

func stdMissingReason(s *Standard, f Field) string {
	also := f.Names[1:]
	if len(also) > 5 {
		also = append(also[:5:5], "...")
	}
	r := fmt.Sprintf("%s (自治体標準オープンデータセット) needs a %s column and the header has none", s.Name, f.Names[0])
	if len(also) > 0 {
		r += " (also accepted: " + strings.Join(also, ", ") + ")"
	}
	return r
}

// match maps the header to the standard under each scheme and keeps the
// scheme whose names the header writes most (fields are shared between
// schemes, so they cannot tell a 2023 header from a 2019 one).
func (s *Standard) match(h *stdHeaderIndex) *Mapping {
	var best *Mapping
	for _, sc := range s.schemes {
		m := s.matchScheme(sc, h)
		if best == nil || m.exact > best.exact || m.exact == best.exact && m.score > best.score {
			best = m
		}
	}
	return best
}

// matchScheme maps the header in two passes: the scheme's own columns
// first, so that a name two fields share goes to the one this scheme means
// (市区町村コード), then every other name of every field.
func (s *Standard) matchScheme(sc builtScheme, h *stdHeaderIndex) *Mapping {
	m := &Mapping{Standard: s, Scheme: sc.name, Index: make(map[string]int), header: h.names}
	claimed := make([]bool, len(h.names))
	use := func(key, name string) bool {
		if _, done := m.Index[key]; done {
			return true
		}
		if i := h.find(name, claimed); i >= 0 {
			m.Index[key] = i
			claimed[i] = true
			return true
		}
		return false
	}
	for j, c := range sc.columns {
		use(sc.keys[j], c)
	}
	for _, f := range s.Fields {
		for _, n := range f.Names {
			if use(f.Key, n) {
				break
			}
		}
	}

	inScheme := make(map[string]bool, len(sc.keys))
	var keys, distinct, gotKeys, gotDistinct int
	for _, k := range sc.keys {
		if inScheme[k] {
			continue
		}
		inScheme[k] = true
		_, got := m.Index[k]
		keys++
		if got {
			gotKeys++
		}
		if !genericKey(k) {
			distinct++
			if got {
				gotDistinct++
			}
		}
	}
	used := 0
	for k := range m.Index {
		if inScheme[k] {
			used++
		}
	}
	precision := stdRatio(used, h.nonEmpty)
	coverage := stdRatio(gotKeys, keys)
	distinctive := 1.0
	if distinct > 0 {
		distinctive = stdRatio(gotDistinct, distinct)
	}
	m.score = stdF1(precision, coverage)
	literal := 0
	for _, c := range sc.columns {
		if len(h.byKey[stdHeaderKey(c)]) > 0 {
			literal++
		}
	}
	m.exact = stdF1(stdRatio(literal, h.nonEmpty), stdRatio(literal, len(sc.columns)))
	required := true
	for _, f := range s.Fields {
		if _, ok := m.Index[f.Key]; f.Required && !ok {
			required = false
		}
	}
	m.Conforms = required
	m.close = precision >= minPrecision && coverage >= minCoverage && distinctive >= minDistinctive
	return m
}

func stdF1(precision, recall float64) float64 {
	if precision+recall == 0 {
		return 0
	}
	return 2 * precision * recall / (precision + recall)
}

func stdRatio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Tags returns the keywords aggregators use to recognise a dataset that
// follows a standard: 自治体標準ODS and the standard's name. It returns nil
// unless the mapping conforms and the header is close to one of the
// standard's schemes: a photo archive with its own columns imports as a
// photo dataset but does not follow 文化財一覧.
func (m *Mapping) Tags() []string {
	if m == nil || !m.Conforms || !m.close || m.Standard == nil {
		return nil
	}
	return []string{"自治体標準ODS", m.Standard.Name}
}

// stdHeaderIndex finds header columns by normalized name.
type stdHeaderIndex struct {
	names    []string         // as written, trimmed
	byKey    map[string][]int // normalized name -> column indexes, in order
	nonEmpty int
}

func newStdHeaderIndex(header []string) *stdHeaderIndex {
	h := &stdHeaderIndex{names: make([]string, len(header)), byKey: make(map[string][]int)}
	for i, n := range header {
		h.names[i] = strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))
		k := stdHeaderKey(n)
		if k == "" {
			continue
		}
		h.nonEmpty++
		h.byKey[k] = append(h.byKey[k], i)
	}
	return h
}

// find returns the first unclaimed column named name, or -1.
func (h *stdHeaderIndex) find(name string, claimed []bool) int {
	for _, i := range h.byKey[stdHeaderKey(name)] {
		if !claimed[i] {
			return i
		}
	}
	return -1
}

// stdHeaderKey normalizes a header name for comparison: NFKC, no BOM, no
// white space, ASCII letters in lower case.
func stdHeaderKey(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\ufeff' || unicode.IsSpace(r):
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
