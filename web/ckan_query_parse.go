package web

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ckanParser reads one query.
type ckanParser struct {
	src []rune
	pos int
}

// parseCKANQuery parses q or fq; bare words search defaultField. Errors are
// CKAN's Search Error, as Solr's refusals reach CKAN's clients.
func parseCKANQuery(src, defaultField string) (ckanExpr, error) {
	ps := &ckanParser{src: []rune(src)}
	e, err := ps.or(defaultField)
	if err == nil && ps.skip() {
		err = fmt.Errorf("unexpected %q", string(ps.src[ps.pos]))
	}
	if err != nil {
		return nil, ckanSearchFailed(fmt.Sprintf("Cannot parse '%s': %v", src, err))
	}
	return e, nil
}

// skip passes spaces and tells whether anything is left.
func (ps *ckanParser) skip() bool {
	for ps.pos < len(ps.src) && unicode.IsSpace(ps.src[ps.pos]) {
		ps.pos++
	}
	return ps.pos < len(ps.src)
}

// keyword tells whether the next word is w (AND, OR, NOT, TO) and passes it.
func (ps *ckanParser) keyword(words ...string) bool {
	if !ps.skip() {
		return false
	}
	for _, w := range words {
		end := ps.pos + len([]rune(w))
		if end <= len(ps.src) && string(ps.src[ps.pos:end]) == w &&
			(end == len(ps.src) || unicode.IsSpace(ps.src[end]) || ps.src[end] == '(' || ps.src[end] == '"' || w == "&&" || w == "||") {
			ps.pos = end
			return true
		}
	}
	return false
}

