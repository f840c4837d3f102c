package search

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ヒナンジョ", "ひなんじょ"},
		{"ＡＥＤ", "aed"},
		{"ｺﾝｻｰﾄ", "こんさーと"},
		{"図書舘", "図書館"},
		{"避難所", "避難所"},
		{"Ａ\x00Ｂ", "a b"},
		{"㍻", "平成"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := normalize("ｺﾝｻｰﾄ ＡＥＤ"); got != "コンサート aed" {
		t.Errorf("normalize kept %q, want コンサート aed", got)
	}
}

// foldOffsets must fold exactly as fold does, and map every folded byte to
// the original it came from.
func TestFoldOffsets(t *testing.T) {
	for _, s := range []string{
		"", "ヒナンジョ", "ＡＥＤ設置", "ｶﾞｲﾄﾞ ｺﾝｻｰﾄ", "図書舘<b>&", "カ\u3099キ", "㍻元年", "e\u0301t\u00e9", "改行\nあり\x01",
	} {
		folded, starts, ends := foldOffsets(s)
		if want := fold(s); folded != want {
			t.Errorf("foldOffsets(%q) = %q, fold = %q", s, folded, want)
		}
		if len(starts) != len(folded) || len(ends) != len(folded) {
			t.Fatalf("foldOffsets(%q): %d starts, %d ends for %d bytes", s, len(starts), len(ends), len(folded))
		}
		for i := range starts {
			if starts[i] < 0 || ends[i] > len(s) || starts[i] >= ends[i] {
				t.Errorf("foldOffsets(%q): byte %d maps to [%d,%d)", s, i, starts[i], ends[i])
			}
		}
	}
}

func TestKanaKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"ひなんじょ", "ヒナンショ"},
		{"ひなんばしょ", "ひなんはしよ"},
		{"ショウワ", "しようわ"},
	}
	for _, tt := range tests {
		if kanaKey(tt.a) != kanaKey(tt.b) {
			t.Errorf("kanaKey(%q) = %q, kanaKey(%q) = %q; want equal", tt.a, kanaKey(tt.a), tt.b, kanaKey(tt.b))
		}
	}
}

func TestAnalyzers(t *testing.T) {
	if err := registerAnalyzers(); err != nil {
		t.Fatal(err)
	}
	tk, err := morphemes()
	if err != nil {
		t.Fatal(err)
	}
	analyzers := map[string]analysis.Analyzer{
		anBigram:      &bigramAnalyzer{unigrams: true},
		anBigramQuery: &bigramAnalyzer{},
		anKagome:      &kagomeAnalyzer{t: tk},
		anReading:     &readingAnalyzer{t: tk},
		anTerms:       termsAnalyzer{},
	}
	analyze := func(name, s string) string {
		var out []string
		for _, tok := range analyzers[name].Analyze([]byte(s)) {
			out = append(out, string(tok.Term))
		}
		return strings.Join(out, " ")
	}
	tests := []struct{ analyzer, in, want string }{
		{anBigramQuery, "図書館", "図書 書館"},
		{anBigramQuery, "夏", "夏"},
		{anBigramQuery, "ヒナンジョ", "ひな なん んじ じょ"},
		{anKagome, "昭和の図書館", "昭和 図書館"}, // kagome-dict v1.1.3 finds no word here (docs/search.md)
		{anKagome, "コンサートに行った", "こんさーと 行く"},
		{anReading, "避難所", "ひな なん んし しよ"},
		{anReading, "ひなんじょ", "ひな なん んし しよ"},
		{anReading, "昭和40年代", "しよ よう うわ わ4 40 0ね ねん んた たい"},
		{anTerms, "1955年 昭和30年  昭和", "1955年 昭和30年 昭和"},
		{anBigram, "桜台", "桜 桜台 台"},
	}
	for _, tt := range tests {
		if got := analyze(tt.analyzer, tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.analyzer, tt.in, got, tt.want)
		}
	}
	if got := readingOf("公民館"); got != kanaKey("こうみんかん") {
		t.Errorf("readingOf(公民館) = %q", got)
	}
}
