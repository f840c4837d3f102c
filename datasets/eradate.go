package datasets

import (
	"fmt"
	"strings"
	"time"
)

// era is a Japanese era since the Gregorian calendar was adopted.
type era struct {
	name     string
	letter   byte // as in "R5.4.1"
	start    civil
	lastYear int // the era's last year number; 0 while it lasts
}

// civil is a calendar date; month and day 0 mean "not given".
type civil struct{ y, m, d int }

func (c civil) before(o civil) bool {
	switch {
	case c.y != o.y:
		return c.y < o.y
	case c.m == 0 || o.m == 0:
		return false
	case c.m != o.m:
		return c.m < o.m
	case c.d == 0 || o.d == 0:
		return false
	}
	return c.d < o.d
}

var eras = []era{
	{"令和", 'R', civil{2019, 5, 1}, 0},
	{"平成", 'H', civil{1989, 1, 8}, 31},
	{"昭和", 'S', civil{1926, 12, 25}, 64},
	{"大正", 'T', civil{1912, 7, 30}, 15},
	{"明治", 'M', civil{1868, 1, 1}, 45},
}

// gregorianFrom is 明治6年1月1日, when Japan left the lunisolar calendar:
// dates before it cannot be mapped to a Gregorian day from their text.
var gregorianFrom = civil{1873, 1, 1}

// eraOverrun is how many years past its end an era's numbering is still
// accepted: forms printed before an era changed go on being filled in
// ("平成32年" is 2020).
const eraOverrun = 10

// ParseDate reads a Japanese or Western date and returns it in ISO 8601 at
// the precision written: "2023-04-01", "2023-04" or "2023".
//
// Accepted, after NFKC (full-width digits, "㍻", "㋿") and with spaces
// ignored: 2023-04-01, 2023/4/1, 2023.4.1, 2023-04, 2023/4, 2023年4月1日,
// 2023年4月, 2023年; the eras 令和, 平成, 昭和, 大正 and 明治 written out or
// as M/T/S/H/R, with 元年 and kanji numerals (令和5年4月1日, 令和元年5月1日,
// 平成三十一年四月三十日, R5.4.1, R05/04/01, H31.4.30, S40, 昭和40年); a
// trailing weekday in parentheses ("2023年1月31日（火）", "（月・休）"), not
// checked against the date. Not accepted: a bare number ("2023", "20230401"),
// "2023.4" (a number), a date with a time, impossible days (2月30日), year 0
// of an era, a date before its era began (令和元年4月1日), more than 10 years
// past an era's end, and eras before 明治6年 (享保6年6月22日, 明治5年): the
// lunisolar calendar then cannot be mapped to a Gregorian day, so the caller
// keeps the text.
func ParseDate(s string) (iso string, ok bool) {
	return parseDate(normalizeCell(s))
}

// parseDate is ParseDate on a normalised string.
func parseDate(s string) (string, bool) {
	c, ok := readDate(s)
	if !ok {
		return "", false
	}
	return c.iso(), true
}

// readDate reads a normalised string as a date.
func readDate(s string) (civil, bool) {
	s = removeSpaces(stripWeekday(s))
	if s == "" || len(s) > 40 {
		return civil{}, false
	}
	var e *era
	for i := range eras {
		if strings.HasPrefix(s, eras[i].name) {
			e, s = &eras[i], s[len(eras[i].name):]
			break
		}
	}
	if e == nil && len(s) > 1 && (isDigit(s[1]) || strings.HasPrefix(s[1:], "元")) {
		for i := range eras {
			if s[0] == eras[i].letter || s[0] == eras[i].letter+'a'-'A' {
				e, s = &eras[i], s[1:]
				break
			}
		}
	}

	var year, n int
	if e != nil && strings.HasPrefix(s, "元") {
		year, s = 1, s[len("元"):]
	} else {
		year, n, s = readNumber(s)
		if n == 0 || (e == nil && n != 4) || (e != nil && n > 2) {
			return civil{}, false
		}
	}
	// The separator after the year sets the style: 年月日 or one of - / .
	var sep string
	switch {
	case strings.HasPrefix(s, "年"):
		sep, s = "年", s[len("年"):]
	case s == "":
		if e == nil {
			return civil{}, false // a bare number
		}
	case len(s) > 1 && (s[0] == '-' || s[0] == '/' || s[0] == '.'):
		sep, s = s[:1], s[1:]
	default:
		return civil{}, false
	}
	c := civil{y: year}
	if e != nil {
		c.y = e.start.y + year - 1
	}
	if s != "" {
		c.m, n, s = readNumber(s)
		if n == 0 || n > 2 || c.m < 1 || c.m > 12 {
			return civil{}, false
		}
		switch {
		case sep == "年" && strings.HasPrefix(s, "月"):
			s = s[len("月"):]
		case sep != "年" && len(s) > 1 && strings.HasPrefix(s, sep):
			s = s[1:]
		case sep != "年" && s == "":
			if sep == "." && e == nil {
				return civil{}, false // "2023.4" is a number
			}
		default:
			return civil{}, false
		}
		if s != "" {
			c.d, n, s = readNumber(s)
			if n == 0 || n > 2 || c.d < 1 || c.d > daysIn(c.y, c.m) {
				return civil{}, false
			}
			if sep == "年" {
				s = strings.TrimPrefix(s, "日")
			}
			if s != "" {
				return civil{}, false
			}
		}
	}
	if sep != "年" && c.m == 0 && e == nil {
		return civil{}, false
	}
	if e != nil {
		if year < 1 || e.lastYear > 0 && year > e.lastYear+eraOverrun {
			return civil{}, false
		}
		if c.before(e.start) || c.before(gregorianFrom) {
			return civil{}, false
		}
	}
	if c.y < 1000 || c.y > 9999 {
		return civil{}, false
	}
	return c, true
}

