package era

import (
	"testing"
	"time"
)

// FuzzParsePeriod: any text is read without a panic, and a period read is
// two real days in ISO 8601, the first not after the last; so is every
// period PeriodsIn finds, at offsets inside the text it returns.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"昭和40年代", "1960年代後半", "大正末期", "昭和30年頃", "1960〜1965年", "1965-1970",
		"昭和30年〜35年", "R5.4.1", "平成三十一年四月三十日", "2023年1月31日（火）", "1964-10-10T10:00:00", "明治3年4月5日",
		"令和元年", "昭和64年", "20世紀前半", "㍼40年代", "昭和の駅前 1964", "十十十年", "S0", "9999-12-31〜9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if from, to, ok := ParsePeriod(s); ok {
			checkRange(t, s, from, to)
		} else if from != "" || to != "" {
			t.Errorf("ParsePeriod(%q) = %q, %q, false", s, from, to)
		}
		norm, ps := PeriodsIn(s)
		for _, p := range ps {
			if p.Start < 0 || p.Start >= p.End || p.End > len(norm) {
				t.Fatalf("PeriodsIn(%q): %+v outside %q", s, p, norm)
			}
			checkRange(t, s, p.From, p.To)
		}
	})
}

func checkRange(t *testing.T, s, from, to string) {
	t.Helper()
	f, err1 := time.Parse(time.DateOnly, from)
	l, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || l.Before(f) || f.Format(time.DateOnly) != from || l.Format(time.DateOnly) != to {
		t.Errorf("%q reads as %q to %q", s, from, to)
	}
}
