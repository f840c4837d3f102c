package search

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// User input is never parsed as Bleve query syntax: quotes, *, +, - and
// colons are plain text, and the query is built from term, phrase and
// boolean queries here. What the analyzers drop (symbols, particles) simply
// does not count.

// maxQueryRunes bounds what is read of a query; the rest is ignored. Two
// thousand characters of input make no better search than two hundred.
const maxQueryRunes = 200

// maxUnits bounds the words a query is searched by.
const maxUnits = 12

// unit is one thing a query asks for: a word (or a synonym's several
// words) and its alternatives. Every unit of a query must match, unless
// none matches together (see Index.Search).
type unit struct {
	alts   []alt
	period string // the "when" term the word names, if it names a period
}

// alt is one way of writing a unit.
type alt struct {
	text     string // normalized
	boost    float64
	original bool // as the user wrote it
	member   bool // a term of synonyms.txt (rather than a word rewritten by one, inWords)
}

// Synonyms of a unit.
const (
	synonymBoost = 0.8 // a synonym against the word the user wrote
	maxInWord    = 6   // rewritings of a compound by its parts' synonyms (inWords)
)

// parseQuery cuts q into units. Words are separated by spaces (full-width
// ones too); runs of words that make a synonym ("city hall") are one unit.
// Without syn, words are not expanded. byReading also looks synonyms up by
// the word's reading (こうみんかん for 公民館).
func parseQuery(q string, syn *synonyms, byReading bool) (units []unit, periods []string) {
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = string([]rune(q)[:maxQueryRunes])
	}
	// Words keep their katakana (normalize, not fold): the dictionary reads
	// コンサート, not こんさーと. Lookups fold.
	words := strings.Fields(normalize(q))
	words = slices.DeleteFunc(words, func(w string) bool { return !hasLetter(w) })
	for i := 0; i < len(words) && len(units) < maxUnits; {
		n, group := 1, []string(nil)
		if syn != nil {
			for k := min(syn.maxWords, len(words)-i); k >= 1; k-- {
				if g := syn.lookup(fold(strings.Join(words[i:i+k], " ")), byReading && k == 1); g != nil {
					n, group = k, g
					break
				}
			}
		}
		text := strings.Join(words[i:i+n], " ")
		u := unit{alts: []alt{{text: text, boost: 1, original: true}}}
		if syn != nil && group == nil {
			group = syn.nearest(text)
		}
		if syn != nil {
			_, u.alts[0].member = syn.byTerm[fold(text)]
		}
		for _, g := range group {
			if fold(g) != fold(text) {
				u.alts = append(u.alts, alt{text: g, boost: synonymBoost, member: true})
			}
		}
		if syn != nil && group == nil {
			for _, w := range syn.inWords(text, maxInWord) {
				u.alts = append(u.alts, alt{text: w, boost: synonymBoost})
			}
		}
		if t, ok := periodTerm(text); ok {
			u.period = t
		} else {
			periods = append(periods, periodsIn(text)...)
		}
		units = append(units, u)
		i += n
	}
	return units, periods
}

// Weights of the parts of a unit's query, and how much of a word must
// match. Field weights are in jaFields and analyzers.
const (
	phraseBoost      = 2   // the parts of a word in order, over the parts anywhere
	minMatch         = 0.6 // share of a word's parts that must match when not in order
	titleENBoost     = 3   // English title, against English text
	fuzzyBoost       = 0.3 // a typo-tolerant match of an English word
	headBoost        = 4   // the word ends a title: the document is one (head.go)
	headReadingShare = 0.5 // the same by reading, against by writing
	periodBoost      = 4   // a period named by the query word itself
	periodInWord     = 1   // a period named inside a longer word (昭和 of 昭和の図書館)
	// recordTextBoost weighs a record's text (bigrams only) against a
	// dataset's, which two analyzers match.
	recordTextBoost = 1.8
	// recordSynonymBoost weighs a synonym tagged in a record's text
	// (recordTextAnalyzer) as recordTextBoost weighs its bigrams.
	recordSynonymBoost = 1.8
)

// builder turns units into Bleve queries for one index, remembering the
// analysis of each text.
type builder struct {
	ix    *Index
	cache map[[2]string][]string
}

func newBuilder(ix *Index) *builder {
	return &builder{ix: ix, cache: map[[2]string][]string{}}
}

// terms analyzes text with the named analyzer.
func (b *builder) terms(analyzer, text string) []string {
	key := [2]string{analyzer, text}
	if t, ok := b.cache[key]; ok {
		return t
	}
	var out []string
	if a := b.ix.idx.Mapping().AnalyzerNamed(analyzer); a != nil {
		for _, tok := range a.Analyze([]byte(text)) {
			out = append(out, string(tok.Term))
		}
	}
	b.cache[key] = out
	return out
}

