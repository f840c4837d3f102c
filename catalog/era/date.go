package era

import (
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ParseDate reads a date of the Gregorian calendar, Western or of an era,
// and returns it in ISO 8601 at the precision written: "2023-04-01",
// "2023-04" or "2023". It reads the forms readDate does, after NFKC
// (full-width digits, ㍻, ㋿) and with spaces ignored.
//
// Unlike ParsePeriod, which reads what a text may mean, it takes only a
// date that names days as written, so that a caller can keep any other text
// as it is: not a bare year (2023, a number to a table), a date with a
// time, a date before its era began (令和元年4月, 平成元年1月7日), nor 明治1年
// to 明治5年, lunisolar years whose months and days are no Gregorian ones.
// Western years are taken as Gregorian (1707年12月16日).
func ParseDate(s string) (iso string, ok bool) {
	if len(s) > maxInput {
		return "", false
	}
	return ParseNormalDate(norm.NFKC.String(s))
}

// ParseNormalDate is ParseDate of text already in NFKC: a CSV reader that
// normalised its cells once should not pay for it again on every cell it
// tries as a date.
func ParseNormalDate(s string) (iso string, ok bool) {
	if len(s) > maxInput {
		return "", false
	}
	d, ok := readDate(compact(s))
	if !ok || !namesGregorianDays(d) {
		return "", false
	}
	return d.c.iso(), true
}

// namesGregorianDays tells whether an era date means days its era counted
// in the Gregorian calendar: not lunisolar ones, and not all before the
// era's first day. An era's numbering past its end is kept, as ParsePeriod
// keeps it (平成32年 is 2020). A Western date always does.
func namesGregorianDays(d eraDate) bool {
	if d.era < 0 {
		return true
	}
	return !lunisolar(d) && !daySpan(d.c).to.before(eras[d.era].start)
}

// eraDate is a date as written: c at its precision and, for an era date,
// the era (an index into eras, else -1) and the year's number in it.
type eraDate struct {
	c    civil
	era  int
	year int
}

// readDate reads a normalised string without spaces as a date at the
// precision written: 2023-04-01, 2023/4/1, 2023.4.1, 2023-04, 2023/4,
// 2023年4月1日, 2023年4月 and 2023年; the eras written out or as
// M/T/S/H/R, with 元年 and kanji numerals (令和5年4月1日, 令和元年5月,
// 平成三十一年四月三十日, R5.4.1, H31.4.30, S40); a trailing weekday in
// parentheses ("2023年1月31日(火)"), not checked against the date. Not
// read: a bare number ("1965" is a year only to readOne), "2023.4" (a
// number), year 0 of an era or more than eraOverrun years past its end.
func readDate(s string) (eraDate, bool) {
	s = stripWeekday(s)
	if s == "" || len(s) > 40 {
		return eraDate{}, false
	}
	e, s := cutEra(s)
	var year, n int
	if e >= 0 && strings.HasPrefix(s, "元") {
		year, s = 1, s[len("元"):]
	} else {
		year, n, s = ReadNumber(s)
		if n == 0 || e < 0 && n != 4 || e >= 0 && n > 2 {
			return eraDate{}, false
		}
	}
	// The separator after the year sets the style: 年月日 or one of - / .
	var sep string
	switch {
	case strings.HasPrefix(s, "年"):
		sep, s = "年", s[len("年"):]
	case s == "":
		if e < 0 {
			return eraDate{}, false // a bare number
		}
	case len(s) > 1 && (s[0] == '-' || s[0] == '/' || s[0] == '.'):
		sep, s = s[:1], s[1:]
	default:
		return eraDate{}, false
	}
	d := eraDate{c: civil{y: year}, era: e, year: year}
	if e >= 0 {
		if year < 1 || eras[e].lastYear > 0 && year > eras[e].lastYear+eraOverrun {
			return eraDate{}, false
		}
		d.c.y = eras[e].start.y + year - 1
	}
	if s != "" {
		var ok bool
		if d.c.m, d.c.d, ok = readMonthDay(s, sep, d); !ok {
			return eraDate{}, false
		}
	}
	if sep != "年" && d.c.m == 0 && e < 0 {
		return eraDate{}, false // "2023-" or "2023/"
	}
	return d, 1000 <= d.c.y && d.c.y <= 9999
}

// readMonthDay reads the month and day after a date's year and its
// separator sep.
func readMonthDay(s, sep string, d eraDate) (m, day int, ok bool) {
	m, n, s := ReadNumber(s)
	if n == 0 || n > 2 || m < 1 || m > 12 {
		return 0, 0, false
	}
	switch {
	case sep == "年" && strings.HasPrefix(s, "月"):
		s = s[len("月"):]
	case sep != "年" && len(s) > 1 && strings.HasPrefix(s, sep):
		s = s[1:]
	case sep != "年" && s == "":
		if sep == "." && d.era < 0 {
			return 0, 0, false // "2023.4" is a number
		}
	default:
		return 0, 0, false
	}
	if s == "" {
		return m, 0, true
	}
	day, n, s = ReadNumber(s)
	if n == 0 || n > 2 || day < 1 || day > monthLength(d, m) {
		return 0, 0, false
	}
	if sep == "年" {
		s = strings.TrimPrefix(s, "日")
	}
	return m, day, s == ""
}

// monthLength is the length of month m in d's year; a lunisolar month
// (before 明治6年) had up to 30 days.
func monthLength(d eraDate, m int) int {
	if lunisolar(d) {
		return 30
	}
	return daysIn(d.c.y, m)
}

// lunisolar tells whether d is dated in the lunisolar calendar.
func lunisolar(d eraDate) bool {
	return d.era >= 0 && eras[d.era].name == "明治" && d.year < len(meijiNewYears)
}

// cutEra removes a leading era, written out (昭和) or as its letter (S40,
// s40: a letter counts only before a number), and returns its index in
// eras, or -1 for none.
func cutEra(s string) (int, string) {
	for i, e := range eras {
		if rest, found := strings.CutPrefix(s, e.name); found {
			return i, rest
		}
	}
	if len(s) < 2 || !isDigit(s[1]) && !strings.HasPrefix(s[1:], "元") {
		return -1, s
	}
	for i, e := range eras {
		if s[0] == e.letter || s[0] == e.letter+'a'-'A' {
			return i, s[1:]
		}
	}
	return -1, s
}

// stripWeekday removes a trailing weekday in parentheses: "(火)", "(月・休)",
// "(祝)", "(Tue)".
func stripWeekday(s string) string {
	if !strings.HasSuffix(s, ")") {
		return s
	}
	open := strings.LastIndexByte(s, '(')
	if open < 0 {
		return s
	}
	inner := strings.ToLower(s[open+1 : len(s)-1])
	if inner == "" {
		return s
	}
	switch strings.TrimSuffix(inner, ".") {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return s[:open]
	}
	for _, r := range inner {
		if !strings.ContainsRune("日月火水木金土祝休曜・,、", r) {
			return s
		}
	}
	return s[:open]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// kanjiDigit is the value of a kanji numeral, or -1.
func kanjiDigit(r rune) int {
	if i := strings.IndexRune("〇一二三四五六七八九", r); i >= 0 {
		return i / len("〇")
	}
	if r == '零' {
		return 0
	}
	return -1
}

// ReadNumber reads a leading number in ASCII digits or kanji numerals
// ("三十一", "二〇二三") and returns it, how many digits it has (for kanji,
// of its value) and the rest of s; n is 0 when s does not start with one.
// It is exported for the times of day written beside dates (十時三十分),
// whose numerals are these.
func ReadNumber(s string) (v, n int, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) && i < 9 {
		v = v*10 + int(s[i]-'0')
		i++
	}
	if i > 0 {
		return v, i, s[i:]
	}
	// Kanji numerals: positional (二〇二三) or with one 十 (三十一).
	total, cur, tens, end := 0, -1, false, 0
	for j, r := range s {
		if d := kanjiDigit(r); d >= 0 && cur < 1e8 {
			cur = max(cur, 0)*10 + d
		} else if r == '十' && !tens {
			if cur < 0 {
				cur = 1
			}
			total, cur, tens = cur*10, -1, true
		} else {
			break
		}
		end = j + len(string(r))
	}
	if end == 0 {
		return 0, 0, s
	}
	total += max(cur, 0)
	return total, len(strconv.Itoa(total)), s[end:]
}
