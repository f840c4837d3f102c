package web

import (
	"bufio"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// ckanSearchParams are the parameters package_search takes (CKAN's own
// and the Solr parameters it passes on); CKAN refuses any other, and so do
// we. Those of Solr's we have no use for (qf, bf, mm, ...) are accepted and
// ignored, as are include_private and include_drafts: only published
// datasets are ever visible.
var ckanSearchParams = map[string]bool{
	"q": true, "fq": true, "fq_list": true, "rows": true, "start": true, "sort": true, "facet": true,
	"facet.field": true, "facet.limit": true, "facet.mincount": true, "fl": true, "qf": true, "wt": true,
	"bf": true, "boost": true, "tie": true, "defType": true, "mm": true, "df": true, "q.op": true,
	"include_private": true, "include_drafts": true, "include_deleted": true, "use_default_schema": true, "extras": true,
}

// ckanDefaultSort is CKAN's ckan.search.default_package_sort.
const ckanDefaultSort = "score desc, metadata_modified desc"

// ckanFacetFields are the fields package_search counts facets on, in the
// order of a package's facetIDs (owner_org is organization again).
var ckanFacetFields = []struct {
	name   string
	values func(p *ckanPackage) []string
}{
	{"organization", func(p *ckanPackage) []string { return []string{p.org} }},
	{"groups", func(p *ckanPackage) []string { return p.groups }},
	{"tags", func(p *ckanPackage) []string { return p.tags }},
	{"res_format", func(p *ckanPackage) []string { return p.formats }},
	{"license_id", func(p *ckanPackage) []string { return []string{p.license} }},
}

// ckanFacetSlots is len(ckanFacetFields), as a constant for arrays.
const ckanFacetSlots = 5

// ckanFacetSlot is the place of a facet field in ckanFacetFields; -1 for
// a field there are no facets of.
func ckanFacetSlot(field string) int {
	if field == "owner_org" {
		field = "organization"
	}
	for i, f := range ckanFacetFields {
		if f.name == field {
			return i
		}
	}
	return -1
}

type ckanSortKey struct {
	field string
	desc  bool
}

// parseCKANSort reads a Solr sort: "field asc|desc" separated by commas.
// A field without a direction or one we cannot sort on is CKAN's Search
// Query Error.
func parseCKANSort(spec string) ([]ckanSortKey, error) {
	var keys []ckanSortKey
	for _, part := range strings.Split(spec, ",") {
		words := strings.Fields(part)
		if len(words) != 2 {
			return nil, ckanBadQuery(`Invalid "sort" parameter`)
		}
		k := ckanSortKey{field: words[0]}
		switch strings.ToLower(words[1]) {
		case "asc":
		case "desc":
			k.desc = true
		default:
			return nil, ckanBadQuery(`Invalid "sort" parameter`)
		}
		switch k.field {
		case "score", "metadata_modified", "metadata_created", "name", "id", "num_resources", "num_tags", "title_string":
		case "title":
			k.field = "title_string" // Solr cannot sort on the tokenized title; be kind
		default:
			return nil, ckanBadQuery(`Invalid "sort" parameter`)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// ckanSearch is a package_search, read and checked.
type ckanSearch struct {
	q           string
	filter      ckanAnd
	keys        []ckanSortKey
	sort        string
	rows, start int
	facets      []string
	facetLimit  int
	facetMin    int
}

func readCKANSearch(p ckanParams) (*ckanSearch, error) {
	var unknown []string
	for k := range p {
		if !ckanSearchParams[k] && !strings.HasPrefix(k, "ext_") {
			unknown = append(unknown, "'"+k+"'")
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, ckanBadQuery("Invalid search parameters: [" + strings.Join(unknown, ", ") + "]")
	}
	cs := &ckanSearch{q: strings.TrimSpace(p.str("q")), sort: strings.TrimSpace(p.str("sort"))}
	var err error
	if cs.rows, err = p.natural("rows", 10); err != nil {
		return nil, err
	}
	if cs.start, err = p.natural("start", 0); err != nil {
		return nil, err
	}
	if cs.facetLimit, err = p.integer("facet.limit", 50); err != nil {
		return nil, err
	}
	if cs.facetMin, err = p.natural("facet.mincount", 1); err != nil {
		return nil, err
	}
	facet, err := p.boolean("facet", true)
	if err != nil {
		return nil, err
	}
	fields, err := p.list("facet.field", false)
	if err != nil {
		return nil, err
	}
	if facet {
		for _, f := range fields {
			if ckanFacetSlot(f) < 0 {
				return nil, ckanSearchFailed("undefined field " + f)
			}
		}
		cs.facets = fields
	}
	if cs.sort == "" || cs.sort == "rank" {
		cs.sort = ckanDefaultSort
	}
	if cs.keys, err = parseCKANSort(cs.sort); err != nil {
		return nil, err
	}
	// fq_list is a list; a single filter given as plain text is one.
	if s, ok := p["fq_list"].(string); ok && !strings.HasPrefix(strings.TrimSpace(s), "[") {
		p["fq_list"] = []any{s}
	}
	fqs, err := p.list("fq_list", false)
	if err != nil {
		return nil, err
	}
	for _, fq := range append([]string{p.str("fq")}, fqs...) {
		if strings.TrimSpace(fq) == "" {
			continue
		}
		e, err := parseCKANQuery(fq, "text")
		if err != nil {
			return nil, err
		}
		cs.filter = append(cs.filter, e)
	}
	switch q := cs.q; {
	case q == "" || q == `""` || q == "''" || q == "*:*":
		cs.q = ""
	case strings.Contains(q, ":"):
		// A fielded query, as CKAN sends it to Solr's standard parser.
		e, err := parseCKANQuery(q, "text")
		if err != nil {
			return nil, err
		}
		cs.filter, cs.q = append(cs.filter, e), ""
	}
	return cs, nil
}

// ckanPackageSearch answers package_search. Free text in q is the search
// index's to match and rank (as on the portal's own pages); fq, fielded q,
// sorts, facets and paging work on the CKAN view in memory. Unlike CKAN,
// rows has no upper limit: the results are streamed.
func (s *Server) ckanPackageSearch(c *gin.Context, p ckanParams) (any, error) {
	cs, err := readCKANSearch(p)
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	cat, err := s.ckanCatalog(ctx)
	if err != nil {
		return nil, err
	}
	var scores map[string]float64
	switch {
	case cs.q == "":
	case s.search == nil:
		cs.filter = append(cs.filter, ckanTerm{field: "text", value: cs.q})
	default:
		if iq, ok := cs.indexQuery(); ok {
			// The index can answer it alone: one page of it, in its order.
			count, page, facets, err := s.ckanIndexPage(ctx, cat, cs, iq)
			if err != nil {
				return nil, err
			}
			return cs.stream(cat, count, page, facets), nil
		}
		if scores, err = s.ckanIndexScores(ctx, cs.q); err != nil {
			return nil, err
		}
	}
	found := cat.find(cs.filter, scores, cs.keys)
	lo := min(cs.start, len(found))
	hi := min(lo+cs.rows, len(found))
	facets := make([][]ckanFacetCount, len(cs.facets))
	for i, f := range cs.facets {
		facets[i] = cs.facetCounts(cat, f, found)
	}
	return cs.stream(cat, len(found), found[lo:hi], facets), nil
}

// find returns the packages that pass filter (and, with scores, that the
// index found), sorted by keys. The common orders are kept sorted in the
// catalog and only walked; any other is sorted here.
func (cat *ckanCatalog) find(filter ckanAnd, scores map[string]float64, keys []ckanSortKey) []*ckanPackage {
	keep := func(p *ckanPackage) bool {
		if scores != nil {
			if _, ok := scores[p.name]; !ok {
				return false
			}
		}
		return filter.match(p)
	}
	if scores == nil {
		// Every package scores alike without words to match.
		keys = slices.DeleteFunc(slices.Clone(keys), func(k ckanSortKey) bool { return k.field == "score" })
	}
	if order, reverse, ok := cat.presorted(keys); ok {
		out := make([]*ckanPackage, 0, len(order))
		for i := range order {
			p := order[i]
			if reverse {
				p = order[len(order)-1-i]
			}
			if keep(p) {
				out = append(out, p)
			}
		}
		return out
	}
	var out []*ckanPackage
	for _, p := range cat.packages {
		if keep(p) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *ckanPackage) int {
		for _, k := range keys {
			var c int
			switch k.field {
			case "score":
				c = cmp.Compare(scores[a.name], scores[b.name])
			case "metadata_modified":
				c = a.modified.Compare(b.modified)
			case "metadata_created":
				c = a.created.Compare(b.created)
			case "name", "id":
				c = strings.Compare(a.name, b.name)
			case "title_string":
				c = strings.Compare(a.titleKey, b.titleKey)
			case "num_resources":
				c = cmp.Compare(len(a.resources), len(b.resources))
			case "num_tags":
				c = cmp.Compare(len(a.tags), len(b.tags))
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

// presorted returns a kept order that sorts as keys do, and whether to walk
// it backwards; ok is false when none does.
func (cat *ckanCatalog) presorted(keys []ckanSortKey) (order []*ckanPackage, reverse, ok bool) {
	if len(keys) == 0 {
		return cat.byModified, false, true
	}
	k := keys[0]
	switch {
	case k.field == "name" || k.field == "id":
		return cat.packages, k.desc, true // names are unique: later keys never matter
	case len(keys) > 1 && !(len(keys) == 2 && k == ckanSortKey{"metadata_modified", true} &&
		(keys[1] == ckanSortKey{"name", false} || keys[1] == ckanSortKey{"id", false})):
		return nil, false, false
	case k.field == "metadata_modified":
		return cat.byModified, !k.desc, true
	case k.field == "title_string":
		return cat.byTitle, k.desc, true
	}
	return nil, false, false
}

// ckanFacetCount is one value of a facet and how many packages have it.
type ckanFacetCount struct {
	name  string
	count int
}

// facetCounts counts field over found, adding up the small integers that
// stand for its values: on 10,000 packages, a tenth of hashing strings.
func (cs *ckanSearch) facetCounts(cat *ckanCatalog, field string, found []*ckanPackage) []ckanFacetCount {
	slot := ckanFacetSlot(field)
	values := cat.facetValues[slot]
	n := make([]int, len(values))
	for _, p := range found {
		for _, id := range p.facetIDs[slot] {
			n[id]++
		}
	}
	counts := make(map[string]int, len(values))
	for id, c := range n {
		if c > 0 {
			counts[values[id]] = c
		}
	}
	return cs.facetList(counts)
}

// facetList orders counts as Solr does, most frequent first (then by
// value), within facet.mincount and facet.limit.
func (cs *ckanSearch) facetList(counts map[string]int) []ckanFacetCount {
	var out []ckanFacetCount
	for v, n := range counts {
		if n >= max(cs.facetMin, 1) && v != "" {
			out = append(out, ckanFacetCount{v, n})
		}
	}
	slices.SortFunc(out, func(a, b ckanFacetCount) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return strings.Compare(a.name, b.name)
	})
	if cs.facetLimit >= 0 && len(out) > cs.facetLimit {
		out = out[:cs.facetLimit]
	}
	return out
}

// displayName is how CKAN titles a facet value: organizations and groups
// by title, licenses by title, anything else as it is.
func (cat *ckanCatalog) displayName(field, value string) string {
	switch field {
	case "organization":
		if o := cat.orgByName[value]; o != nil && o.ref.Title != "" {
			return o.ref.Title
		}
	case "groups":
		if g := cat.groupByKey[value]; g != nil {
			return g.ref.Title
		}
	case "license_id":
		if l, ok := catalog.LicenseByID(value); ok {
			return l.TitleJA
		}
	}
	return value
}

// stream writes package_search's result: {count, facets, results, sort,
// search_facets}, the packages as rendered, facets in Solr's order (an
// object's keys in order, which encoding/json would sort).
func (cs *ckanSearch) stream(cat *ckanCatalog, count int, page []*ckanPackage, counts [][]ckanFacetCount) ckanStream {
	return func(w *bufio.Writer) error {
		w.WriteString(`{"count": ` + strconv.Itoa(count) + `, "facets": {`)
		for i, f := range cs.facets {
			if i > 0 {
				w.WriteString(", ")
			}
			w.Write(jsonString(f))
			w.WriteString(": {")
			for j, fc := range counts[i] {
				if j > 0 {
					w.WriteString(", ")
				}
				w.Write(jsonString(fc.name))
				w.WriteString(": " + strconv.Itoa(fc.count))
			}
			w.WriteString("}")
		}
		w.WriteString(`}, "results": [`)
		for i, p := range page {
			if i > 0 {
				w.WriteString(", ")
			}
			w.Write(p.dict)
		}
		w.WriteString(`], "sort": `)
		w.Write(jsonString(cs.sort))
		w.WriteString(`, "search_facets": {`)
		for i, f := range cs.facets {
			items := make([]map[string]any, len(counts[i]))
			for j, fc := range counts[i] {
				items[j] = map[string]any{"count": fc.count, "display_name": cat.displayName(f, fc.name), "name": fc.name}
			}
			// CKAN sorts the items by display name, descending.
			slices.SortStableFunc(items, func(a, b map[string]any) int {
				return strings.Compare(b["display_name"].(string), a["display_name"].(string))
			})
			if i > 0 {
				w.WriteString(", ")
			}
			w.Write(jsonString(f))
			w.WriteString(": ")
			if err := writeJSON(w, map[string]any{"title": f, "items": items}); err != nil {
				return err
			}
		}
		_, err := w.WriteString("}}")
		if err != nil {
			return fmt.Errorf("package_search: %w", err)
		}
		return nil
	}
}