// unitQuery matches a unit in any field, by any alternative; nil when no
// alternative leaves a term to search.
//
// What the user typed is searched with every analyzer of the variant, by
// its words in order (a phrase) or by most of them: a typo (避難揚所) or a
// particle more or less still finds its document, below the exact ones.
// Synonyms are words as written: they are searched as phrases, with the
// first analyzer only, and never by reading. Readings match by sound,
// which for a synonym (行事, きようし) means homophones and pieces of longer
// words. A period (1960年代) is searched in the period terms and as an
// exact phrase only: 昭和 and 年代 anywhere make any Shōwa photo match.
func (b *builder) unitQuery(u unit) query.Query {
	var clauses []query.Query
	var synTerms []alt
	v := b.ix.v
	for _, a := range u.alts {
		ja := hasJapanese(a.text)
		for _, f := range jaFields {
			first := true // the first analyzer of the field, the only one for synonyms
			for _, an := range v.analyzers() {
				if !v.hasField(f.name, an) {
					continue
				}
				skip := !a.original && (!first || an.suffix == "rd")
				first = false
				if skip {
					continue
				}
				exact := !a.original || u.period != "" || an.suffix == "rd"
				// Bigrams of a word found in one document are next to each
				// other but for rare accidents: checking their order costs
				// more than it ranks (docs/search.md), so bigrams are only
				// counted.
				ordered := an.suffix != "bi" || v.bigramPhrase
				if q := termsQuery(f.name+"_"+an.suffix, b.terms(an.query, a.text), exact, ordered); q != nil {
					q.SetBoost(f.boost * an.boost * a.boost)
					clauses = append(clauses, q)
				}
			}
		}
		// A record's text and other columns: bigrams, counted (the record
		// layout keeps no positions, mapping.go). A synonym is looked up
		// as the one term it was tagged with (recordTextAnalyzer); a word
		// rewritten by one (inWords) or a period needs all its bigrams.
		if a.member && v.synonyms {
			synTerms = append(synTerms, alt{text: fold(a.text), boost: a.boost})
		}
		if !a.member || a.original {
			exact := !a.original || u.period != ""
			for _, f := range recordFields {
				terms := b.terms(anBigramQuery, a.text)
				var q boostable
				if exact {
					q = allTermsQuery(f.name+"_bi", terms)
				} else {
					q = termsQuery(f.name+"_bi", terms, false, false)
				}
				if q != nil {
					q.SetBoost(f.boost * recordTextBoost * a.boost)
					clauses = append(clauses, q)
				}
			}
		}
		if v.heads {
			clauses = append(clauses, headQueries(a, v.reading)...)
		}
		if ja {
			continue // English fields hold no Japanese
		}
		en := b.terms(anEnglish, a.text)
		if q := termsQuery("title_en", en, u.period != "", true); q != nil {
			q.SetBoost(titleENBoost * a.boost)
			clauses = append(clauses, q)
		}
		if q := termsQuery("text_en", en, u.period != "", true); q != nil {
			q.SetBoost(a.boost)
			clauses = append(clauses, q)
		}
		if a.original {
			for _, w := range b.terms(anWords, a.text) {
				if n := len(w); n >= 5 && isASCIIWord(w) {
					fq := query.NewFuzzyQuery(w)
					fq.SetField("words_en")
					fq.SetFuzziness(min(2, n/5))
					fq.SetBoost(fuzzyBoost)
					clauses = append(clauses, fq)
				}
			}
		}
	}
	for _, t := range synTerms {
		for _, f := range recordFields {
			tq := query.NewTermQuery(synonymMark + t.text)
			tq.SetField(f.name + "_bi")
			tq.SetBoost(f.boost * recordSynonymBoost * t.boost)
			clauses = append(clauses, tq)
		}
	}
	if u.period != "" {
		tq := query.NewTermQuery(u.period)
		tq.SetField("when")
		tq.SetBoost(periodBoost)
		clauses = append(clauses, tq)
	}
	if len(clauses) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(clauses)
}

// headQueries match an alternative against the endings of titles, written
// and read.
func headQueries(a alt, reading bool) []query.Query {
	head := strings.ReplaceAll(fold(a.text), " ", "")
	if utf8.RuneCountInString(head) < minHead || !hasLetter(head) {
		return nil
	}
	tq := query.NewTermQuery(head)
	tq.SetField("head")
	tq.SetBoost(headBoost * a.boost)
	out := []query.Query{tq}
	if !reading {
		return out
	}
	r := kanaKey(head)
	if !allKana(head) {
		r = readingOf(head)
	}
	if utf8.RuneCountInString(r) >= minHead {
		rq := query.NewTermQuery(r)
		rq.SetField("head_reading")
		rq.SetBoost(headBoost * headReadingShare * a.boost)
		out = append(out, rq)
	}
	return out
}

// termsQuery matches analyzed terms in a field: all of them in order, or,
// unless exact, most of them anywhere (in order scores more, when ordered).
func termsQuery(field string, terms []string, exact, ordered bool) boostable {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		tq := query.NewTermQuery(terms[0])
		tq.SetField(field)
		return tq
	}
	if exact {
		return query.NewPhraseQuery(terms, field)
	}
	parts := distinctTermQueries(field, terms)
	if len(parts) == 1 {
		return parts[0].(boostable)
	}
	some := query.NewDisjunctionQuery(parts)
	some.SetMin(math.Ceil(minMatch * float64(len(parts))))
	if !ordered {
		return some
	}
	phrase := query.NewPhraseQuery(terms, field)
	phrase.SetBoost(phraseBoost)
	return query.NewDisjunctionQuery([]query.Query{some, phrase})
}

// allTermsQuery matches documents that have every term, anywhere.
func allTermsQuery(field string, terms []string) boostable {
	parts := distinctTermQueries(field, terms)
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0].(boostable)
	}
	return query.NewConjunctionQuery(parts)
}

// distinctTermQueries is one term query in field per distinct term.
func distinctTermQueries(field string, terms []string) []query.Query {
	var parts []query.Query
	seen := map[string]bool{}
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		parts = append(parts, tq)
	}
	return parts
}

// boostable is a query whose weight can be set.
type boostable interface {
	query.Query
	SetBoost(float64)
}

// hasJapanese reports whether s has kanji or kana.
func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && (isKana(r) || unicode.Is(unicode.Han, r)) {
			return true
		}
	}
	return false
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
