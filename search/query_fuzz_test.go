package search

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseQuery: any query text is parsed without a panic, into units
// whose words come from the text (nothing invented), for either reading
// mode.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"避難所 学校", "昭和40年代の駅前", "\"中央 公園\" -駐車場", "ＡＥＤ　市役所", "令和元年度 予算",
		"OR AND NOT", "((()))", "\"", "-", "*?~^", "ｶﾞｯｺｳ", "ひなんじょ"} {
		f.Add(s, false)
	}
	syn := loadSynonyms()
	f.Fuzz(func(t *testing.T, q string, byReading bool) {
		if !utf8.ValidString(q) {
			return // the HTTP layer refuses invalid UTF-8 before a query is parsed
		}
		units, _ := parseQuery(q, syn, byReading)
		if len(units) > len(q)+1 {
			t.Fatalf("%d units from %d bytes", len(units), len(q))
		}
	})
}
