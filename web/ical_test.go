package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// icalEvent is what testdata/ical/read.py reads of an event.
type icalEvent struct {
	UID, Summary, Location, URL string
	Start, End                  *struct{ At, TZ string }
	Stamp                       bool
	Geo                         []float64
}

// readICS parses an iCalendar document with Python's icalendar (Debian
// python3-icalendar, loaded by /usr/bin/python3), which also checks that
// no line is longer than RFC 5545's 75 octets.
func readICS(t *testing.T, body []byte) (tzs []string, events []icalEvent) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import icalendar").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-icalendar is not installed; .ci/run installs it")
		}
		t.Skip("python3-icalendar not installed")
	}
	p := filepath.Join(t.TempDir(), "events.ics")
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/ical/read.py", p).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("icalendar: %v\n%s", err, msg)
	}
	var doc struct {
		Timezones []string
		Events    []icalEvent
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return doc.Timezones, doc.Events
}

// TestEventsICS: every event of the API is in the calendar, read back by
// an independent parser, with its time in Asia/Tokyo (or as a date), a
// stable UID, its place and position; the dataset's calendar has its own
// events only; the same data gives the same bytes.
func TestEventsICS(t *testing.T) {
	ts := newDemoServer(t)
	var api struct {
		Items []struct {
			Name      string
			StartDate string `json:"start_date"`
			StartTime string `json:"start_time"`
			Place     string
			Dataset   string
		}
	}
	decode(t, ts.get(t, "/api/v1/events"), &api)
	res := ts.get(t, "/events.ics")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("content type %q", ct)
	}
	body := readAll(t, res.Body)
	tzs, events := readICS(t, body)
	if len(tzs) != 1 || tzs[0] != "Asia/Tokyo" {
		t.Errorf("time zones %v", tzs)
	}
	if len(events) != len(api.Items) || len(events) < 30 {
		t.Fatalf("%d events in the calendar, %d in the API", len(events), len(api.Items))
	}
	uids := map[string]bool{}
	for i, e := range events {
		want := api.Items[i]
		if e.Summary != want.Name || !strings.HasPrefix(e.Start.At, want.StartDate) || !e.Stamp || uids[e.UID] ||
			!strings.Contains(e.Location, want.Place) || len(e.Geo) != 2 {
			t.Errorf("event %d: %+v, want %+v", i, e, want)
		}
		uids[e.UID] = true
		if want.StartTime != "" && (e.Start.TZ != "Asia/Tokyo" || !strings.HasSuffix(e.Start.At, "T"+want.StartTime)) {
			t.Errorf("%s: starts %+v, want %s %s Asia/Tokyo", e.Summary, e.Start, want.StartDate, want.StartTime)
		}
		if want.StartTime == "" && e.Start.TZ != "date" {
			t.Errorf("%s: an all-day event starts %+v", e.Summary, e.Start)
		}
	}
	again := readAll(t, ts.get(t, "/events.ics").Body)
	if string(again) != string(body) {
		t.Error("the same data gave another calendar")
	}
	_, one := readICS(t, readAll(t, ts.get(t, "/api/v1/datasets/events/events.ics").Body))
	if len(one) != len(events) {
		t.Errorf("dataset calendar: %d events", len(one))
	}
	for _, p := range []string{"/api/v1/datasets/aed/events.ics", "/api/v1/datasets/nothing/events.ics"} {
		if r := ts.get(t, p); r.StatusCode != 404 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	if r := ts.get(t, "/events.ics?from=x"); r.StatusCode != 400 {
		t.Errorf("bad from: %d", r.StatusCode)
	}
}
