package search

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultVariant is the analysis Open uses: the best of Variants by nDCG@10
// on the judged set (docs/search.md, eval_test.go).
const DefaultVariant = "combined"

// Variants are the analyzer variants OpenMem accepts, as measured in
// docs/search.md:
//   - bigram: folded text cut into CJK bigrams, no dictionary;
//   - kagome: the IPA dictionary's words (search mode, base forms);
//   - kagome+reading: the words, and the kana reading of titles and
//     keywords, so that a kana query finds a kanji title;
//   - combined: all three, queried together.
//
// English fields use Bleve's English analyzer in every variant.
var Variants = []string{"bigram", "kagome", "kagome+reading", "combined"}

// variant is what an index analyzes and how it is queried.
type variant struct {
	name                    string
	bigram, kagome, reading bool // the Japanese analyzers

	// Decisions taken by measurement (docs/search.md). Each can be undone
	// for the ablation table of the evaluation (see ablations).
	textReading bool // the text gets a reading field too, not only titles and keywords (not chosen)
	// kagomeNamesOnly: with bigrams at hand, the dictionary analyzes titles
	// and keywords only; the text and the rest, most of what a record
	// holds and most of the cost of indexing, get bigrams only (not
	// chosen: typos in text are then missed).
	kagomeNamesOnly bool
	heads           bool // a query word that ends a title scores extra (head.go)
	synonyms        bool // query words expand to their group of synonyms.txt
	fallback        bool // a query whose words never meet falls back to any of them
	anyWord         bool // every query is a disjunction of its words (not chosen)
	// bigramPhrase: a word's bigrams score more in order (not chosen: it
	// ranks the same and costs a positions check per candidate).
	bigramPhrase bool
	bm25         bool // BM25 scoring rather than TF-IDF
}

func variantNamed(name string) (variant, error) {
	v := variant{name: name, heads: true, synonyms: true, fallback: true, bm25: true}
	switch name {
	case "bigram":
		v.bigram = true
	case "kagome":
		v.kagome = true
	case "kagome+reading":
		v.kagome, v.reading = true, true
	case "combined":
		v.bigram, v.kagome, v.reading = true, true, true
	default:
		return variant{}, fmt.Errorf("search: unknown analyzer variant %q (use one of %s)", name, strings.Join(Variants, ", "))
	}
	return v, nil
}

// ablations are the decisions the evaluation reverses one at a time, each
// named by what the variant does then.
var ablations = map[string]func(*variant){
	"tf-idf":               func(v *variant) { v.bm25 = false },
	"text reading":         func(v *variant) { v.textReading = v.reading },
	"no title heads":       func(v *variant) { v.heads = false },
	"no synonyms":          func(v *variant) { v.synonyms = false },
	"no fallback":          func(v *variant) { v.fallback = false },
	"any word":             func(v *variant) { v.anyWord = true },
	"kagome on names only": func(v *variant) { v.kagomeNamesOnly = true },
	"bigram phrases":       func(v *variant) { v.bigramPhrase = true },
}

// ablationNames lists the names ablations accepts, sorted.
func ablationNames() []string {
	var out []string
	for k := range ablations {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
