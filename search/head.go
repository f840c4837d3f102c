package search

import (
	"strings"
	"unicode/utf8"
)

// Japanese compounds put the head last: みどり野市立中央図書館 is a 図書館,
// 図書館まつり is a まつり, 旧図書館の閲覧室 is a 閲覧室. A query word that
// ends a title names what the document is, not something it mentions, so
// each title's endings are indexed as "head" terms (and the endings of its
// reading as "head_reading") and a unit that equals one scores extra. The
// endings are cut by character, not by the dictionary, so every variant
// gets them alike.

// Lengths of the endings indexed, in characters.
const (
	minHead        = 2
	maxHead        = 10
	maxHeadReading = 16
)

// titleCore is the folded title without a trailing parenthesis, which
// qualifies rather than names: 図書館おはなし会（毎週水曜日）.
func titleCore(title string) string {
	s := strings.TrimSpace(fold(title))
	for strings.HasSuffix(s, ")") {
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			break
		}
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// endings returns the endings of s from minHead to max characters long.
func endings(s string, max int) []string {
	s = strings.ReplaceAll(s, " ", "")
	var out []string
	n := utf8.RuneCountInString(s)
	if n < minHead {
		return nil
	}
	i := len(s)
	for k := 1; k <= min(n, max); k++ {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
		if k >= minHead {
			out = append(out, s[i:])
		}
	}
	return out
}

// headTerms are the endings of a title and of its reading (the source's
// when given, else the dictionary's).
func headTerms(title, reading string, withReading bool) (written, read []string) {
	core := titleCore(title)
	written = endings(core, maxHead)
	if !withReading {
		return written, nil
	}
	r := kanaKey(strings.ReplaceAll(reading, " ", ""))
	if r == "" || !allKana(r) {
		r = readingOf(core)
	}
	return written, endings(r, maxHeadReading)
}
