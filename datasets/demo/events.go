package demo

import (
	"fmt"
	"time"
)

// The events CSV is written for this base year. It has to stay a valid
// standard CSV (real dates, no offsets), so the loader rewrites the dates.
const eventBaseYear = 2026

// Date columns of the event template that shiftEvents rewrites.
const (
	colStart    = "開始日"
	colEnd      = "終了日"
	colDeadline = "参加申込終了日"
)

// window is the twelve months the demo events are placed in: [start, end).
type window struct {
	start, end time.Time
}

// newWindow returns the twelve months starting with the first day of now's
// month, in now's location.
func newWindow(now time.Time) window {
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	return window{start: start, end: start.AddDate(1, 0, 0)}
}

// shiftEvents moves every event of the CSV into w. A window that starts on the
// first of a month and lasts twelve months holds each calendar month exactly
// once, so each event keeps its month (the cherry-blossom festival stays in
// April) and its weekday rule: an event on the 2nd Sunday of January lands on
// the 2nd Sunday of the January inside the window, an event in the 5th week of
// its month on the last such weekday. 終了日 and 参加申込終了日 move by the same
// number of days, which is a multiple of seven, so a series "every Wednesday"
// keeps its weekdays. Two clamps keep every date inside w: an end that would
// run past w is pulled back by whole weeks, and a deadline before w's start
// (an event early in the first month) is set to w's start.
func shiftEvents(data []byte, w window) ([]byte, error) {
	header, rows, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	col, err := columns(header, colStart, colEnd, colDeadline)
	if err != nil {
		return nil, err
	}
	loc := w.start.Location()
	parse := func(row, c int, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return t, fmt.Errorf("event row %d: %s: %w", row+2, header[c], err)
		}
		return t, nil
	}
	for i, r := range rows {
		start, err := parse(i, col[colStart], r[col[colStart]])
		if err != nil {
			return nil, err
		}
		if start.Year() != eventBaseYear {
			return nil, fmt.Errorf("event row %d: %s %s is not in the base year %d", i+2, colStart, r[col[colStart]], eventBaseYear)
		}
		moved := w.place(start)
		days := daysBetween(start, moved)
		r[col[colStart]] = moved.Format(time.DateOnly)

		if s := r[col[colEnd]]; s != "" {
			end, err := parse(i, col[colEnd], s)
			if err != nil {
				return nil, err
			}
			end = end.AddDate(0, 0, days)
			for !end.Before(w.end) && end.After(moved) {
				end = end.AddDate(0, 0, -7)
			}
			if end.Before(moved) {
				end = moved
			}
			r[col[colEnd]] = end.Format(time.DateOnly)
		}
		if s := r[col[colDeadline]]; s != "" {
			dl, err := parse(i, col[colDeadline], s)
			if err != nil {
				return nil, err
			}
			dl = dl.AddDate(0, 0, days)
			if dl.Before(w.start) {
				dl = w.start
			}
			r[col[colDeadline]] = dl.Format(time.DateOnly)
		}
	}
	return writeCSV(header, rows)
}

// place returns the date inside w with base's month and weekday rule (n-th
// weekday of the month, or the last one for a date in the 5th week).
func (w window) place(base time.Time) time.Time {
	year := w.start.Year()
	if base.Month() < w.start.Month() {
		year++
	}
	n := (base.Day()-1)/7 + 1
	first := time.Date(year, base.Month(), 1, 0, 0, 0, 0, w.start.Location())
	d := first.AddDate(0, 0, (int(base.Weekday())-int(first.Weekday())+7)%7)
	if n < 5 {
		return d.AddDate(0, 0, 7*(n-1))
	}
	for next := d.AddDate(0, 0, 7); next.Month() == base.Month(); next = next.AddDate(0, 0, 7) {
		d = next
	}
	return d
}

// daysBetween counts calendar days from a to b, both at midnight; counting
// dates rather than dividing durations keeps it exact across DST changes.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
