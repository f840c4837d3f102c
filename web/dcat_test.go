package web

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The DCAT-AP 3.0.1 shapes: mandatory rules (violations) and recommended
// ones (warnings).
const (
	dcatShapes            = "../../shared/data/dcat-ap-3.0.1/dcat-ap-SHACL.ttl"
	dcatShapesRecommended = "../../shared/data/dcat-ap-3.0.1/shapes_recommended.ttl"
)

// fetchTo saves a GET's body in dir/name, failing on anything but 200.
func (ts *testServer) fetchTo(t *testing.T, dir, name, path string, header ...string) string {
	t.Helper()
	res := ts.get(t, path, header...)
	body := readAll(t, res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// demoSlugs lists the published demo datasets through the API.
func demoSlugs(t *testing.T, ts *testServer) []string {
	t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	decode(t, ts.get(t, "/api/v1/datasets?per_page=100"), &list)
	var out []string
	for _, it := range list.Items {
		out = append(out, it.ID)
	}
	if len(out) < 5 {
		t.Fatalf("demo catalog has %d datasets", len(out))
	}
	return out
}

// rdfParsed is what web/rdf/testdata/rdfcheck.py reports of a file.
type rdfParsed struct {
	File       string     `json:"file"`
	Triples    int        `json:"triples"`
	Isomorphic bool       `json:"isomorphic"`
	Literals   [][]string `json:"literals"`
}

// rdflibRead parses files with Python's rdflib (Debian python3-rdflib,
// loaded by /usr/bin/python3) and reports whether each is the same graph
// as the first.
func rdflibRead(t *testing.T, files ...string) []rdfParsed {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import rdflib").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-rdflib is not installed; .ci/run installs it")
		}
		t.Skip("python3-rdflib not installed")
	}
	out, err := exec.Command(py, append([]string{"rdf/testdata/rdfcheck.py"}, files...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("rdflib: %v\n%s", err, msg)
	}
	var res []rdfParsed
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return res
}

// shaclResult is one result of the SHACL validator.
type shaclResult struct {
	Severity, Focus, Path, Message string
}

type shaclReport struct {
	File     string        `json:"file"`
	Triples  int           `json:"triples"`
	Conforms bool          `json:"conforms"`
	Results  []shaclResult `json:"results"`
}

// shaclValidate runs the real SHACL validator (npm rdf-validate-shacl,
// installed in testdata/shacl by .ci/run) over files with shapes.
func shaclValidate(t *testing.T, shapes string, files ...string) []shaclReport {
	t.Helper()
	requireTool(t, "node")
	if _, err := os.Stat("testdata/shacl/node_modules/rdf-validate-shacl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the SHACL validator is not installed; .ci/run runs npm ci in web/testdata/shacl")
		}
		t.Skip("SHACL validator not installed: npm ci in web/testdata/shacl")
	}
	out, err := exec.Command("node", append([]string{"testdata/shacl/validate.mjs", shapes}, files...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("SHACL validator: %v\n%s", err, msg)
	}
	var reports []shaclReport
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return reports
}

// TestDCATConformsToDCATAP3 is the bar: the catalog and every demo
// dataset, in each serialization, parse with rdflib as the same graph and
// pass the DCAT-AP 3.0.1 SHACL shapes with zero violations.
func TestDCATConformsToDCATAP3(t *testing.T) {
	ts := newDemoServer(t)
	dir := t.TempDir()
	type doc struct{ name, path string }
	docs := []doc{{"catalog", "/catalog"}}
	for _, slug := range demoSlugs(t, ts) {
		docs = append(docs, doc{slug, "/datasets/" + slug})
	}
	var shacl []string
	for _, d := range docs {
		var files []string
		for _, ext := range []string{".ttl", ".rdf", ".jsonld"} {
			files = append(files, ts.fetchTo(t, dir, d.name+ext, d.path+ext))
		}
		for _, r := range rdflibRead(t, files...) {
			if !r.Isomorphic || r.Triples < 20 {
				t.Errorf("%s: %d triples, same graph as the Turtle: %v", filepath.Base(r.File), r.Triples, r.Isomorphic)
			}
		}
		shacl = append(shacl, files...)
	}
	for _, rep := range shaclValidate(t, dcatShapes, shacl...) {
		if rep.Triples < 20 {
			t.Errorf("%s: only %d triples read", filepath.Base(rep.File), rep.Triples)
		}
		for _, r := range rep.Results {
			if r.Severity == "Violation" {
				t.Errorf("%s: %s %s: %s", filepath.Base(rep.File), r.Focus, r.Path, r.Message)
			}
		}
	}
}

// TestDCATRecommended holds the catalog to DCAT-AP's recommended
// properties too: the only warning allowed is a temporal coverage that the
// department did not give (a facility list covers no period).
func TestDCATRecommended(t *testing.T) {
	ts := newDemoServer(t)
	file := ts.fetchTo(t, t.TempDir(), "catalog.ttl", "/catalog.ttl")
	rep := shaclValidate(t, dcatShapesRecommended, file)[0]
	if rep.Triples < 500 {
		t.Fatalf("%d triples", rep.Triples)
	}
	for _, r := range rep.Results {
		if r.Path != "http://purl.org/dc/terms/temporal" {
			t.Errorf("%s %s %s: %s", r.Severity, r.Focus, r.Path, r.Message)
		}
	}
}

