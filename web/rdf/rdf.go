// Package rdf holds RDF graphs as the portal builds them (for DCAT) and
// writes them as Turtle, RDF/XML and JSON-LD.
//
// JSON-LD goes through piprate/json-gold, a complete JSON-LD processor. Go
// has no maintained Turtle or RDF/XML writer (knakk/rdf, the usual pick, is
// unmaintained and panics on RDF/XML), so those two are written here, as
// writers of the W3C grammars with their escaping rules, never by pasting
// strings into templates. Every writer streams: a caller writes one graph
// after another (one dataset at a time) and memory stays flat.
package rdf

import (
	"fmt"
	"strings"
)

// kind is what a term is.
type kind uint8

const (
	kindIRI kind = iota + 1
	kindBlank
	kindLiteral
)

// Term is an IRI, a blank node or a literal.
type Term struct {
	kind     kind
	Value    string // the IRI, the blank node's label, or the literal's text
	Lang     string // a literal's language tag
	Datatype string // a typed literal's datatype IRI
}

// IRI is an IRI term.
func IRI(s string) Term { return Term{kind: kindIRI, Value: s} }

// Blank is a blank node; label must be unique in the document and made of
// ASCII letters and digits.
func Blank(label string) Term { return Term{kind: kindBlank, Value: label} }

// String is a plain string literal.
func String(s string) Term { return Term{kind: kindLiteral, Value: s} }

// Lang is a string in a language.
func Lang(s, lang string) Term { return Term{kind: kindLiteral, Value: s, Lang: lang} }

// Typed is a literal of a datatype.
func Typed(s, datatype string) Term { return Term{kind: kindLiteral, Value: s, Datatype: datatype} }

// IsIRI, IsBlank and IsLiteral tell what t is.
func (t Term) IsIRI() bool     { return t.kind == kindIRI }
func (t Term) IsBlank() bool   { return t.kind == kindBlank }
func (t Term) IsLiteral() bool { return t.kind == kindLiteral }

// Triple is one statement.
type Triple struct{ S, P, O Term }

// Graph is a list of triples in the order they were added. Writers group
// them by subject in order of first appearance, so a graph reads as its
// builder wrote it.
type Graph struct {
	Triples []Triple
}

// Add states s p o; an empty literal or IRI is not stated, so that optional
// fields need no checks at the call site.
func (g *Graph) Add(s, p, o Term) {
	if o.Value == "" && o.kind != kindBlank {
		return
	}
	g.Triples = append(g.Triples, Triple{s, p, o})
}

// Type states that s is of class.
func (g *Graph) Type(s Term, class string) { g.Add(s, IRI(RDFType), IRI(class)) }

// description is a subject with its predicate-object pairs, in order.
type description struct {
	subject Term
	pairs   []Triple
}

// bySubject groups the triples by subject in order of first appearance.
// A dataset's graph has a dozen subjects, so a scan of the last few beats
// hashing every term; a map takes over for big graphs.
func (g *Graph) bySubject() []description {
	var out []description
	var at map[Term]int
	for _, t := range g.Triples {
		i := -1
		if at != nil {
			if j, ok := at[t.S]; ok {
				i = j
			}
		} else {
			for j := len(out) - 1; j >= 0; j-- {
				if out[j].subject == t.S {
					i = j
					break
				}
			}
		}
		if i < 0 {
			i = len(out)
			out = append(out, description{subject: t.S})
			if at != nil {
				at[t.S] = i
			} else if len(out) > 32 {
				at = make(map[Term]int, 2*len(out))
				for j, d := range out {
					at[d.subject] = j
				}
			}
		}
		out[i].pairs = append(out[i].pairs, t)
	}
	return out
}

// Namespace is a prefix and the IRI it stands for.
type Namespace struct{ Prefix, IRI string }

// Vocabularies the portal writes, and the prefixes it writes them with.
const (
	RDFType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	RDFNS   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	XSD     = "http://www.w3.org/2001/XMLSchema#"
)

// split cuts an IRI into a namespace of ns and a local name, if one fits.
func split(iri string, ns []Namespace) (Namespace, string, bool) {
	for _, n := range ns {
		if local, ok := strings.CutPrefix(iri, n.IRI); ok {
			return n, local, true
		}
	}
	return Namespace{}, "", false
}

// checkBlank rejects labels the grammars do not all accept.
func checkBlank(label string) error {
	if label == "" {
		return fmt.Errorf("rdf: empty blank node label")
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("rdf: blank node label %q: only ASCII letters and digits", label)
		}
	}
	return nil
}

// notInIRI marks the ASCII characters no IRI holds (RFC 3987): controls,
// space and <>"{}|^`\.
var notInIRI = func() (t [128]bool) {
	for c := 0; c <= 0x20; c++ {
		t[c] = true
	}
	t[0x7f] = true
	for _, c := range "<>\"{}|^`\\" {
		t[c] = true
	}
	return t
}()

// checkIRI rejects what no IRI holds. Such a string is a bug upstream (an
// unescaped path), and escaping it here would only hide it.
func checkIRI(s string) error {
	if s == "" {
		return fmt.Errorf("rdf: empty IRI")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 128 && notInIRI[c] {
			return fmt.Errorf("rdf: %q is not an IRI", s)
		}
	}
	return nil
}
