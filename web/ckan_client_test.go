package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

func TestCKANShowAndLists(t *testing.T) {
	ts := newDemoServer(t)
	all := []any{"aed", "evacuation-spaces", "events", "photo-archive", "public-facilities"}
	if got := ts.ckanResult(t, "package_list", ""); !slices.Equal(got.([]any), all) {
		t.Errorf("package_list %v", got)
	}
	if got := ts.ckanResult(t, "package_list", "limit=2&offset=1"); !slices.Equal(got.([]any), all[1:3]) {
		t.Errorf("package_list limit=2 offset=1: %v", got)
	}
	// package_show by id or name_or_id; POST as ckanapi does.
	for _, call := range []struct{ query string }{{"id=events"}, {"name_or_id=events"}} {
		p := ts.ckanResult(t, "package_show", call.query).(map[string]any)
		if p["id"] != "events" || p["name"] != "events" || p["owner_org"] != "kouhou" || p["state"] != "active" || p["private"] != false {
			t.Errorf("%s: %v", call.query, p)
		}
	}
	p := ts.ckanResult(t, "package_show", "", map[string]any{"id": "public-facilities"}).(map[string]any)
	var ids []string
	for _, r := range p["resources"].([]any) {
		res := r.(map[string]any)
		ids = append(ids, res["id"].(string))
		shown := ts.ckanResult(t, "resource_show", "id="+res["id"].(string))
		if a, b := mustJSONText(t, shown), mustJSONText(t, res); a != b {
			t.Errorf("resource_show %s differs from package_show:\n%s\n%s", res["id"], a, b)
		}
	}
	if want := []string{"public-facilities-csv", "public-facilities-json", "public-facilities-geojson", "public-facilities-original"}; !slices.Equal(ids, want) {
		t.Errorf("resource ids %v, want %v", ids, want)
	}
	if org := p["organization"].(map[string]any); org["name"] != "shisan" || org["title"] != "資産活用課" || org["is_organization"] != true {
		t.Errorf("organization %v", org)
	}
	if n, _ := p["num_tags"].(json.Number).Int64(); int(n) != len(p["tags"].([]any)) || n == 0 {
		t.Errorf("num_tags %v, tags %v", p["num_tags"], p["tags"])
	}

	orgs := ts.ckanResult(t, "organization_list", "sort=package_count+desc&limit=2").([]any)
	if len(orgs) != 2 || orgs[0] != "kouhou" {
		t.Errorf("organization_list by package_count: %v", orgs)
	}
	if got := ts.ckanResult(t, "organization_list", "organizations=bousai,kouhou&sort=name+asc"); !slices.Equal(got.([]any), []any{"bousai", "kouhou"}) {
		t.Errorf("organization_list organizations=...: %v", got)
	}
	if got := ts.ckanResult(t, "organization_list", q("q", "防災")); !slices.Equal(got.([]any), []any{"bousai"}) {
		t.Errorf("organization_list q=防災: %v", got)
	}
	full := ts.ckanResult(t, "organization_list", "", map[string]any{"all_fields": true}).([]any)
	total := 0
	for _, o := range full {
		n, _ := o.(map[string]any)["package_count"].(json.Number).Int64()
		total += int(n)
	}
	if len(full) != 7 || total != 5 {
		t.Errorf("organization_list all_fields: %d organizations, %d datasets", len(full), total)
	}
	org := ts.ckanResult(t, "organization_show", "id=kouhou&include_datasets=true").(map[string]any)
	if org["package_count"] != json.Number("2") || len(org["packages"].([]any)) != 2 || org["type"] != "organization" {
		t.Errorf("organization_show kouhou: %v", org)
	}
	groups := ts.ckanResult(t, "group_list", "").([]any)
	if len(groups) != len(catalog.Themes) || !slices.Contains(groups, any("heal")) {
		t.Errorf("group_list %v", groups)
	}
	g := ts.ckanResult(t, "group_show", "id=HEAL").(map[string]any)
	if g["name"] != "heal" || g["package_count"] != json.Number("2") || g["is_organization"] != false || g["title"] != "健康・医療" {
		t.Errorf("group_show HEAL: %v", g)
	}
	tags := ts.ckanResult(t, "tag_list", "").([]any)
	if !slices.Contains(tags, any("AED")) || !slices.IsSortedFunc(tags, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
		t.Errorf("tag_list %v", tags)
	}
	if got := ts.ckanResult(t, "tag_list", q("query", "aed")); !slices.Equal(got.([]any), []any{"AED", "AED設置箇所一覧"}) {
		t.Errorf("tag_list query=aed: %v", got)
	}
	st := ts.ckanResult(t, "status_show", "").(map[string]any)
	if st["site_url"] != "http://portal.test" || !slices.Contains(st["extensions"].([]any), any("datastore")) {
		t.Errorf("status_show %v", st)
	}
	if h := ts.ckanResult(t, "help_show", "name=package_search").(string); !strings.Contains(h, "rows") {
		t.Errorf("help_show %q", h)
	}
	for _, tt := range []struct{ action, query, typ string }{
		{"package_show", "id=nope", "Not Found Error"},
		{"package_show", "", "Validation Error"},
		{"organization_show", "id=nope", "Not Found Error"},
		{"group_show", "id=kouhou", "Not Found Error"}, // an organization is not a group
		{"resource_show", "id=nope", "Not Found Error"},
		{"help_show", "name=nope", "Not Found Error"},
		{"package_list", "limit=-1", "Validation Error"},
		{"organization_list", "sort=nosuch", "Validation Error"},
	} {
		if status, doc := ts.ckanCall(t, tt.action, tt.query); doc["success"] != false || doc["error"].(map[string]any)["__type"] != tt.typ ||
			(tt.typ == "Not Found Error") != (status == 404) {
			t.Errorf("%s?%s: %d %v", tt.action, tt.query, status, doc)
		}
	}
}