// jsonldNodes fetches a JSON-LD document and returns its nodes by @id.
func jsonldNodes(t *testing.T, ts *testServer, path string, header ...string) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	decode(t, ts.get(t, path, header...), &doc)
	out := map[string]map[string]any{}
	for _, n := range doc.Graph {
		id, _ := n["@id"].(string)
		out[id] = n
	}
	return out
}

func hasType(n map[string]any, typ string) bool {
	switch v := n["@type"].(type) {
	case string:
		return v == typ
	case []any:
		for _, x := range v {
			if x == typ {
				return true
			}
		}
	}
	return false
}

// TestDCATDistributions: every distribution has an access URL (also where
// it has a download URL), a download that answers, its size and checksum.
func TestDCATDistributions(t *testing.T) {
	ts := newTestServer(t)
	nodes := jsonldNodes(t, ts, "/datasets/shisetsu.jsonld")
	n := 0
	for id, node := range nodes {
		if !hasType(node, "dcat:Distribution") {
			continue
		}
		n++
		access, _ := node["dcat:accessURL"].(map[string]any)
		download, _ := node["dcat:downloadURL"].(map[string]any)
		if access == nil || download == nil {
			t.Errorf("%s: accessURL %v, downloadURL %v", id, node["dcat:accessURL"], node["dcat:downloadURL"])
			continue
		}
		url, _ := download["@id"].(string)
		res := ts.get(t, strings.TrimPrefix(url, "http://portal.test"))
		if res.StatusCode != 200 {
			t.Errorf("%s: download %s answers %d", id, url, res.StatusCode)
		}
		if node["dcat:byteSize"] == nil || node["spdx:checksum"] == nil || node["dcat:mediaType"] == nil {
			t.Errorf("%s: no size, checksum or media type: %v", id, node)
		}
	}
	if n < 3 { // CSV, JSON and the original at least
		t.Errorf("%d distributions", n)
	}
	ds := nodes["http://portal.test/datasets/shisetsu#dataset"]
	if ds == nil || !hasType(ds, "dcat:Dataset") {
		t.Fatalf("no dataset node: %v", nodes)
	}
	title, _ := json.Marshal(ds["dct:title"])
	if !strings.Contains(string(title), `"@language":"ja"`) || !strings.Contains(string(title), "施設一覧") {
		t.Errorf("title %s", title)
	}
}

// TestDCATNegotiation: /catalog and /datasets/{id} answer by Accept.
func TestDCATNegotiation(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		path, accept, want string
		status             int
	}{
		{"/catalog", "text/turtle", "text/turtle", 200},
		{"/catalog", "application/ld+json", "application/ld+json", 200},
		{"/catalog", "application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml", 200},
		{"/catalog", "*/*", "text/turtle", 200},
		{"/catalog", "text/html,application/xhtml+xml,*/*;q=0.8", "", http.StatusSeeOther},
		{"/datasets/shisetsu", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html", 200},
		{"/datasets/shisetsu", "*/*", "text/html", 200},
		{"/datasets/shisetsu", "text/turtle", "text/turtle", 200},
		{"/datasets/shisetsu", "application/ld+json", "application/ld+json", 200},
		{"/datasets/shisetsu.rdf", "", "application/rdf+xml", 200},
		{"/datasets/shisetsu.xml", "", "application/json", 404},
		{"/datasets/nothing.ttl", "", "application/json", 404},
	} {
		res := ts.get(t, c.path, "Accept", c.accept)
		ct := res.Header.Get("Content-Type")
		if res.StatusCode != c.status || !strings.HasPrefix(ct, c.want) {
			t.Errorf("%s (Accept %q): %d %s, want %d %s", c.path, c.accept, res.StatusCode, ct, c.status, c.want)
		}
		if c.status == 200 && !strings.Contains(c.path, ".") && res.Header.Get("Vary") != "Accept" {
			t.Errorf("%s: Vary %q", c.path, res.Header.Get("Vary"))
		}
	}
}

// TestDCATCatalogPaging: ?page= answers one page as a hydra collection
// with links a harvester follows to the end.
func TestDCATCatalogPaging(t *testing.T) {
	ts := newDemoServer(t)
	total := len(demoSlugs(t, ts))
	seen := map[string]bool{}
	path := "/catalog.jsonld?page=1&per_page=2"
	for pages := 0; path != ""; pages++ {
		if pages > total {
			t.Fatal("paging does not end")
		}
		nodes := jsonldNodes(t, ts, path)
		cat := nodes["http://portal.test/catalog"]
		var list []any
		switch v := cat["dcat:dataset"].(type) {
		case []any:
			list = v
		case map[string]any:
			list = []any{v}
		}
		if len(list) == 0 || len(list) > 2 {
			t.Fatalf("%s: %d datasets", path, len(list))
		}
		for _, d := range list {
			seen[d.(map[string]any)["@id"].(string)] = true
		}
		this := nodes["http://portal.test"+path[len("/catalog.jsonld"):]]
		if this == nil {
			this = nodes["http://portal.test/catalog"+path[len("/catalog.jsonld"):]]
		}
		if this == nil || !hasType(this, "hydra:PagedCollection") {
			t.Fatalf("%s: no hydra:PagedCollection among %v", path, nodes)
		}
		path = ""
		if next, ok := this["hydra:nextPage"].(map[string]any); ok {
			u := next["@id"].(string)
			path = "/catalog.jsonld" + strings.TrimPrefix(u, "http://portal.test/catalog")
		}
	}
	if len(seen) != total {
		t.Errorf("paging saw %d datasets of %d", len(seen), total)
	}
}
