package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Dates are searched by the periods people name them by: a photo taken in
// 1966 is found by 1966年, 1960年代, 昭和41年, 昭和40年代 and 昭和, and one
// dated 昭和30年代 (1955-1964) by each year and decade it may fall in. Each
// document with a date range gets these names as "when" terms (whenTerms);
// a query word that names a period (periodTerm) looks them up. The field's
// length norm does the rest: a photo of exactly 1955 outranks one of
// somewhere in 昭和30年代 for 1955年.

// era is a Japanese era and the Gregorian year of its first year.
type era struct {
	name  string
	start int // Gregorian year of year 1
	end   int // Gregorian year of the last year
}

var eras = []era{
	{"明治", 1868, 1912}, {"大正", 1912, 1926}, {"昭和", 1926, 1989},
	{"平成", 1989, 2019}, {"令和", 2019, 9999},
}

func eraNamed(name string) (era, bool) {
	for _, e := range eras {
		if e.name == name {
			return e, true
		}
	}
	return era{}, false
}

const eraNames = `(明治|大正|昭和|平成|令和)`

var (
	reISODay    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})`)
	reISOMonth  = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
	reYear      = regexp.MustCompile(`^(\d{4})年?$`)
	reYMD       = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?$`)
	reDecade    = regexp.MustCompile(`^(\d{3})0(?:年代|s)(前半|後半)?$`)
	reEraDate   = regexp.MustCompile(`^` + eraNames + `(\d{1,2}|元)年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$`)
	reEraDecade = regexp.MustCompile(`^` + eraNames + `(\d)0年代(前半|後半)?$`)
	reEraOnly   = regexp.MustCompile(`^` + eraNames + `(?:時代|期)?$`)
	reMonth     = regexp.MustCompile(`^(\d{1,2})月$`)
)

// parsePeriod reads a date or a period as archives write them (1964-10-10,
// 1965-04, 1970年代, 昭和30年代, 昭和43年, 昭和29年11月3日, 1964年) and
// returns its first and last day as ISO 8601 dates. ok is false for text it
// does not read.
func parsePeriod(s string) (from, to string, ok bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	s = strings.ReplaceAll(s, " ", "")
	atoi := func(x string) int {
		if x == "元" {
			return 1
		}
		n, _ := strconv.Atoi(x)
		return n
	}
	day := func(y, m, d int) (string, string, bool) {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if m < 1 || m > 12 || d < 1 || t.Day() != d {
			return "", "", false
		}
		iso := t.Format("2006-01-02")
		return iso, iso, true
	}
	month := func(y, m int) (string, string, bool) {
		if m < 1 || m > 12 {
			return "", "", false
		}
		first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		return first.Format("2006-01-02"), first.AddDate(0, 1, -1).Format("2006-01-02"), true
	}
	years := func(a, b int) (string, string, bool) {
		return fmt.Sprintf("%04d-01-01", a), fmt.Sprintf("%04d-12-31", b), true
	}
	half := func(a, b int, h string) (int, int) {
		switch h {
		case "前半":
			return a, a + 4
		case "後半":
			return a + 5, b
		}
		return a, b
	}
	if m := reISODay.FindStringSubmatch(s); m != nil {
		return day(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := reISOMonth.FindStringSubmatch(s); m != nil {
		return month(atoi(m[1]), atoi(m[2]))
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		return years(atoi(m[1]), atoi(m[1]))
	}
	if m := reYMD.FindStringSubmatch(s); m != nil {
		if m[3] == "" {
			return month(atoi(m[1]), atoi(m[2]))
		}
		return day(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := reDecade.FindStringSubmatch(s); m != nil {
		a := atoi(m[1]) * 10
		return years(half(a, a+9, m[2]))
	}
	if m := reEraDate.FindStringSubmatch(s); m != nil {
		e, _ := eraNamed(m[1])
		y := e.start + atoi(m[2]) - 1
		if y > e.end {
			return "", "", false
		}
		switch {
		case m[4] != "":
			return day(y, atoi(m[3]), atoi(m[4]))
		case m[3] != "":
			return month(y, atoi(m[3]))
		}
		return years(y, y)
	}
	if m := reEraDecade.FindStringSubmatch(s); m != nil {
		e, _ := eraNamed(m[1])
		n := atoi(m[2]) * 10
		a, b := half(e.start+n-1, e.start+n+8, m[3])
		if a > e.end {
			return "", "", false
		}
		return years(a, min(b, e.end))
	}
	if m := reEraOnly.FindStringSubmatch(s); m != nil {
		e, _ := eraNamed(m[1])
		return years(e.start, min(e.end, time.Now().Year()))
	}
	return "", "", false
}

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
	for y := fy; y <= ty; y++ {
		if ty-fy < maxWhenYears {
			add(fmt.Sprintf("%d年", y))
		}
		add(fmt.Sprintf("%d年代", y/10*10))
		for _, e := range eras {
			if y < e.start || y > e.end {
				continue
			}
			n := y - e.start + 1
			if ty-fy < maxWhenYears {
				add(fmt.Sprintf("%s%d年", e.name, n))
			}
			if n >= 10 {
				add(fmt.Sprintf("%s%d年代", e.name, n/10*10))
			}
			add(e.name)
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
	if m := reDecade.FindStringSubmatch(s); m != nil && m[2] == "" {
		return m[1] + "0年代", true
	}
	if m := reEraDecade.FindStringSubmatch(s); m != nil && m[3] == "" {
		return m[1] + m[2] + "0年代", true
	}
	if m := reEraDate.FindStringSubmatch(s); m != nil && m[3] == "" {
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
	if m := reYMD.FindStringSubmatch(s); m != nil && m[3] == "" {
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