func mustJSONText(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCKANRequests(t *testing.T) {
	ts := newTestServer(t)
	// An unknown action is 400 and a JSON string, as in CKAN.
	status, raw := ts.ckanRaw(t, "nope", "")
	if status != 400 || string(raw) != `"Bad request: Action name not known: nope"` {
		t.Errorf("unknown action: %d %s", status, raw)
	}
	// A write action is refused as CKAN refuses an anonymous caller.
	status, doc := ts.ckanCall(t, "package_create", "", map[string]any{"name": "x"})
	if status != 403 || doc["error"].(map[string]any)["__type"] != "Authorization Error" {
		t.Errorf("package_create: %d %v", status, doc)
	}
	for _, body := range []string{`[1, 2]`, `{"rows": `} {
		res, err := http.Post(ts.URL+"/api/3/action/package_search", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(t, res.Body)
		res.Body.Close()
		if res.StatusCode != 400 || !bytes.HasPrefix(b, []byte(`"Bad request: JSON Error: `)) {
			t.Errorf("body %s: %d %s", body, res.StatusCode, b)
		}
	}
	// A form, the old way: the JSON object as the only key; and a plain form.
	res, err := http.Post(ts.URL+"/api/3/action/package_show", "application/x-www-form-urlencoded", strings.NewReader(`{"id": "shisetsu"}=1`))
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	decode(t, res, &env)
	if env["success"] != true {
		t.Errorf("form with a JSON key: %v", env)
	}
	res, err = http.Post(ts.URL+"/api/action/package_show", "application/x-www-form-urlencoded", strings.NewReader(`id=shisetsu`))
	if err != nil {
		t.Fatal(err)
	}
	decode(t, res, &env)
	if env["success"] != true || env["result"].(map[string]any)["name"] != "shisetsu" {
		t.Errorf("plain form on /api/action: %v", env)
	}
	// HEAD answers like GET, without a body.
	if res := ts.do(t, http.MethodHead, "/api/3/action/package_list"); res.StatusCode != 200 {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
}

// TestCKANSeesChanges: only published datasets are visible, and the view
// follows the catalog, rebuilding only what changed.
func TestCKANSeesChanges(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	before, err := ts.srv.ckanCatalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A draft: not visible, and the view need not change.
	_, err = ts.im.Import(ctx, datasets.ImportRequest{Slug: "draft", Kind: catalog.KindTable, Department: "shisan",
		Meta: &catalog.Dataset{TitleJA: "下書き"}, Files: []datasets.File{{Name: "d.csv", Data: strings.NewReader("a\n1\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	ts.importCSV(t, "second", "二つ目", "b.csv", "a\n1\n")
	after, err := ts.srv.refreshCKAN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after == before || after.byName["second"] == nil || after.byName["draft"] != nil {
		t.Fatalf("after an import: %v", slices.Collect(func(yield func(string) bool) {
			for n := range after.byName {
				yield(n)
			}
		}))
	}
	if &after.byName["shisetsu"].dict[0] != &before.byName["shisetsu"].dict[0] {
		t.Errorf("an unchanged package was rebuilt")
	}
	if status, _ := ts.ckanCall(t, "package_show", "id=draft"); status != 404 {
		t.Errorf("draft: %d", status)
	}
	if same, _ := ts.srv.refreshCKAN(ctx); same != after {
		t.Errorf("nothing changed, yet the view was rebuilt")
	}
	// A new version of a dataset rebuilds its package.
	ts.importCSV(t, "shisetsu", "施設一覧", "v2.csv", "名称\n新しい施設\n")
	next, err := ts.srv.refreshCKAN(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if &next.byName["shisetsu"].dict[0] == &after.byName["shisetsu"].dict[0] || next.byName["shisetsu"].version.Number != 2 {
		t.Errorf("new version not seen")
	}
	r := ts.ckanResult(t, "datastore_search", "resource_id=shisetsu-csv").(map[string]any)
	if got := records(t, r, "名称"); !slices.Equal(got, []string{"新しい施設"}) {
		t.Errorf("datastore after a new version: %v", got)
	}
}

// TestCKANHarvester runs a harvester written against CKAN (Python's
// standard library, the calls of ckanext-harvest and ckanapi) over the
// demo catalog: every dataset, resource and record it reads must agree.
func TestCKANHarvester(t *testing.T) {
	python := requireTool(t, "python3")
	ts := newDemoServer(t)
	out, err := exec.Command(python, "testdata/ckan/harvest.py", ts.URL, "http://portal.test").CombinedOutput()
	if err != nil {
		t.Fatalf("harvest.py: %v\n%s", err, out)
	}
	var sum struct {
		Packages, Resources, Organizations, Groups int
		DatastoreRecords                           int `json:"datastore_records"`
		DownloadedBytes                            int `json:"downloaded_bytes"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &sum); err != nil {
		t.Fatalf("harvest.py said: %s", out)
	}
	// The demo: 5 datasets of 7 departments, 13 themes; each dataset has
	// CSV, JSON, GeoJSON and its original file.
	if sum.Packages != 5 || sum.Resources != 20 || sum.Organizations != 7 || sum.Groups != len(catalog.Themes) ||
		sum.DatastoreRecords == 0 || sum.DownloadedBytes == 0 {
		t.Errorf("harvest: %s", out)
	}
	t.Logf("harvest.py: %s", bytes.TrimSpace(out))
}

// TestCKANConcurrentRefresh reads while the catalog changes and the view
// is rebuilt behind the readers (run with -race).
func TestCKANConcurrentRefresh(t *testing.T) {
	ts := newTestServer(t)
	done := make(chan error)
	for range 4 {
		go func() {
			var err error
			for range 30 {
				res, e := http.Get(ts.URL + "/api/3/action/package_search?rows=5&facet.field=%5B%22tags%22%5D")
				if e != nil {
					err = e
					break
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					err = fmt.Errorf("status %d", res.StatusCode)
					break
				}
			}
			done <- err
		}()
	}
	for i := range 5 {
		ts.importCSV(t, fmt.Sprintf("more-%d", i), "追加", "m.csv", "a\n1\n")
		ts.srv.ckanView.mu.Lock()
		ts.srv.ckanView.checked = time.Time{} // due for a check at the next request
		ts.srv.ckanView.mu.Unlock()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	// The view catches up.
	deadline := time.Now().Add(5 * time.Second)
	for {
		cat, err := ts.srv.refreshCKAN(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.packages) == 6 || time.Now().After(deadline) {
			if len(cat.packages) != 6 {
				t.Errorf("%d packages, want 6", len(cat.packages))
			}
			break
		}
	}
}
