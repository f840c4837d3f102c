package datasets

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A photo's date is often a period, not a day: archives write 昭和40年代,
// 1960年代後半, 大正末期 or 昭和30年頃 because nobody knows the day. The
// portal keeps such a date as the range of days it may mean, so that a
// search for a period finds every photo whose range overlaps it.

// span is a range of days, both ends full dates.
type span struct{ from, to civil }

func (sp span) valid() bool { return !sp.to.before(sp.from) }

// yearSpan is the span from 1 January of a to 31 December of b.
func yearSpan(a, b int) span { return span{civil{a, 1, 1}, civil{b, 12, 31}} }

// dateSpan is the span of days a date at its precision covers.
func dateSpan(c civil) span {
	switch {
	case c.d != 0:
		return span{c, c}
	case c.m != 0:
		return span{civil{c.y, c.m, 1}, civil{c.y, c.m, daysIn(c.y, c.m)}}
	}
	return yearSpan(c.y, c.y)
}

// ParsePeriod reads a photo's date, exact or approximate, and returns the
// first and last day it may mean as ISO 8601 dates (2006-01-02). Read, after
// NFKC and with spaces ignored:
//   - every date ParseDate reads, at its precision (1965-04 is April);
//   - a bare year (1965);
//   - decades: 1960年代, 1960s;
//   - centuries: 20世紀;
//   - eras: 昭和, 昭和時代, 昭和期, and era decades: 昭和40年代 (昭和40-49年,
//     1965-1974);
//   - any of these with a part: 前半 and 後半 (halves), 前期, 中期 and 後期
//     (thirds), 初期, 初頭, 初め and 末期, 末 (the first or last quarter, at
//     most ten years: 大正末期 is 1923-1926, 昭和初期 1926-1935), 半ば and 中頃
//     (the middle two fifths);
//   - followed by 頃, ごろ or ころ (read as the period itself);
//   - two of these joined by 〜 or ~ (1960〜1965年).
//
// Era periods are cut at the era's first and last day: 昭和 is 1926-12-25
// to 1989-01-07. The current era ends, for now, at the end of this year.
func ParsePeriod(s string) (from, to string, ok bool) {
	sp, ok := readPeriod(normalizeCell(s))
	if !ok {
		return "", "", false
	}
	return sp.from.iso(), sp.to.iso(), true
}

// approxSuffixes mark a period as approximate; the range already is.
var approxSuffixes = []string{"頃", "ごろ", "ころ"}

// readPeriod is ParsePeriod on a normalised string.
func readPeriod(s string) (span, bool) {
	s = removeSpaces(s)
	for _, suf := range approxSuffixes {
		s = strings.TrimSuffix(s, suf)
	}
	if s == "" || len(s) > 60 {
		return span{}, false
	}
	if a, b, found := cutRange(s); found {
		pa, okA := readPeriod(a)
		pb, okB := readPeriod(b)
		sp := span{pa.from, pb.to}
		return sp, okA && okB && sp.valid()
	}
	if c, ok := readDate(s); ok {
		return dateSpan(c), true
	}
	if len(s) == 4 && allDigits(s) {
		y, _ := strconv.Atoi(s)
		return yearSpan(y, y), y >= 1000
	}
	if m := reDecade.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		return part(yearSpan(a*10, a*10+9), m[2])
	}
	if m := reCentury.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > 99 {
			return span{}, false
		}
		return part(yearSpan((n-1)*100+1, n*100), m[2])
	}
	return readEraPeriod(s)
}

// cutRange splits "A〜B" at its one range mark.
func cutRange(s string) (a, b string, found bool) {
	for _, mark := range []string{"〜", "~"} {
		if a, b, found := strings.Cut(s, mark); found && a != "" && b != "" {
			return a, b, true
		}
	}
	return "", "", false
}

// The parts of a period, longest first where one is the prefix of another.
const periodParts = `時代|初期|前期|中期|後期|末期|前半|後半|初頭|初め|半ば|中頃|末|期`

var (
	reDecade    = regexp.MustCompile(`^(\d{3})0(?:年代|s)(` + periodParts + `)?$`)
	reCentury   = regexp.MustCompile(`^(\d{1,2})世紀(` + periodParts + `)?$`)
	reEraDecade = regexp.MustCompile(`^(\d)0年代(` + periodParts + `)?$`)
	rePart      = regexp.MustCompile(`^(` + periodParts + `)?$`)
)

