package web

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"
	"github.com/machi-opendata/portal/catalog"
)

// The events page lists the events of every published event dataset
// (イベント一覧, the standard's columns) for one month, as a list by day and
// as a calendar, server-rendered.

// eventItem is one event as the page and /api/v1/events show it.
type eventItem struct {
	Name         string    `json:"name"`
	Start        string    `json:"start_date"`
	End          string    `json:"end_date"` // empty: the one day Start
	StartTime    string    `json:"start_time"`
	EndTime      string    `json:"end_time"`
	Place        string    `json:"place"`
	Address      string    `json:"address"`
	Lat          *float64  `json:"lat"`
	Lon          *float64  `json:"lon"`
	Fee          string    `json:"fee"`
	Description  string    `json:"description"`
	URL          string    `json:"url"`
	Page         string    `json:"page"`  // the event's page on the portal
	RRule        string    `json:"rrule"` // RFC 5545, read from its text (毎週水曜日); empty: not recurring
	No           string    `json:"-"`     // the standard's NO column: the event's number in its dataset
	Dataset      string    `json:"dataset"`
	DatasetTitle string    `json:"dataset_title"`
	Row          int       `json:"row"`
	modified     time.Time // when its dataset last changed: the calendar's DTSTAMP
	rec          *recurrence
	first        time.Time // with rec: the first occurrence on or after Start
}

// eventFields are an event record's typed fields, as the import extracts
// them from the standard イベント一覧 columns whatever their spelling (開始日
// or 開催開始日, era dates made ISO): the events page, the API, iCalendar
// and schema.org all read events through them.
type eventFields struct {
	ID          string   `json:"id"` // the standard's NO
	Name        string   `json:"name"`
	Description string   `json:"description"`
	DateNote    string   `json:"date_note"` // 開始日時特記事項: 毎週水曜日開催
	StartDate   string   `json:"start_date"`
	EndDate     string   `json:"end_date"`
	StartTime   string   `json:"start_time"`
	EndTime     string   `json:"end_time"`
	Place       string   `json:"place"`
	Address     string   `json:"address"`
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	Fee         string   `json:"fee"`
	URL         string   `json:"url"`
	Organizer   string   `json:"organizer"`
	ContactName string   `json:"contact_name"` // 連絡先名称: often the department that holds it
}

// eventFilter is a search of the events, as /api/v1/events, the calendar
// feeds and the events page read it.
type eventFilter struct {
	Dataset    string // one event dataset's id; "" for all of them
	From, To   string // ISO dates, inclusive, either open
	Q          string // words anywhere in the record
	Place      string // words in the venue's name or address
	BBox       *catalog.BBox
	Department string // a department's code: see holds
	deptName   string // its name, folded; set by readEventFilter
}

// readEventFilter reads a search from the request's parameters (from, to,
// q, place, bbox, department); Invalid for a value it cannot read. An
// unknown department finds nothing, as an unknown word would.
func (s *Server) readEventFilter(c *gin.Context) (eventFilter, error) {
	f := eventFilter{Q: clipQuery(c.Query("q")), Place: clipQuery(c.Query("place")), Department: strings.TrimSpace(c.Query("department"))}
	var err error
	if f.From, f.To, err = eventPeriod(c); err != nil {
		return f, err
	}
	if b := c.Query("bbox"); b != "" {
		if f.BBox, err = parseBBox(b); err != nil {
			return f, err
		}
	}
	if f.Department != "" {
		d, err := s.store.Department(c.Request.Context(), f.Department)
		switch {
		case catalog.KindOf(err) == catalog.NotFound:
			f.deptName = "\x00" // matches no text
		case err != nil:
			return f, err
		default:
			f.deptName = catalog.Fold(d.NameJA)
		}
	}
	return f, nil
}

// holds tells whether the department of f holds an event of dataset d: it
// publishes the dataset, or the event names it as its contact or organizer
// (a city-wide イベント一覧 from 秘書広報課 lists 健康課's health checks with
// 健康課 as their contact).
func (f *eventFilter) holds(d *catalog.Dataset, ev *eventFields) bool {
	if f.Department == "" || d.Department == f.Department {
		return true
	}
	return strings.Contains(catalog.Fold(ev.ContactName), f.deptName) || strings.Contains(catalog.Fold(ev.Organizer), f.deptName)
}

// values writes f back as query parameters, for links that keep the
// search (the events page's subscribe link).
func (f *eventFilter) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", f.Q}, {"place", f.Place}, {"department", f.Department}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if f.BBox != nil {
		v.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", f.BBox[0], f.BBox[1], f.BBox[2], f.BBox[3]))
	}
	return v
}

