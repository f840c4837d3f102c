package catalog

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Fold normalizes text for comparing and searching: NFKC (full-width
// letters and digits, half-width katakana), lower case, and katakana folded
// to hiragana so that ヒナンジョ and ひなんじょ meet.
func Fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 0x60
		}
		return r
	}, s)
}
