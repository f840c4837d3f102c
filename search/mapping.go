package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/machi-opendata/portal/catalog"
)

// MappingVersion is the version of the index layout: the fields, their
// analyzers and what documents put in them. Change it whenever any of these
// changes, so that Open rebuilds old indexes instead of searching them with
// the wrong analysis.
const MappingVersion = 2

// Japanese text goes into four logical fields, each analyzed by every
// analyzer of the variant into a field named <field>_<suffix>: the title,
// the keywords (with the department and theme names), the text, and the
// rest (a record's other columns, its dataset's title, a dataset's column
// names), weighed least.
var jaFields = []struct {
	name  string
	boost float64
}{
	{"title", 3}, {"kw", 2}, {"text", 1}, {"more", 0.5},
}

// analyzerUse is one Japanese analyzer of a variant: the field suffix, the
// analyzers for indexing and for queries, and its weight in the query.
type analyzerUse struct {
	suffix, index, query string
	boost                float64
}

func (v variant) analyzers() []analyzerUse {
	var out []analyzerUse
	if v.kagome {
		out = append(out, analyzerUse{"ja", anKagome, anKagome, 1})
	}
	if v.bigram {
		out = append(out, analyzerUse{"bi", anBigram, anBigramQuery, 0.8})
	}
	if v.reading {
		out = append(out, analyzerUse{"rd", anReading, anReading, 0.5})
	}
	return out
}

// hasField reports whether the variant has field analyzed by a: every
// analyzer has every field, except that only titles and keywords are read
// (and the text with textReading), and that kagomeNamesOnly leaves the text
// and the rest to the bigrams.
func (v variant) hasField(field string, a analyzerUse) bool {
	name := field == "title" || field == "kw"
	switch a.suffix {
	case "rd":
		return name || field == "text" && v.textReading
	case "ja":
		return name || !v.kagomeNamesOnly || !v.bigram
	}
	return true
}

// Records are 99% of the documents and need far less than datasets: a
// record's text is an address, a place, a few typed words. So a record's
// title is analyzed like a dataset's (kagome and readings; not bigrams,
// which ranked no better), but its text, English text and other columns go
// into fields of their own, rtext_bi and rmore_bi, with bigrams only and no
// positions, and with a term for each synonym they hold
// (recordTextAnalyzer): no kagome over a million addresses, no term vectors
// to build, merge and read. Queries search them by counting bigrams, never
// as phrases. A record has no keyword fields: its dataset's themes are its
// dataset's business. docs/search.md ("Two layouts") has the measurements.
var recordFields = []struct {
	name  string
	boost float64
}{
	{"rtext", 1}, {"rmore", 0.5},
}

// Facets, as Result.Facets names them. kind, department, theme and
// license are counted from facetKey, one docvalue per document that holds
// all four (records inherit them from their dataset), so that counting
// them visits one field per match rather than four; tag and format only
// datasets have.
var facetFields = []string{"kind", "department", "theme", "tag", "format", "license"}

// Fields that hold facet values for filtering (indexed, not counted).
var filterFields = []string{"kind", "department", "theme", "tag", "license"}

func (v variant) mapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = anKeyword
	if v.bm25 {
		im.ScoringModel = "bm25"
	}
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	dm := bleve.NewDocumentStaticMapping()
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // positions, for phrase queries
		f.DocValues = false
		return f
	}
	keyword := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	for _, f := range jaFields {
		for _, a := range v.analyzers() {
			if v.hasField(f.name, a) {
				dm.AddFieldMappingsAt(f.name+"_"+a.suffix, text(a.index))
			}
		}
	}
	dm.AddFieldMappingsAt("title_en", text(anEnglish))
	dm.AddFieldMappingsAt("text_en", text(anEnglish))
	dm.AddFieldMappingsAt("words_en", text(anWords))
	terms := text(anTerms)
	terms.IncludeTermVectors = false
	dm.AddFieldMappingsAt("when", terms)
	dm.AddFieldMappingsAt("head", terms)
	if v.reading && v.heads {
		dm.AddFieldMappingsAt("head_reading", terms)
	}
	for _, f := range recordFields {
		rf := text(anRecordText)
		rf.IncludeTermVectors = false
		dm.AddFieldMappingsAt(f.name+"_bi", rf)
	}
	dm.AddFieldMappingsAt("type", keyword(true, false))
	dm.AddFieldMappingsAt("dataset", keyword(true, false))
	for _, f := range filterFields {
		dm.AddFieldMappingsAt(f, keyword(false, false))
	}
	dm.AddFieldMappingsAt(facetKey, keyword(false, true))
	dm.AddFieldMappingsAt("tag_facet", keyword(false, true))
	dm.AddFieldMappingsAt("format", keyword(false, true))
	dm.AddFieldMappingsAt("format_filter", keyword(false, false))
	dm.AddFieldMappingsAt("sort_title", keyword(false, true))
	modified := bleve.NewDateTimeFieldMapping()
	modified.Store, modified.IncludeInAll = false, false
	dm.AddFieldMappingsAt("modified", modified)
	starts := text(anStarts)
	starts.IncludeTermVectors = false
	dm.AddFieldMappingsAt("suggest_start", starts)
	inner := text(anInnerStarts)
	inner.IncludeTermVectors = false
	dm.AddFieldMappingsAt("suggest_inner", inner)
	for _, f := range []string{"title", "text", "title_en", "text_en", "reading"} {
		dm.AddFieldMappingsAt("show_"+f, stored())
	}
	im.DefaultMapping = dm
	return im
}

