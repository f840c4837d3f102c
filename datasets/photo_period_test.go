package datasets

import (
	"strconv"
	"testing"
	"time"
)

// TestEraPeriod checks the wrapper; catalog/era tests every form.
func TestEraPeriod(t *testing.T) {
	this := strconv.Itoa(time.Now().Year())
	tests := []struct {
		in       string
		from, to string // "" for not a period
	}{
		{"1964-10-10", "1964-10-10", "1964-10-10"},
		{"1965", "1965-01-01", "1965-12-31"},
		{"昭和40年代", "1965-01-01", "1974-12-31"},
		{"大正末期", "1923-01-01", "1926-12-24"},
		{"令和", "2019-05-01", this + "-12-31"},
		{"1960〜1965年", "1960-01-01", "1965-12-31"},
		{"昭和の駅前", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		from, to, ok := ParsePeriod(tt.in)
		if ok != (tt.from != "") || from != tt.from || to != tt.to {
			t.Errorf("ParsePeriod(%q) = %q, %q, %v; want %q, %q", tt.in, from, to, ok, tt.from, tt.to)
		}
	}
}

// TestEraPeriodsIn checks the wrapper; catalog/era tests the forms.
func TestEraPeriodsIn(t *testing.T) {
	norm, ps := PeriodsIn("昭和の駅前")
	if len(ps) != 1 || norm[ps[0].Start:ps[0].End] != "昭和" {
		t.Errorf("PeriodsIn(昭和の駅前) = %q, %+v", norm, ps)
	}
}

func TestEraFoldText(t *testing.T) {
	for in, want := range map[string]string{
		"ｴｷﾏｴ":        "えきまえ",
		"エキマエ　商店街":    "えきまえ 商店街",
		"  ＡＢＣ  def ": "abc def",
		"昭和40年代":      "昭和40年代",
	} {
		if got := FoldText(in); got != want {
			t.Errorf("FoldText(%q) = %q, want %q", in, got, want)
		}
	}
}
