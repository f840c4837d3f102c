package search

import (
	"slices"
	"strings"
	"testing"
)

func TestSnippetsMarkAndEscape(t *testing.T) {
	tests := []struct {
		text    string
		needles []string
		whole   bool
		want    []string
	}{
		{`<b>市立 & 図書舘</b>`, []string{"図書館"}, true, []string{`&lt;b&gt;市立 &amp; <mark>図書舘</mark>&lt;/b&gt;`}},
		{"ＡＥＤ設置", []string{"aed"}, true, []string{"<mark>ＡＥＤ</mark>設置"}},
		{"ヒナンジョ", []string{"ひなん", "なんじょ"}, true, []string{"<mark>ヒナンジョ</mark>"}}, // overlapping matches merge
		{"公園", []string{"図書館"}, true, nil},
		{strings.Repeat("あ", 100) + "図書館" + strings.Repeat("い", 100), []string{"図書館"}, false,
			[]string{"…" + strings.Repeat("あ", 20) + "<mark>図書館</mark>" + strings.Repeat("い", 57) + "…"}},
	}
	for _, tt := range tests {
		if got := snippets(tt.text, tt.needles, tt.whole); !slices.Equal(got, tt.want) {
			t.Errorf("snippets(%.20q, %v) = %q, want %q", tt.text, tt.needles, got, tt.want)
		}
	}
}
