package rdf

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

var testNS = []Namespace{
	{"dct", "http://purl.org/dc/terms/"},
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"xsd", XSD},
	{"ex", "http://example.org/"},
}

// hardGraph has what breaks naive writers: quotes, backslashes, newlines,
// Japanese, IRIs with Japanese, & and #, local
// names that are no PN_LOCAL, blank nodes, typed and language literals.
func hardGraph() *Graph {
	var g Graph
	ds := IRI("http://example.org/datasets/shisetsu")
	g.Type(ds, "http://www.w3.org/ns/dcat#Dataset")
	g.Add(ds, IRI("http://purl.org/dc/terms/title"), Lang("公共施設一覧「中央」", "ja"))
	g.Add(ds, IRI("http://purl.org/dc/terms/title"), Lang(`Facilities "central" \ list`, "en"))
	g.Add(ds, IRI("http://purl.org/dc/terms/description"), String("一行目\n二行目\r\tタブ"))
	g.Add(ds, IRI("http://purl.org/dc/terms/issued"), Typed("2026-04-01T09:00:00Z", XSD+"dateTime"))
	g.Add(ds, IRI("http://www.w3.org/ns/dcat#keyword"), Lang("図書館", "ja"))
	g.Add(ds, IRI("http://www.w3.org/ns/dcat#keyword"), Lang("公民館", "ja"))
	g.Add(ds, IRI("http://www.w3.org/ns/dcat#landingPage"), IRI("http://example.org/検索?q=避難所&x=1#a"))
	g.Add(ds, IRI("http://example.org/odd"), IRI("http://example.org/data.csv."))
	g.Add(ds, IRI("http://purl.org/dc/terms/temporal"), Blank("t1"))
	g.Type(Blank("t1"), "http://purl.org/dc/terms/PeriodOfTime")
	g.Add(Blank("t1"), IRI("http://www.w3.org/ns/dcat#startDate"), Typed("2020-01-01", XSD+"date"))
	g.Add(ds, IRI("http://purl.org/dc/terms/title"), String("")) // not stated
	return &g
}

func write(t *testing.T, dir, name string, g *Graph) string {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch filepath.Ext(name) {
	case ".ttl":
		w := NewTurtle(&buf, testNS)
		if err = w.Write(g); err == nil {
			err = w.Close()
		}
	case ".rdf":
		w := NewRDFXML(&buf, testNS)
		if err = w.Write(g); err == nil {
			err = w.Close()
		}
	case ".jsonld":
		w := NewJSONLD(&buf, testNS)
		if err = w.Write(g); err == nil {
			err = w.Close()
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type parsed struct {
	File       string     `json:"file"`
	Triples    int        `json:"triples"`
	Isomorphic bool       `json:"isomorphic"`
	Literals   [][]string `json:"literals"`
}

// rdflib reads files with Python's rdflib (Debian python3-rdflib, which
// loads in /usr/bin/python3 only).
func rdflib(t *testing.T, files ...string) []parsed {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import rdflib").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-rdflib is not installed; .ci/run installs it")
		}
		t.Skip("python3-rdflib not installed")
	}
	out, err := exec.Command(py, append([]string{"testdata/rdfcheck.py"}, files...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("rdflib: %v\n%s", err, msg)
	}
	var res []parsed
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return res
}

// TestFormatsAgree writes one graph in the three formats and has rdflib
// read them back: the same graph each time, every literal intact.
func TestFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	g := hardGraph()
	files := []string{write(t, dir, "g.ttl", g), write(t, dir, "g.rdf", g), write(t, dir, "g.jsonld", g)}
	res := rdflib(t, files...)
	want := len(g.Triples) // the empty title was never stated
	for _, r := range res {
		if r.Triples != want || !r.Isomorphic {
			t.Errorf("%s: %d triples (want %d), isomorphic to Turtle: %v", filepath.Base(r.File), r.Triples, want, r.Isomorphic)
		}
	}
	lits := res[0].Literals
	for _, w := range [][]string{
		{"公共施設一覧「中央」", "ja", ""},
		{`Facilities "central" \ list`, "en", ""},
		{"2026-04-01T09:00:00+00:00", "", XSD + "dateTime"}, // as rdflib prints it
	} {
		if !slices.ContainsFunc(lits, func(l []string) bool { return slices.Equal(l, w) }) {
			t.Errorf("literal %q missing from %v", w, lits)
		}
	}
	for _, r := range res {
		if !slices.ContainsFunc(r.Literals, func(l []string) bool { return l[0] == "一行目\n二行目\r\tタブ" }) {
			t.Errorf("%s: line breaks and tab not intact: %v", filepath.Base(r.File), r.Literals)
		}
	}
}

// TestBadTermsRefused: what a grammar cannot carry is an error, not a
// broken document.
func TestBadTermsRefused(t *testing.T) {
	for name, g := range map[string]*Graph{
		"blank label": {Triples: []Triple{{Blank("a-b"), IRI("http://example.org/p"), String("x")}}},
		"IRI":         {Triples: []Triple{{IRI("http://example.org/a b"), IRI("http://example.org/p"), String("x")}}},
		"lang tag":    {Triples: []Triple{{IRI("http://example.org/s"), IRI("http://example.org/p"), Lang("x", "ja jp")}}},
	} {
		var buf bytes.Buffer
		if err := NewTurtle(&buf, testNS).Write(g); err == nil {
			t.Errorf("%s: Turtle accepted it", name)
		}
		if err := NewRDFXML(&buf, testNS).Write(g); err == nil {
			t.Errorf("%s: RDF/XML accepted it", name)
		}
	}
	var buf bytes.Buffer
	g := &Graph{Triples: []Triple{{IRI("http://example.org/s"), IRI("http://other.example/p"), String("x")}}}
	if err := NewRDFXML(&buf, testNS).Write(g); err == nil {
		t.Error("RDF/XML wrote a predicate outside its namespaces")
	}
}
