package search

import (
	"slices"
	"testing"
)

func TestWhenTerms(t *testing.T) {
	tests := []struct {
		from, to  string
		has, hasn []string
	}{
		{"1966-01-09", "1966-01-09", []string{"1966年", "1960年代", "昭和41年", "昭和40年代", "昭和", "1月", "1966年1月"}, []string{"1965年", "昭和30年代"}},
		{"1955-01-01", "1964-12-31", []string{"1955年", "1964年", "1950年代", "1960年代", "昭和30年", "昭和39年", "昭和30年代"}, []string{"昭和40年代", "1月"}},
		{"1989-01-01", "1989-12-31", []string{"昭和64年", "平成1年", "昭和", "平成", "1980年代"}, []string{"12月"}},
		{"2026-12-19", "2026-12-19", []string{"12月", "2026年12月", "令和8年"}, []string{"11月"}},
		// Eras by their days: 昭和 ended on 1989-01-07, 大正 on 1926-12-24.
		{"1989-01-08", "1989-12-31", []string{"平成1年", "平成", "1989年"}, []string{"昭和64年", "昭和"}},
		{"1989-01-01", "1989-01-07", []string{"昭和64年", "昭和", "1989年"}, []string{"平成1年", "平成"}},
		{"1926-12-25", "1926-12-31", []string{"昭和1年", "昭和"}, []string{"大正15年", "大正"}},
		{"1926-01-01", "1926-12-24", []string{"大正15年", "大正10年代"}, []string{"昭和1年", "昭和"}},
		{"1868-01-01", "1868-01-24", []string{"1868年"}, []string{"明治1年", "明治"}},
	}
	for _, tt := range tests {
		got := whenTerms(tt.from, tt.to)
		for _, w := range tt.has {
			if !slices.Contains(got, w) {
				t.Errorf("whenTerms(%s, %s) lacks %s: %v", tt.from, tt.to, w, got)
			}
		}
		for _, w := range tt.hasn {
			if slices.Contains(got, w) {
				t.Errorf("whenTerms(%s, %s) has %s: %v", tt.from, tt.to, w, got)
			}
		}
	}
	if got := whenTerms("2020-01-01", "2019-01-01"); got != nil {
		t.Errorf("backwards range: %v", got)
	}
}

func TestPeriodTerm(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"1960年代", "1960年代", true},
		{"1960s", "1960年代", true},
		{"昭和40年代", "昭和40年代", true},
		{"昭和39年", "昭和39年", true},
		{"昭和元年", "昭和1年", true},
		{"１９６４年", "1964年", true},
		{"1964", "1964年", true},
		{"昭和", "昭和", true},
		{"12月", "12月", true},
		{"2026年12月", "2026年12月", true},
		{"13月", "", false},
		{"24時間", "", false},
		{"図書館", "", false},
		{"0422", "", false},
	}
	for _, tt := range tests {
		got, ok := periodTerm(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("periodTerm(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := periodsIn("昭和の図書館"); !slices.Equal(got, []string{"昭和"}) {
		t.Errorf("periodsIn(昭和の図書館) = %v", got)
	}
}
