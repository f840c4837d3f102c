package web

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Recurring events. The standard イベント一覧 has no column for "every
// Wednesday": a listing gives the period (開始日..終了日) and says how the
// event repeats in words, in 開始日時特記事項, the name or the description
// (毎週水曜日開催). parseRecurrence reads the common phrases into the parts
// of an RFC 5545 RRULE; anything else is not a rule and the event stays one
// block from its start to its end, as before.

// recurrence is how often an event repeats, as its text says it.
type recurrence struct {
	Freq       string    // "DAILY", "WEEKLY" or "MONTHLY"
	Interval   int       // 2 for 隔週 and 隔月; 0: every
	ByDay      []weekday // WEEKLY: the days; MONTHLY: with their ordinals
	ByMonthDay []int     // MONTHLY: days of the month, -1 the last
	weekdays   bool      // 平日: merges with no other phrase
}

// weekday is an RRULE BYDAY item: 2WE, -1FR, or TU (N 0).
type weekday struct {
	N   int
	Day time.Weekday
}

var dayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// dayOf reads a weekday's kanji.
func dayOf(r rune) (time.Weekday, bool) {
	i := strings.IndexRune("日月火水木金土", r)
	if i < 0 {
		return 0, false
	}
	return time.Weekday(len([]rune("日月火水木金土"[:i]))), true
}

// parseRecurrence reads how an event repeats from one of its texts, after
// NFKC (full-width digits) and with spaces ignored:
//
//	毎日 (not 毎日の…, "everyday"), 平日 and 毎週平日;
//	毎週水曜日, 毎水曜日, 毎週(水), 毎週月・水・金曜日, 毎週月曜日と木曜日,
//	毎週土日, 毎週月～金曜日;
//	隔週火曜日 (INTERVAL=2);
//	毎月第2水曜日, 毎月第1・第3土曜日, 毎月第1・3土曜日, 毎月第2水曜日と第4土曜日,
//	毎月最終金曜日; 毎月15日, 毎月1日・15日, 毎月末日; 隔月… (INTERVAL=2).
//
// A phrase followed by は休館, を除く, 休み … or preceded by 休館日: says
// when the event is not held and is no rule. Two phrases of one text make
// one rule when they add days to it (毎週火曜日と毎週金曜日); otherwise
// the text is ambiguous and not a rule. A weekday alone (水曜日に開催),
// 毎週 or 毎月 without a day, and 第2水曜日 without 毎月 are not rules.
func parseRecurrence(text string) (recurrence, bool) {
	if !strings.ContainsAny(text, "毎隔平") {
		return recurrence{}, false // most texts: the feed reads every event's
	}
	s := []rune(strings.Join(strings.Fields(norm.NFKC.String(text)), ""))
	var found []recurrence
	for i := 0; i < len(s); i++ {
		r, n, ok := readRule(s, i)
		if !ok {
			continue
		}
		if !negated(s[:i], s[i+n:]) {
			found = append(found, r)
		}
		i += n - 1
	}
	if len(found) == 0 {
		return recurrence{}, false
	}
	out := found[0]
	for _, r := range found[1:] {
		var ok bool
		if out, ok = merge(out, r); !ok {
			return recurrence{}, false
		}
	}
	return out, true
}

