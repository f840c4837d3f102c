package datasets

import (
	"fmt"
	"strings"

	"github.com/machi-opendata/portal/catalog/era"
)

// ParseDate reads a Japanese or Western date and returns it in ISO 8601 at
// the precision written: "2023-04-01", "2023-04" or "2023". Cells, forms and
// the photo archive's periods read dates one way, with catalog/era; see
// era.ParseDate for the forms read (2023/4/1, 2023年4月, 令和元年5月1日,
// R5.4.1, 平成三十一年四月三十日, a trailing weekday in parentheses) and
// refused (a bare number, a date with a time, impossible days, a date
// before its era began, lunisolar dates before 明治6年): a refused cell is
// kept as text.
func ParseDate(s string) (iso string, ok bool) { return era.ParseDate(s) }

// removeSpaces drops every space; most cells have none, and then it costs
// no allocation.
func removeSpaces(s string) string {
	if strings.IndexByte(s, ' ') < 0 && strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.Join(strings.Fields(s), "")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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
	h, n, rest := era.ReadNumber(s)
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
		if m, n, rest = era.ReadNumber(rest); n == 0 || n > 2 || !strings.HasPrefix(rest, "分") {
			return clock{}, false
		}
		rest = rest[len("分"):]
		if rest != "" {
			if sec, n, rest = era.ReadNumber(rest); n == 0 || n > 2 || rest != "秒" {
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
