package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// Suggestion is a name to complete a query with, and what it names.
type Suggestion struct {
	Text    string
	Type    string // "dataset" or a record's type
	Dataset string
	Row     int
}

// Autocomplete matches a prefix against the start of each word of a name,
// written or read: としょ and 図書 both find みどり野市立中央図書館, by the
// endings 図書館 and としよかん of its written form and reading. Each name
// is indexed whole (suggest_start) and as its endings from each later word
// (suggest_inner), each by all its beginnings (startsAnalyzer), so that a
// keystroke costs a term lookup per tier (suggestTier).

// suggestTypes are the documents whose titles are names worth suggesting,
// in the order they are preferred: datasets and places. Events and photos
// are titled, not named.
var suggestTypes = []string{"dataset", "facility", "evacuation", "record"}

// Bounds on what one name adds to the index: its endings, the length of a
// name, and the longest prefix looked up as such, from the start of the
// name and from a later word (longer prefixes are cut to these, and the
// candidates checked).
const (
	maxSuggestSuffixes = 12
	maxSuggestRunes    = 40
	maxStartRunes      = 16
	maxInnerStartRunes = 8
)

// suggestTerms are the folded names a document is suggested by: start
// holds the whole title and its readings (the dictionary's, then the
// source's), inner the endings of both that start at a later word.
func suggestTerms(d Doc) (start, inner []string) {
	if !slices.Contains(suggestTypes, d.Type) || strings.TrimSpace(d.Title) == "" {
		return nil, nil
	}
	t, err := morphemes()
	if err != nil {
		return nil, nil
	}
	title := normalize(d.Title)
	type part struct{ start, readAt int }
	var parts []part
	var reading strings.Builder
	for _, tok := range t.Analyze(title, tokenizer.Search) {
		if tok.Class == tokenizer.DUMMY {
			continue
		}
		if pos := tok.POS(); len(pos) > 0 && pos[0] == "記号" {
			continue
		}
		parts = append(parts, part{start: tok.Position, readAt: reading.Len()})
		r, ok := tok.Reading()
		if !ok || r == "" || r == "*" {
			r = tok.Surface
		}
		reading.WriteString(kanaKey(r))
	}
	cut := func(s string) string {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > maxSuggestRunes {
			s = string([]rune(s)[:maxSuggestRunes])
		}
		return s
	}
	add := func(list []string, s string) []string {
		if s = cut(s); s != "" && !slices.Contains(start, s) && !slices.Contains(list, s) {
			list = append(list, s)
		}
		return list
	}
	rd := reading.String()
	start = add(start, fold(title))
	start = add(start, rd)
	if d.Reading != "" {
		start = add(start, kanaKey(strings.ReplaceAll(d.Reading, " ", "")))
	}
	for i, p := range parts {
		if i == 0 {
			continue
		}
		if i > maxSuggestSuffixes {
			break
		}
		inner = add(inner, fold(title[p.start:]))
		inner = add(inner, rd[p.readAt:])
	}
	return start, inner
}

// Suggestions are ranked by where the prefix is (the start of the name
// first), the type of document, the length of the name. The last two are
// known when a document is indexed, so its suggest terms start with its
// tier, a letter for its type and the length of its name (long or not),
// and Suggest looks a prefix up tier by tier, best first, until it has
// enough names: a prefix that begins a hundred thousand names is then a
// few lookups of the names that rank first, not a pass over all of them.
const (
	suggestLongName = 8 // runes; longer names are in the second tier of their type
	suggestTiers    = 2 * 4
)

// suggestTier is the tier of a document's suggest terms (one letter).
func suggestTier(d Doc) string {
	t := max(0, slices.Index(suggestTypes, d.Type)) * 2
	if utf8.RuneCountInString(d.Title) > suggestLongName {
		t++
	}
	return string(rune('a' + t))
}

// maxSuggest bounds n.
const maxSuggest = 50

