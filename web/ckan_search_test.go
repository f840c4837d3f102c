package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The demo catalog, as CKAN sees it: five datasets of four departments.
//
//	aed                kenkou  CC0-1.0    heal just
//	evacuation-spaces  bousai  PDL-1.0    just regi envi
//	events             kouhou  CC-BY-4.0  soci educ heal
//	photo-archive      kouhou  CC-BY-4.0  educ soci
//	public-facilities  shisan  CC-BY-4.0  gove regi soci
func TestCKANPackageSearch(t *testing.T) {
	ts := newDemoServer(t)
	all := []string{"aed", "evacuation-spaces", "events", "photo-archive", "public-facilities"}
	tests := []struct {
		name  string
		query string
		body  map[string]any // POSTed as JSON instead of query
		count int
		want  []string // names in order; nil: only count is checked
	}{
		{"everything, by name", "sort=name+asc", nil, 5, all},
		{"by name, descending", "sort=id+desc", nil, 5, []string{"public-facilities", "photo-archive", "events", "evacuation-spaces", "aed"}},
		{"paged", q("sort", "name asc", "rows", "2", "start", "1"), nil, 5, []string{"evacuation-spaces", "events"}},
		{"past the end", q("sort", "name asc", "rows", "2", "start", "5"), nil, 5, []string{}},
		{"rows=0 counts only", q("rows", "0"), nil, 5, []string{}},
		{"rows beyond CKAN's 1000", q("rows", "100000", "sort", "name asc"), nil, 5, all},
		{"organization", q("fq", "organization:kouhou", "sort", "name asc"), nil, 2, []string{"events", "photo-archive"}},
		{"quoted value", q("fq", `organization:"bousai"`), nil, 1, []string{"evacuation-spaces"}},
		{"owner_org", q("fq", "owner_org:shisan"), nil, 1, []string{"public-facilities"}},
		{"two clauses are both required", q("fq", "organization:kouhou groups:heal"), nil, 1, []string{"events"}},
		{"+ and AND", q("fq", "+organization:kouhou AND +groups:educ", "sort", "name asc"), nil, 2, []string{"events", "photo-archive"}},
		{"negation", q("fq", "organization:kouhou -groups:heal"), nil, 1, []string{"photo-archive"}},
		{"NOT", q("fq", "NOT license_id:CC-BY-4.0", "sort", "name asc"), nil, 2, []string{"aed", "evacuation-spaces"}},
		{"OR of clauses", q("fq", "organization:bousai OR organization:kenkou", "sort", "name asc"), nil, 2, []string{"aed", "evacuation-spaces"}},
		{"OR within a field", q("fq", "organization:(kouhou OR kenkou)", "sort", "name asc"), nil, 3, []string{"aed", "events", "photo-archive"}},
		{"groups in upper case", q("fq", "groups:GOVE"), nil, 1, []string{"public-facilities"}},
		{"tags", q("fq", "tags:AED"), nil, 1, []string{"aed"}},
		{"a tag every dataset has", q("fq", `tags:"サンプルデータ"`), nil, 5, nil},
		{"res_format", q("fq", "res_format:CSV"), nil, 5, nil},
		{"res_format in lower case", q("fq", "res_format:geojson"), nil, 5, nil},
		{"license_id", q("fq", "license_id:CC0-1.0"), nil, 1, []string{"aed"}},
		{"prefix", q("fq", "name:ev*", "sort", "name asc"), nil, 2, []string{"evacuation-spaces", "events"}},
		{"modified since (CKANHarvester)", q("fq", "metadata_modified:[2026-03-31T08:00:00.000000Z TO *]"), nil, 5, nil},
		{"modified before", q("fq", "metadata_modified:[* TO 2025-01-01T00:00:00Z]"), nil, 0, []string{}},
		{"modified on a day", q("fq", "metadata_modified:2026-04-01"), nil, 5, nil},
		{"number range", q("fq", "num_resources:[1 TO *]"), nil, 5, nil},
		{"fq and fq_list", "", map[string]any{"fq": "groups:soci", "fq_list": []string{"organization:kouhou", "-tags:写真"}}, 1, []string{"events"}},
		{"fq_list in a query string", q("fq_list", "organization:kouhou", "fq_list", "groups:heal"), nil, 1, []string{"events"}},
		{"one fq_list as text", q("fq_list", "organization:kouhou", "sort", "name asc"), nil, 2, []string{"events", "photo-archive"}},
		{"free text and fq, by the index", q("q", "サンプル", "fq", "organization:kouhou"), nil, 2, nil},
		{"free text and fq the index cannot take", q("q", "サンプル", "fq", "organization:kouhou OR organization:bousai"), nil, 3, nil},
		{"*:*", q("q", "*:*"), nil, 5, nil},
		{"fielded q", q("q", "organization:bousai"), nil, 1, []string{"evacuation-spaces"}},
		{"fielded q with a word", q("q", "AED organization:kenkou"), nil, 1, []string{"aed"}},
		{"free text", q("q", "避難場所"), nil, 1, []string{"evacuation-spaces"}},
		{"free text and fq", q("q", "サンプル", "fq", "organization:kouhou", "sort", "name asc"), nil, 2, []string{"events", "photo-archive"}},
		{"free text by name", q("q", "サンプル", "sort", "name asc", "rows", "2"), nil, 5, []string{"aed", "evacuation-spaces"}},
		{"POSTed JSON with numbers", "", map[string]any{"fq": "organization:kouhou", "rows": 1, "start": 1, "sort": "name asc"}, 2, []string{"photo-archive"}},
		{"title", q("fq", "title:写真"), nil, 1, []string{"photo-archive"}},
		{"by title", q("sort", "title_string asc", "rows", "1"), nil, 5, []string{"aed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res any
			if tt.body != nil {
				res = ts.ckanResult(t, "package_search", "", tt.body)
			} else {
				res = ts.ckanResult(t, "package_search", tt.query)
			}
			r := res.(map[string]any)
			if n, _ := r["count"].(json.Number).Int64(); int(n) != tt.count {
				t.Errorf("count %d, want %d (%v)", n, tt.count, names(res))
			}
			if got := names(res); tt.want != nil && !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("results %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCKANPackageSearchDefaults(t *testing.T) {
	ts := newDemoServer(t)
	r := ts.ckanResult(t, "package_search", "").(map[string]any)
	if r["sort"] != ckanDefaultSort || len(r["results"].([]any)) != 5 {
		t.Errorf("sort %v, %d results", r["sort"], len(r["results"].([]any)))
	}
	if f := r["facets"].(map[string]any); len(f) != 0 {
		t.Errorf("facets without facet.field: %v", f)
	}
	// CKAN's default rows is 10: eleven datasets give a page of ten.
	for i := range 6 {
		ts.importCSV(t, "extra-"+string(rune('a'+i)), "追加", "x.csv", "a\n1\n")
	}
	if _, err := ts.srv.refreshCKAN(t.Context()); err != nil {
		t.Fatal(err)
	}
	r = ts.ckanResult(t, "package_search", "").(map[string]any)
	if n, _ := r["count"].(json.Number).Int64(); n != 11 || len(r["results"].([]any)) != 10 {
		t.Errorf("count %d, %d results", n, len(r["results"].([]any)))
	}
}

func TestCKANFacets(t *testing.T) {
	ts := newDemoServer(t)
	res := ts.ckanResult(t, "package_search", q("rows", "0", "facet.field", `["organization","groups","license_id"]`)).(map[string]any)
	facets := res["facets"].(map[string]any)
	org := facets["organization"].(map[string]any)
	if len(org) != 4 || org["kouhou"] != json.Number("2") || org["bousai"] != json.Number("1") {
		t.Errorf("organization facet %v", org)
	}
	sf := res["search_facets"].(map[string]any)["organization"].(map[string]any)
	items := sf["items"].([]any)
	if sf["title"] != "organization" || len(items) != 4 {
		t.Fatalf("search_facets.organization %v", sf)
	}
	// Titled by the department's name and, as CKAN does, sorted by it, descending.
	var display []string
	for _, it := range items {
		m := it.(map[string]any)
		display = append(display, m["display_name"].(string))
		if m["name"] == "kouhou" && (m["display_name"] != "秘書広報課" || m["count"] != json.Number("2")) {
			t.Errorf("kouhou item %v", m)
		}
	}
	if !slices.IsSortedFunc(display, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("items not sorted by display_name, descending: %v", display)
	}
	// facet.limit, facet.mincount, and facets over what fq leaves.
	res = ts.ckanResult(t, "package_search", q("rows", "0", "fq", "organization:kouhou", "facet.field", `["groups"]`,
		"facet.limit", "1")).(map[string]any)
	if g := res["facets"].(map[string]any)["groups"].(map[string]any); len(g) != 1 || g["educ"] != json.Number("2") {
		t.Errorf("groups facet of kouhou, limit 1: %v", g)
	}
	res = ts.ckanResult(t, "package_search", q("rows", "0", "facet.field", `["groups"]`, "facet.mincount", "3")).(map[string]any)
	if g := res["facets"].(map[string]any)["groups"].(map[string]any); len(g) != 1 || g["soci"] != json.Number("3") {
		t.Errorf("groups facet, mincount 3: %v", g)
	}
	res = ts.ckanResult(t, "package_search", q("rows", "0", "facet", "false", "facet.field", `["groups"]`)).(map[string]any)
	if len(res["facets"].(map[string]any)) != 0 {
		t.Errorf("facet=false: %v", res["facets"])
	}
	// With free text, facets count what the index found.
	res = ts.ckanResult(t, "package_search", q("q", "避難場所", "facet.field", `["organization"]`)).(map[string]any)
	if o := res["facets"].(map[string]any)["organization"].(map[string]any); len(o) != 1 || o["bousai"] != json.Number("1") {
		t.Errorf("organization facet of 避難場所: %v", o)
	}
	// The index answering alone (its sort, its facets) and the index's
	// matches finished in memory (a sort it does not know) agree.
	byIndex := ts.ckanResult(t, "package_search", q("q", "サンプル", "fq", "groups:soci", "facet.field", `["organization","tags"]`)).(map[string]any)
	inMemory := ts.ckanResult(t, "package_search", q("q", "サンプル", "fq", "groups:soci", "facet.field", `["organization","tags"]`,
		"sort", "score desc, name asc")).(map[string]any)
	a, b := names(byIndex), names(inMemory)
	slices.Sort(a)
	slices.Sort(b)
	if byIndex["count"] != inMemory["count"] || !slices.Equal(a, b) || mustJSONText(t, byIndex["facets"]) != mustJSONText(t, inMemory["facets"]) {
		t.Errorf("the index alone: %v %v %v\nin memory: %v %v %v", byIndex["count"], a, byIndex["facets"], inMemory["count"], b, inMemory["facets"])
	}
}

func TestCKANPackageSearchErrors(t *testing.T) {
	ts := newDemoServer(t)
	tests := []struct {
		name, query string
		status      int
		typ         string
		field       string // of a Validation Error
		message     string // part of the message
	}{
		{"unknown sort field", "sort=nonsense+asc", 400, "Search Query Error", "", `Invalid "sort" parameter`},
		{"sort without direction", "sort=name", 400, "Search Query Error", "", `Invalid "sort" parameter`},
		{"unknown parameter", "rows=1&nosuch=1", 400, "Search Query Error", "", "Invalid search parameters: ['nosuch']"},
		{"negative rows", "rows=-1", 409, "Validation Error", "rows", "Must be a natural number"},
		{"rows not a number", "rows=ten", 409, "Validation Error", "rows", "Must be a natural number"},
		{"negative start", "start=-5", 409, "Validation Error", "start", "Must be a natural number"},
		{"facet.field not a list", "facet.field=tags", 409, "Validation Error", "facet.field", "Not a list"},
		{"unknown facet field", `facet.field=["nosuch"]`, 409, "Search Error", "", "undefined field nosuch"},
		{"unclosed parenthesis", q("fq", "organization:(kouhou"), 409, "Search Error", "", "Cannot parse"},
		{"unclosed quote", q("fq", `tags:"AED`), 409, "Search Error", "", "Cannot parse"},
		{"AND at the end", q("q", "tags:(AND"), 409, "Search Error", "", "Cannot parse"},
		{"NOT at the end", q("fq", "tags:防災 NOT"), 409, "Search Error", "", "Cannot parse"},
		{"sign at the end", q("fq", "tags:防災 -"), 409, "Search Error", "", "Cannot parse"},
		{"unknown fq field", q("fq", "nosuch:x"), 409, "Search Error", "", "undefined field nosuch"},
		{"bad date", q("fq", "metadata_modified:[yesterday TO *]"), 409, "Search Error", "", "Invalid Date String"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, doc := ts.ckanCall(t, "package_search", tt.query)
			e, _ := doc["error"].(map[string]any)
			if status != tt.status || doc["success"] != false || e["__type"] != tt.typ {
				t.Fatalf("%d %v", status, doc)
			}
			var msg string
			if tt.field != "" {
				list, _ := e[tt.field].([]any)
				if len(list) == 1 {
					msg, _ = list[0].(string)
				}
			} else {
				msg, _ = e["message"].(string)
			}
			if !strings.Contains(msg, tt.message) {
				t.Errorf("message %q, want %q in it (%v)", msg, tt.message, e)
			}
		})
	}
}
