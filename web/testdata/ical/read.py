"""Reads an iCalendar file with Python's icalendar (Debian python3-icalendar)
and prints its events as JSON: uid, summary, start and end (ISO, with the
time zone name or "date"), location, geo, url; and the calendar's time
zones. Exit status 1 with the parser's message on a parse error."""
import json
import sys
from datetime import date, datetime

from icalendar import Calendar

raw = open(sys.argv[1], "rb").read()
for n, line in enumerate(raw.split(b"\r\n"), 1):
    if len(line) > 75:
        print(f"line {n}: {len(line)} octets", file=sys.stderr)
        sys.exit(1)
cal = Calendar.from_ical(raw)


def when(v):
    if v is None:
        return None
    d = v.dt
    if isinstance(d, datetime):
        return {"at": d.strftime("%Y-%m-%dT%H:%M"), "tz": str(d.tzinfo)}
    return {"at": d.isoformat(), "tz": "date"}


events = []
for ev in cal.walk("VEVENT"):
    geo = ev.get("GEO")
    events.append({
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "start": when(ev.get("DTSTART")),
        "end": when(ev.get("DTEND")),
        "stamp": ev.get("DTSTAMP") is not None,
        "location": str(ev.get("LOCATION", "")),
        "geo": [geo.latitude, geo.longitude] if geo else None,
        "url": str(ev.get("URL", "")),
    })
print(json.dumps({
    "timezones": [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")],
    "events": events,
}, ensure_ascii=False))