// fields is what the index stores of d, by field name.
func (v variant) fields(d Doc) map[string]any {
	kw := slices.Clone(d.Keywords)
	var kwEN []string
	if d.DepartmentName != "" {
		kw = append(kw, d.DepartmentName)
	}
	for _, code := range d.Themes {
		if t, ok := catalog.ThemeByCode(code); ok {
			kw = append(kw, t.TitleJA)
			kwEN = append(kwEN, t.TitleEN)
		}
	}
	texts := map[string]string{
		"title": d.Title,
		"kw":    strings.Join(kw, "\n"),
		"text":  d.Text,
		"more":  strings.Join(append([]string{d.Extra, d.Context}, d.Columns...), "\n"),
	}
	m := map[string]any{
		"type":          d.Type,
		"dataset":       d.Dataset,
		"theme":         d.Themes,
		"tag":           d.Keywords,
		"tag_facet":     d.Keywords,
		"format":        d.Formats,
		"format_filter": formatKeys(d.Formats),
		facetKey:        facetKeyOf(d),
		"sort_title":    fold(d.Title),
		"title_en":      d.TitleEN,
		"text_en":       strings.TrimSpace(d.TextEN + "\n" + strings.Join(kwEN, "\n")),
		"words_en":      d.TitleEN + "\n" + d.TextEN,
	}
	for k, v := range map[string]string{"kind": d.Kind, "department": d.Department, "license": d.License} {
		if v != "" { // no empty facet value
			m[k] = v
		}
	}
	if !d.Modified.IsZero() {
		m["modified"] = d.Modified
	}
	record := d.Type != "dataset"
	if record {
		// A record's English text goes with its Japanese text: it is a
		// few set phrases (public facility, hazards: flood), and there it
		// is tagged with the English synonyms it holds like the rest.
		if t := strings.TrimSpace(texts["text"] + "\n" + m["text_en"].(string)); t != "" {
			m["rtext_bi"] = t
		}
		delete(m, "text_en")
		if texts["more"] != "" {
			m["rmore_bi"] = texts["more"]
		}
	}
	for _, f := range jaFields {
		if record && f.name != "title" {
			continue
		}
		for _, a := range v.analyzers() {
			if !v.hasField(f.name, a) || texts[f.name] == "" {
				continue
			}
			if record && a.suffix == "bi" && v.kagome {
				continue // kagome and readings name a record well enough (docs/search.md)
			}
			s := texts[f.name]
			if a.suffix == "rd" && f.name == "title" && d.Reading != "" {
				s = d.Reading + "\n" + s // the source's reading is better than the dictionary's guess
			}
			m[f.name+"_"+a.suffix] = s
		}
	}
	if v.heads {
		w, r := headTerms(d.Title, d.Reading, v.reading)
		if len(w) > 0 {
			m["head"] = strings.Join(w, " ")
		}
		if len(r) > 0 {
			m["head_reading"] = strings.Join(r, " ")
		}
	}
	if d.From != "" {
		to := d.To
		if to == "" {
			to = d.From
		}
		if w := whenTerms(d.From, to); len(w) > 0 {
			m["when"] = strings.Join(w, " ")
		}
	}
	if st, in := suggestTerms(d); len(st) > 0 {
		tier := suggestTier(d) + "\n"
		m["suggest_start"], m["suggest_inner"] = tier+strings.Join(st, "\n"), tier+strings.Join(in, "\n")
		m["show_reading"] = strings.Join(st[1:], "\n")
	}
	m["show_title"], m["show_text"] = d.Title, d.Text
	m["show_title_en"], m["show_text_en"] = d.TitleEN, d.TextEN
	return m
}

// formatKeys are formats as a filter matches them: CSV, csv and Csv alike,
// as catalog.FindDatasets matches them.
func formatKeys(formats []string) []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = strings.ToLower(f)
	}
	return out
}

// facetKey is the field that holds a document's kind, department, license
// and themes as one value (facetKeyOf), counted as one facet and split
// again by addFacetKey.
const facetKey = "facets"

const (
	facetSep = "\x1f" // between kind, department, license and themes
	themeSep = "\x1e" // between themes
)

func facetKeyOf(d Doc) string {
	return strings.Join([]string{d.Kind, d.Department, d.License, strings.Join(d.Themes, themeSep)}, facetSep)
}

// addFacetKey counts n documents of facet key k into facets.
func addFacetKey(facets map[string]map[string]int, k string, n int) {
	parts := strings.SplitN(k, facetSep, 4)
	if len(parts) != 4 {
		return
	}
	add := func(facet, value string) {
		if value != "" {
			facets[facet][value] += n
		}
	}
	add("kind", parts[0])
	add("department", parts[1])
	add("license", parts[2])
	for t := range strings.SplitSeq(parts[3], themeSep) {
		add("theme", t)
	}
}
