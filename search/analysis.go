package search

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // the "en" analyzer of the English fields
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// The Japanese analyzers. Bleve finds analyzers by name in a global
// registry, also when it reopens an index from disk, so they are registered
// there, once, before any index is created or opened (registerAnalyzers),
// rather than in init: a program that never searches does not load the
// 12 MB dictionary.
const (
	anBigram      = "machi_bigram"       // folded text, CJK bigrams and unigrams (index side)
	anBigramQuery = "machi_bigram_query" // the same without unigrams except for a lone character (query side)
	anRecordText  = "machi_record_text"  // bigrams and unigrams, and the synonyms the text holds (records)
	anKagome      = "machi_kagome"       // kagome IPA, search mode, base forms, particles dropped
	anReading     = "machi_reading"      // bigrams of the kana reading, folded by sound
	anEnglish     = "en"                 // bleve's English analyzer (stemming, stop words)
	anWords       = "standard"           // unstemmed English words, for typo matching
	anKeyword     = "keyword"
	anTerms       = "machi_terms"  // space-separated terms as they are
	anStarts      = "machi_starts" // the beginnings of newline-separated names (autocomplete)
	anInnerStarts = "machi_inner_starts"
)

var (
	registerOnce sync.Once
	registerErr  error

	kagomeOnce sync.Once
	kagome     *tokenizer.Tokenizer
	kagomeErr  error
)

// morphemes returns the shared kagome tokenizer (safe for concurrent use).
func morphemes() (*tokenizer.Tokenizer, error) {
	kagomeOnce.Do(func() {
		kagome, kagomeErr = tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	})
	return kagome, kagomeErr
}

func registerAnalyzers() error {
	registerOnce.Do(func() {
		constant := func(a analysis.Analyzer) registry.AnalyzerConstructor {
			return func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) { return a, nil }
		}
		t, err := morphemes()
		if err != nil {
			registerErr = fmt.Errorf("search: japanese dictionary: %w", err)
			return
		}
		for name, a := range map[string]analysis.Analyzer{
			anBigram:      &bigramAnalyzer{unigrams: true},
			anBigramQuery: &bigramAnalyzer{},
			anRecordText:  &recordTextAnalyzer{syn: loadSynonyms()},
			anKagome:      &kagomeAnalyzer{t: t},
			anReading:     &readingAnalyzer{t: t},
			anTerms:       termsAnalyzer{},
			anStarts:      startsAnalyzer{max: maxStartRunes},
			anInnerStarts: startsAnalyzer{max: maxInnerStartRunes},
		} {
			if err := registry.RegisterAnalyzer(name, constant(a)); err != nil {
				registerErr = fmt.Errorf("search: register analyzer %s: %w", name, err)
				return
			}
		}
	})
	return registerErr
}

// termsAnalyzer indexes space-separated terms as they are. Term lists
// (the periods a date falls in, the endings of a title) go into one field
// value through it rather than as an array of keywords, so that the field
// norm counts them: a photo of 1955 has fewer period terms than one of
// somewhere in 1955-1964 and outranks it for 1955年.
type termsAnalyzer struct{}

func (termsAnalyzer) Analyze(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	start := -1
	for i := 0; i <= len(input); i++ {
		if i < len(input) && input[i] != ' ' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, &analysis.Token{Term: input[start:i], Start: start, End: i, Position: len(out) + 1, Type: analysis.AlphaNumeric})
			start = -1
		}
	}
	return out
}

// startsAnalyzer indexes every beginning of each line, up to max
// characters: みどり野 gives み, みど, みどり, みどり野. Autocomplete then
// looks a prefix up as one term, whatever the number of names it begins,
// where a prefix query would visit each of those names' terms. The first
// line is the document's suggest tier (suggestTier), which starts every
// term: a prefix is looked up tier by tier.
type startsAnalyzer struct {
	max int
}

func (a startsAnalyzer) Analyze(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	seen := map[string]bool{}
	tier, rest, _ := strings.Cut(string(input), "\n")
	for line := range strings.SplitSeq(rest, "\n") {
		end := 0
		for i, r := range []rune(line) {
			if i == a.max {
				break
			}
			end += utf8.RuneLen(r)
			if t := line[:end]; !seen[t] {
				seen[t] = true
				out = append(out, &analysis.Token{Term: []byte(tier + t), End: end, Position: len(out) + 1, Type: analysis.AlphaNumeric})
			}
		}
	}
	return out
}

// bigramAnalyzer folds the text (fold), splits it at Unicode word
// boundaries and cuts runs of kanji and kana into overlapping pairs: 図書館
// is 図書 書館. It needs no dictionary and never misses a compound, at the
// price of matching pairs that straddle words. With unigrams the index also
// gets each character alone, so that a one-character query (夏) finds it
// inside a word.
type bigramAnalyzer struct {
	unigrams bool
}

func (a *bigramAnalyzer) Analyze(input []byte) analysis.TokenStream {
	folded := []byte(fold(string(input)))
	ts := unicode.NewUnicodeTokenizer().Tokenize(folded)
	return cjk.NewCJKBigramFilter(a.unigrams).Filter(ts)
}

// recordTextAnalyzer is the bigram analyzer of a record's text, which also
// gives each synonym (synonyms.txt) the text holds as one term, marked
// with synonymMark: a query word's synonyms are then a term each in a
// million records, rather than a conjunction of each synonym's bigrams.
// The terms are in the same field as the bigrams, so that they weigh as
// the bigrams did, by the text's length.
type recordTextAnalyzer struct {
	syn *synonyms
}

