package rdf

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Turtle writes graphs as Turtle (W3C Recommendation 2014): the prefixes
// first, then each subject with its predicates and object lists.
type Turtle struct {
	w       *bufio.Writer
	ns      []Namespace
	started bool
	err     error
	names   map[string]string // IRI -> as written
	langs   map[string]bool   // language tag -> valid
}

// NewTurtle writes to w with the prefixes ns.
func NewTurtle(w io.Writer, ns []Namespace) *Turtle {
	return &Turtle{w: bufio.NewWriterSize(w, 32<<10), ns: ns, names: map[string]string{}, langs: map[string]bool{}}
}

// Write writes the statements of g. Errors are the writer's, or a term the
// grammar cannot carry (a bad blank label or language tag).
func (t *Turtle) Write(g *Graph) error {
	t.start()
	for _, d := range g.bySubject() {
		if t.err != nil {
			return t.err
		}
		subject, err := t.term(d.subject)
		if err != nil {
			return err
		}
		t.put(subject)
		for i, p := range byPredicate(d.pairs) {
			if i > 0 {
				t.put(" ;\n   ")
			}
			pred := "a"
			if p.predicate.Value != RDFType {
				if pred, err = t.term(p.predicate); err != nil {
					return err
				}
			}
			t.put(" " + pred + " ")
			for j, o := range p.objects {
				if j > 0 {
					t.put(", ")
				}
				obj, err := t.term(o)
				if err != nil {
					return err
				}
				t.put(obj)
			}
		}
		t.put(" .\n\n")
	}
	return t.err
}

// Close writes what is buffered (the prefixes, if nothing else was
// written); the writer under it stays open.
func (t *Turtle) Close() error {
	t.start()
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

func (t *Turtle) start() {
	if t.started {
		return
	}
	t.started = true
	for _, n := range t.ns {
		t.put("@prefix " + n.Prefix + ": <" + n.IRI + "> .\n")
	}
	t.put("\n")
}

func (t *Turtle) put(s string) {
	if t.err == nil {
		_, t.err = t.w.WriteString(s)
	}
}

// predicateObjects is one predicate of a subject and its objects.
type predicateObjects struct {
	predicate Term
	objects   []Term
}

// byPredicate groups a subject's pairs by predicate in order of first
// appearance, dropping repeated objects. Subjects have a handful of
// predicates, so they are scanned; repeats are found by a map only for a
// subject with many pairs (a catalog's list of datasets).
func byPredicate(pairs []Triple) []predicateObjects {
	var out []predicateObjects
	var seen map[Triple]bool
	if len(pairs) > 64 {
		seen = make(map[Triple]bool, len(pairs))
	}
next:
	for _, p := range pairs {
		i := -1
		for j := range out {
			if out[j].predicate == p.P {
				i = j
				break
			}
		}
		if i < 0 {
			i = len(out)
			out = append(out, predicateObjects{predicate: p.P})
		}
		if seen != nil {
			if seen[p] {
				continue
			}
			seen[p] = true
		} else {
			for _, o := range out[i].objects {
				if o == p.O {
					continue next
				}
			}
		}
		out[i].objects = append(out[i].objects, p.O)
	}
	return out
}

// isLocalName tells whether s is a PN_LOCAL that needs no escapes:
// [A-Za-z0-9_] then [A-Za-z0-9_.-]*, not ending in a dot. Prefixed names
// are only written for those; any other IRI is written whole.
func isLocalName(s string) bool {
	if s == "" || s[0] == '.' || s[0] == '-' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// langTag is BCP 47 as Turtle's LANGTAG production has it.
var langTag = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)

// validLang checks a tag, remembering the few a document uses.
func (t *Turtle) validLang(tag string) bool {
	ok, known := t.langs[tag]
	if !known {
		ok = langTag.MatchString(tag)
		t.langs[tag] = ok
	}
	return ok
}

func (t *Turtle) term(x Term) (string, error) {
	switch x.kind {
	case kindIRI:
		if err := checkIRI(x.Value); err != nil {
			return "", err
		}
		return t.iri(x.Value), nil
	case kindBlank:
		if err := checkBlank(x.Value); err != nil {
			return "", err
		}
		return "_:" + x.Value, nil
	case kindLiteral:
		s := quoteTurtle(x.Value)
		switch {
		case x.Lang != "":
			if !t.validLang(x.Lang) {
				return "", fmt.Errorf("rdf: bad language tag %q", x.Lang)
			}
			return s + "@" + x.Lang, nil
		case x.Datatype != "" && x.Datatype != XSD+"string":
			return s + "^^" + t.iri(x.Datatype), nil
		}
		return s, nil
	}
	return "", fmt.Errorf("rdf: empty term")
}

// iri writes an IRI as a prefixed name when it can. Predicates and
// classes come back thousands of times: their forms are remembered.
func (t *Turtle) iri(iri string) string {
	if s, ok := t.names[iri]; ok {
		return s
	}
	out := "<" + iri + ">"
	if n, local, ok := split(iri, t.ns); ok && isLocalName(local) {
		out = n.Prefix + ":" + local
	}
	if len(t.names) < maxNames {
		t.names[iri] = out
	}
	return out
}

// maxNames bounds the IRIs a writer remembers.
const maxNames = 4096

// quoteTurtle writes s as a STRING_LITERAL_QUOTE.
func quoteTurtle(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
