package datasets

import (
	"strings"
	"unicode"
)

// FoldText prepares text for matching the way people type it: NFKC
// (full-width letters and digits, half-width katakana), lower case, and
// katakana as hiragana, so that "ｴｷﾏｴ", "エキマエ" and "えきまえ" meet.
// Runs of spaces become one space.
func FoldText(s string) string {
	s = normalizeCell(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r >= 'ァ' && r <= 'ヶ':
			r -= 'ァ' - 'ぁ'
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
