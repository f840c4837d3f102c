package geo

import (
	"fmt"
	"strings"
)

// wktNode is one KEYWORD[...] of a WKT coordinate system (OGC 01-009
// "WKT1", ESRI's variant, or ISO 19162 "WKT2"): its quoted strings, numbers
// and bare words in order, and its nested nodes.
type wktNode struct {
	key   string // upper-cased
	vals  []string
	kids  []*wktNode
	depth int
}

// wktMaxDepth bounds nesting: real coordinate systems nest five or six
// deep, and a hostile file must not exhaust the stack.
const wktMaxDepth = 32

// parseWKT parses the first node of text. Errors give the byte offset.
func parseWKT(text string) (*wktNode, error) {
	p := &wktParser{s: text}
	p.space()
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) errorf(format string, args ...any) error {
	return fmt.Errorf("not WKT at byte %d: %s", p.i+1, fmt.Sprintf(format, args...))
}

func (p *wktParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *wktParser) word() string {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(",[]()\" \t\r\n", p.s[p.i]) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > wktMaxDepth {
		return nil, p.errorf("nested more than %d deep", wktMaxDepth)
	}
	key := p.word()
	if key == "" {
		if p.i >= len(p.s) {
			return nil, p.errorf("the text ends where a keyword such as PROJCS was expected")
		}
		return nil, p.errorf("%q where a keyword such as PROJCS was expected", p.s[p.i])
	}
	n := &wktNode{key: strings.ToUpper(key), depth: depth}
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return nil, p.errorf("%s is not followed by [", key)
	}
	closer := byte(']')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("the text ends inside %s[ (a missing %q)", n.key, closer)
		}
		switch c := p.s[p.i]; {
		case c == '"':
			// WKT escapes a quote by doubling it.
			var b strings.Builder
			p.i++
			for {
				j := strings.IndexByte(p.s[p.i:], '"')
				if j < 0 {
					return nil, p.errorf("a quoted name in %s is not closed", n.key)
				}
				b.WriteString(p.s[p.i : p.i+j])
				p.i += j + 1
				if p.i < len(p.s) && p.s[p.i] == '"' {
					b.WriteByte('"')
					p.i++
					continue
				}
				break
			}
			n.vals = append(n.vals, b.String())
		default:
			start := p.i
			w := p.word()
			p.space()
			if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '(') {
				p.i = start
				kid, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.kids = append(n.kids, kid)
			} else if w == "" {
				return nil, p.errorf("unexpected %q in %s", p.s[p.i], n.key)
			} else {
				n.vals = append(n.vals, w)
			}
		}
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("the text ends inside %s[ (a missing %q)", n.key, closer)
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case closer:
			p.i++
			return n, nil
		default:
			return nil, p.errorf("%q in %s where a comma or %q was expected", p.s[p.i], n.key, closer)
		}
	}
}

// name returns the node's first quoted value, its name for a CRS.
func (n *wktNode) name() string {
	if n == nil || len(n.vals) == 0 {
		return ""
	}
	return n.vals[0]
}

// kid returns the first direct child with one of the keys.
func (n *wktNode) kid(keys ...string) *wktNode {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		for _, key := range keys {
			if k.key == key {
				return k
			}
		}
	}
	return nil
}

// find returns the first node with one of the keys, depth first, n included.
func (n *wktNode) find(keys ...string) *wktNode {
	if n == nil {
		return nil
	}
	for _, key := range keys {
		if n.key == key {
			return n
		}
	}
	for _, k := range n.kids {
		if f := k.find(keys...); f != nil {
			return f
		}
	}
	return nil
}

// walk calls f on n and every node below it.
func (n *wktNode) walk(f func(*wktNode)) {
	f(n)
	for _, k := range n.kids {
		k.walk(f)
	}
}
