package web

import (
	"bufio"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"
)

// Events as iCalendar (RFC 5545), for calendar apps to subscribe to:
// /events.ics (every event dataset, the filters of /api/v1/events) and
// /api/v1/datasets/{id}/events.ics (one dataset). Serialized by
// arran4/golang-ical, which folds lines and escapes text. An event whose
// text says it repeats (毎週水曜日; ical_rrule.go) is its first occurrence
// and an RRULE.

// tokyoTZ is the calendar's one time zone. Japan has had no daylight saving
// time since 1951, so one STANDARD block describes it exactly.
const tokyoTZ = "Asia/Tokyo"

func (s *Server) eventsICS(c *gin.Context) error {
	f, err := s.readEventFilter(c)
	if err != nil {
		return err
	}
	evs, err := s.findEvents(c.Request.Context(), f, 0)
	if err != nil {
		return err
	}
	return s.writeICS(c, s.cfg.City.NameJA+" イベント", "events", evs)
}

func (s *Server) datasetEventsICS(c *gin.Context) error {
	f, err := s.readEventFilter(c)
	if err != nil {
		return err
	}
	f.Dataset = c.Param("id")
	evs, err := s.findEvents(c.Request.Context(), f, 0)
	if err != nil {
		return err
	}
	name := s.cfg.City.NameJA + " イベント"
	if len(evs) > 0 {
		name = evs[0].DatasetTitle
	}
	return s.writeICS(c, name, c.Param("id"), evs)
}

// writeICS answers the events as one calendar.
func (s *Server) writeICS(c *gin.Context, name, file string, evs []eventItem) error {
	cal := ics.NewCalendarFor("Machi Open Data")
	cal.SetProductId("-//Machi Open Data//" + s.cfg.City.NameEN + "//JA")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(tokyoTZ)
	cal.SetRefreshInterval("P1D")
	tz := cal.AddTimezone(tokyoTZ)
	std := tz.AddStandard()
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0900")
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0900")
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzname), "JST")
	std.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")

	host := "portal"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	for _, e := range evs {
		start, err := time.ParseInLocation(time.DateOnly, e.Start, japan)
		if err != nil {
			continue // findEvents keeps only dated records; a bad one is skipped, not guessed
		}
		// A stable UID: the event's number in its dataset (the standard's
		// NO), so a corrected title updates the subscriber's copy instead
		// of adding a second event. The row stands in when there is no NO.
		id := e.No
		if id == "" {
			id = "row" + strconv.Itoa(e.Row)
		}
		ev := cal.AddEvent(e.Dataset + "-" + id + "@" + host)
		// DTSTAMP: when the catalog last changed the event's dataset, so
		// that the same data always gives the same calendar.
		ev.SetDtStampTime(e.modified)
		ev.SetSummary(e.Name)
		last := start
		if e.End != "" {
			if t, err := time.ParseInLocation(time.DateOnly, e.End, japan); err == nil && !t.Before(start) {
				last = t
			}
		}
		// A recurring event (毎週水曜日) is its first occurrence, repeated
		// by the RRULE up to its end date, rather than one block over the
		// whole period.
		if e.rec != nil {
			start, last = e.first, e.first
		}
		if at, ok := clock(start, e.StartTime); ok {
			ev.SetProperty(ics.ComponentPropertyDtStart, at.Format("20060102T150405"), ics.WithTZID(tokyoTZ))
			if end, ok := clock(last, e.EndTime); ok && end.After(at) {
				ev.SetProperty(ics.ComponentPropertyDtEnd, end.Format("20060102T150405"), ics.WithTZID(tokyoTZ))
			}
		} else {
			ev.SetAllDayStartAt(start)
			ev.SetAllDayEndAt(last.AddDate(0, 0, 1)) // DTEND of a date is exclusive
		}
		if e.rec != nil {
			ev.AddRrule(e.RRule)
		}
		if loc := strings.TrimSpace(strings.Join([]string{e.Place, e.Address}, " ")); loc != "" {
			ev.SetLocation(loc)
		}
		if e.Lat != nil && e.Lon != nil {
			ev.SetGeo(*e.Lat, *e.Lon)
		}
		desc := e.Description
		if e.Fee != "" {
			desc = strings.TrimSpace(desc + "\n料金：" + e.Fee)
		}
		if desc != "" {
			ev.SetDescription(desc)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		} else {
			ev.SetURL(s.cfg.BaseURL + "/datasets/" + e.Dataset)
		}
	}
	c.Header("Content-Type", "text/calendar; charset=utf-8")
	c.Header("Content-Disposition", `inline; filename="`+file+`.ics"`)
	c.Status(200)
	if c.Request.Method == "HEAD" {
		return nil
	}
	// RFC 5545 lines end in CRLF; the library's default is the OS's. It
	// writes property by property: buffered, the socket sees large writes.
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return err
	}
	return w.Flush()
}

