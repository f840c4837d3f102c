package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestEventPages: every event of the API has a page at its "page" address,
// with its name, the facts a resident needs, a schema.org Event and a
// one-event calendar that a calendar app reads with the same UID as the
// whole feed; past events stay, marked as over; unknown ones are 404.
func TestEventPages(t *testing.T) {
	ts := newDemoServer(t)
	base := serveAtOwnURL(t, ts)
	var api struct {
		Items []struct {
			Name, Page, Place string
			Start             string `json:"start_date"`
		}
	}
	decode(t, ts.get(t, "/api/v1/events"), &api)
	if len(api.Items) < 30 {
		t.Fatalf("%d events", len(api.Items))
	}
	_, feed := readICS(t, readAll(t, ts.get(t, "/events.ics").Body))
	uidOf := map[string]string{}
	for _, e := range feed {
		uidOf[e.Summary+" "+e.Start.At[:10]] = e.UID
	}
	for i, e := range api.Items {
		u, err := url.Parse(e.Page)
		if err != nil || u.Scheme+"://"+u.Host != ts.srv.cfg.BaseURL || !strings.HasPrefix(u.Path, "/events/events/") {
			t.Fatalf("%s: page %q", e.Name, e.Page)
		}
		e.Page = u.Path
		ld, html := jsonLD(t, base+e.Page)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
		if err != nil {
			t.Fatal(err)
		}
		if h1 := strings.TrimSpace(doc.Find("h1").Text()); h1 != e.Name {
			t.Errorf("%s: h1 %q", e.Page, h1)
		}
		if len(ld) != 1 {
			t.Fatalf("%s: %d JSON-LD blocks", e.Page, len(ld))
		}
		g, _ := ld[0]["@graph"].([]any)
		if len(g) != 1 {
			t.Fatalf("%s: graph %v", e.Page, ld[0])
		}
		ev := g[0].(map[string]any)
		if ev["@type"] != "Event" || ev["name"] != e.Name || !strings.HasPrefix(ev["startDate"].(string), e.Start) {
			t.Errorf("%s: schema.org Event %v", e.Page, ev)
		}
		if e.Place != "" && !strings.Contains(doc.Find("dl.facts").Text(), e.Place) {
			t.Errorf("%s: the place %q is not on the page", e.Page, e.Place)
		}
		ics, ok := doc.Find(`a[type="text/calendar"]`).Attr("href")
		if !ok {
			t.Fatalf("%s: no link to add it to a calendar", e.Page)
		}
		if i%8 != 0 { // Python for a few: each run starts an interpreter
			continue
		}
		_, one := readICS(t, readAll(t, ts.get(t, ics).Body))
		if len(one) != 1 || one[0].Summary != e.Name || one[0].UID != uidOf[e.Name+" "+e.Start] {
			t.Errorf("%s: its calendar %+v (UID in the feed %q)", e.Page, one, uidOf[e.Name+" "+e.Start])
		}
	}

	// The health check's page has its facts: capacity is not given, but
	// the way to apply and the contact with a tel: link are.
	doc, err := goquery.NewDocumentFromReader(ts.get(t, "/events/events/12").Body)
	if err != nil {
		t.Fatal(err)
	}
	facts := doc.Find("dl.facts").Text()
	for _, want := range []string{"保健センター", "個別通知", "健康課", "無料"} {
		if !strings.Contains(facts, want) {
			t.Errorf("4か月児健康診査: %q missing from %q", want, facts)
		}
	}
	if tel, _ := doc.Find(`a[href^="tel:"]`).Attr("href"); tel != "tel:0422001401" {
		t.Errorf("tel link %q", tel)
	}

	// Past or not, by the server's today.
	ts.srv.now = func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, japan) }
	if doc, _ := goquery.NewDocumentFromReader(ts.get(t, "/events/events/12").Body); doc.Find("p.notice").Length() != 1 {
		t.Error("an event of long ago is not marked as over")
	}
	ts.srv.now = func() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, japan) }
	if doc, _ := goquery.NewDocumentFromReader(ts.get(t, "/events/events/12").Body); doc.Find("p.notice").Length() != 0 {
		t.Error("an event to come is marked as over")
	}

	for _, p := range []string{"/events/events/99999", "/events/events/r99999", "/events/nosuch/1", "/events/aed/1", "/events/events/99999/calendar.ics"} {
		if r := ts.get(t, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, r.StatusCode)
		}
	}
	// The month's list links each event to its page.
	doc, err = goquery.NewDocumentFromReader(ts.get(t, "/events").Body)
	if err != nil {
		t.Fatal(err)
	}
	doc.Find("p.event-name a").Each(func(_ int, a *goquery.Selection) {
		if href, _ := a.Attr("href"); !strings.HasPrefix(href, "/events/events/") {
			t.Errorf("event link %q", href)
		}
	})
}

// TestHomeListsComingEvents: the home page lists the five soonest events
// not over by the server's today, linked to their pages; past events leave
// that list (they stay in the data and on their pages); a new day is seen
// without a restart.
func TestHomeListsComingEvents(t *testing.T) {
	ts := newDemoServer(t)
	var api struct {
		Items []struct {
			Name, Page string
			Start      string `json:"start_date"`
			End        string `json:"end_date"`
		}
	}
	decode(t, ts.get(t, "/api/v1/events"), &api)
	coming := func() []string {
		doc, err := goquery.NewDocumentFromReader(ts.get(t, "/").Body)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		doc.Find("ul.coming a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if !strings.Contains(href, "/events/events/") {
				t.Errorf("coming event link %q", href)
			}
			names = append(names, a.Text())
		})
		return names
	}
	// On the day after the third event's last day, the events from the
	// first one not over then.
	third := api.Items[2]
	day, err := time.ParseInLocation(time.DateOnly, cmp.Or(third.End, third.Start), japan)
	if err != nil {
		t.Fatal(err)
	}
	after := day.AddDate(0, 0, 1)
	ts.srv.now = func() time.Time { return after }
	var want []string
	for _, e := range api.Items {
		if cmp.Or(e.End, e.Start) >= after.Format(time.DateOnly) && len(want) < 5 {
			want = append(want, e.Name)
		}
	}
	if got := coming(); !slices.Equal(got, want) || len(got) != 5 || slices.Contains(got, third.Name) {
		t.Errorf("coming events on %s:\n got %v\nwant %v", after.Format(time.DateOnly), got, want)
	}
	ts.srv.now = func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, japan) }
	if got := coming(); len(got) != 0 {
		t.Errorf("coming events in 2100: %v", got)
	}
	// The past events are still in the API and on their pages.
	if r := ts.get(t, "/api/v1/events"); r.StatusCode != 200 {
		t.Fatal(r.StatusCode)
	}
	u, _ := url.Parse(third.Page)
	if r := ts.get(t, u.Path); r.StatusCode != 200 {
		t.Errorf("a past event's page: %d", r.StatusCode)
	}
}
