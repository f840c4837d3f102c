package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestEventsPage: the month's events from the demo's event list, in the
// list and on the calendar, each once a day it runs; filters by words;
// other months by navigation; a bad month is a 400, not a crash.
func TestEventsPage(t *testing.T) {
	ts := newDemoServer(t)
	// The demo's events are moved into the twelve months from its clock.
	var list struct {
		Records []map[string]any `json:"records"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/events/records?limit=1000"), &list)
	if len(list.Records) < 30 {
		t.Fatalf("%d demo events", len(list.Records))
	}
	first := list.Records[0]["開始日"].(string)
	month := first[:7]
	want := map[string]bool{}
	for _, r := range list.Records {
		start, _ := r["開始日"].(string)
		end, _ := r["終了日"].(string)
		if end == "" {
			end = start
		}
		if start[:7] <= month && end[:7] >= month {
			want[r["イベント名"].(string)] = true
		}
	}
	res := ts.get(t, "/events?month="+month)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	doc.Find(".event-name").Each(func(_ int, s *goquery.Selection) { got[s.Text()] = true })
	for name := range want {
		if !got[name] {
			t.Errorf("%s: %q missing", month, name)
		}
	}
	for name := range got {
		if !want[name] {
			t.Errorf("%s: %q is not of this month", month, name)
		}
	}
	m, _ := time.Parse("2006-01", month)
	days := doc.Find(".calendar td .day").Length()
	if days != m.AddDate(0, 1, -1).Day() {
		t.Errorf("calendar has %d days", days)
	}
	if doc.Find(`a[rel="next"]`).AttrOr("href", "") != "/events?month="+m.AddDate(0, 1, 0).Format("2006-01") {
		t.Errorf("next link %q", doc.Find(`a[rel="next"]`).AttrOr("href", ""))
	}

	// Words filter the month.
	var one string
	for name := range want {
		one = name
		break
	}
	doc2, _ := goquery.NewDocumentFromReader(ts.get(t, "/events?month="+month+"&q="+url.QueryEscape(one)).Body)
	if n := doc2.Find(".event-name").Length(); n == 0 || !strings.Contains(doc2.Find(".event-name").First().Text(), one) {
		t.Errorf("q=%s: %d events, first %q", one, n, doc2.Find(".event-name").First().Text())
	}
	for _, bad := range []string{"2026-13", "x", "99999-01"} {
		if r := ts.get(t, "/events?month="+bad); r.StatusCode != 400 {
			t.Errorf("month=%s: %d", bad, r.StatusCode)
		}
	}
}

// TestAboutPage: the terms name every licence and every department's
// contact.
func TestAboutPage(t *testing.T) {
	ts := newDemoServer(t)
	res := ts.get(t, "/about")
	body := string(readAll(t, res.Body))
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, s := range []string{"CC-BY-4.0", "PDL-1.0", "防災安全課", "出典", "みどり野市"} {
		if !strings.Contains(body, s) {
			t.Errorf("about page lacks %q", s)
		}
	}
}