// readEraPeriod reads 昭和, 昭和40年代 and their parts.
func readEraPeriod(s string) (span, bool) {
	for i, e := range eras {
		rest, found := strings.CutPrefix(s, e.name)
		if !found {
			continue
		}
		whole := span{e.start, eraEnd(i)}
		if m := rePart.FindStringSubmatch(rest); m != nil {
			return part(whole, m[1])
		}
		m := reEraDecade.FindStringSubmatch(rest)
		if m == nil {
			return span{}, false
		}
		n, _ := strconv.Atoi(m[1])
		first := e.start.y + max(n*10, 1) - 1 // "昭和00年代": from 元年
		sp, ok := part(yearSpan(first, e.start.y+n*10+8), m[2])
		sp = clip(sp, whole)
		return sp, ok && sp.valid()
	}
	return span{}, false
}

// eraEnd is the last day of eras[i]: the day before the next one began,
// or the end of this year for the current era.
func eraEnd(i int) civil {
	if i == 0 {
		return civil{time.Now().Year(), 12, 31}
	}
	next := eras[i-1].start
	t := time.Date(next.y, time.Month(next.m), next.d-1, 0, 0, 0, 0, time.UTC)
	return civil{t.Year(), int(t.Month()), t.Day()}
}

// clip cuts sp to within; the result may be invalid (大正20年代).
func clip(sp, within span) span {
	if sp.from.before(within.from) {
		sp.from = within.from
	}
	if within.to.before(sp.to) {
		sp.to = within.to
	}
	return sp
}

// part is the named part of a span of whole years (see ParsePeriod); an
// era's span starts and ends on its own days, which a part keeps.
func part(sp span, name string) (span, bool) {
	a, b := sp.from.y, sp.to.y
	n := b - a + 1
	edge := max(1, min(10, (n+3)/4)) // 初期 and 末期
	third := (n + 2) / 3
	switch name {
	case "", "時代", "期":
		return sp, sp.valid()
	case "前半":
		b = a + n/2 - 1
	case "後半":
		a = a + n/2
	case "前期":
		b = a + third - 1
	case "中期":
		a, b = a+third, b-third
	case "後期":
		a = b - third + 1
	case "初期", "初頭", "初め":
		b = a + edge - 1
	case "末期", "末":
		a = b - edge + 1
	case "半ば", "中頃":
		a, b = a+n*3/10, b-n*3/10
	default:
		return span{}, false
	}
	if b < a {
		b = a
	}
	return clip(yearSpan(a, b), sp), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// PeriodIn is a period named inside a longer text.
type PeriodIn struct {
	From, To   string // ISO 8601 dates, as ParsePeriod returns them
	Start, End int    // the name's byte offsets in the normalised text
}

// rePeriodIn finds candidate period names in free text; ParsePeriod decides.
var rePeriodIn = regexp.MustCompile(`(?:明治|大正|昭和|平成|令和)(?:\d{1,2}0年代|(?:\d{1,2}|元)年(?:\d{1,2}月(?:\d{1,2}日)?)?)?` +
	`(?:` + periodParts + `)?(?:頃|ごろ|ころ)?` +
	`|\d{3}0(?:年代|s)(?:` + periodParts + `)?(?:頃|ごろ|ころ)?` +
	`|\d{1,2}世紀(?:` + periodParts + `)?` +
	`|\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:頃|ごろ|ころ)?` +
	`|\d{4}`)

// PeriodsIn finds the periods named in free text such as a search query
// (昭和の駅前: 昭和; 1960年代 商店街: 1960年代) and returns the text after
// NFKC with their offsets in it. A bare number counts only as a year from
// 1800 to 2100 standing alone ("1964 五輪", not "10000").
func PeriodsIn(s string) (normalized string, periods []PeriodIn) {
	s = normalizeCell(s)
	for _, m := range rePeriodIn.FindAllStringIndex(s, -1) {
		name := s[m[0]:m[1]]
		if allDigits(name) {
			y, _ := strconv.Atoi(name)
			if y < 1800 || y > 2100 || m[0] > 0 && isDigit(s[m[0]-1]) || m[1] < len(s) && isDigit(s[m[1]]) {
				continue
			}
		}
		if from, to, ok := ParsePeriod(name); ok {
			periods = append(periods, PeriodIn{From: from, To: to, Start: m[0], End: m[1]})
		}
	}
	return s, periods
}
