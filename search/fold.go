package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is compared in a folded form so that the ways Japanese gets typed
// meet: NFKC (full-width ＡＥＤ and half-width ｺﾝｻｰﾄ), lower case, a few
// variant kanji that place and facility names are written with (図書舘 for
// 図書館), and katakana as hiragana (ヒナンジョ = ひなんじょ). catalog.Fold
// does the first, second and last; the variant kanji and the offsets that
// highlighting needs are why search keeps its own.

// itaiji maps variant kanji (異体字) that NFKC leaves alone to the form the
// demo data and most municipal files use. Only characters whose variant is
// read and meant the same everywhere are listed: folding is applied to the
// index and to queries alike, so a wrong entry merges two words for good.
var itaiji = map[rune]rune{
	'舘': '館', '髙': '高', '﨑': '崎', '嵜': '崎', '邊': '辺', '邉': '辺',
	'濱': '浜', '濵': '浜', '嶋': '島', '嶌': '島', '峯': '峰', '櫻': '桜',
	'澤': '沢', '瀧': '滝', '冨': '富', '曾': '曽', '廣': '広', '國': '国',
	'會': '会', '體': '体', '與': '与', '關': '関', '驛': '駅', '圖': '図',
}

// foldRune folds one rune of NFKC text: lower case, variant kanji, katakana
// to hiragana.
func foldRune(r rune, keepKana bool) rune {
	if v, ok := itaiji[r]; ok {
		return v
	}
	if !keepKana {
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			return r - 0x60
		case r == 'ヽ' || r == 'ヾ':
			return r - 0x60
		}
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// fold is the folded form of s used by the bigram analyzer, synonyms and
// highlighting.
func fold(s string) string {
	return foldWith(s, false)
}

// normalize is fold without the kana folding: the morphological analyzer
// reads katakana loanwords (コンサート) far better than their hiragana.
func normalize(s string) string {
	return foldWith(s, true)
}

func foldWith(s string, keepKana bool) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			r = ' ' // control characters are plain spaces
		}
		b.WriteRune(foldRune(r, keepKana))
	}
	return b.String()
}

// foldOffsets folds s like fold and returns, for each byte of the result,
// the byte range of s it came from, so that a match found in folded text
// can be marked in the original. NFKC is applied one normalization segment
// at a time (a base character and its combining marks, such as ｶﾞ), which
// is what NFKC of the whole string does.
func foldOffsets(s string) (string, []int, []int) {
	var b strings.Builder
	starts := make([]int, 0, len(s))
	ends := make([]int, 0, len(s))
	for i := 0; i < len(s); {
		// Most Japanese text is kana, common kanji and ASCII, which NFKC
		// leaves alone unless a combining mark follows: no need to ask.
		if r, w := utf8.DecodeRuneInString(s[i:]); stableNFKC(r) {
			if next, _ := utf8.DecodeRuneInString(s[i+w:]); next < 0x300 || !unicode.Is(unicode.Mn, next) {
				if r < ' ' || r == 0x7f {
					r = ' '
				}
				n, _ := b.WriteRune(foldRune(r, false))
				for range n {
					starts = append(starts, i)
					ends = append(ends, i+w)
				}
				i += w
				continue
			}
		}
		n := norm.NFKC.NextBoundaryInString(s[i:], true)
		if n <= 0 {
			n = len(s) - i
		}
		seg := norm.NFKC.String(s[i : i+n])
		for _, r := range seg {
			if r < ' ' || r == 0x7f {
				r = ' '
			}
			w, _ := b.WriteRune(foldRune(r, false))
			for range w {
				starts = append(starts, i)
				ends = append(ends, i+n)
			}
		}
		i += n
	}
	return b.String(), starts, ends
}

// stableNFKC reports runes NFKC maps to themselves: ASCII, hiragana,
// full-width katakana and the common CJK block.
func stableNFKC(r rune) bool {
	switch {
	case r < 0x80:
		return true
	case r >= 0x3041 && r <= 0x3096, r >= 0x30a1 && r <= 0x30fa, r == 0x30fc:
		return true
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	}
	return false
}

// kanaKey folds a reading further for matching by sound: hiragana without
// voicing marks and with small kana made large, so that the 所 of 避難所
// (read しょ in isolation, じょ in the word) and a user's ひなんじょ meet,
// as do ば and は of 場所. It loses little: a reading is a recall aid, the
// written form still ranks.
func kanaKey(s string) string {
	s = norm.NFD.String(fold(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 0x3099 || r == 0x309a: // combining (semi-)voiced sound marks
			continue
		case r == 'ゔ':
			r = 'う'
		}
		if big, ok := smallKana[r]; ok {
			r = big
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

var smallKana = map[rune]rune{
	'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ',
	'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け',
}

// isKana reports whether r is hiragana, katakana or the long vowel mark.
func isKana(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

// allKana reports whether s has letters and all of them are kana.
func allKana(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if !isKana(r) {
			return false
		}
		n++
	}
	return n > 0
}
