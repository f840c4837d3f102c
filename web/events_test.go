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

// TestEventsAPI: /api/v1/events answers the events of a period, the same
// ones the page lists, and refuses bad dates.
func TestEventsAPI(t *testing.T) {
	ts := newDemoServer(t)
	var all struct {
		Total int
		Items []struct {
			Name      string
			StartDate string `json:"start_date"`
			EndDate   string `json:"end_date"`
			Lat, Lon  *float64
		}
	}
	decode(t, ts.get(t, "/api/v1/events"), &all)
	if all.Total < 30 || len(all.Items) != all.Total {
		t.Fatalf("%d events (%d items)", all.Total, len(all.Items))
	}
	for i, e := range all.Items {
		if i > 0 && e.StartDate < all.Items[i-1].StartDate {
			t.Errorf("not by date: %s after %s", e.StartDate, all.Items[i-1].StartDate)
		}
		if e.Lat == nil || e.Lon == nil {
			t.Errorf("%s: no position", e.Name)
		}
	}
	from, to := all.Items[3].StartDate, all.Items[10].StartDate
	want := 0
	for _, e := range all.Items {
		end := e.EndDate
		if end == "" {
			end = e.StartDate
		}
		if e.StartDate <= to && end >= from {
			want++
		}
	}
	var some struct{ Total int }
	decode(t, ts.get(t, "/api/v1/events?from="+from+"&to="+to), &some)
	if some.Total != want {
		t.Errorf("%s..%s: %d events, want %d", from, to, some.Total, want)
	}
	for _, bad := range []string{"from=2026-13-01", "to=x", "from=2026-05-01&to=2026-04-01"} {
		if r := ts.get(t, "/api/v1/events?"+bad); r.StatusCode != 400 {
			t.Errorf("%s: %d", bad, r.StatusCode)
		}
	}
}
