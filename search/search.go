package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/machi-opendata/portal/catalog"
)

// Query is a search: words and filters.
type Query struct {
	Q     string   // what the user typed: plain text, never query syntax
	Types []string // restrict to document types; empty means all
	// Facet filters; empty does not filter. Tag is a keyword as written;
	// Format is matched regardless of case.
	Kind, Department, Theme, Tag, Format, License string
	Sort                                          string // "relevance" (default), "modified", "title"
	Limit, Offset                                 int
	// NoFacets skips counting facets, a pass over every match that a
	// caller showing none (autocomplete, a map) need not pay for.
	NoFacets bool
}

// Sorts are the accepted Query.Sort values.
var Sorts = []string{"relevance", "modified", "title"}

// Paging limits: Bleve collects Offset+Limit hits, so deep pages cost.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxOffset    = 10000
)

// Hit is one found document.
type Hit struct {
	ID, Type, Dataset string
	Row               int
	Title             string
	Score             float64
	// Snippets maps a field (title, text, title_en, text_en) to fragments of
	// it with the matches in <mark>…</mark>, HTML-escaped otherwise.
	Snippets map[string][]string
}

// Result is a page of hits, the total that match, and facet counts over
// all of them: kind, department, theme, tag, format, license, each value
// to its count (empty with Query.NoFacets). Records count under their
// dataset's kind, department, license and themes.
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
}

// facetSize bounds the values counted per facet.
const facetSize = 50

// maxFacetKeys bounds the combinations of kind, department, license and
// themes counted (facetKey): far more than a catalog has.
const maxFacetKeys = 100000

// Search runs q. Words are matched as plain text, however odd: quotes,
// operators and control characters never make an error. Errors: Invalid
// (catalog.Invalid) for an unknown sort or a negative limit or offset, the
// context's error when it is done, and internal errors of the index.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if q.Sort == "" {
		q.Sort = "relevance"
	}
	if !slices.Contains(Sorts, q.Sort) {
		return nil, catalog.Errorf(catalog.Invalid, "sort must be one of %s", strings.Join(Sorts, ", "))
	}
	if q.Limit < 0 || q.Offset < 0 {
		return nil, catalog.Errorf(catalog.Invalid, "limit and offset must not be negative")
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Offset = min(q.Offset, MaxOffset)

	b := newBuilder(ix)
	var syn *synonyms
	if ix.v.synonyms {
		syn = loadSynonyms()
	}
	units, periods := parseQuery(q.Q, syn, ix.v.reading)
	var unitQs []query.Query
	for _, u := range units {
		if uq := b.unitQuery(u); uq != nil {
			unitQs = append(unitQs, uq)
		}
	}
	filter := ix.filter(q)
	var match query.Query
	switch {
	case strings.TrimSpace(q.Q) == "":
		match = query.NewMatchAllQuery()
	case len(unitQs) == 0:
		return &Result{Hits: []Hit{}, Facets: map[string]map[string]int{}}, nil
	case ix.v.anyWord:
		match = query.NewDisjunctionQuery(unitQs)
	default:
		match = query.NewConjunctionQuery(unitQs)
	}
	res, err := ix.run(ctx, q, match, periods, filter)
	if err != nil {
		return nil, err
	}
	// All words should matter, but a query whose words never meet in one
	// document (桜台 避難 where a site has 桜台 and the dataset 避難) is
	// better answered by the documents that have most of them than by
	// nothing.
	if res.Total == 0 && len(unitQs) > 1 && ix.v.fallback && !ix.v.anyWord {
		if res, err = ix.run(ctx, q, query.NewDisjunctionQuery(unitQs), periods, filter); err != nil {
			return nil, err
		}
	}
	return ix.result(res, units), nil
}