// clock is day at the time hh:mm, if t is one.
func clock(day time.Time, hhmm string) (time.Time, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, japan), true
}

// rrule is the rule as an RRULE value. until, if not zero, is the last
// day: as a date for an all-day event, else at the start time in UTC, as
// RFC 5545 asks of a DTSTART with a TZID.
func (r recurrence) rrule(until time.Time, allDay bool) string {
	parts := []string{"FREQ=" + r.Freq}
	if r.Interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.Interval))
	}
	if !until.IsZero() {
		if allDay {
			parts = append(parts, "UNTIL="+until.Format("20060102"))
		} else {
			parts = append(parts, "UNTIL="+until.UTC().Format("20060102T150405Z"))
		}
	}
	if len(r.ByDay) > 0 {
		days := slices.Clone(r.ByDay)
		slices.SortFunc(days, func(a, b weekday) int {
			// Monday first, as people read a week; ordinals in order.
			return (int(a.Day)+6)%7*10 + a.N - (int(b.Day)+6)%7*10 - b.N
		})
		var b strings.Builder
		for i, d := range days {
			if i > 0 {
				b.WriteByte(',')
			}
			if d.N != 0 {
				b.WriteString(strconv.Itoa(d.N))
			}
			b.WriteString(dayCodes[d.Day])
		}
		parts = append(parts, "BYDAY="+b.String())
	}
	if len(r.ByMonthDay) > 0 {
		days := slices.Clone(r.ByMonthDay)
		slices.SortFunc(days, func(a, b int) int { return (a+32)%32 - (b+32)%32 })
		var ds []string
		for _, d := range days {
			ds = append(ds, strconv.Itoa(d))
		}
		parts = append(parts, "BYMONTHDAY="+strings.Join(ds, ","))
	}
	return strings.Join(parts, ";")
}

// eventRule is the recurrence of an event, read from its date remark, its
// name or its description, the first that says one; the first occurrence
// on or after its start and the RRULE value. 毎日 and 平日 count only for
// an event over a period: "daily" without an end is a misreading (毎日
// in a description of a one-day event), not a calendar to flood. A rule
// with no day in the period is no rule.
func eventRule(f eventFields) (rec *recurrence, first time.Time, rrule string) {
	start, err := time.ParseInLocation(time.DateOnly, f.StartDate, japan)
	if err != nil {
		return nil, time.Time{}, ""
	}
	var last time.Time
	if t, err := time.ParseInLocation(time.DateOnly, f.EndDate, japan); err == nil && t.After(start) {
		last = t
	}
	for _, text := range []string{f.DateNote, f.Name, f.Description} {
		r, ok := parseRecurrence(text)
		if !ok {
			continue
		}
		if last.IsZero() && (r.Freq == "DAILY" || r.weekdays) {
			return nil, time.Time{}, ""
		}
		day, ok := r.first(start)
		if !ok || !last.IsZero() && day.After(last) {
			return nil, time.Time{}, ""
		}
		_, timed := clock(day, f.StartTime)
		until := last
		if at, ok := clock(last, f.StartTime); ok && !last.IsZero() {
			until = at
		}
		return &r, day, r.rrule(until, !timed)
	}
	return nil, time.Time{}, ""
}
