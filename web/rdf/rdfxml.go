package rdf

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
)

// RDFXML writes graphs as RDF/XML (W3C Recommendation 2014) in its
// plainest form: one rdf:Description per subject, one property element per
// statement. Text and attributes are escaped by encoding/xml, which also
// replaces the few characters XML 1.0 cannot hold (C0 controls) with
// U+FFFD.
type RDFXML struct {
	w       *bufio.Writer
	ns      []Namespace
	started bool
	err     error
}

// NewRDFXML writes to w, declaring the namespaces ns on the root element.
// Every predicate written must be in one of ns.
func NewRDFXML(w io.Writer, ns []Namespace) *RDFXML {
	return &RDFXML{w: bufio.NewWriterSize(w, 32<<10), ns: append([]Namespace{{"rdf", RDFNS}}, ns...)}
}

// ncName is a local name that may follow a prefix in an element name.
var ncName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// Write writes the statements of g. Errors are the writer's, a predicate
// outside the declared namespaces, or a bad blank node label.
func (x *RDFXML) Write(g *Graph) error {
	x.start()
	for _, d := range g.bySubject() {
		switch d.subject.kind {
		case kindIRI:
			if err := checkIRI(d.subject.Value); err != nil {
				return err
			}
			x.put(`<rdf:Description rdf:about="` + escape(d.subject.Value) + `">` + "\n")
		case kindBlank:
			if err := checkBlank(d.subject.Value); err != nil {
				return err
			}
			x.put(`<rdf:Description rdf:nodeID="` + d.subject.Value + `">` + "\n")
		default:
			return fmt.Errorf("rdf: a literal cannot be a subject")
		}
		for _, p := range d.pairs {
			n, local, ok := split(p.P.Value, x.ns)
			if !ok || !ncName.MatchString(local) {
				return fmt.Errorf("rdf: predicate %s has no declared namespace", p.P.Value)
			}
			name := n.Prefix + ":" + local
			switch o := p.O; o.kind {
			case kindIRI:
				if err := checkIRI(o.Value); err != nil {
					return err
				}
				x.put("  <" + name + ` rdf:resource="` + escape(o.Value) + `"/>` + "\n")
			case kindBlank:
				if err := checkBlank(o.Value); err != nil {
					return err
				}
				x.put("  <" + name + ` rdf:nodeID="` + o.Value + `"/>` + "\n")
			case kindLiteral:
				attr := ""
				switch {
				case o.Lang != "":
					if !langTag.MatchString(o.Lang) {
						return fmt.Errorf("rdf: bad language tag %q", o.Lang)
					}
					attr = ` xml:lang="` + o.Lang + `"`
				case o.Datatype != "" && o.Datatype != XSD+"string":
					attr = ` rdf:datatype="` + escape(o.Datatype) + `"`
				}
				x.put("  <" + name + attr + ">" + escape(o.Value) + "</" + name + ">\n")
			}
		}
		x.put("</rdf:Description>\n")
		if x.err != nil {
			return x.err
		}
	}
	return x.err
}

// Close ends the document and flushes it; the writer under it stays open.
func (x *RDFXML) Close() error {
	x.start()
	x.put("</rdf:RDF>\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

func (x *RDFXML) start() {
	if x.started {
		return
	}
	x.started = true
	x.put(xml.Header + "<rdf:RDF")
	for _, n := range x.ns {
		x.put("\n  xmlns:" + n.Prefix + `="` + escape(n.IRI) + `"`)
	}
	x.put(">\n")
}

func (x *RDFXML) put(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// escape escapes text and attribute values alike.
func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // writes to a buffer: cannot fail
	return b.String()
}
