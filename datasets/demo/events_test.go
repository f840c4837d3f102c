package demo

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestEventShift(t *testing.T) {
	jst := time.FixedZone("JST", 9*60*60)
	_, _, base := readEmbedded(t, "event.csv")
	tests := []struct {
		name string
		now  time.Time
	}{
		{"base month", time.Date(2026, 1, 15, 10, 0, 0, 0, jst)},
		{"before the base year", time.Date(2025, 6, 30, 23, 0, 0, 0, jst)},
		{"last day of a month", time.Date(2026, 8, 31, 23, 59, 0, 0, jst)},
		{"first instant of a month", time.Date(2027, 3, 1, 0, 0, 0, 0, jst)},
		{"leap day", time.Date(2028, 2, 29, 12, 0, 0, 0, jst)},
		{"December", time.Date(2029, 12, 10, 9, 0, 0, 0, jst)},
		{"UTC", time.Date(2031, 10, 5, 0, 0, 0, 0, time.UTC)},
	}
	for m := time.January; m <= time.December; m++ {
		tests = append(tests, struct {
			name string
			now  time.Time
		}{"2027 " + m.String(), time.Date(2027, m, 20, 12, 0, 0, 0, jst)})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, _ := fs.ReadFile(files, "data/event.csv")
			w := newWindow(tc.now)
			out, err := shiftEvents(raw, w)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, bom) || bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
				t.Error("shifted CSV lost its BOM or CRLF")
			}
			header, rows, err := readCSV(out)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := columns(header, "イベント名", colStart, colEnd, colDeadline, "開始日時特記事項")
			monthStart := time.Date(tc.now.Year(), tc.now.Month(), 1, 0, 0, 0, 0, tc.now.Location())
			limit := tc.now.AddDate(0, 12, 0)
			date := func(s string) time.Time {
				d, err := time.ParseInLocation(time.DateOnly, s, tc.now.Location())
				if err != nil {
					t.Fatalf("%q: %v", s, err)
				}
				return d
			}
			var first time.Time
			for i, r := range rows {
				name := r[c["イベント名"]]
				start, end := date(r[c[colStart]]), date(r[c[colEnd]])
				for _, d := range []time.Time{start, end} {
					if d.Before(monthStart) || d.After(limit) {
						t.Errorf("%s: %s outside [%s, %s]", name, d.Format(time.DateOnly), monthStart.Format(time.DateOnly), limit.Format(time.DateOnly))
					}
				}
				if end.Before(start) {
					t.Errorf("%s: ends %s before it starts %s", name, r[c[colEnd]], r[c[colStart]])
				}
				if s := r[c[colDeadline]]; s != "" {
					dl := date(s)
					if dl.Before(monthStart) || dl.After(start) {
						t.Errorf("%s: deadline %s not in [%s, start %s]", name, s, monthStart.Format(time.DateOnly), r[c[colStart]])
					}
				}
				b := date(base[i][c[colStart]])
				if start.Weekday() != b.Weekday() || start.Month() != b.Month() {
					t.Errorf("%s: moved from %s %s to %s %s; want the same month and weekday", name,
						b.Format(time.DateOnly), b.Weekday(), start.Format(time.DateOnly), start.Weekday())
				}
				if strings.Contains(r[c["開始日時特記事項"]], "毎週水曜日") && (start.Weekday() != time.Wednesday || end.Weekday() != time.Wednesday) {
					t.Errorf("%s: weekly Wednesday series runs %s (%s) to %s (%s)", name, r[c[colStart]], start.Weekday(), r[c[colEnd]], end.Weekday())
				}
				if first.IsZero() || start.Before(first) {
					first = start
				}
			}
			if first.Year() != tc.now.Year() || first.Month() != tc.now.Month() {
				t.Errorf("first event %s is not in now's month", first.Format(time.DateOnly))
			}
		})
	}
}

func TestEventsSeasonal(t *testing.T) {
	_, h, rows := readEmbedded(t, "event.csv")
	c, _ := columns(h, "イベント名", colStart)
	want := map[string]time.Month{"桜まつり": time.April, "盆踊り": time.August, "二十歳のつどい": time.January}
	for key, m := range want {
		found := false
		for _, r := range rows {
			if strings.Contains(r[c["イベント名"]], key) {
				found = true
				if d, _ := time.Parse(time.DateOnly, r[c[colStart]]); d.Month() != m {
					t.Errorf("%s in %s, want %s", r[c["イベント名"]], d.Month(), m)
				}
			}
		}
		if !found {
			t.Errorf("no event named like %s", key)
		}
	}
}
