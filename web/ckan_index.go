package web

import (
	"context"
	"strings"

	"github.com/machi-opendata/portal/search"
)

// Free text in package_search's q is the search index's to match and rank.
// The index pages at most 100 hits a call and scores every match each
// time, so a search is sent to it whole when it can answer alone (one call
// for a page of rows); only what it cannot express (OR, NOT, ranges,
// formats, other sorts) makes us collect all its matches and finish in
// memory.

// ckanIndexFilters maps fq fields onto the index's filters.
var ckanIndexFilters = map[string]func(q *search.Query, v string){
	"organization": func(q *search.Query, v string) { q.Department = v },
	"owner_org":    func(q *search.Query, v string) { q.Department = v },
	"groups":       func(q *search.Query, v string) { q.Theme = strings.ToUpper(v) },
	"tags":         func(q *search.Query, v string) { q.Tag = v },
	"license_id":   func(q *search.Query, v string) { q.License = v },
}

// ckanIndexFacets names the index's facets by CKAN's facet fields.
var ckanIndexFacets = map[string]string{
	"organization": "department", "owner_org": "department", "groups": "theme", "tags": "tag", "license_id": "license",
}

// ckanIndexFacetSize is how many values the index counts per facet.
const ckanIndexFacetSize = 50

// indexQuery is cs as one search of the index; ok is false when the index
// cannot answer it alone.
func (cs *ckanSearch) indexQuery() (search.Query, bool) {
	q := search.Query{Q: clipQuery(cs.q), Types: []string{"dataset"}, NoFacets: len(cs.facets) == 0}
	switch {
	case len(cs.keys) == 1 && cs.keys[0] == ckanSortKey{"score", true},
		len(cs.keys) == 2 && cs.keys[0] == ckanSortKey{"score", true} && cs.keys[1] == ckanSortKey{"metadata_modified", true}:
		q.Sort = "relevance"
	case len(cs.keys) == 1 && cs.keys[0] == ckanSortKey{"metadata_modified", true}:
		q.Sort = "modified"
	case len(cs.keys) == 1 && cs.keys[0] == ckanSortKey{"title_string", false}:
		q.Sort = "title"
	default:
		return q, false
	}
	if len(cs.facets) > 0 && (cs.facetLimit < 0 || cs.facetLimit > ckanIndexFacetSize) {
		return q, false
	}
	for _, f := range cs.facets {
		if ckanIndexFacets[f] == "" {
			return q, false
		}
	}
	set := map[string]bool{}
	var terms func(e ckanExpr) bool
	terms = func(e ckanExpr) bool {
		switch x := e.(type) {
		case ckanAll:
			return true
		case ckanAnd:
			for _, y := range x {
				if !terms(y) {
					return false
				}
			}
			return true
		case ckanTerm:
			if x.prefix {
				return false
			}
			if apply := ckanIndexFilters[x.field]; apply != nil && !set[ckanIndexFacets[x.field]] {
				set[ckanIndexFacets[x.field]] = true
				apply(&q, x.value)
				return true
			}
			// Fields every package has the one value of: that value
			// filters nothing away.
			if constant := ckanKeywordFields[x.field]; constant != nil && ckanIndexFilters[x.field] == nil &&
				x.field != "name" && x.field != "id" && x.field != "res_format" {
				return constant(&ckanPackage{})[0] == x.value
			}
		}
		return false
	}
	return q, terms(cs.filter)
}

// ckanIndexPage runs q for the page cs asks for, with facets.
func (s *Server) ckanIndexPage(ctx context.Context, cat *ckanCatalog, cs *ckanSearch, q search.Query) (int, []*ckanPackage, [][]ckanFacetCount, error) {
	var (
		page   []*ckanPackage
		facets = make([][]ckanFacetCount, len(cs.facets))
	)
	total, left := 0, cs.rows
	q.Offset = cs.start
	for first := true; ; first = false {
		if q.Offset > search.MaxOffset {
			return total, page, facets, nil // beyond the index's paging: nothing more to show
		}
		q.Limit = min(max(left, 1), search.MaxLimit)
		res, err := s.search.Search(ctx, q)
		if err != nil {
			return 0, nil, nil, err
		}
		if first {
			total = res.Total
			for i, f := range cs.facets {
				counts := map[string]int{}
				for v, n := range res.Facets[ckanIndexFacets[f]] {
					if f == "groups" {
						v = strings.ToLower(v)
					}
					counts[v] += n
				}
				facets[i] = cs.facetList(counts)
			}
			q.NoFacets = true
		}
		for _, h := range res.Hits {
			if left == 0 {
				break
			}
			left--
			if pkg := cat.byName[h.Dataset]; pkg != nil {
				page = append(page, pkg) // else withdrawn since it was indexed
			}
		}
		q.Offset += len(res.Hits)
		if left == 0 || len(res.Hits) < q.Limit {
			return total, page, facets, nil
		}
	}
}

// ckanIndexScores asks the index for every dataset matching q, with its
// score (as far as the index pages: 10,100 matches).
func (s *Server) ckanIndexScores(ctx context.Context, q string) (map[string]float64, error) {
	scores := map[string]float64{}
	for off := 0; off <= search.MaxOffset; off += search.MaxLimit {
		res, err := s.search.Search(ctx, search.Query{Q: clipQuery(q), Types: []string{"dataset"}, Sort: "relevance",
			Limit: search.MaxLimit, Offset: off, NoFacets: true})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			scores[h.Dataset] = h.Score
		}
		if len(res.Hits) < search.MaxLimit || off+len(res.Hits) >= res.Total {
			break
		}
	}
	return scores, nil
}
