package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseRecurrence: the phrases of Japanese listings, as RRULE values
// (without UNTIL), and texts that name a day without saying it repeats.
func TestParseRecurrence(t *testing.T) {
	for _, tt := range []struct {
		text, want string // want "": not a rule
	}{
		{"毎日", "FREQ=DAILY"},
		{"期間中毎日（雨天中止）", "FREQ=DAILY"},
		{"毎週水曜日", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週水曜日開催（祝日・休館日を除く）", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週　水曜日", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週水曜", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎水曜日の午後", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎日曜日", "FREQ=WEEKLY;BYDAY=SU"},
		{"毎月曜日", "FREQ=WEEKLY;BYDAY=MO"},
		{"毎週（水）", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週(月・木)", "FREQ=WEEKLY;BYDAY=MO,TH"},
		{"毎週（水曜日）", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週(雨天中止)", ""},
		{"毎週月・水・金曜日", "FREQ=WEEKLY;BYDAY=MO,WE,FR"},
		{"毎週月、水、金曜日", "FREQ=WEEKLY;BYDAY=MO,WE,FR"},
		{"毎週月曜日と木曜日", "FREQ=WEEKLY;BYDAY=MO,TH"},
		{"毎週火曜日と毎週金曜日", "FREQ=WEEKLY;BYDAY=TU,FR"},
		{"毎週土日", "FREQ=WEEKLY;BYDAY=SA,SU"},
		{"毎週月～金曜日", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"毎週水曜日・日本語教室", "FREQ=WEEKLY;BYDAY=WE"},
		{"隔週火曜日", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"},
		{"隔週の火曜日", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"},
		{"平日", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"毎週平日の10時から", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"毎月第2水曜日", "FREQ=MONTHLY;BYDAY=2WE"},
		{"毎月第２水曜日", "FREQ=MONTHLY;BYDAY=2WE"},
		{"毎月第二水曜日", "FREQ=MONTHLY;BYDAY=2WE"},
		{"毎月第1・第3土曜日", "FREQ=MONTHLY;BYDAY=1SA,3SA"},
		{"毎月第１・３土曜日", "FREQ=MONTHLY;BYDAY=1SA,3SA"},
		{"毎月第2水曜日と第4土曜日", "FREQ=MONTHLY;BYDAY=2WE,4SA"},
		{"毎月最終金曜日", "FREQ=MONTHLY;BYDAY=-1FR"},
		{"隔月第2水曜日", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE"},
		{"毎月15日", "FREQ=MONTHLY;BYMONTHDAY=15"},
		{"毎月１５日", "FREQ=MONTHLY;BYMONTHDAY=15"},
		{"毎月1日・15日", "FREQ=MONTHLY;BYMONTHDAY=1,15"},
		{"毎月末日", "FREQ=MONTHLY;BYMONTHDAY=-1"},

		{"水曜日に開催", ""},
		{"第2水曜日", ""},
		{"毎週開催", ""},
		{"毎月1回", ""},
		{"毎月第10回", ""},
		{"毎月1日～15日", ""},
		{"毎日の健康づくりに", ""},
		{"毎週月曜日は休館", ""},
		{"毎週月曜日（祝日の場合は翌日）休館", ""},
		{"休館日：毎週月曜日", ""},
		{"毎週水曜日を除く", ""},
		{"毎週水曜日と毎月第1土曜日", ""}, // two rules: ambiguous
		{"毎週水", ""},
		{"平日・土日祝日とも10時から", ""},
		{"毎週水曜日（祝日の場合は翌日）", "FREQ=WEEKLY;BYDAY=WE"},
		{"毎週日曜日", "FREQ=WEEKLY;BYDAY=SU"},
		{"毎週土・日曜日", "FREQ=WEEKLY;BYDAY=SA,SU"},
		{"毎月第2日曜日", "FREQ=MONTHLY;BYDAY=2SU"},
		{"雨天決行（荒天時は中止）", ""},
		{"", ""},
	} {
		t.Run(tt.text, func(t *testing.T) {
			r, ok := parseRecurrence(tt.text)
			got := ""
			if ok {
				got = r.rrule(time.Time{}, false)
			}
			if got != tt.want {
				t.Errorf("parseRecurrence(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestEventRule: the first occurrence on or after the start, UNTIL from
// the end date (UTC at the start time, or a date), none without an end;
// 毎日 and 平日 only over a period; no rule without a day in the period.
func TestEventRule(t *testing.T) {
	for _, tt := range []struct {
		name         string
		f            eventFields
		first, rrule string
	}{
		{"weekly, timed", eventFields{StartDate: "2026-01-05", EndDate: "2026-03-25", StartTime: "15:30", DateNote: "毎週水曜日開催"},
			"2026-01-07", "FREQ=WEEKLY;UNTIL=20260325T063000Z;BYDAY=WE"},
		{"weekly, all day", eventFields{StartDate: "2026-01-05", EndDate: "2026-03-25", Description: "毎週水曜日"},
			"2026-01-07", "FREQ=WEEKLY;UNTIL=20260325;BYDAY=WE"},
		{"from the name", eventFields{StartDate: "2026-01-07", Name: "おはなし会（毎週水曜日）"},
			"2026-01-07", "FREQ=WEEKLY;BYDAY=WE"},
		{"the date note first", eventFields{StartDate: "2026-01-01", EndDate: "2026-12-31", DateNote: "毎月第2水曜日", Description: "毎週水曜日"},
			"2026-01-14", "FREQ=MONTHLY;UNTIL=20261231;BYDAY=2WE"},
		{"monthly, last day", eventFields{StartDate: "2026-02-03", EndDate: "2026-06-30", DateNote: "毎月末日"},
			"2026-02-28", "FREQ=MONTHLY;UNTIL=20260630;BYMONTHDAY=-1"},
		{"daily over a period", eventFields{StartDate: "2026-07-21", EndDate: "2026-07-31", StartTime: "6:30", DateNote: "期間中毎日"},
			"2026-07-21", "FREQ=DAILY;UNTIL=20260730T213000Z"},
		{"daily on one day", eventFields{StartDate: "2026-07-21", Description: "毎日開催"}, "", ""},
		{"weekdays on one day", eventFields{StartDate: "2026-07-21", Description: "平日の夜"}, "", ""},
		{"no day in the period", eventFields{StartDate: "2026-01-05", EndDate: "2026-01-06", DateNote: "毎週水曜日"}, "", ""},
		{"no rule", eventFields{StartDate: "2026-01-07", DateNote: "水曜日に開催"}, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, first, rrule := eventRule(tt.f)
			day := ""
			if rec != nil {
				day = first.Format(time.DateOnly)
			}
			if day != tt.first || rrule != tt.rrule {
				t.Errorf("eventRule = %s %q, want %s %q", day, rrule, tt.first, tt.rrule)
			}
		})
	}
}

// TestRecurrenceOn: the days of the events page, every other week or
// month counted from the first occurrence.
func TestRecurrenceOn(t *testing.T) {
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, japan)
		return d
	}
	for _, tt := range []struct {
		text, first, day string
		want             bool
	}{
		{"毎週水曜日", "2026-04-01", "2026-04-08", true},
		{"毎週水曜日", "2026-04-01", "2026-04-09", false},
		{"毎週水曜日", "2026-04-08", "2026-04-01", false},
		{"隔週火曜日", "2026-04-07", "2026-04-14", false},
		{"隔週火曜日", "2026-04-07", "2026-04-21", true},
		{"隔週月・木曜日", "2026-04-09", "2026-04-13", false},
		{"隔週月・木曜日", "2026-04-09", "2026-04-20", true},
		{"隔月第2水曜日", "2026-04-08", "2026-05-13", false},
		{"隔月第2水曜日", "2026-04-08", "2026-06-10", true},
		{"毎月最終金曜日", "2026-04-24", "2026-05-29", true},
		{"毎月最終金曜日", "2026-04-24", "2026-05-22", false},
		{"毎月末日", "2026-04-30", "2026-05-31", true},
	} {
		r, ok := parseRecurrence(tt.text)
		if got := ok && r.on(day(tt.day), day(tt.first)); got != tt.want {
			t.Errorf("%s from %s: on %s = %v", tt.text, tt.first, tt.day, got)
		}
	}
}

// expandICS reads the recurring events of a calendar with Python's
// icalendar and expands their RRULE with dateutil, as calendar apps do.
func expandICS(t *testing.T, body []byte) map[string]icalRecurring {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import icalendar, dateutil").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-icalendar or python3-dateutil is not installed")
		}
		t.Skip("python3-icalendar or python3-dateutil not installed")
	}
	p := filepath.Join(t.TempDir(), "events.ics")
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import itertools, json, sys
from datetime import date, datetime
from dateutil.rrule import rrulestr
from icalendar import Calendar

def at(d):
    return d.strftime("%Y-%m-%dT%H:%M") if isinstance(d, datetime) else d.isoformat()

out = {}
for ev in Calendar.from_ical(open(sys.argv[1], "rb").read()).walk("VEVENT"):
    r = ev.get("RRULE")
    if r is None:
        continue
    start = ev.decoded("DTSTART")
    dt = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    rule = rrulestr(r.to_ical().decode(), dtstart=dt)
    out[str(ev.get("SUMMARY"))] = {
        "rrule": r.to_ical().decode(),
        "start": at(start),
        "end": at(ev.decoded("DTEND")),
        "dates": [at(d if isinstance(start, datetime) else d.date()) for d in itertools.islice(rule, 500)],
    }
print(json.dumps(out, ensure_ascii=False))
`
	out, err := exec.Command(py, "-c", script, p).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("icalendar: %v\n%s", err, msg)
	}
	var got map[string]icalRecurring
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return got
}

type icalRecurring struct {
	RRule, Start, End string
	Dates             []string
}

// TestEventsICSRecurring: the demo's 図書館おはなし会 (毎週水曜日 over
// twelve weeks, 15:30-16:00) and 夏休み親子ラジオ体操 (期間中毎日) are one
// occurrence each with an RRULE, which an independent parser expands to
// every Wednesday, every day, of their period; the API gives the same
// rule; the other events do not recur. The demo moves its events into the
// twelve months from now, keeping weekdays: the dates come from the API.
func TestEventsICSRecurring(t *testing.T) {
	ts := newDemoServer(t)
	var api struct {
		Items []struct {
			Name      string
			StartDate string `json:"start_date"`
			EndDate   string `json:"end_date"`
			StartTime string `json:"start_time"`
			EndTime   string `json:"end_time"`
			RRule     *string
		}
	}
	decode(t, ts.get(t, "/api/v1/events"), &api)
	got := expandICS(t, readAll(t, ts.get(t, "/events.ics").Body))

	want := map[string]icalRecurring{}
	rules := map[string]string{"図書館おはなし会（毎週水曜日）": "FREQ=WEEKLY;UNTIL=%s;BYDAY=WE", "夏休み親子ラジオ体操": "FREQ=DAILY;UNTIL=%s"}
	for _, e := range api.Items {
		if e.RRule == nil {
			t.Fatalf("%s: no rrule field", e.Name)
		}
		rule, ok := rules[e.Name]
		if !ok {
			if *e.RRule != "" {
				t.Errorf("%s: rrule %q", e.Name, *e.RRule)
			}
			continue
		}
		first, _ := time.ParseInLocation(time.DateOnly+"T15:04", e.StartDate+"T"+e.StartTime, japan)
		last, _ := time.ParseInLocation(time.DateOnly+"T15:04", e.EndDate+"T"+e.StartTime, japan)
		if first.IsZero() || !last.After(first) {
			t.Fatalf("%s: %+v is not a timed event over a period", e.Name, e)
		}
		w := icalRecurring{RRule: fmt.Sprintf(rule, last.UTC().Format("20060102T150405Z")),
			Start: first.Format("2006-01-02T15:04"), End: e.StartDate + "T" + e.EndTime}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			if strings.HasSuffix(rule, "DAILY;UNTIL=%s") || d.Weekday() == time.Wednesday {
				w.Dates = append(w.Dates, d.Format("2006-01-02T15:04"))
			}
		}
		if *e.RRule != w.RRule {
			t.Errorf("%s: rrule %q, want %q", e.Name, *e.RRule, w.RRule)
		}
		want[e.Name] = w
	}
	if n := len(want["図書館おはなし会（毎週水曜日）"].Dates); n < 2 || len(want) != 2 {
		t.Fatalf("%d Wednesdays, %d recurring events", n, len(want))
	}
	// icalendar writes the rule's parts in an order of its own: the rule
	// as written is checked in the API above.
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(icalRecurring{}, "RRule")); diff != "" {
		t.Errorf("recurring events (-want +got):\n%s", diff)
	}
}

// TestWriteICSRules: rules the demo has no event for, through the same
// calendar writer and the same independent expansion: an all-day monthly
// rule (UNTIL a date), every other week from a start that is not one of
// its days, and a rule without an end.
func TestWriteICSRules(t *testing.T) {
	s := &Server{cfg: Config{BaseURL: "http://portal.test"}}
	var evs []eventItem
	for i, f := range []eventFields{
		{Name: "子ども食堂", StartDate: "2026-04-01", EndDate: "2026-07-31", DateNote: "毎月第1・第3土曜日"},
		{Name: "英会話サロン", StartDate: "2026-04-01", EndDate: "2026-05-31", StartTime: "10:00", EndTime: "11:30", Description: "隔週火曜日に開催します。"},
		{Name: "健康体操", StartDate: "2026-04-01", StartTime: "9:30", EndTime: "10:00", DateNote: "毎週水曜日"},
	} {
		e := eventItem{Name: f.Name, Start: f.StartDate, End: f.EndDate, StartTime: f.StartTime, EndTime: f.EndTime, Dataset: "events", Row: i + 1}
		e.rec, e.first, e.RRule = eventRule(f)
		evs = append(evs, e)
	}
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("GET", "/events.ics", nil)
	if err := s.writeICS(c, "test", "test", evs); err != nil {
		t.Fatal(err)
	}
	got := expandICS(t, rec.Body.Bytes())
	for name, r := range got {
		if len(r.Dates) > 6 {
			got[name] = icalRecurring{RRule: r.RRule, Start: r.Start, End: r.End, Dates: r.Dates[:6]}
		}
	}
	want := map[string]icalRecurring{
		"子ども食堂": {Start: "2026-04-04", End: "2026-04-05",
			Dates: []string{"2026-04-04", "2026-04-18", "2026-05-02", "2026-05-16", "2026-06-06", "2026-06-20"}},
		"英会話サロン": {Start: "2026-04-07T10:00", End: "2026-04-07T11:30",
			Dates: []string{"2026-04-07T10:00", "2026-04-21T10:00", "2026-05-05T10:00", "2026-05-19T10:00"}},
		"健康体操": {Start: "2026-04-01T09:30", End: "2026-04-01T10:00",
			Dates: []string{"2026-04-01T09:30", "2026-04-08T09:30", "2026-04-15T09:30", "2026-04-22T09:30", "2026-04-29T09:30", "2026-05-06T09:30"}},
	}
	// icalendar writes the rule's parts in an order of its own: the rules
	// as written are TestEventRule's.
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(icalRecurring{}, "RRule")); diff != "" {
		t.Errorf("recurring events (-want +got):\n%s", diff)
	}
	rules := map[string]string{}
	for _, e := range evs {
		rules[e.Name] = e.RRule
	}
	if diff := cmp.Diff(map[string]string{"子ども食堂": "FREQ=MONTHLY;UNTIL=20260731;BYDAY=1SA,3SA",
		"英会話サロン": "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260531T010000Z;BYDAY=TU", "健康体操": "FREQ=WEEKLY;BYDAY=WE"}, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}
