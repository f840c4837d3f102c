package search

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed synonyms.txt
var synonymsText string

// synonyms are the groups of synonyms.txt, looked up by folded term and by
// reading.
type synonyms struct {
	byTerm    map[string][]string // fold(term) -> every term of its groups
	byReading map[string][]string // kanaKey(reading) -> likewise
	maxWords  int                 // the most words a term has
	// byStart maps the first two characters of each folded term (the
	// first one of a one-character term) to the folded terms, for
	// termsIn.
	byStart map[string][]string
}

var (
	synonymsOnce sync.Once
	theSynonyms  *synonyms
)

// loadSynonyms parses the embedded list once. Readings need the dictionary,
// which the analyzers have loaded by then.
func loadSynonyms() *synonyms {
	synonymsOnce.Do(func() {
		theSynonyms = parseSynonyms(synonymsText, readingOf)
	})
	return theSynonyms
}

// minReadingRunes keeps short readings out of the reading lookup: two or
// three kana name too many different words.
const minReadingRunes = 4

func parseSynonyms(text string, reading func(string) string) *synonyms {
	s := &synonyms{byTerm: map[string][]string{}, byReading: map[string][]string{}, maxWords: 1, byStart: map[string][]string{}}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var group []string
		for t := range strings.SplitSeq(line, ",") {
			t = strings.Join(strings.Fields(t), " ")
			if t != "" && !slices.Contains(group, t) {
				group = append(group, t)
			}
		}
		if len(group) < 2 {
			continue
		}
		for _, t := range group {
			key := fold(t)
			if _, ok := s.byTerm[key]; !ok {
				start := cutRunes(key, 2)
				s.byStart[start] = append(s.byStart[start], key)
			}
			s.byTerm[key] = merge(s.byTerm[key], group)
			s.maxWords = max(s.maxWords, len(strings.Fields(key)))
			if reading == nil {
				continue
			}
			if r := reading(t); utf8.RuneCountInString(r) >= minReadingRunes {
				s.byReading[r] = merge(s.byReading[r], group)
			}
		}
	}
	return s
}

// termsIn returns the synonym terms (folded) that the folded text holds:
// Japanese terms anywhere, ASCII ones as whole words. Records are tagged
// with them when indexed (the rsyn field), so that a query word's group
// is one term lookup per synonym in a million records rather than a
// phrase of each synonym's parts.
func (s *synonyms) termsIn(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		_, n := utf8.DecodeRuneInString(text[i:])
		_, n2 := utf8.DecodeRuneInString(text[i+n:])
		for _, key := range [2]string{text[i : i+n], text[i : i+n+n2]} {
			for _, t := range s.byStart[key] {
				if !strings.HasPrefix(text[i:], t) || slices.Contains(out, t) {
					continue
				}
				if text[i] < utf8.RuneSelf && (i > 0 && isWordByte(text[i-1]) || i+len(t) < len(text) && isWordByte(text[i+len(t)])) {
					continue // inside a longer word
				}
				out = append(out, t)
			}
			if n2 == 0 {
				break
			}
		}
		i += n
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func merge(a, b []string) []string {
	for _, t := range b {
		if !slices.Contains(a, t) {
			a = append(a, t)
		}
	}
	return a
}

// lookup returns the group of a (folded) term, by its written form or,
// when byReading is set, by its reading.
func (s *synonyms) lookup(term string, byReading bool) []string {
	if g, ok := s.byTerm[term]; ok {
		return g
	}
	if !byReading || !hasLetter(term) {
		return nil
	}
	var r string
	if allKana(term) {
		r = kanaKey(term)
	} else {
		r = readingOf(term)
	}
	if utf8.RuneCountInString(r) < minReadingRunes {
		return nil
	}
	return s.byReading[r]
}

// nearest returns the group of the synonym term closest to an ASCII word
// that is in none, within one edit (two for long words): libary finds
// library's group. Short words are left alone: too many are one edit apart.
func (s *synonyms) nearest(word string) []string {
	n := len(word)
	if n < 5 || !isASCIIWord(word) {
		return nil
	}
	limit := 1
	if n >= 8 {
		limit = 2
	}
	best, bestD := "", limit+1
	for term := range s.byTerm {
		if !isASCIIWord(term) || abs(len(term)-n) > limit {
			continue
		}
		if d := editDistance(word, term, limit); d < bestD || d == bestD && term < best {
			best, bestD = term, d
		}
	}
	if best == "" {
		return nil
	}
	return s.byTerm[best]
}

// inWords returns the ways of writing word with one of its parts replaced
// by a synonym of that part: 桜祭り is also 桜まつり. word is normalized
// text; parts are the dictionary's words; ASCII synonyms are not spliced
// into Japanese.
func (s *synonyms) inWords(word string, max int) []string {
	t, err := morphemes()
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range readings(t, word) {
		part := fold(p.surface)
		g := s.byTerm[part]
		for _, alt := range g {
			if len(out) == max {
				return out
			}
			if fold(alt) == part || isASCIIWord(strings.ReplaceAll(strings.ToLower(alt), " ", "")) {
				continue
			}
			w := word[:p.start] + alt + word[p.end:]
			if fold(w) != fold(word) && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance of a and b, or limit+1 when it
// is larger than limit.
func editDistance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		lo := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			lo = min(lo, cur[j])
		}
		if lo > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}
