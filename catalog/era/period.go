package era

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// A photo's date is often a period, not a day: archives write 昭和40年代,
// 1960年代後半, 大正末期 or 昭和30年頃 because nobody knows the day. Such a
// date is kept as the range of days it may mean, so that a search for a
// period finds every photo whose range overlaps it.

// span is a range of days, both ends full dates.
type span struct{ from, to civil }

func (sp span) valid() bool { return !sp.to.before(sp.from) }

// inRange tells whether sp lies in the years 1000 to 9999, the only ones
// ISO 8601 writes with four digits and an archive can mean.
func (sp span) inRange() bool { return sp.valid() && sp.from.y >= 1000 && sp.to.y <= 9999 }

// yearSpan is the span from 1 January of a to 31 December of b.
func yearSpan(a, b int) span { return span{civil{a, 1, 1}, civil{b, 12, 31}} }

// ParsePeriod reads a date, exact or approximate, and returns the first and
// last day it may mean as ISO 8601 dates (2006-01-02). Read, after NFKC
// (full-width digits, ㍼) and with spaces ignored:
//   - dates at their precision: 1965-04-01, 1965/4/1, 1965-04 (April),
//     1965年4月, 1965年, 昭和40年, 昭和29年11月3日, 平成三十一年四月三十日,
//     R5.4.1, S40, and a day with a time (1964-10-10T10:00);
//   - a bare year (1965);
//   - decades: 1960年代, 1960s;
//   - centuries: 20世紀;
//   - eras: 昭和, 昭和時代, 昭和期, and era decades: 昭和40年代 (昭和40-49年,
//     1965-1974), 昭和四十年代;
//   - any of these with a part: 前半 and 後半 (halves), 前期, 中期 and 後期
//     (thirds), 初期, 初頭, 初め and 末期, 末 (the first or last quarter, at
//     most ten years: 大正末期 is 1923-1926, 昭和初期 1926-1935), 半ば and 中頃
//     (the middle two fifths);
//   - followed by 頃, ごろ or ころ (read as the period itself);
//   - two of these joined by 〜, ~, or a dash (1960〜1965年, 1965-1970),
//     the second taking the first's era if it names none (昭和30年〜35年).
//
// Eras and their parts and decades are cut at the era's first and last day:
// 昭和 is 1926-12-25 to 1989-01-07, 昭和64年 1989-01-01 to 1989-01-07. The
// current era ends, for now, at the end of this year. An era's numbering
// past its days is read as written, as forms printed before an era changed
// go on being filled in: 平成32年 is 2020, 令和元年4月 April 2019. 明治1年
// to 明治5年 are lunisolar years (明治3年 is 1870-02-01 to 1871-02-18),
// whose months and days are read as their year. Every period lies in the
// years 1000 to 9999.
func ParsePeriod(s string) (from, to string, ok bool) {
	sp, ok := readPeriod(s)
	if !ok {
		return "", "", false
	}
	return sp.from.iso(), sp.to.iso(), true
}

// maxInput bounds the text read, before and after normalising: no period
// is longer, and NFKC need not run over a page of text.
const (
	maxInput  = 200
	maxPeriod = 60
)

// readPeriod is ParsePeriod's span.
func readPeriod(s string) (span, bool) {
	if len(s) > maxInput {
		return span{}, false
	}
	s = strings.TrimFunc(norm.NFKC.String(s), isSpace)
	if sp, ok := readDateTime(s); ok {
		return sp, true
	}
	s = compact(s)
	if s == "" || len(s) > maxPeriod {
		return span{}, false
	}
	if sp, ok := readOne(s); ok {
		return sp, true
	}
	return readRange(s)
}

// isSpace is a space, U+3000 included, or a stray byte order mark.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

// compact drops every space: people space out dates (2023 年 4 月 1 日).
// Most text has none, and then it costs no allocation.
func compact(s string) string {
	if strings.IndexFunc(s, isSpace) < 0 {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, isSpace), "")
}

// reDateTime is a day with a time of day, as cameras and databases write
// it; the time is dropped, as spaces are before any other form is read.
var reDateTime = regexp.MustCompile(`^(\d{4}[-/]\d{1,2}[-/]\d{1,2})(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$`)

// readDateTime reads a day with a time.
func readDateTime(s string) (span, bool) {
	m := reDateTime.FindStringSubmatch(s)
	if m == nil {
		return span{}, false
	}
	d, ok := readDate(m[1])
	if !ok || d.c.d == 0 {
		return span{}, false
	}
	return dateSpan(d)
}

