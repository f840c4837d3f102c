package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"
	"github.com/machi-opendata/portal/catalog"
)

// Each event has its own page: what a resident needs to go (when, where,
// fee, capacity, how and by when to apply, whom to ask), a link that adds
// it to their calendar, and a schema.org Event for search engines. Its
// address is /events/{dataset}/{key}: the key is the standard's NO column,
// the event's number in its dataset (what the calendar feeds' UIDs use,
// so a page outlives new versions of the list), or r{row} without one.

// eventKey is the key of an event's page.
func eventKey(no string, row int) string {
	if no != "" && !strings.HasPrefix(no, "r") {
		return no
	}
	return "r" + strconv.Itoa(row)
}

// eventPath is the path of an event's page.
func eventPath(slug, no string, row int) string {
	return "/events/" + url.PathEscape(slug) + "/" + url.PathEscape(eventKey(no, row))
}

// eventDetail is an event record's typed fields, the page's share too.
type eventDetail struct {
	eventFields
	NameEN           string `json:"name_en"`
	FeeDetail        string `json:"fee_detail"`
	Capacity         any    `json:"capacity"` // a number, or text such as 先着50人
	Deadline         string `json:"deadline"`
	DeadlineTime     string `json:"deadline_time"`
	Application      string `json:"application"`
	Access           string `json:"access"`
	Parking          string `json:"parking"`
	ContactPhone     string `json:"contact_phone"`
	ContactExtension string `json:"contact_extension"`
	Note             string `json:"note"`
}

// errFound stops a walk over records at the one looked for.
var errFound = errors.New("found")

// eventByKey finds the event of key in the published event dataset slug.
func (s *Server) eventByKey(ctx context.Context, slug, key string) (*catalog.Dataset, *eventDetail, eventItem, error) {
	src, err := s.eventSources(ctx, slug)
	if err != nil {
		return nil, nil, eventItem{}, err
	}
	d := src.datasets[0]
	v := src.versions[d.ID]
	if v == nil {
		return nil, nil, eventItem{}, catalog.Errorf(catalog.NotFound, "no event %q in %q", key, slug)
	}
	var found *eventDetail
	var item eventItem
	err = s.records.EachTyped(ctx, v, func(row int, fields, props []byte) error {
		var ev eventDetail
		if err := gojson.Unmarshal(fields, &ev); err != nil {
			return fmt.Errorf("event record %d: %w", row, err)
		}
		if eventKey(ev.ID, row) != key {
			return nil
		}
		found, item = &ev, s.newEventItem(d, row, ev.eventFields)
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, nil, eventItem{}, err
	}
	if found == nil {
		return nil, nil, eventItem{}, catalog.Errorf(catalog.NotFound, "no event %q in %q", key, slug)
	}
	return d, found, item, nil
}

type eventView struct {
	page
	*eventDetail
	Title, When, Month, ICS, Phone string
	DatasetTitle                   text
	DatasetSlug                    string
	Past                           bool
	LD                             *ldGraph
}

// eventPage is GET /events/{dataset}/{key}.
func (s *Server) eventPage(c *gin.Context) error {
	d, ev, item, err := s.eventByKey(c.Request.Context(), c.Param("dataset"), c.Param("key"))
	if err != nil {
		return err
	}
	p := s.page(c)
	title := item.Name
	if p.Lang == en && ev.NameEN != "" {
		title = ev.NameEN
	}
	start, err := time.ParseInLocation(time.DateOnly, item.Start, japan)
	if err != nil {
		return catalog.Errorf(catalog.NotFound, "event %q has no date", c.Param("key"))
	}
	when := formatDay(p.Lang, start)
	if end, err := time.ParseInLocation(time.DateOnly, item.End, japan); err == nil {
		when = p.t("events.period", "start", when, "end", formatDay(p.Lang, end))
	}
	switch {
	case item.StartTime != "" && item.EndTime != "":
		when += " " + item.StartTime + p.t("events.until") + item.EndTime
	case item.StartTime != "":
		when += " " + item.StartTime
	}
	today := s.now().In(japan).Format(time.DateOnly)
	view := eventView{page: p.titled(title), eventDetail: ev, Title: title, When: when, Month: start.Format("2006-01"),
		ICS: eventPath(d.Slug, item.No, item.Row) + "/calendar.ics", Phone: telDigits(ev.ContactPhone),
		DatasetTitle: pick(p.Lang, d.TitleJA, d.TitleEN), DatasetSlug: d.Slug,
		// A recurring event without an end goes on; any other is over
		// after its last day.
		Past: (item.rec == nil || item.End != "") && cmp.Or(item.End, item.Start) < today,
		LD:   &ldGraph{Context: schemaContext, Graph: []ldEvent{ldEventOf(&ev.eventFields)}}}
	return s.render(c, 200, "event.html", view)
}

// eventICS is GET /events/{dataset}/{key}/calendar.ics: the one event, for
// a calendar app's "add".
func (s *Server) eventICS(c *gin.Context) error {
	_, _, item, err := s.eventByKey(c.Request.Context(), c.Param("dataset"), c.Param("key"))
	if err != nil {
		return err
	}
	return s.writeICS(c, item.Name, item.Dataset+"-"+eventKey(item.No, item.Row), []eventItem{item})
}

// telDigits is a phone number as a tel: link wants it (digits and a
// leading +), or "" when it has too few digits to be one.
func telDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r == '+' && b.Len() == 0 {
			b.WriteRune(r)
		}
		if r >= '０' && r <= '９' {
			b.WriteRune('0' + r - '０')
		}
	}
	if b.Len() < 6 {
		return ""
	}
	return b.String()
}

// upcomingCache keeps the home page's coming events: finding them reads
// every event record, and they change only with the day or a new version
// of an event dataset, which is what the key says.
type upcomingCache struct {
	mu    sync.Mutex
	key   string
	items []eventItem
}

// upcomingEvents are the first n events not over by today (in Japan),
// soonest first: what the home page lists. Past events stay in the data
// and on their pages; they only leave this view.
func (s *Server) upcomingEvents(ctx context.Context, n int) ([]eventItem, error) {
	today := s.now().In(japan).Format(time.DateOnly)
	src, err := s.eventSources(ctx, "")
	if err != nil {
		return nil, err
	}
	key := today
	for _, d := range src.datasets {
		if v := src.versions[d.ID]; v != nil {
			key += fmt.Sprintf("|%s:%d", d.Slug, v.ID)
		}
	}
	uc := &s.upcoming
	uc.mu.Lock()
	defer uc.mu.Unlock()
	if uc.key != key {
		evs, err := s.findEventsIn(ctx, src, eventFilter{From: today}, 0)
		if err != nil {
			return nil, err
		}
		uc.key, uc.items = key, evs[:min(len(evs), n)]
	}
	return uc.items[:min(len(uc.items), n)], nil
}
