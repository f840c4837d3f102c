package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// Organizations are the city's departments (name = the department's code,
// title = its Japanese name); groups are the data themes (name = the
// theme's code in lower case). CKAN serves both from one table, and so do
// these handlers: ckanGroupish is either.
type ckanGroupish struct {
	isOrg       bool
	name, title string
	description string
	created     *string
	count       int
	packages    []*ckanPackage
}

func (cat *ckanCatalog) groupish(isOrg bool) []ckanGroupish {
	var out []ckanGroupish
	if isOrg {
		for _, o := range cat.orgs {
			out = append(out, ckanGroupish{isOrg: true, name: o.ref.Name, title: o.ref.Title, description: o.ref.Description,
				created: o.ref.Created, count: o.count, packages: o.packages})
		}
		return out
	}
	for _, g := range cat.groups {
		out = append(out, ckanGroupish{name: g.ref.Name, title: g.ref.Title, description: g.ref.Description,
			count: g.count, packages: g.packages})
	}
	return out
}

// dict is the group as organization_list?all_fields=true shows it; show
// adds what organization_show and group_show add.
func (g ckanGroupish) dict(show bool) map[string]any {
	typ := "group"
	if g.isOrg {
		typ = "organization"
	}
	d := map[string]any{
		"approval_status": "approved", "created": g.created, "description": g.description, "display_name": g.title,
		"id": g.name, "image_display_url": "", "image_url": "", "is_organization": g.isOrg, "name": g.name,
		"num_followers": 0, "package_count": g.count, "state": "active", "tags": []any{}, "title": g.title, "type": typ,
	}
	if show {
		d["extras"], d["groups"], d["users"] = []any{}, []any{}, []any{}
	}
	return d
}

// ckanOrganizationList answers organization_list.
func (s *Server) ckanOrganizationList(c *gin.Context, p ckanParams) (any, error) {
	return s.ckanGroupishList(c, p, true)
}

// ckanGroupList answers group_list.
func (s *Server) ckanGroupList(c *gin.Context, p ckanParams) (any, error) {
	return s.ckanGroupishList(c, p, false)
}

// ckanGroupishList lists organizations or groups as CKAN's
// _group_or_org_list does: names, or dicts with all_fields; sort by one of
// name, title, package_count (default title asc); organizations (or
// groups) to pick some by name; q to match names, titles and descriptions;
// limit and offset.
func (s *Server) ckanGroupishList(c *gin.Context, p ckanParams, isOrg bool) (any, error) {
	allFields, err := p.boolean("all_fields", false)
	if err != nil {
		return nil, err
	}
	pick := "groups"
	if isOrg {
		pick = "organizations"
	}
	names, err := p.list(pick, true)
	if err != nil {
		return nil, err
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	var list []ckanGroupish
	q := catalog.Fold(strings.TrimSpace(p.str("q")))
	for _, g := range cat.groupish(isOrg) {
		if len(names) > 0 && !slices.Contains(names, g.name) {
			continue
		}
		if q != "" && !strings.Contains(catalog.Fold(g.name+"\n"+g.title+"\n"+g.description), q) {
			continue
		}
		list = append(list, g)
	}
	if err := sortGroupish(list, p.str("sort")); err != nil {
		return nil, err
	}
	lo, hi, err := p.page(len(list))
	if err != nil {
		return nil, err
	}
	list = list[lo:hi]
	if allFields {
		out := make([]map[string]any, len(list))
		for i, g := range list {
			out[i] = g.dict(false)
		}
		return out, nil
	}
	out := make([]string, len(list))
	for i, g := range list {
		out[i] = g.name
	}
	return out, nil
}

// sortGroupish sorts as CKAN's _unpick_search allows for groups: one field
// of name, title, package_count (or packages), asc or desc.
func sortGroupish(list []ckanGroupish, spec string) error {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		spec = "title asc"
	}
	if spec == "packages" || spec == "package_count" {
		spec = "package_count desc"
	}
	parts := strings.Split(spec, ",")
	if len(parts) > 1 {
		return ckanInvalid("message", "Too many sort criteria provided only 1 allowed")
	}
	words := strings.Fields(parts[0])
	if len(words) == 0 {
		return ckanInvalid("message", "Cannot sort by field ``")
	}
	field, dir := words[0], "asc"
	if len(words) > 1 {
		dir = strings.ToLower(words[1])
	}
	var cmp func(a, b ckanGroupish) int
	switch field {
	case "name":
		cmp = func(a, b ckanGroupish) int { return strings.Compare(a.name, b.name) }
	case "title":
		cmp = func(a, b ckanGroupish) int { return strings.Compare(catalog.Fold(a.title), catalog.Fold(b.title)) }
	case "package_count", "packages":
		cmp = func(a, b ckanGroupish) int { return a.count - b.count }
	default:
		return ckanInvalid("message", fmt.Sprintf("Cannot sort by field `%s`", field))
	}
	switch dir {
	case "asc":
	case "desc":
		asc := cmp
		cmp = func(a, b ckanGroupish) int { return asc(b, a) }
	default:
		return ckanInvalid("message", fmt.Sprintf("Invalid sort direction `%s`", dir))
	}
	slices.SortStableFunc(list, cmp)
	return nil
}