// synonymMark starts the synonym terms of a record's text; no bigram
// does.
const synonymMark = "="

func (a *recordTextAnalyzer) Analyze(input []byte) analysis.TokenStream {
	folded := fold(string(input))
	ts := cjk.NewCJKBigramFilter(true).Filter(unicode.NewUnicodeTokenizer().Tokenize([]byte(folded)))
	for _, t := range a.syn.termsIn(folded) {
		ts = append(ts, &analysis.Token{Term: []byte(synonymMark + t), Position: len(ts) + 1, Type: analysis.Ideographic})
	}
	return ts
}

// kagomeAnalyzer cuts text into words with the IPA dictionary in search
// mode (compounds split into their parts), keeps the base form of verbs and
// adjectives, and drops particles, auxiliaries and symbols. Words are folded
// after the analysis, not before: kagome reads katakana loanwords, not the
// hiragana fold makes of them.
type kagomeAnalyzer struct {
	t *tokenizer.Tokenizer
}

func (a *kagomeAnalyzer) Analyze(input []byte) analysis.TokenStream {
	s := normalize(string(input))
	var out analysis.TokenStream
	pos := 0
	for _, tok := range a.t.Analyze(s, tokenizer.Search) {
		if tok.Class == tokenizer.DUMMY {
			continue
		}
		term := tok.Surface
		pos0 := tok.POS()
		if len(pos0) > 0 {
			switch pos0[0] {
			case "助詞", "助動詞", "記号", "フィラー", "接続詞":
				continue
			case "動詞", "形容詞":
				if b, ok := tok.BaseForm(); ok && b != "" && b != "*" {
					term = b
				}
			case "名詞":
				if len(pos0) > 1 && pos0[1] == "非自立" {
					continue
				}
			}
		}
		term = fold(term)
		if !hasLetter(term) {
			continue
		}
		pos++
		out = append(out, &analysis.Token{
			Term:     []byte(term),
			Start:    tok.Position,
			End:      tok.Position + len(tok.Surface),
			Position: pos,
			Type:     analysis.Ideographic,
		})
	}
	return out
}

// readingAnalyzer turns text into its kana reading (the dictionary's for
// known words, the text itself for kana the dictionary does not know),
// folded by sound (kanaKey), and cuts each run of reading into overlapping
// pairs, like bigramAnalyzer does with the written text. A kana query then
// meets a kanji title whatever the dictionary makes of the kana: ひなんじょ
// is ひな なん んし しよ on both sides, although kagome cuts the hiragana
// into nonsense.
type readingAnalyzer struct {
	t *tokenizer.Tokenizer
}

func (a *readingAnalyzer) Analyze(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	var run []rune
	start := 0
	flush := func(end int) {
		switch {
		case len(run) == 1:
			pos++
			out = append(out, &analysis.Token{Term: []byte(string(run)), Start: start, End: end, Position: pos, Type: analysis.Single})
		case len(run) > 1:
			for i := 0; i+1 < len(run); i++ {
				pos++
				out = append(out, &analysis.Token{Term: []byte(string(run[i : i+2])), Start: start, End: end, Position: pos, Type: analysis.Double})
			}
		}
		run = run[:0]
	}
	for _, tok := range readings(a.t, string(input)) {
		if tok.reading == "" {
			flush(tok.start)
			start = tok.end
			continue
		}
		if len(run) == 0 {
			start = tok.start
		}
		run = append(run, []rune(tok.reading)...)
	}
	flush(len(input))
	return out
}

// readingPart is one word of a text with its reading folded by sound; ""
// for words without one (symbols, kanji the dictionary does not know).
type readingPart struct {
	surface, reading string
	start, end       int // in normalize(s)
}

// readings reads s word by word.
func readings(t *tokenizer.Tokenizer, s string) []readingPart {
	s = normalize(s)
	var out []readingPart
	for _, tok := range t.Analyze(s, tokenizer.Normal) {
		if tok.Class == tokenizer.DUMMY {
			continue
		}
		p := readingPart{surface: tok.Surface, start: tok.Position, end: tok.Position + len(tok.Surface)}
		if pos := tok.POS(); len(pos) == 0 || pos[0] != "記号" {
			r, ok := tok.Reading()
			if !ok || r == "" || r == "*" {
				// Kana the dictionary does not know read as written, and
				// so do numbers and Latin letters: 昭和40年代 is not
				// 昭和30年代.
				r = ""
				if allKana(tok.Surface) || isAlnum(tok.Surface) {
					r = tok.Surface
				}
			}
			p.reading = kanaKey(r)
		}
		out = append(out, p)
	}
	return out
}

// readingOf is the whole reading of s folded by sound, or "" when a part
// of s has none.
func readingOf(s string) string {
	t, err := morphemes()
	if err != nil {
		return ""
	}
	var b []byte
	for _, p := range readings(t, s) {
		if p.reading == "" {
			return ""
		}
		b = append(b, p.reading...)
	}
	return string(b)
}

// isAlnum reports whether s is made of ASCII letters and digits only.
func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

func hasLetter(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r > ' ' && !isPunct(r) {
			return true
		}
	}
	return false
}

func isPunct(r rune) bool {
	switch {
	case r < 0x80:
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	case r >= 0x3000 && r <= 0x303f: // CJK symbols and punctuation
		return true
	case r >= 0xff00 && r <= 0xff0f, r >= 0xff1a && r <= 0xff20:
		return true
	}
	return false
}