// run searches match with the query's filters, sort, page and facets.
func (ix *Index) run(ctx context.Context, q Query, match query.Query, periods []string, filter query.Query) (*bleve.SearchResult, error) {
	bq := query.NewBooleanQuery([]query.Query{match}, nil, nil)
	for _, p := range periods {
		tq := query.NewTermQuery(p)
		tq.SetField("when")
		tq.SetBoost(periodInWord)
		bq.AddShould(tq)
	}
	if filter != nil {
		bq.AddFilter(filter)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.Fields = []string{"type", "dataset", "show_title", "show_text", "show_title_en", "show_text_en"}
	switch {
	case q.Sort == "modified" || q.Sort == "relevance" && strings.TrimSpace(q.Q) == "":
		req.SortBy([]string{"-modified", "sort_title", "_id"})
	case q.Sort == "title":
		req.SortBy([]string{"sort_title", "_id"})
	default:
		// Equal scores keep the index's order, stable for a given
		// snapshot of it; sorting them by _id too would look every
		// match's id up: 6% of a broad query's time (profiled).
		req.SortBy([]string{"-_score"})
	}
	if !q.NoFacets {
		req.AddFacet(facetKey, bleve.NewFacetRequest(facetKey, maxFacetKeys))
		// Only datasets have tags and formats: a search of records alone
		// need not look for them.
		if len(q.Types) == 0 || slices.Contains(q.Types, "dataset") {
			req.AddFacet("tag", bleve.NewFacetRequest("tag_facet", facetSize))
			req.AddFacet("format", bleve.NewFacetRequest("format", facetSize))
		}
	}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// filter is the conjunction of the query's type and facet filters, or nil.
func (ix *Index) filter(q Query) query.Query {
	var must []query.Query
	term := func(field, value string) query.Query {
		tq := query.NewTermQuery(value)
		tq.SetField(field)
		return tq
	}
	if len(q.Types) > 0 {
		var types []query.Query
		for _, t := range q.Types {
			types = append(types, term("type", t))
		}
		must = append(must, query.NewDisjunctionQuery(types))
	}
	for _, f := range []struct{ field, value string }{
		{"kind", q.Kind}, {"department", q.Department}, {"theme", q.Theme},
		{"tag", q.Tag}, {"format_filter", strings.ToLower(q.Format)}, {"license", q.License},
	} {
		if f.value != "" {
			must = append(must, term(f.field, f.value))
		}
	}
	if len(must) == 0 {
		return nil
	}
	return query.NewConjunctionQuery(must)
}

// result turns Bleve's result into ours, with snippets.
func (ix *Index) result(res *bleve.SearchResult, units []unit) *Result {
	out := &Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string]map[string]int{}}
	needles := highlightNeedles(units)
	for _, h := range res.Hits {
		str := func(k string) string { s, _ := h.Fields[k].(string); return s }
		hit := Hit{ID: h.ID, Type: str("type"), Dataset: str("dataset"), Title: str("show_title"), Score: h.Score}
		if i := strings.LastIndexByte(h.ID, ':'); strings.HasPrefix(h.ID, "record:") && i > 0 {
			hit.Row, _ = strconv.Atoi(h.ID[i+1:])
		}
		for _, f := range []string{"title", "text", "title_en", "text_en"} {
			if frags := snippets(str("show_"+f), needles, f == "title" || f == "title_en"); len(frags) > 0 {
				if hit.Snippets == nil {
					hit.Snippets = map[string][]string{}
				}
				hit.Snippets[f] = frags
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(res.Facets) == 0 {
		return out
	}
	for _, f := range facetFields {
		out.Facets[f] = map[string]int{}
	}
	for name, fr := range res.Facets {
		if fr.Terms == nil {
			continue
		}
		for _, t := range fr.Terms.Terms() {
			if name == facetKey {
				addFacetKey(out.Facets, t.Term, t.Count)
			} else {
				out.Facets[name][t.Term] = t.Count
			}
		}
	}
	// Values beyond facetSize are dropped, as Bleve drops them for the
	// other facets.
	for _, f := range []string{"kind", "department", "theme", "license"} {
		trimFacet(out.Facets[f], facetSize)
	}
	return out
}

// trimFacet keeps the n largest counts of a facet (ties by value).
func trimFacet(counts map[string]int, n int) {
	if len(counts) <= n {
		return
	}
	values := make([]string, 0, len(counts))
	for v := range counts {
		values = append(values, v)
	}
	slices.SortFunc(values, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	for _, v := range values[n:] {
		delete(counts, v)
	}
}