// ckanOrganizationShow answers organization_show: id is the department's
// code; include_datasets adds its first 10 packages, as CKAN does.
func (s *Server) ckanOrganizationShow(c *gin.Context, p ckanParams) (any, error) {
	return s.ckanGroupishShow(c, p, true, 10)
}

// ckanGroupShow answers group_show: id is the theme's code (any case);
// include_datasets adds its first 1,000 packages, as CKAN does.
func (s *Server) ckanGroupShow(c *gin.Context, p ckanParams) (any, error) {
	return s.ckanGroupishShow(c, p, false, 1000)
}

func (s *Server) ckanGroupishShow(c *gin.Context, p ckanParams, isOrg bool, maxDatasets int) (any, error) {
	id, err := p.required("id")
	if err != nil {
		return nil, err
	}
	withDatasets, err := p.boolean("include_datasets", false)
	if err != nil {
		return nil, err
	}
	withCount, err := p.boolean("include_dataset_count", true)
	if err != nil {
		return nil, err
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	if !isOrg {
		id = strings.ToLower(id)
	}
	for _, g := range cat.groupish(isOrg) {
		if g.name != id {
			continue
		}
		d := g.dict(true)
		if !withCount {
			delete(d, "package_count")
		}
		if withDatasets {
			pkgs := make([]json.RawMessage, 0, min(len(g.packages), maxDatasets))
			for _, pkg := range g.packages[:min(len(g.packages), maxDatasets)] {
				pkgs = append(pkgs, pkg.dict)
			}
			d["packages"] = pkgs
		}
		return d, nil
	}
	return nil, ckanNotFound("")
}

// ckanTagList answers tag_list: the tags of the published datasets, those
// containing query (or q) when given, as dicts with all_fields. There are
// no vocabularies, so a vocabulary_id lists nothing.
func (s *Server) ckanTagList(c *gin.Context, p ckanParams) (any, error) {
	allFields, err := p.boolean("all_fields", false)
	if err != nil {
		return nil, err
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	q := p.str("query")
	if q == "" {
		q = p.str("q")
	}
	q = catalog.Fold(strings.TrimSpace(q))
	names := []string{}
	if p.str("vocabulary_id") == "" {
		for _, t := range cat.tags {
			if q == "" || strings.Contains(catalog.Fold(t), q) {
				names = append(names, t)
			}
		}
	}
	if !allFields {
		return names, nil
	}
	out := make([]ckanTag, len(names))
	for i, n := range names {
		out[i] = ckanTag{DisplayName: n, ID: n, Name: n, State: "active"}
	}
	return out, nil
}