func (ps *ckanParser) or(field string) (ckanExpr, error) {
	var alts ckanOr
	for {
		e, err := ps.and(field)
		if err != nil {
			return nil, err
		}
		alts = append(alts, e)
		if !ps.keyword("OR", "||") {
			break
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return alts, nil
}

func (ps *ckanParser) and(field string) (ckanExpr, error) {
	var all ckanAnd
	for {
		if !ps.skip() || ps.src[ps.pos] == ')' {
			break
		}
		save := ps.pos
		if ps.keyword("OR", "||") {
			ps.pos = save
			break
		}
		ps.keyword("AND", "&&")
		e, err := ps.unary(field)
		if err != nil {
			return nil, err
		}
		all = append(all, e)
	}
	switch len(all) {
	case 0:
		return nil, fmt.Errorf("a clause is missing")
	case 1:
		return all[0], nil
	}
	return all, nil
}

func (ps *ckanParser) unary(field string) (ckanExpr, error) {
	if ps.keyword("NOT") {
		e, err := ps.unary(field)
		return ckanNot{e}, err
	}
	// AND, NOT or a sign may be the last thing in the query.
	if !ps.skip() {
		return nil, fmt.Errorf("a clause is missing")
	}
	switch ps.src[ps.pos] {
	case '-', '!':
		ps.pos++
		e, err := ps.unary(field)
		return ckanNot{e}, err
	case '+':
		ps.pos++
		return ps.unary(field)
	}
	return ps.primary(field)
}

func (ps *ckanParser) primary(field string) (ckanExpr, error) {
	if !ps.skip() {
		return nil, fmt.Errorf("a clause is missing")
	}
	if ps.src[ps.pos] == '(' {
		ps.pos++
		e, err := ps.or(field)
		if err != nil {
			return nil, err
		}
		if !ps.skip() || ps.src[ps.pos] != ')' {
			return nil, fmt.Errorf("a ) is missing")
		}
		ps.pos++
		return e, nil
	}
	if ps.src[ps.pos] == '"' {
		v, err := ps.quoted()
		if err != nil {
			return nil, err
		}
		return ckanLeaf(field, v, false)
	}
	word := ps.word(true)
	if ps.pos < len(ps.src) && ps.src[ps.pos] == ':' {
		ps.pos++
		return ps.fieldValue(word)
	}
	if word == "" {
		return nil, fmt.Errorf("unexpected %q", string(ps.src[ps.pos]))
	}
	return ckanLeaf(field, strings.TrimSuffix(word, "*"), strings.HasSuffix(word, "*"))
}

// fieldValue reads what follows "field:".
func (ps *ckanParser) fieldValue(field string) (ckanExpr, error) {
	if ps.pos >= len(ps.src) {
		return nil, fmt.Errorf("no value for %s", field)
	}
	switch ps.src[ps.pos] {
	case '(':
		return ps.primary(field)
	case '"':
		v, err := ps.quoted()
		if err != nil {
			return nil, err
		}
		return ckanLeaf(field, v, false)
	case '[', '{':
		return ps.rangeOf(field)
	}
	word := ps.word(false)
	if field == "*" && word == "*" {
		return ckanAll{}, nil
	}
	if word == "" {
		return nil, fmt.Errorf("no value for %s", field)
	}
	return ckanLeaf(field, strings.TrimSuffix(word, "*"), strings.HasSuffix(word, "*"))
}

func (ps *ckanParser) rangeOf(field string) (ckanExpr, error) {
	r := ckanRange{field: field, loIncl: ps.src[ps.pos] == '['}
	ps.pos++
	ps.skip()
	r.lo = ps.rangeWord()
	if !ps.keyword("TO") {
		return nil, fmt.Errorf("TO is missing in a range of %s", field)
	}
	ps.skip()
	r.hi = ps.rangeWord()
	if !ps.skip() || (ps.src[ps.pos] != ']' && ps.src[ps.pos] != '}') {
		return nil, fmt.Errorf("a range of %s is not closed", field)
	}
	r.hiIncl = ps.src[ps.pos] == ']'
	ps.pos++
	if err := ckanKnownField(field); err != nil {
		return nil, err
	}
	return r.bounds()
}

// bounds reads the range's bounds as its field's dates or numbers.
func (r ckanRange) bounds() (ckanRange, error) {
	var err error
	if _, isDate := ckanDateFields[r.field]; isDate {
		if r.lo != "" {
			if r.loTime, err = ckanParseDate(r.lo, false); err != nil {
				return r, err
			}
		}
		if r.hi != "" {
			if r.hiTime, err = ckanParseDate(r.hi, true); err != nil {
				return r, err
			}
		}
	}
	if _, isNum := ckanNumberFields[r.field]; isNum {
		if r.lo != "" {
			if r.loNum, err = strconv.ParseFloat(r.lo, 64); err != nil {
				return r, fmt.Errorf("not a number: %s", r.lo)
			}
		}
		if r.hi != "" {
			if r.hiNum, err = strconv.ParseFloat(r.hi, 64); err != nil {
				return r, fmt.Errorf("not a number: %s", r.hi)
			}
		}
	}
	return r, nil
}

// rangeWord reads one bound of a range; "" for *.
func (ps *ckanParser) rangeWord() string {
	start := ps.pos
	for ps.pos < len(ps.src) && !unicode.IsSpace(ps.src[ps.pos]) && ps.src[ps.pos] != ']' && ps.src[ps.pos] != '}' {
		ps.pos++
	}
	w := strings.Trim(string(ps.src[start:ps.pos]), `"`)
	if w == "*" {
		return ""
	}
	return strings.ReplaceAll(w, `\`, "")
}

// word reads a bare term, with backslash escapes; a field name stops at ':'.
func (ps *ckanParser) word(stopAtColon bool) string {
	var b strings.Builder
	for ps.pos < len(ps.src) {
		r := ps.src[ps.pos]
		if r == '\\' && ps.pos+1 < len(ps.src) {
			b.WriteRune(ps.src[ps.pos+1])
			ps.pos += 2
			continue
		}
		if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' || stopAtColon && r == ':' {
			break
		}
		b.WriteRune(r)
		ps.pos++
	}
	return b.String()
}

func (ps *ckanParser) quoted() (string, error) {
	ps.pos++ // the opening quote
	var b strings.Builder
	for ps.pos < len(ps.src) {
		r := ps.src[ps.pos]
		switch {
		case r == '\\' && ps.pos+1 < len(ps.src):
			b.WriteRune(ps.src[ps.pos+1])
			ps.pos += 2
		case r == '"':
			ps.pos++
			return b.String(), nil
		default:
			b.WriteRune(r)
			ps.pos++
		}
	}
	return "", fmt.Errorf("a quote is not closed")
}

// ckanLeaf is field:value, for a field we know.
func ckanLeaf(field, value string, prefix bool) (ckanExpr, error) {
	if err := ckanKnownField(field); err != nil {
		return nil, err
	}
	if field == "site_id" {
		return ckanAll{}, nil // one site: CKAN adds +site_id itself
	}
	t := ckanTerm{field: field, value: value, prefix: prefix}
	if !prefix {
		r, err := ckanRange{field: field, lo: value, hi: value, loIncl: true, hiIncl: true}.bounds()
		if err != nil {
			return nil, err
		}
		t.asRange = r
	}
	return t, nil
}

func ckanKnownField(field string) error {
	_, kw := ckanKeywordFields[field]
	_, tx := ckanTextFields[field]
	_, nu := ckanNumberFields[field]
	_, da := ckanDateFields[field]
	if kw || tx || nu || da || field == "site_id" {
		return nil
	}
	return fmt.Errorf("undefined field %s", field)
}
