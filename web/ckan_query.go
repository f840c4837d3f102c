package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// CKAN passes fq (and a q with a colon in it) to Solr's standard query
// parser. This is the part of that language CKAN's clients use, evaluated
// on our packages: field:value, "quoted values", field:(a OR b),
// ranges [a TO b] and {a TO b} with * and NOW, a trailing * for a prefix,
// AND, OR, NOT, +, -, parentheses, *:*; clauses side by side must all hold
// (CKAN sets q.op=AND). The fields are those CKAN indexes and we have.

// ckanExpr is a parsed query: it tells whether a package matches.
type ckanExpr interface {
	match(p *ckanPackage) bool
}

type (
	ckanAnd  []ckanExpr
	ckanOr   []ckanExpr
	ckanNot  struct{ e ckanExpr }
	ckanAll  struct{}
	ckanTerm struct {
		field, value string
		prefix       bool // value* : starts with value; "*" alone: has any value
		// A date or number field matches a value as the range [value TO value].
		asRange ckanRange
	}
	ckanRange struct {
		field          string
		lo, hi         string // "" for *
		loIncl, hiIncl bool
		// The bounds read once, as dates or numbers by the field.
		loTime, hiTime time.Time
		loNum, hiNum   float64
	}
)

func (e ckanAnd) match(p *ckanPackage) bool {
	for _, x := range e {
		if !x.match(p) {
			return false
		}
	}
	return true
}

func (e ckanOr) match(p *ckanPackage) bool {
	for _, x := range e {
		if x.match(p) {
			return true
		}
	}
	return false
}

func (e ckanNot) match(p *ckanPackage) bool { return !e.e.match(p) }
func (ckanAll) match(*ckanPackage) bool     { return true }

// ckanKeywordFields are matched whole (Solr string fields); ckanTextFields
// by words (folded, each word contained).
var (
	ckanKeywordFields = map[string]func(p *ckanPackage) []string{
		"organization": func(p *ckanPackage) []string { return []string{p.org} },
		"owner_org":    func(p *ckanPackage) []string { return []string{p.org} },
		"groups":       func(p *ckanPackage) []string { return p.groups },
		"tags":         func(p *ckanPackage) []string { return p.tags },
		"res_format":   func(p *ckanPackage) []string { return p.formats },
		"license_id":   func(p *ckanPackage) []string { return []string{p.license} },
		"name":         func(p *ckanPackage) []string { return []string{p.name} },
		"id":           func(p *ckanPackage) []string { return []string{p.name} },
		"dataset_type": func(*ckanPackage) []string { return []string{"dataset"} },
		"type":         func(*ckanPackage) []string { return []string{"dataset"} },
		"state":        func(*ckanPackage) []string { return []string{"active"} },
		"capacity":     func(*ckanPackage) []string { return []string{"public"} },
		"entity_type":  func(*ckanPackage) []string { return []string{"package"} },
		"private":      func(*ckanPackage) []string { return []string{"false"} },
	}
	ckanTextFields = map[string]func(p *ckanPackage) string{
		"text":  func(p *ckanPackage) string { return p.text },
		"title": func(p *ckanPackage) string { return p.titleKey },
		"notes": func(p *ckanPackage) string { return catalog.Fold(p.notes) },
	}
	ckanNumberFields = map[string]func(p *ckanPackage) float64{
		"num_resources": func(p *ckanPackage) float64 { return float64(len(p.resources)) },
		"num_tags":      func(p *ckanPackage) float64 { return float64(len(p.tags)) },
	}
	ckanDateFields = map[string]func(p *ckanPackage) time.Time{
		"metadata_modified": func(p *ckanPackage) time.Time { return p.modified },
		"metadata_created":  func(p *ckanPackage) time.Time { return p.created },
	}
)

func (t ckanTerm) match(p *ckanPackage) bool {
	if get, ok := ckanKeywordFields[t.field]; ok {
		// Formats and group names are matched regardless of case: csv
		// finds CSV, GOVE finds gove.
		fold := t.field == "res_format" || t.field == "groups"
		want := t.value
		if fold {
			want = strings.ToLower(want)
		}
		for _, v := range get(p) {
			if fold {
				v = strings.ToLower(v)
			}
			if t.prefix && v != "" && strings.HasPrefix(v, want) || !t.prefix && v == want {
				return true
			}
		}
		return false
	}
	if get, ok := ckanTextFields[t.field]; ok {
		text := get(p)
		for _, w := range strings.Fields(catalog.Fold(t.value)) {
			if !strings.Contains(text, w) {
				return false
			}
		}
		return true
	}
	if t.prefix && t.value == "" {
		return true // a number or date field always has a value
	}
	return t.asRange.match(p)
}

func (r ckanRange) match(p *ckanPackage) bool {
	if get, ok := ckanDateFields[r.field]; ok {
		v := get(p)
		lo, hi := r.loTime, r.hiTime
		return (r.lo == "" || v.After(lo) || r.loIncl && v.Equal(lo)) && (r.hi == "" || v.Before(hi) || r.hiIncl && v.Equal(hi))
	}
	if get, ok := ckanNumberFields[r.field]; ok {
		v := get(p)
		lo, hi := r.loNum, r.hiNum
		return (r.lo == "" || v > lo || r.loIncl && v == lo) && (r.hi == "" || v < hi || r.hiIncl && v == hi)
	}
	// Keyword fields compare as strings.
	if get, ok := ckanKeywordFields[r.field]; ok {
		for _, v := range get(p) {
			if (r.lo == "" || v > r.lo || r.loIncl && v == r.lo) && (r.hi == "" || v < r.hi || r.hiIncl && v == r.hi) {
				return true
			}
		}
	}
	return false
}

var ckanDateMath = regexp.MustCompile(`^NOW(?:([+-])(\d+)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?)?(?:/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?)?$`)

// ckanParseDate reads a Solr date: ISO 8601 (with or without Z and
// fractions, or a bare day) or NOW with simple date math (NOW-7DAYS,
// NOW/DAY). A bare day as an upper bound means its end.
func ckanParseDate(s string, upper bool) (time.Time, error) {
	if m := ckanDateMath.FindStringSubmatch(s); m != nil {
		t := time.Now().UTC()
		if m[4] != "" {
			t = truncateTo(t, m[4])
		}
		if m[1] != "" {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "-" {
				n = -n
			}
			t = addUnits(t, m[3], n)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if upper {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("Invalid Date String:'%s'", s)
}

func truncateTo(t time.Time, unit string) time.Time {
	y, mo, d := t.Date()
	switch unit {
	case "YEAR":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case "MONTH":
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case "DAY":
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case "HOUR":
		return t.Truncate(time.Hour)
	case "MINUTE":
		return t.Truncate(time.Minute)
	}
	return t.Truncate(time.Second)
}

func addUnits(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "YEAR":
		return t.AddDate(n, 0, 0)
	case "MONTH":
		return t.AddDate(0, n, 0)
	case "DAY":
		return t.AddDate(0, 0, n)
	case "HOUR":
		return t.Add(time.Duration(n) * time.Hour)
	case "MINUTE":
		return t.Add(time.Duration(n) * time.Minute)
	}
	return t.Add(time.Duration(n) * time.Second)
}
