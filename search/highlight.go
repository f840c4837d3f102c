package search

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Snippets are cut here rather than by Bleve's highlighter: matches come
// from several analyses of the same text (bigrams overlap, readings have no
// place in the text), and what a reader should see marked is the words of
// the query and of their synonyms as they appear, however they were
// written (ＡＥＤ marks AED). So the needles are the folded words, found in
// the folded text and mapped back to the original.

// highlightNeedles are the folded strings to mark: each alternative of
// each unit, and its parts when it has several words.
func highlightNeedles(units []unit) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, u := range units {
		for _, a := range u.alts {
			f := fold(a.text)
			add(f)
			for _, w := range strings.Fields(f) {
				if utf8.RuneCountInString(w) >= 2 {
					add(w)
				}
			}
		}
	}
	return out
}

// Snippet sizes, in characters, and how much of a text is looked at, in
// bytes.
const (
	fragmentRunes    = 80
	contextBefore    = 20
	maxFragments     = 2
	maxSnippetSource = 8 << 10
)

// snippets returns fragments of text with the needles marked: the whole
// text when whole is set (titles), otherwise up to maxFragments windows
// around the first matches. Nil when nothing matches.
func snippets(text string, needles []string, whole bool) []string {
	if text == "" || len(needles) == 0 {
		return nil
	}
	if len(text) > maxSnippetSource {
		// Snippets come from the start of a long text: folding all of it
		// for each hit would cost more than the search.
		i := maxSnippetSource
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		text = text[:i]
	}
	folded, starts, ends := foldOffsets(text)
	var spans [][2]int // byte ranges of text
	for _, n := range needles {
		for i := 0; ; {
			j := strings.Index(folded[i:], n)
			if j < 0 {
				break
			}
			a, b := i+j, i+j+len(n)
			spans = append(spans, [2]int{starts[a], ends[b-1]})
			i = b
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(x, y [2]int) int { return x[0] - y[0] })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	if whole {
		return []string{mark(text, 0, len(text), merged)}
	}
	var out []string
	covered := 0
	for _, s := range merged {
		if s[0] < covered || len(out) == maxFragments {
			continue
		}
		from := max(backRunes(text, s[0], contextBefore), covered)
		to := max(forwardRunes(text, from, fragmentRunes), s[1])
		for _, o := range merged { // never cut a match in two
			if o[0] < to && o[1] > to {
				to = o[1]
			}
		}
		frag := mark(text, from, to, merged)
		if from > 0 {
			frag = "…" + frag
		}
		if to < len(text) {
			frag += "…"
		}
		out = append(out, strings.ReplaceAll(frag, "\n", " "))
		covered = to
	}
	return out
}

// mark writes text[from:to] escaped, with the spans inside it marked.
func mark(text string, from, to int, spans [][2]int) string {
	var b strings.Builder
	at := from
	for _, s := range spans {
		a, z := max(s[0], from), min(s[1], to)
		if a >= z || a < at {
			continue
		}
		b.WriteString(html.EscapeString(text[at:a]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[a:z]))
		b.WriteString("</mark>")
		at = z
	}
	b.WriteString(html.EscapeString(text[at:to]))
	return b.String()
}

// backRunes steps n runes back from byte offset i, stopping after a line
// break.
func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		if s[i-w] == '\n' {
			break
		}
		i -= w
	}
	return i
}

// forwardRunes steps n runes forward from byte offset i.
func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}
