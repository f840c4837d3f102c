package catalog

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Filter selects datasets. Empty fields do not filter.
type Filter struct {
	Q          string // words, all of which must appear in the metadata (folded)
	Kind       Kind
	Department string
	Theme      string
	Tag        string
	Format     string // CSV, JSON, GeoJSON, JPEG (case-insensitive)
	License    string
	// Status: StatusPublished unless set; "any" lists every status.
	Status string
	Sort   string // see Sorts; default "modified"
	Limit  int
	Offset int
}

// Sorts are the accepted Filter.Sort values.
var Sorts = []string{"modified", "title", "downloads", "issued"}

// Facets counts matching datasets by facet name and value.
type Facets map[string]map[string]int

// FindDatasets returns one page of the datasets matching f, the total that
// match, and facet counts over all of them. Invalid for an unknown sort.
//
// A municipal catalog holds hundreds of datasets, not millions: it is
// simpler and fast enough to filter in SQL on the indexed columns and
// finish (tags, themes, formats, facets, paging) in Go.
func (s *Store) FindDatasets(ctx context.Context, f Filter) ([]*Dataset, int, Facets, error) {
	sortBy := f.Sort
	if sortBy == "" {
		sortBy = "modified"
	}
	less, ok := datasetOrders[sortBy]
	if !ok {
		return nil, 0, nil, Errorf(Invalid, "sort must be one of %s", strings.Join(Sorts, ", "))
	}
	var (
		where []string
		args  []any
	)
	switch f.Status {
	case "":
		where = append(where, "d.status = ?")
		args = append(args, StatusPublished)
	case "any":
	default:
		where = append(where, "d.status = ?")
		args = append(args, f.Status)
	}
	if f.Kind != "" {
		where, args = append(where, "d.kind = ?"), append(args, f.Kind)
	}
	if f.Department != "" {
		where, args = append(where, "d.department = ?"), append(args, f.Department)
	}
	if f.License != "" {
		where, args = append(where, "d.license = ?"), append(args, f.License)
	}
	for _, w := range strings.Fields(Fold(f.Q)) {
		where, args = append(where, `d.search_text LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(w)+"%")
	}
	query := datasetSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("find datasets: %w", err)
	}
	defer rows.Close()
	var all []*Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("find datasets: %w", err)
		}
		if (f.Theme == "" || slices.Contains(d.Themes, f.Theme)) && (f.Tag == "" || slices.Contains(d.Keywords, f.Tag)) &&
			(f.Format == "" || containsFold(d.Formats, f.Format)) {
			all = append(all, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, nil, fmt.Errorf("find datasets: %w", err)
	}
	sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
	facets := countFacets(all)
	total := len(all)
	lo := min(max(f.Offset, 0), total)
	hi := total
	if f.Limit > 0 {
		hi = min(lo+f.Limit, total)
	}
	return all[lo:hi], total, facets, nil
}

// datasetOrders are the sort orders; ties fall back to the slug so paging is stable.
var datasetOrders = map[string]func(a, b *Dataset) bool{
	"modified": func(a, b *Dataset) bool {
		if !a.Modified.Equal(b.Modified) {
			return a.Modified.After(b.Modified)
		}
		return a.Slug < b.Slug
	},
	"issued": func(a, b *Dataset) bool {
		if !a.Issued.Equal(b.Issued) {
			return a.Issued.After(b.Issued)
		}
		return a.Slug < b.Slug
	},
	"title": func(a, b *Dataset) bool {
		// Folded, so that ＡＥＤ sorts with AED and カナ with かな.
		if fa, fb := Fold(a.TitleJA), Fold(b.TitleJA); fa != fb {
			return fa < fb
		}
		return a.Slug < b.Slug
	},
	"downloads": func(a, b *Dataset) bool {
		if a.Downloads != b.Downloads {
			return a.Downloads > b.Downloads
		}
		return a.Slug < b.Slug
	},
}

func countFacets(ds []*Dataset) Facets {
	f := Facets{"kind": {}, "department": {}, "theme": {}, "tag": {}, "format": {}, "license": {}}
	for _, d := range ds {
		f["kind"][string(d.Kind)]++
		f["department"][d.Department]++
		f["license"][d.License]++
		for _, t := range d.Themes {
			f["theme"][t]++
		}
		for _, t := range d.Keywords {
			f["tag"][t]++
		}
		for _, t := range d.Formats {
			f["format"][t]++
		}
	}
	return f
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}
