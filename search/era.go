package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/machi-opendata/portal/catalog/era"
)

// Dates are searched by the periods people name them by: a photo taken in
// 1966 is found by 1966年, 1960年代, 昭和41年, 昭和40年代 and 昭和, and one
// dated 昭和30年代 (1955-1964) by each year and decade it may fall in. Each
// document with a date range gets these names as "when" terms (whenTerms);
// a query word that names a period (periodTerm) looks them up. The field's
// length norm does the rest: a photo of exactly 1955 outranks one of
// somewhere in 昭和30年代 for 1955年.

// eraNames matches the name of an era since 明治.
var eraNames = func() string {
	var names []string
	for _, e := range era.Eras() {
		names = append(names, e.Name)
	}
	return "(" + strings.Join(names, "|") + ")"
}()

// The forms of a query word that name a "when" term (periodTerm).
var (
	reYear      = regexp.MustCompile(`^(\d{4})年?$`)
	reYearMonth = regexp.MustCompile(`^(\d{4})年(\d{1,2})月$`)
	reDecade    = regexp.MustCompile(`^(\d{3})0(?:年代|s)$`)
	reEraYear   = regexp.MustCompile(`^` + eraNames + `(\d{1,2}|元)年$`)
	reEraDecade = regexp.MustCompile(`^` + eraNames + `(\d)0年代$`)
	reEraOnly   = regexp.MustCompile(`^` + eraNames + `(?:時代|期)?$`)
	reMonth     = regexp.MustCompile(`^(\d{1,2})月$`)
)

// parsePeriod reads a date or a period as archives write them (1964-10-10,
// 1965-04, 1970年代, 昭和30年代, 昭和43年, 大正末期) and returns its first and
// last day as ISO 8601 dates; the datasets read photos' dates the same way.
func parsePeriod(s string) (from, to string, ok bool) { return era.ParsePeriod(s) }

// maxMonthsSpan bounds the ranges named by month: an event of a season
// is, a year (a photo dated 1955) is not.
const maxMonthsSpan = 200 * 24 * time.Hour

// maxWhenYears bounds the years a range is named by year; longer ranges
// (a dataset's temporal coverage of a century) get decades and eras only.
const maxWhenYears = 60

// whenTerms names the period from..to (ISO dates) every way periodTerm
// reads: years (1966年), decades (1960年代), era years (昭和41年), era
// decades (昭和40年代) and eras (昭和); and months (12月, 2026年12月) for
// ranges shorter than maxMonthsSpan, which is what events need.
func whenTerms(from, to string) []string {
	f, err1 := time.Parse("2006-01-02", from)
	t, err2 := time.Parse("2006-01-02", to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return nil
	}
	seen := make(map[string]bool)
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	fy, ty := f.Year(), t.Year()
	eras := era.Eras()
	for y := fy; y <= ty; y++ {
		if ty-fy < maxWhenYears {
			add(fmt.Sprintf("%d年", y))
		}
		add(fmt.Sprintf("%d年代", y/10*10))
		// Only the eras the range's days in y fall in: a photo of
		// 1989-01-20 is 平成1年, not 昭和64年, which ended on the 7th.
		lo := max(from, fmt.Sprintf("%04d-01-01", y))
		hi := min(to, fmt.Sprintf("%04d-12-31", y))
		for _, e := range eras {
			if hi < e.From || e.To != "" && lo > e.To {
				continue
			}
			n := y - e.Year + 1
			if ty-fy < maxWhenYears {
				add(fmt.Sprintf("%s%d年", e.Name, n))
			}
			if n >= 10 {
				add(fmt.Sprintf("%s%d年代", e.Name, n/10*10))
			}
			add(e.Name)
		}
	}
	if t.Sub(f) <= maxMonthsSpan {
		for m := time.Date(fy, f.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(t); m = m.AddDate(0, 1, 0) {
			add(fmt.Sprintf("%d月", int(m.Month())))
			add(fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())))
		}
	}
	return out
}

// periodTerm returns the "when" term a query word names, if it names a
// period: 1960年代, 1960s, 昭和40年代, 昭和39年, 1964年, 1964, 昭和, 12月,
// 2026年12月. The word is folded text.
func periodTerm(word string) (string, bool) {
	s := strings.ReplaceAll(norm.NFKC.String(word), " ", "")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "頃"), "ごろ")
	switch m := reMonth.FindStringSubmatch(s); {
	case m != nil:
		n, _ := strconv.Atoi(m[1])
		if n >= 1 && n <= 12 {
			return fmt.Sprintf("%d月", n), true
		}
		return "", false
	}
	if m := reEraOnly.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if m := reDecade.FindStringSubmatch(s); m != nil {
		return m[1] + "0年代", true
	}
	if m := reEraDecade.FindStringSubmatch(s); m != nil {
		return m[1] + m[2] + "0年代", true
	}
	if m := reEraYear.FindStringSubmatch(s); m != nil {
		n := m[2]
		if n == "元" {
			n = "1"
		}
		n = strings.TrimLeft(n, "0")
		return m[1] + n + "年", true
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		if y, _ := strconv.Atoi(m[1]); y >= 1868 && y <= 2100 {
			return m[1] + "年", true
		}
		return "", false
	}
	if m := reYearMonth.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s年%d月", m[1], n), true
	}
	return "", false
}

// periodsIn finds the period names inside a longer query word, such as
// the 昭和 of 昭和の図書館.
var rePeriodIn = regexp.MustCompile(eraNames + `(?:\d{1,2}年代|(?:\d{1,2}|元)年)?|\d{3}0年代|\d{4}年|\d{1,2}月`)

func periodsIn(word string) []string {
	var out []string
	for _, m := range rePeriodIn.FindAllString(norm.NFKC.String(word), -1) {
		if t, ok := periodTerm(m); ok {
			out = append(out, t)
		}
	}
	return out
}
