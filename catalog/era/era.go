// Package era reads the dates and periods Japanese archives write, such as
// 昭和40年代, 1960年代後半, 大正末期, 昭和30年頃, 1960〜1965年 or R5.4.1, as
// the range of days each may mean. Both the catalog's datasets (a photo's
// date) and the search index (its "when" terms) read periods this one way,
// so a photo found by one is found by the other.
package era

import (
	"strconv"
	"time"
)

// civil is a calendar date; month and day 0 mean "not given".
type civil struct{ y, m, d int }

// before compares full dates.
func (c civil) before(o civil) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

// iso formats c in ISO 8601 at its precision: 2006-01-02, 2006-01 or 2006.
// It is written out, not left to fmt, as tables ask it of every date cell.
func (c civil) iso() string {
	b := appendPadded(make([]byte, 0, len("2006-01-02")), c.y, 4)
	if c.m != 0 {
		b = appendPadded(append(b, '-'), c.m, 2)
	}
	if c.d != 0 {
		b = appendPadded(append(b, '-'), c.d, 2)
	}
	return string(b)
}

// appendPadded appends n, not negative, in at least width digits, as %0*d
// would.
func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// dayBefore is the day before c, a full date.
func dayBefore(c civil) civil {
	t := time.Date(c.y, time.Month(c.m), c.d-1, 0, 0, 0, 0, time.UTC)
	return civil{t.Year(), int(t.Month()), t.Day()}
}

// daysIn is the length of month m of year y; 0 for no such month.
func daysIn(y, m int) int {
	if m < 1 || m > 12 {
		return 0
	}
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// eraDef is a Japanese era since 明治.
type eraDef struct {
	name     string
	letter   byte  // as in "R5.4.1"
	start    civil // its first day
	lastYear int   // its last year's number; 0 while it lasts
}

// eras is read-only, newest first. 明治 begins on the first day of 慶応4年
// (1868-01-25), the year it was proclaimed and made to start.
var eras = [...]eraDef{
	{"令和", 'R', civil{2019, 5, 1}, 0},
	{"平成", 'H', civil{1989, 1, 8}, 31},
	{"昭和", 'S', civil{1926, 12, 25}, 64},
	{"大正", 'T', civil{1912, 7, 30}, 15},
	{"明治", 'M', civil{1868, 1, 25}, 45},
}

// meijiNewYears are the Gregorian days 明治1年 to 明治6年 began on: until
// 明治5年 Japan kept the lunisolar calendar, whose years start in January
// or February and whose months cannot be read as Gregorian ones.
var meijiNewYears = [...]civil{
	{1868, 1, 25}, {1869, 2, 11}, {1870, 2, 1}, {1871, 2, 19}, {1872, 2, 9}, {1873, 1, 1},
}

// eraOverrun is how many years past its end an era's numbering is still
// read: forms printed before an era changed go on being filled in
// ("平成32年" is 2020).
const eraOverrun = 10

// eraEnd is the last day of eras[i]: the day before the next one began,
// or, for the current era, the end of this year (a period such as 令和 or
// 令和初期 cannot reach into years no photo was taken in yet).
func eraEnd(i int) civil {
	if i == 0 {
		return civil{time.Now().Year(), 12, 31}
	}
	return dayBefore(eras[i-1].start)
}

// Era is one of the eras since 明治: its name, the Gregorian year of its
// first year (元年), and its first and last days in ISO 8601. To is "" for
// the current era, which has not ended.
type Era struct {
	Name     string
	Year     int
	From, To string
}

// Eras returns the eras since 明治, oldest first, in a new slice.
func Eras() []Era {
	out := make([]Era, 0, len(eras))
	for i := len(eras) - 1; i >= 0; i-- {
		e := Era{Name: eras[i].name, Year: eras[i].start.y, From: eras[i].start.iso()}
		if i > 0 {
			e.To = eraEnd(i).iso()
		}
		out = append(out, e)
	}
	return out
}
