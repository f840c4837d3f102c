package rdf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/piprate/json-gold/ld"
)

// JSONLD writes graphs as one JSON-LD document, {"@context": …, "@graph":
// […]}, compacted with the namespaces as prefixes. Each Write is converted
// and compacted on its own by json-gold and its nodes appended to the
// graph, so a catalog streams dataset by dataset.
type JSONLD struct {
	w       *bufio.Writer
	context map[string]any
	proc    *ld.JsonLdProcessor
	opts    *ld.JsonLdOptions
	started bool
	nodes   int
	err     error
}

// NewJSONLD writes to w with ns as the context's prefixes.
func NewJSONLD(w io.Writer, ns []Namespace) *JSONLD {
	ctx := map[string]any{}
	for _, n := range ns {
		ctx[n.Prefix] = n.IRI
	}
	opts := ld.NewJsonLdOptions("")
	// The context is inline: nothing is ever fetched from the network.
	opts.DocumentLoader = noLoader{}
	return &JSONLD{w: bufio.NewWriterSize(w, 32<<10), context: ctx, proc: ld.NewJsonLdProcessor(), opts: opts}
}

type noLoader struct{}

func (noLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("rdf: JSON-LD loads no remote documents (%s)", u)
}

// Write appends the nodes of g to the document.
func (j *JSONLD) Write(g *Graph) error {
	j.start()
	if j.err != nil || len(g.Triples) == 0 {
		return j.err
	}
	ds := ld.NewRDFDataset()
	for _, t := range g.Triples {
		s, err := ldNode(t.S)
		if err != nil {
			return err
		}
		o, err := ldNode(t.O)
		if err != nil {
			return err
		}
		ds.Graphs["@default"] = append(ds.Graphs["@default"], ld.NewQuad(s, ld.NewIRI(t.P.Value), o, "@default"))
	}
	expanded, err := ld.NewJsonLdApi().FromRDF(ds, j.opts)
	if err != nil {
		return fmt.Errorf("rdf: to JSON-LD: %w", err)
	}
	compacted, err := j.proc.Compact(expanded, map[string]any{"@context": j.context}, j.opts)
	if err != nil {
		return fmt.Errorf("rdf: compact JSON-LD: %w", err)
	}
	var nodes []any
	if g, ok := compacted["@graph"].([]any); ok {
		nodes = g
	} else {
		delete(compacted, "@context")
		nodes = []any{compacted}
	}
	for _, n := range nodes {
		b, err := marshal(n)
		if err != nil {
			return err
		}
		if j.nodes > 0 {
			j.put(",\n")
		}
		j.nodes++
		j.put(string(b))
	}
	return j.err
}

// Close ends the document and flushes it; the writer under it stays open.
func (j *JSONLD) Close() error {
	j.start()
	j.put("\n]}\n")
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}

func (j *JSONLD) start() {
	if j.started {
		return
	}
	j.started = true
	ctx, err := marshal(j.context)
	if err != nil {
		j.err = err
		return
	}
	j.put(`{"@context": ` + string(ctx) + `,` + "\n" + `"@graph": [` + "\n")
}

func (j *JSONLD) put(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func ldNode(t Term) (ld.Node, error) {
	switch t.kind {
	case kindIRI:
		if err := checkIRI(t.Value); err != nil {
			return nil, err
		}
		return ld.NewIRI(t.Value), nil
	case kindBlank:
		if err := checkBlank(t.Value); err != nil {
			return nil, err
		}
		return ld.NewBlankNode("_:" + t.Value), nil
	case kindLiteral:
		switch {
		case t.Lang != "":
			return ld.NewLiteral(t.Value, RDFNS+"langString", t.Lang), nil
		case t.Datatype != "":
			return ld.NewLiteral(t.Value, t.Datatype, ""), nil
		}
		return ld.NewLiteral(t.Value, XSD+"string", ""), nil
	}
	return nil, fmt.Errorf("rdf: empty term")
}

// marshal writes JSON without HTML escaping (URLs keep their &).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
