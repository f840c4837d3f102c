package datasets

import (
	"fmt"
	"math"
	"slices"
	"strconv"
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

// Extract returns the typed fields of one row (cells in header order) and
// what is wrong with it. line is the row's line in the file, copied into
// the problems.
//
// Values are trimmed; text fields are kept as written and left out when
// empty. Typed fields:
//   - lat, lon: float64 in decimal degrees (DMS is read too), set only when
//     both are valid;
//   - hazards (evacuation): map[string]bool keyed flood, landslide,
//     storm_surge, earthquake, tsunami, fire, inland_flood, volcano, with a
//     key for each hazard column the file has; yes is 1, ○, ◯, 〇, ●, ◎,
//     可, 有, true...; no is empty, 0, ×, 不可, 無, false...;
//   - also_shelter: bool, likewise;
//   - capacity: int ("1,200人" and "先着30名" are read);
//   - start_date, end_date, deadline: ISO 8601 via ParseDate (era dates
//     included); photo date: ISO 8601, or the text as written when it is
//     not a date (昭和30年代);
//   - start_time, end_time, deadline_time: "09:00" when recognisable,
//     otherwise as written;
//   - code, address_code, city_code: NFKC-normalized text.
//
// Problems with severity error refuse the row: a required field empty, a
// required date that is not a date, a latitude outside -90..90 or a
// longitude outside -180..180 (with the value; swapped columns are named as
// such). Warnings leave the row in: an invalid 全国地方公共団体コード (the
// publisher's code is metadata; the likely code is suggested), a hazard
// flag, count, number or optional date that cannot be read (the value is
// left out). Coordinates that are missing, half given or not coordinates
// leave the row without lat and lon and are not reported here: the importer
// reads the coordinate columns itself (CoordinateColumns) and warns once.
func (m *Mapping) Extract(file string, line int, cells []string) (map[string]any, []Problem) {
	fields := make(map[string]any)
	var problems []Problem
	report := func(f *Field, severity, format string, args ...any) {
		problems = append(problems, Problem{File: file, Line: line, Column: m.columnName(f),
			Reason: fmt.Sprintf(format, args...), Severity: severity})
	}
	var hazards map[string]bool
	for i := range m.Standard.Fields {
		f := &m.Standard.Fields[i]
		idx, ok := m.Index[f.Key]
		if !ok {
			continue
		}
		v := ""
		if idx < len(cells) {
			v = stdTrimCell(cells[idx])
		}
		if v == "" {
			if f.Required {
				report(f, SeverityError, "%s is required in %s and is empty", m.columnName(f), m.Standard.Name)
			}
			switch {
			case f.Key == "also_shelter":
				fields[f.Key] = false
			case strings.HasPrefix(f.Key, "hazard_"):
				if hazards == nil {
					hazards = make(map[string]bool)
				}
				hazards[strings.TrimPrefix(f.Key, "hazard_")] = false
			}
			continue
		}
		switch {
		case f.Key == "lat" || f.Key == "lon":
			// below, as a pair
		case f.Key == "code" || f.Key == "address_code" || f.Key == "city_code":
			if reason := localGovCodeProblem(v); reason != "" {
				report(f, SeverityWarning, "%s", reason)
			}
			fields[f.Key] = localGovNormalize(v)
		case strings.HasPrefix(f.Key, "hazard_") || f.Key == "also_shelter":
			b, known := stdParseFlag(v)
			if !known {
				report(f, SeverityWarning, "%q is not a yes/no value (yes: 1, ○; no: empty, 0, ×); read as no", v)
			}
			if f.Key == "also_shelter" {
				fields[f.Key] = b
				break
			}
			if hazards == nil {
				hazards = make(map[string]bool)
			}
			hazards[strings.TrimPrefix(f.Key, "hazard_")] = b
		case f.Type == TypeInteger:
			if n, ok := stdParseCount(v); ok {
				fields[f.Key] = n
			} else {
				report(f, SeverityWarning, "%q is not a whole number; left out", v)
			}
		case f.Type == TypeNumber:
			if x, ok := stdNumber(v); ok {
				fields[f.Key] = x
			} else {
				report(f, SeverityWarning, "%q is not a number; left out", v)
			}
		case f.Type == TypeDate:
			switch iso, ok := ParseDate(v); {
			case ok:
				fields[f.Key] = iso
			case f.Key == "date":
				fields[f.Key] = v // a photo's 年代 may be 昭和30年代
			case f.Required:
				report(f, SeverityError, "%q is not a date (such as 2024-04-01 or 令和6年4月1日)", v)
			default:
				report(f, SeverityWarning, "%q is not a date (such as 2024-04-01 or 令和6年4月1日); left out", v)
			}
		case f.Type == TypeTime:
			fields[f.Key] = stdNormalizeTime(v)
		default:
			fields[f.Key] = v
		}
	}
	if hazards != nil {
		fields["hazards"] = hazards
	}
	if s, ok := fields["start_date"].(string); ok {
		if e, ok := fields["end_date"].(string); ok && e < s {
			report(m.Standard.field("end_date"), SeverityWarning, "the end date %s is before the start date %s", e, s)
		}
	}
	if lat, lon, ok, probs := m.extractLocation(file, line, cells); ok {
		fields["lat"], fields["lon"] = lat, lon
	} else {
		problems = append(problems, probs...)
	}
	return fields, problems
}

// extractLocation returns the row's location, if it has one. Coordinates are
// read as ParseCoordinate reads them (decimal or DMS); only a pair of
// numbers outside the globe is a problem here. Cells that are empty or not
// coordinates leave the row without a location and without a problem: the
// importer reads the coordinate columns itself and warns about them once.
func (m *Mapping) extractLocation(file string, line int, cells []string) (lat, lon float64, ok bool, problems []Problem) {
	latF, lonF := m.Standard.field("lat"), m.Standard.field("lon")
	cell := func(f *Field) string {
		if f == nil {
			return ""
		}
		if i, ok := m.Index[f.Key]; ok && i < len(cells) {
			return stdTrimCell(cells[i])
		}
		return ""
	}
	latS, lonS := cell(latF), cell(lonF)
	lat, latOK := stdReadCoordinate(latS)
	lon, lonOK := stdReadCoordinate(lonS)
	if !latOK || !lonOK {
		return 0, 0, false, nil
	}
	latName, lonName := m.columnName(latF), m.columnName(lonF)
	fail := func(f *Field, format string, args ...any) (float64, float64, bool, []Problem) {
		return 0, 0, false, []Problem{{File: file, Line: line, Column: m.columnName(f),
			Reason: fmt.Sprintf(format, args...), Severity: SeverityError}}
	}
	switch {
	case lat < -90 || lat > 90:
		if lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 {
			return fail(latF, "%s %s is outside -90..90; %s and %s look swapped (%s %s)",
				latName, latS, latName, lonName, lonName, lonS)
		}
		return fail(latF, "%s %s is outside -90..90", latName, latS)
	case lon < -180 || lon > 180:
		return fail(lonF, "%s %s is outside -180..180", lonName, lonS)
	}
	return lat, lon, true, nil
}

// stdReadCoordinate reads a coordinate as ParseCoordinate does, and a plain
// number beyond ±180 too, so that it can be reported as out of range.
func stdReadCoordinate(s string) (float64, bool) {
	if x, ok := ParseCoordinate(s); ok {
		return x, true
	}
	return stdNumber(s)
}

// columnName is the field's column as written in the header.
func (m *Mapping) columnName(f *Field) string {
	if f == nil {
		return ""
	}
	if i, ok := m.Index[f.Key]; ok && i < len(m.header) && m.header[i] != "" {
		return m.header[i]
	}
	return f.Names[0]
}

// stdTrimCell trims spaces, full-width ones included.
func stdTrimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
}