// readRule reads a phrase at s[i:]: the rule and its length.
func readRule(s []rune, i int) (recurrence, int, bool) {
	at := func(lit string) bool { return hasPrefix(s[i:], lit) }
	switch {
	case at("平日"):
		// 平日・土日祝 or 平日と土曜日: opening days, not a rule.
		if m := sepAt(s, i+2, listSeps); m > 0 {
			if _, ok := dayOf(peek(s, i+2+m)); ok || peek(s, i+2+m) == '祝' {
				return recurrence{}, 0, false
			}
		}
		return recurrence{Freq: "WEEKLY", ByDay: weekdaysMF(), weekdays: true}, 2, true
	case at("隔週") || at("毎週"):
		j := i + 2
		if hasPrefix(s[j:], "の") {
			j++
		}
		if hasPrefix(s[j:], "平日") && at("毎週") {
			return recurrence{Freq: "WEEKLY", ByDay: weekdaysMF(), weekdays: true}, j + 2 - i, true
		}
		days, n := readDays(s, j)
		if n == 0 {
			return recurrence{}, 0, false
		}
		r := recurrence{Freq: "WEEKLY", ByDay: days}
		if at("隔週") {
			r.Interval = 2
		}
		return r, j + n - i, true
	case at("毎月") && !hasPrefix(s[i+1:], "月曜") || at("隔月"):
		j := i + 2
		if hasPrefix(s[j:], "の") {
			j++
		}
		r := recurrence{Freq: "MONTHLY"}
		if at("隔月") {
			r.Interval = 2
		}
		if days, n := readOrdinalDays(s, j); n > 0 {
			r.ByDay = days
			return r, j + n - i, true
		}
		if days, n := readMonthDays(s, j); n > 0 {
			r.ByMonthDay = days
			return r, j + n - i, true
		}
		return recurrence{}, 0, false
	case at("毎"):
		// 毎水曜日, 毎日曜日, 毎月曜日: one day, written out.
		if days, n := readDays(s, i+1); n > 0 && len(days) == 1 && hasPrefix(s[i+2:], "曜") {
			return recurrence{Freq: "WEEKLY", ByDay: days}, n + 1, true
		}
		if at("毎日") && !hasPrefix(s[i+2:], "の") {
			return recurrence{Freq: "DAILY"}, 2, true
		}
	}
	return recurrence{}, 0, false
}

func weekdaysMF() []weekday {
	return []weekday{{0, time.Monday}, {0, time.Tuesday}, {0, time.Wednesday}, {0, time.Thursday}, {0, time.Friday}}
}

// listSeps join the items of a list: 月・水・金, 月、水, 月曜日と木曜日.
var listSeps = []string{"・", "、", ",", "と", "及び", "および", "/", "･"}

// rangeSeps join the ends of a range: 月～金 (～ is ~ after NFKC).
var rangeSeps = []string{"~", "〜", "-", "から"}

// sepAt is the length of one of seps at s[j:], 0 if none.
func sepAt(s []rune, j int, seps []string) int {
	for _, sep := range seps {
		if hasPrefix(s[j:], sep) {
			return len([]rune(sep))
		}
	}
	return 0
}

// readDays reads a list of weekdays at s[j:] (水曜日, 月・水・金曜日,
// 月曜日と木曜日, 土日, 月～金曜日, (水)): the days and the list's length.
// Bare kanji need a closing 曜 (月・水・金曜日) or two of them (土日): a
// lone 水 or the 日 of 水曜日・日本 is no day.
func readDays(s []rune, j int) ([]weekday, int) {
	start := j
	if hasPrefix(s[j:], "(") {
		// (水), (月・木), (水曜日): the parentheses say they are days.
		var days []weekday
		k := j + 1
		for ; k < len(s) && s[k] != ')'; k++ {
			if s[k] == '曜' && k+1 < len(s) && s[k+1] == '日' {
				k++
			} else if s[k] == '曜' {
				continue
			} else if d, ok := dayOf(s[k]); ok {
				days = append(days, weekday{Day: d})
			} else if sepAt(s, k, listSeps) == 0 {
				return nil, 0
			}
		}
		if k == len(s) || len(days) == 0 {
			return nil, 0
		}
		return days, k + 1 - start
	}
	type item struct {
		days   []time.Weekday
		closed bool // ends in 曜(日)
		end    int
	}
	var items []item
	for j < len(s) {
		d, ok := dayOf(s[j])
		if !ok {
			break
		}
		it := item{days: []time.Weekday{d}}
		j++
		if n := sepAt(s, j, rangeSeps); n > 0 && j+n < len(s) {
			if last, ok := dayOf(s[j+n]); ok {
				for x := (d + 1) % 7; ; x = (x + 1) % 7 {
					it.days = append(it.days, x)
					if x == last {
						break
					}
				}
				j += n + 1
			}
		}
		switch {
		case hasPrefix(s[j:], "曜日"):
			it.closed, j = true, j+2
		case hasPrefix(s[j:], "曜"):
			it.closed, j = true, j+1
		}
		it.end = j
		items = append(items, it)
		if n := sepAt(s, j, listSeps); n > 0 && j+n < len(s) {
			if _, ok := dayOf(s[j+n]); ok {
				j += n
				continue
			}
		}
		if _, ok := dayOf(peek(s, j)); ok && !it.closed {
			continue // 土日, 月水金
		}
		break
	}
	last := -1
	for k, it := range items {
		if it.closed {
			last = k
		}
	}
	switch {
	case last >= 0:
		items = items[:last+1]
	case len(items) < 2:
		return nil, 0
	}
	var out []weekday
	for _, it := range items {
		for _, d := range it.days {
			if !slices.Contains(out, weekday{Day: d}) {
				out = append(out, weekday{Day: d})
			}
		}
	}
	return out, items[len(items)-1].end - start
}