// Suggest returns up to n names (dataset titles, facility and site names)
// that have a word starting with prefix, written or read: 図書 and としょ
// both find 中央図書館. Names starting with the prefix come first, then
// datasets, facilities, evacuation sites and other places, then shorter
// names; a name is suggested once. An empty prefix suggests nothing.
// Errors: the context's when it is done, and internal errors of the index.
func (ix *Index) Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error) {
	if n <= 0 {
		return nil, nil
	}
	n = min(n, maxSuggest)
	if utf8.RuneCountInString(prefix) > maxSuggestRunes {
		prefix = string([]rune(prefix)[:maxSuggestRunes])
	}
	written := strings.TrimSpace(fold(prefix))
	if !hasLetter(written) {
		return nil, nil
	}
	var read string
	if allKana(written) {
		read = kanaKey(written)
	} else {
		read = readingOf(prefix)
	}
	// Names that start with the prefix weigh most; a single character is
	// looked for at the start of names only, where it is selective enough.
	var starts, inners []string
	for _, p := range []string{written, read} {
		if p == "" || slices.Contains(starts, cutRunes(p, maxStartRunes)) {
			continue
		}
		starts = append(starts, cutRunes(p, maxStartRunes))
		if utf8.RuneCountInString(p) > 1 {
			inners = append(inners, cutRunes(p, maxInnerStartRunes))
		}
	}
	type ranked struct {
		s     Suggestion
		start bool
	}
	long := utf8.RuneCountInString(written) > maxInnerStartRunes || utf8.RuneCountInString(read) > maxInnerStartRunes
	var all []ranked
	names := map[string]bool{}
	// Tier by tier, the start of names first, until n names are found:
	// later tiers rank below. Within a tier, more are collected than asked
	// (names repeat: the AED list names the facilities again), but not
	// many: each is a stored document to read.
	for _, stage := range []struct {
		field    string
		prefixes []string
	}{{"suggest_start", starts}, {"suggest_inner", inners}} {
		for tier := 0; tier < suggestTiers && len(names) < n && len(stage.prefixes) > 0; tier++ {
			var clauses []query.Query
			for _, p := range stage.prefixes {
				tq := query.NewTermQuery(string(rune('a'+tier)) + p)
				tq.SetField(stage.field)
				clauses = append(clauses, tq)
			}
			req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(clauses), 2*n+5, 0, false)
			req.Fields = []string{"type", "dataset", "show_title", "show_reading"}
			req.SortBy([]string{"-_score"}) // not _id: it looks up every match's id
			res, err := ix.idx.SearchInContext(ctx, req)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("search: suggest: %w", err)
			}
			for _, h := range res.Hits {
				title, _ := h.Fields["show_title"].(string)
				if title == "" {
					continue
				}
				s := Suggestion{Text: title}
				s.Type, _ = h.Fields["type"].(string)
				s.Dataset, _ = h.Fields["dataset"].(string)
				if i := strings.LastIndexByte(h.ID, ':'); strings.HasPrefix(h.ID, "record:") && i > 0 {
					s.Row, _ = strconv.Atoi(h.ID[i+1:])
				}
				rs, _ := h.Fields["show_reading"].(string)
				start := strings.HasPrefix(fold(title), written)
				if read != "" && !start {
					for r := range strings.SplitSeq(rs, "\n") {
						start = start || r != "" && strings.HasPrefix(r, read)
					}
				}
				if long && !start && !strings.Contains(fold(title), written) && (read == "" || !strings.Contains(rs, read)) {
					continue // matched on the cut prefix only
				}
				all = append(all, ranked{s, start})
				names[title] = true
			}
		}
	}
	slices.SortStableFunc(all, func(a, b ranked) int {
		if a.start != b.start {
			if a.start {
				return -1
			}
			return 1
		}
		if ra, rb := slices.Index(suggestTypes, a.s.Type), slices.Index(suggestTypes, b.s.Type); ra != rb {
			return ra - rb
		}
		if la, lb := utf8.RuneCountInString(a.s.Text), utf8.RuneCountInString(b.s.Text); la != lb {
			return la - lb
		}
		return strings.Compare(a.s.Text, b.s.Text)
	})
	// The same name in several datasets (the AED list names facilities
	// again) is suggested once, for the first kind of document.
	seen := map[string]bool{}
	all = slices.DeleteFunc(all, func(r ranked) bool {
		if seen[r.s.Text] {
			return true
		}
		seen[r.s.Text] = true
		return false
	})
	out := make([]Suggestion, 0, min(n, len(all)))
	for _, r := range all[:min(n, len(all))] {
		out = append(out, r.s)
	}
	return out, nil
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