// maxEvents bounds one page's events: a city holds a few hundred a month.
const maxEvents = 1000

// findEvents lists the events that f finds, by date and time; of the
// event dataset f.Dataset only, unless it is empty (then NotFound if there
// is no such event dataset).
//
// limit bounds the answer (0: every event): a page shows a month, a
// calendar feed holds them all.
func (s *Server) findEvents(ctx context.Context, f eventFilter, limit int) ([]eventItem, error) {
	src, err := s.eventSources(ctx, f.Dataset)
	if err != nil {
		return nil, err
	}
	return s.findEventsIn(ctx, src, f, limit)
}

// eventSources are the published event datasets (only slug's, unless it
// is empty: then NotFound if there is no such event dataset) and their
// current versions.
type eventSources struct {
	datasets []*catalog.Dataset
	versions map[int64]*catalog.Version
}

func (s *Server) eventSources(ctx context.Context, slug string) (eventSources, error) {
	ds, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Kind: catalog.KindEvent})
	if err != nil {
		return eventSources{}, err
	}
	if slug != "" {
		ds = slices.DeleteFunc(ds, func(d *catalog.Dataset) bool { return d.Slug != slug })
		if len(ds) == 0 {
			return eventSources{}, catalog.Errorf(catalog.NotFound, "no event dataset %q", slug)
		}
	}
	versions, _, err := s.store.CurrentVersions(ctx, ds)
	return eventSources{ds, versions}, err
}

// newEventItem is the event of record row of dataset d, as the pages, the
// API and the calendar feeds show it.
func (s *Server) newEventItem(d *catalog.Dataset, row int, ev eventFields) eventItem {
	e := eventItem{Name: cmp.Or(ev.Name, d.TitleJA), Start: ev.StartDate, End: ev.EndDate,
		StartTime: ev.StartTime, EndTime: ev.EndTime, Place: ev.Place, Address: ev.Address, Lat: ev.Lat, Lon: ev.Lon,
		Fee: ev.Fee, Description: ev.Description, URL: ev.URL,
		Dataset: d.Slug, DatasetTitle: d.TitleJA, Row: row, No: ev.ID, modified: d.Modified,
		Page: s.cfg.BaseURL + eventPath(d.Slug, ev.ID, row)}
	if e.End == e.Start {
		e.End = ""
	}
	e.rec, e.first, e.RRule = eventRule(ev)
	return e
}

// findEventsIn is findEvents over sources already read.
func (s *Server) findEventsIn(ctx context.Context, src eventSources, f eventFilter, limit int) ([]eventItem, error) {
	from, to := f.From, f.To
	var out []eventItem
	words := strings.Fields(catalog.Fold(f.Q))
	places := strings.Fields(catalog.Fold(f.Place))
	for _, d := range src.datasets {
		v := src.versions[d.ID]
		if v == nil {
			continue
		}
		err := s.records.EachTyped(ctx, v, func(row int, fields, props []byte) error {
			var ev eventFields
			// goccy/go-json decodes about three times faster than
			// encoding/json: a 10,000-event calendar feed is mostly this.
			if err := gojson.Unmarshal(fields, &ev); err != nil {
				return fmt.Errorf("event record %d: %w", row, err)
			}
			end := cmp.Or(ev.EndDate, ev.StartDate)
			if ev.StartDate == "" || to != "" && ev.StartDate > to || from != "" && end < from {
				return nil // undated, or outside the period
			}
			if !f.holds(d, &ev) {
				return nil
			}
			if f.BBox != nil && (ev.Lat == nil || ev.Lon == nil || *ev.Lon < f.BBox[0] || *ev.Lat < f.BBox[1] || *ev.Lon > f.BBox[2] || *ev.Lat > f.BBox[3]) {
				return nil
			}
			if len(places) > 0 {
				venue := catalog.Fold(ev.Place + " " + ev.Address)
				for _, w := range places {
					if !strings.Contains(venue, w) {
						return nil
					}
				}
			}
			if len(words) > 0 {
				text := catalog.Fold(string(props))
				for _, w := range words {
					if !strings.Contains(text, w) {
						return nil
					}
				}
			}
			out = append(out, s.newEventItem(d, row, ev))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b eventItem) int {
		return cmp.Or(strings.Compare(a.Start, b.Start), strings.Compare(a.StartTime, b.StartTime))
	})
	if limit > 0 {
		out = out[:min(len(out), limit)]
	}
	return out, nil
}

// calendarDay is one cell of the month's calendar.
type calendarDay struct {
	Date    string // ISO; empty for the days of other months
	Day     int
	Weekend bool
	Events  []eventItem
}

// dayGroup is one day of the list view.
type dayGroup struct {
	Date, Label string
	Events      []eventItem
}

type eventsView struct {
	page
	Month, MonthLabel, Prev, Next, Q string
	Department                       string
	Departments                      []catalog.Department
	Subscribe                        string // the calendar feed of this search, when filtered
	Total                            int
	Days                             []dayGroup
	Weeks                            [][]calendarDay
	Titles                           map[string]text // the event datasets' titles by slug
}

// listEvents is GET /api/v1/events: the events that meet from..to
// (dates, inclusive, either open) and contain q.
func (s *Server) listEvents(c *gin.Context) error {
	f, err := s.readEventFilter(c)
	if err != nil {
		return err
	}
	evs, err := s.findEvents(c.Request.Context(), f, maxEvents)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []eventItem{}
	}
	c.JSON(200, gin.H{"total": len(evs), "items": evs})
	return nil
}