// readOrdinalDays reads the weekdays of a month at s[j:]: 第2水曜日,
// 第1・第3土曜日, 第1・3土曜日, 第2水曜日と第4土曜日, 最終金曜日.
func readOrdinalDays(s []rune, j int) ([]weekday, int) {
	start, end := j, 0
	var out []weekday
	for {
		var ords []int
		for {
			switch {
			case hasPrefix(s[j:], "最終"):
				ords, j = append(ords, -1), j+2
			case hasPrefix(s[j:], "第") || len(ords) > 0:
				k := j
				if hasPrefix(s[k:], "第") {
					k++
				}
				n, ok := ordinal(peek(s, k))
				if !ok {
					return nil, 0
				}
				ords, j = append(ords, n), k+1
			default:
				if end == 0 {
					return nil, 0
				}
				return out, end - start
			}
			m := sepAt(s, j, listSeps)
			if m == 0 {
				break
			}
			if _, ok := ordinal(peek(s, j+m)); !ok && !hasPrefix(s[j+m:], "第") && !hasPrefix(s[j+m:], "最終") {
				break
			}
			j += m
		}
		days, n := readDays(s, j)
		if n == 0 {
			if end == 0 {
				return nil, 0
			}
			return out, end - start
		}
		for _, o := range ords {
			for _, d := range days {
				if w := (weekday{o, d.Day}); !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
		j += n
		end = j
		m := sepAt(s, j, listSeps)
		if m == 0 || !hasPrefix(s[j+m:], "第") && !hasPrefix(s[j+m:], "最終") {
			return out, end - start
		}
		j += m
	}
}

// ordinal reads the N of 第N: 1 to 5, in digits or kanji.
func ordinal(r rune) (int, bool) {
	if '1' <= r && r <= '5' {
		return int(r - '0'), true
	}
	if i := strings.IndexRune("一二三四五", r); i >= 0 {
		return i/len("一") + 1, true
	}
	return 0, false
}

// readMonthDays reads days of the month at s[j:]: 15日, 1日・15日, 1・15日,
// 末日 or 末 (-1). A range (1日～15日) is not read.
func readMonthDays(s []rune, j int) ([]int, int) {
	start := j
	if hasPrefix(s[j:], "末日") {
		return []int{-1}, 2
	}
	if hasPrefix(s[j:], "末") {
		return []int{-1}, 1
	}
	var out []int
	for {
		k := j
		for k < len(s) && k-j < 2 && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k == j || k < len(s) && '0' <= s[k] && s[k] <= '9' {
			return nil, 0
		}
		n, _ := strconv.Atoi(string(s[j:k]))
		if n < 1 || n > 31 {
			return nil, 0
		}
		out, j = append(out, n), k
		closed := hasPrefix(s[j:], "日") && !hasPrefix(s[j:], "日曜")
		if closed {
			j++
		}
		if m := sepAt(s, j, listSeps); m > 0 && '0' <= peek(s, j+m) && peek(s, j+m) <= '9' {
			j += m
			continue
		}
		if !closed || sepAt(s, j, rangeSeps) > 0 {
			return nil, 0
		}
		return out, j - start
	}
}

// negated reports a phrase that says when the event is not held: 毎週月曜日
// は休館, 毎週水曜日(祝日を除く)休み, 休館日:毎週月曜日.
func negated(before, after []rune) bool {
	if len(after) > 0 && after[0] == '(' {
		if k := slices.Index(after, ')'); k >= 0 {
			after = after[k+1:]
		}
	}
	for _, p := range []string{"は", "を", "が", "も"} {
		if hasPrefix(after, p) {
			after = after[1:]
			break
		}
	}
	for _, p := range []string{"休", "除", "以外", "定休", "閉", "中止", "お休み"} {
		if hasPrefix(after, p) {
			return true
		}
	}
	b := strings.TrimRight(string(before), ":は(=")
	for _, p := range []string{"休館日", "休業日", "定休日", "休日", "休所日", "休園日", "休み"} {
		if strings.HasSuffix(b, p) {
			return true
		}
	}
	return false
}

// merge makes one rule of two phrases of a text when the second only adds
// days to the first.
func merge(a, b recurrence) (recurrence, bool) {
	if a.Freq != b.Freq || a.Interval != b.Interval || a.weekdays != b.weekdays ||
		(len(a.ByDay) > 0) != (len(b.ByDay) > 0) || (len(a.ByMonthDay) > 0) != (len(b.ByMonthDay) > 0) {
		return recurrence{}, false
	}
	for _, d := range b.ByDay {
		if !slices.Contains(a.ByDay, d) {
			a.ByDay = append(a.ByDay, d)
		}
	}
	for _, d := range b.ByMonthDay {
		if !slices.Contains(a.ByMonthDay, d) {
			a.ByMonthDay = append(a.ByMonthDay, d)
		}
	}
	return a, true
}

// matches reports whether day is one of the rule's days, every week or
// month (INTERVAL counts from the first occurrence, which this finds).
func (r recurrence) matches(day time.Time) bool {
	last := time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch r.Freq {
	case "DAILY":
		return true
	case "WEEKLY":
		return slices.Contains(r.ByDay, weekday{Day: day.Weekday()})
	}
	for _, n := range r.ByMonthDay {
		if n == day.Day() || n < 0 && last+n+1 == day.Day() {
			return true
		}
	}
	for _, w := range r.ByDay {
		if w.Day != day.Weekday() {
			continue
		}
		if w.N == 0 || w.N > 0 && (day.Day()-1)/7+1 == w.N || w.N < 0 && (last-day.Day())/7+1 == -w.N {
			return true
		}
	}
	return false
}

// on reports whether the rule whose first occurrence is first has one on
// day: INTERVAL counts weeks (from Monday, RFC 5545's default WKST) or
// months from first.
func (r recurrence) on(day, first time.Time) bool {
	if day.Before(first) || !r.matches(day) {
		return false
	}
	if r.Interval < 2 {
		return true
	}
	if r.Freq == "MONTHLY" {
		months := (day.Year()-first.Year())*12 + int(day.Month()) - int(first.Month())
		return months%r.Interval == 0
	}
	monday := func(t time.Time) time.Time {
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return t.AddDate(0, 0, -(int(t.Weekday())+6)%7)
	}
	weeks := int(monday(day).Sub(monday(first)).Hours()) / (24 * 7)
	return weeks%r.Interval == 0
}

// first is the rule's first day on or after from, within a year and a
// half (a 第5水曜日 comes within months).
func (r recurrence) first(from time.Time) (time.Time, bool) {
	for d := from; d.Before(from.AddDate(1, 6, 0)); d = d.AddDate(0, 0, 1) {
		if r.matches(d) {
			return d, true
		}
	}
	return time.Time{}, false
}

func hasPrefix(s []rune, lit string) bool {
	for _, r := range lit {
		if len(s) == 0 || s[0] != r {
			return false
		}
		s = s[1:]
	}
	return true
}

func peek(s []rune, j int) rune {
	if j < len(s) {
		return s[j]
	}
	return 0
}
