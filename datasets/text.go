package datasets

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalizeWidth folds full-width letters, digits and signs and half-width katakana.
func normalizeWidth(s string) string { return norm.NFKC.String(s) }

func isSpaceOrBOM(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

// trimSpace trims ASCII and Unicode spaces (U+3000 too) and stray BOMs.
func trimSpace(s string) string { return strings.TrimFunc(s, isSpaceOrBOM) }

// isBlank tells whether s holds nothing but spaces.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		return trimSpace(s[i:]) == ""
	}
	return true
}

// snippet shortens s for a message.
func snippet(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