// eventPeriod reads the from and to parameters: ISO dates, either empty.
func eventPeriod(c *gin.Context) (from, to string, err error) {
	from, to = c.Query("from"), c.Query("to")
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return "", "", catalog.Errorf(catalog.Invalid, "from and to are dates such as 2026-04-01")
		}
	}
	if from != "" && to != "" && from > to {
		return "", "", catalog.Errorf(catalog.Invalid, "from must not be after to")
	}
	return from, to, nil
}

func (s *Server) eventsPage(c *gin.Context) error {
	p := s.page(c)
	now := s.now().In(japan)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, japan)
	if m := c.Query("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, japan)
		if err != nil || t.Year() < 1900 || t.Year() > 2200 {
			return catalog.Errorf(catalog.Invalid, "%s", p.t("events.invalid_month"))
		}
		month = t
	}
	f, err := s.readEventFilter(c)
	if err != nil {
		return err
	}
	last := month.AddDate(0, 1, -1)
	f.From, f.To = month.Format(time.DateOnly), last.Format(time.DateOnly)
	evs, err := s.findEvents(c.Request.Context(), f, maxEvents)
	if err != nil {
		return err
	}
	depts, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	// The months either side keep the search; the calendar feed of a
	// search is what a resident subscribes to (健康課's health checks).
	link := func(m time.Time) string {
		v := f.values()
		v.Set("month", m.Format("2006-01"))
		return "/events?" + v.Encode()
	}
	view := eventsView{page: p.titled(p.t("events.title")), Month: month.Format("2006-01"), MonthLabel: formatMonth(p.Lang, month), Q: f.Q,
		Department: f.Department, Departments: depts, Total: len(evs),
		Prev: link(month.AddDate(0, -1, 0)), Next: link(month.AddDate(0, 1, 0)), Titles: map[string]text{}}
	if v := f.values(); len(v) > 0 {
		view.Subscribe = "/events.ics?" + v.Encode()
	}
	ds, _, _, err := s.store.FindDatasets(c.Request.Context(), catalog.Filter{Kind: catalog.KindEvent})
	if err != nil {
		return err
	}
	for _, d := range ds {
		view.Titles[d.Slug] = pick(p.Lang, d.TitleJA, d.TitleEN)
	}
	// A multi-day event shows on each of its days within the month; a
	// recurring one (毎週水曜日) on the days of its rule only.
	byDay := map[string][]eventItem{}
	for _, e := range evs {
		first, err1 := time.ParseInLocation(time.DateOnly, e.Start, japan)
		end := e.End
		if end == "" {
			end = e.Start
		}
		lastDay, err2 := time.ParseInLocation(time.DateOnly, end, japan)
		if err1 != nil || err2 != nil {
			continue
		}
		for d := maxTime(first, month); !d.After(lastDay) && !d.After(last); d = d.AddDate(0, 0, 1) {
			if e.rec != nil && !e.rec.on(d, e.first) {
				continue
			}
			byDay[d.Format(time.DateOnly)] = append(byDay[d.Format(time.DateOnly)], e)
		}
	}
	var week []calendarDay
	for i := 0; i < int(month.Weekday()); i++ {
		week = append(week, calendarDay{})
	}
	for d := month; !d.After(last); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		day := calendarDay{Date: key, Day: d.Day(), Weekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, Events: byDay[key]}
		week = append(week, day)
		if len(byDay[key]) > 0 {
			view.Days = append(view.Days, dayGroup{Date: key, Label: formatDay(p.Lang, d), Events: byDay[key]})
		}
		if len(week) == 7 {
			view.Weeks, week = append(view.Weeks, week), nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calendarDay{})
		}
		view.Weeks = append(view.Weeks, week)
	}
	return s.render(c, 200, "events.html", view)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