// iso formats c in ISO 8601 at its precision.
func (c civil) iso() string {
	switch {
	case c.d != 0:
		return fmt.Sprintf("%04d-%02d-%02d", c.y, c.m, c.d)
	case c.m != 0:
		return fmt.Sprintf("%04d-%02d", c.y, c.m)
	}
	return fmt.Sprintf("%04d", c.y)
}

func daysIn(y, m int) int {
	if m < 1 || m > 12 {
		return 0
	}
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
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
	inner := strings.ToLower(strings.TrimSpace(s[open+1 : len(s)-1]))
	if inner == "" {
		return s
	}
	switch strings.TrimSuffix(inner, ".") {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return strings.TrimSpace(s[:open])
	}
	for _, r := range inner {
		if !strings.ContainsRune("日月火水木金土祝休曜・,、 ", r) {
			return s
		}
	}
	return strings.TrimSpace(s[:open])
}

// removeSpaces drops every space; most cells have none, and then it costs
// no allocation.
func removeSpaces(s string) string {
	if strings.IndexByte(s, ' ') < 0 && strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.Join(strings.Fields(s), "")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var kanjiDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// readNumber reads a leading number in ASCII digits or kanji numerals
// ("三十一", "二〇二三") and returns it, how many digits it has (for kanji,
// of its value) and the rest of s; n is 0 when s does not start with one.
func readNumber(s string) (v, n int, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) && i < 9 {
		v = v*10 + int(s[i]-'0')
		i++
	}
	if i > 0 {
		return v, i, s[i:]
	}
	// Kanji numerals: positional (二〇二三) or with 十 (三十一).
	total, cur, tens := 0, -1, false
	end := 0
	for j, r := range s {
		if d, ok := kanjiDigits[r]; ok {
			if cur < 0 {
				cur = 0
			}
			cur = cur*10 + d
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
	if cur > 0 {
		total += cur
	}
	return total, len(fmt.Sprint(total)), s[end:]
}

// ParseTime reads a time of day and returns "15:04", or "15:04:05" when
// seconds are given: "9:00", "09:00", "17:00:30", "9時", "9時30分",
// "9時半", "１７：００", "午後3時", "3:00 PM". Hours run 0–24 (24 only as
// 24:00, the end of a day). Minutes and seconds after a colon need two
// digits ("9:5" is refused).
func ParseTime(s string) (hhmm string, ok bool) {
	return parseTime(normalizeCell(s))
}

func parseTime(s string) (string, bool) {
	t, ok := readTime(s)
	if !ok {
		return "", false
	}
	return t.String(), true
}

// clock is a time of day; sec is -1 when not given.
type clock struct{ h, m, sec int }

func (c clock) String() string {
	if c.sec >= 0 {
		return fmt.Sprintf("%02d:%02d:%02d", c.h, c.m, c.sec)
	}
	return fmt.Sprintf("%02d:%02d", c.h, c.m)
}

// readTime reads a normalised string as a time of day.
func readTime(s string) (clock, bool) {
	s = removeSpaces(s)
	if s == "" || len(s) > 30 {
		return clock{}, false
	}
	ampm := 0 // 1 morning, 2 afternoon
	head, tail := "", ""
	if len(s) >= 2 {
		head, tail = strings.ToLower(s[:2]), strings.ToLower(s[len(s)-2:])
	}
	switch {
	case strings.HasPrefix(s, "午前"):
		ampm, s = 1, s[len("午前"):]
	case strings.HasPrefix(s, "午後"):
		ampm, s = 2, s[len("午後"):]
	case head == "am":
		ampm, s = 1, s[2:]
	case head == "pm":
		ampm, s = 2, s[2:]
	case tail == "am":
		ampm, s = 1, s[:len(s)-2]
	case tail == "pm":
		ampm, s = 2, s[:len(s)-2]
	}
	h, n, rest := readNumber(s)
	if n == 0 || n > 2 {
		return clock{}, false
	}
	m, sec := 0, -1
	switch {
	case strings.HasPrefix(rest, ":"):
		var ok bool
		if m, rest, ok = twoDigits(rest[1:]); !ok {
			return clock{}, false
		}
		if strings.HasPrefix(rest, ":") {
			if sec, rest, ok = twoDigits(rest[1:]); !ok {
				return clock{}, false
			}
		}
	case strings.HasPrefix(rest, "時"):
		rest = rest[len("時"):]
		if strings.HasPrefix(rest, "半") {
			m, rest = 30, rest[len("半"):]
			break
		}
		if rest == "" {
			break
		}
		if m, n, rest = readNumber(rest); n == 0 || n > 2 || !strings.HasPrefix(rest, "分") {
			return clock{}, false
		}
		rest = rest[len("分"):]
		if rest != "" {
			if sec, n, rest = readNumber(rest); n == 0 || n > 2 || rest != "秒" {
				return clock{}, false
			}
			rest = ""
		}
	default:
		return clock{}, false
	}
	if rest != "" || m > 59 || sec > 59 {
		return clock{}, false
	}
	switch ampm {
	case 1, 2:
		if h > 12 {
			return clock{}, false
		}
		if h == 12 {
			h = 0
		}
		if ampm == 2 {
			h += 12
		}
	}
	if h > 24 || h == 24 && (m != 0 || sec > 0) {
		return clock{}, false
	}
	return clock{h, m, sec}, true
}

func twoDigits(s string) (int, string, bool) {
	if len(s) < 2 || !isDigit(s[0]) || !isDigit(s[1]) || len(s) > 2 && isDigit(s[2]) {
		return 0, s, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), s[2:], true
}
