package web

import (
	"encoding/csv"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// demoEventNames are the demo's event names whose row passes keep, read
// from the demo's CSV itself (so the test does not copy the data).
func demoEventNames(t *testing.T, keep func(row map[string]string) bool) []string {
	t.Helper()
	f, err := os.Open("../datasets/demo/data/event.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	var out []string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range head {
			m[h] = r[i]
		}
		if keep(m) {
			out = append(out, m["イベント名"])
		}
	}
	slices.Sort(out)
	return out
}

// apiEventNames are the names /api/v1/events gives for query, sorted.
func apiEventNames(t *testing.T, ts *testServer, query string) []string {
	t.Helper()
	var api struct {
		Total int
		Items []struct{ Name string }
	}
	res := ts.get(t, "/api/v1/events?"+query)
	if res.StatusCode != 200 {
		t.Fatalf("%s: status %d %s", query, res.StatusCode, readAll(t, res.Body))
	}
	decode(t, res, &api)
	var out []string
	for _, e := range api.Items {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	if api.Total != len(out) {
		t.Errorf("%s: total %d, %d items", query, api.Total, len(out))
	}
	return out
}

// TestEventFilters: /api/v1/events finds events by department (the
// dataset's, or the one named as the event's contact or organizer), by
// place (the venue's name or address) and by bbox, as the demo's CSV says.
func TestEventFilters(t *testing.T) {
	ts := newDemoServer(t)
	health := demoEventNames(t, func(r map[string]string) bool {
		return strings.Contains(r["連絡先名称"], "健康課") || strings.Contains(r["主催者"], "健康課")
	})
	if len(health) < 5 {
		t.Fatalf("the demo has %d events of 健康課", len(health))
	}
	if got := apiEventNames(t, ts, "department=kenkou"); !slices.Equal(got, health) {
		t.Errorf("department=kenkou:\n got %v\nwant %v", got, health)
	}
	atCentre := demoEventNames(t, func(r map[string]string) bool {
		return strings.Contains(r["場所名称"]+r["住所"], "保健センター")
	})
	if got := apiEventNames(t, ts, "place="+url.QueryEscape("保健センター")); len(atCentre) == 0 || !slices.Equal(got, atCentre) {
		t.Errorf("place=保健センター:\n got %v\nwant %v", got, atCentre)
	}
	// The 保健センター's point (35.707714, 139.564807), in a small box.
	inBox := apiEventNames(t, ts, "bbox=139.5640,35.7070,139.5655,35.7085")
	if len(inBox) == 0 || !slices.Equal(inBox, atCentre) {
		t.Errorf("bbox around 保健センター:\n got %v\nwant %v", inBox, atCentre)
	}
	if got := apiEventNames(t, ts, "department=kenkou&q="+url.QueryEscape("予防接種")); len(got) == 0 || len(got) >= len(health) {
		t.Errorf("department and words: %v", got)
	}
	if got := apiEventNames(t, ts, "department=nope"); len(got) != 0 {
		t.Errorf("unknown department found %v", got)
	}
	for _, bad := range []string{"bbox=1,2,3", "bbox=a,b,c,d", "from=2026-13-01"} {
		if r := ts.get(t, "/api/v1/events?"+bad); r.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", bad, r.StatusCode)
		}
	}
}

// TestSubscribeToTheHealthCheckCalendar is the resident's path: on the
// events page, choose 健康課; the page offers the calendar of that search;
// a calendar app (Python's icalendar here) reads it and finds exactly the
// health department's events, and the months either side keep the choice.
func TestSubscribeToTheHealthCheckCalendar(t *testing.T) {
	ts := newDemoServer(t)
	res := ts.get(t, "/events?department=kenkou")
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := doc.Find(`#event-department option[selected]`).Attr("value"); v != "kenkou" {
		t.Errorf("the department chosen is not shown as chosen: %q", v)
	}
	feed, ok := doc.Find(`p.subscribe a`).Attr("href")
	if !ok || feed != "/events.ics?department=kenkou" {
		t.Fatalf("subscribe link %q", feed)
	}
	for _, sel := range []string{`a[rel="prev"]`, `a[rel="next"]`} {
		if href, _ := doc.Find(sel).Attr("href"); !strings.Contains(href, "department=kenkou") {
			t.Errorf("%s %q loses the department", sel, href)
		}
	}
	_, events := readICS(t, readAll(t, ts.get(t, feed).Body))
	var got []string
	for _, e := range events {
		got = append(got, e.Summary)
	}
	slices.Sort(got)
	want := apiEventNames(t, ts, "department=kenkou")
	if !slices.Equal(got, want) {
		t.Errorf("the health calendar:\n got %v\nwant %v", got, want)
	}
	if !slices.Contains(got, "4か月児健康診査") || slices.Contains(got, "みどり野夏まつり・盆踊り大会") {
		t.Errorf("the health calendar holds %v", got)
	}
	// Without a search the page offers only the whole calendar.
	doc, err = goquery.NewDocumentFromReader(ts.get(t, "/events").Body)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Find(`p.subscribe`).Length() != 0 {
		t.Error("a subscribe link for a search without one")
	}
}