// stdNumber reads a decimal number written with full-width digits or
// stray spaces.
func stdNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(norm.NFKC.String(s), " ", "")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// stdParseCount reads a count such as 1,200, 1200人 or 先着30名: the text
// must hold exactly one run of digits.
func stdParseCount(s string) (int, bool) {
	s = strings.ReplaceAll(norm.NFKC.String(s), ",", "")
	start, end, runs := -1, -1, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if i == 0 || s[i-1] < '0' || s[i-1] > '9' {
				runs++
				start = i
			}
			end = i + 1
		}
	}
	if runs != 1 || strings.ContainsAny(s, ".-~～") {
		return 0, false
	}
	n, err := strconv.Atoi(s[start:end])
	return n, err == nil
}

// stdParseFlag reads a yes/no cell; known is false for values it cannot read.
func stdParseFlag(s string) (value, known bool) {
	switch strings.ToLower(norm.NFKC.String(strings.TrimSpace(s))) {
	case "1", "○", "◯", "〇", "●", "◎", "可", "有", "有り", "あり", "該当", "対象", "true", "yes", "y", "t":
		return true, true
	case "", "0", "×", "✕", "✖", "x", "不可", "無", "無し", "なし", "非該当", "対象外", "false", "no", "n", "f", "-", "ー", "―", "−":
		return false, true
	}
	return false, false
}

// stdNormalizeTime writes 9:00, ９：００ and 9時 as 09:00; other text is kept.
func stdNormalizeTime(s string) string {
	t := norm.NFKC.String(s)
	t = strings.TrimSuffix(strings.Replace(strings.Replace(t, "時", ":", 1), "分", "", 1), ":")
	var h, mi int
	var rest string
	if n, _ := fmt.Sscanf(t, "%d:%d%s", &h, &mi, &rest); n == 2 && h >= 0 && h <= 24 && mi >= 0 && mi < 60 {
		return fmt.Sprintf("%02d:%02d", h, mi)
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 0 && n <= 24 && strings.Contains(s, "時") {
		return fmt.Sprintf("%02d:00", n)
	}
	return s
}