// approxSuffixes mark a period as approximate; the range already is.
var approxSuffixes = [...]string{"頃", "ごろ", "ころ"}

// readOne reads a period that is not a range.
func readOne(s string) (span, bool) {
	for _, suf := range approxSuffixes {
		s = strings.TrimSuffix(s, suf)
	}
	sp, ok := readForm(s)
	return sp, ok && sp.inRange()
}

// The parts of a period, longest first where one is the prefix of another.
const periodParts = `時代|初期|前期|中期|後期|末期|前半|後半|初頭|初め|半ば|中頃|末|期`

var (
	reDecade  = regexp.MustCompile(`^(\d{3})0(?:年代|s)(` + periodParts + `)?$`)
	reCentury = regexp.MustCompile(`^(\d{1,2})世紀(` + periodParts + `)?$`)
	rePart    = regexp.MustCompile(`^(` + periodParts + `)?$`)
)

// readForm reads each form of ParsePeriod but ranges, without 頃.
func readForm(s string) (span, bool) {
	if d, ok := readDate(s); ok {
		return dateSpan(d)
	}
	if len(s) == 4 && allDigits(s) {
		y, _ := strconv.Atoi(s)
		return yearSpan(y, y), true
	}
	if m := reDecade.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		return part(yearSpan(a*10, a*10+9), m[2])
	}
	if m := reCentury.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return part(yearSpan((n-1)*100+1, n*100), m[2])
	}
	return readEraPeriod(s)
}

// dateSpan is the span of days a date at its precision covers, cut to its
// era's days where it overlaps them (平成元年 begins on 1989-01-08) and as
// written where it does not (平成32年: see ParsePeriod).
func dateSpan(d eraDate) (span, bool) {
	if lunisolar(d) {
		return span{meijiNewYears[d.year-1], dayBefore(meijiNewYears[d.year])}, true
	}
	sp := daySpan(d.c)
	if d.era < 0 {
		return sp, true
	}
	if in := clip(sp, span{eras[d.era].start, eraEnd(d.era)}); in.valid() {
		return in, true
	}
	return sp, true
}

// daySpan is the span of days c covers at its precision, in the Gregorian
// calendar.
func daySpan(c civil) span {
	switch {
	case c.d != 0:
		return span{c, c}
	case c.m != 0:
		return span{civil{c.y, c.m, 1}, civil{c.y, c.m, daysIn(c.y, c.m)}}
	}
	return yearSpan(c.y, c.y)
}

// readRange reads two periods joined by a range mark: the first with the
// mark between two periods, so that a dash inside a date (1965-04〜1966-03,
// 1965-04-1966) does not split it.
func readRange(s string) (span, bool) {
	for _, mark := range [...]string{"〜", "~", "-", "–", "—", "−"} {
		for i := 0; ; {
			j := strings.Index(s[i:], mark)
			if j < 0 {
				break
			}
			a, b := s[:i+j], s[i+j+len(mark):]
			i += j + len(mark)
			if sp, ok := joinRange(a, b); ok {
				return sp, true
			}
		}
	}
	return span{}, false
}

// joinRange is the span from period a to period b; b takes a's era if it
// names none (the 35年 of 昭和30年〜35年).
func joinRange(a, b string) (span, bool) {
	pa, ok := readOne(a)
	if !ok || b == "" {
		return span{}, false
	}
	pb, ok := readOne(b)
	if e, _ := cutEra(a); !ok && e >= 0 && startsWithYear(b) {
		pb, ok = readOne(eras[e].name + b)
	}
	sp := span{pa.from, pb.to}
	return sp, ok && sp.valid()
}

// startsWithYear tells whether s starts with an era year's number.
func startsWithYear(s string) bool {
	_, n, _ := ReadNumber(s)
	return n > 0 || strings.HasPrefix(s, "元")
}

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
		// An era decade: two digits or kanji numerals, 40 or 四十.
		n, digits, rest := ReadNumber(rest)
		name, isDecade := strings.CutPrefix(rest, "年代")
		if digits != 2 || n%10 != 0 || !isDecade || !rePart.MatchString(name) {
			return span{}, false
		}
		first := e.start.y + max(n, 1) - 1 // "昭和00年代": from 元年
		sp, ok := part(yearSpan(first, e.start.y+n+8), name)
		sp = clip(sp, whole)
		return sp, ok && sp.valid()
	}
	return span{}, false
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
	sp = clip(yearSpan(a, b), sp)
	return sp, sp.valid()
}
