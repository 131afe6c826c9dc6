"""Property-based checks of the iCalendar reader: whatever the input, either a clear ``CalendarFileError`` or
a calendar; and what icalendar writes is read back whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.scheduling.ics import CalendarFileError, read_calendar

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 9, 1, tzinfo=PARIS)
END = datetime(2027, 9, 1, tzinfo=PARIS)
VALID = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
    b"DTSTAMP:20261127T000000Z\r\nDTSTART:20261110T080000Z\r\nDTEND:20261110T100000Z\r\nSUMMARY:Partiel\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_garbage_gives_a_clear_error(data):
    try:
        read_calendar(data, start=START, end=END, zone=PARIS)
    except CalendarFileError as exc:
        assert str(exc)


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=0, max_value=len(VALID) - 1), st.binary(min_size=1, max_size=3))
def test_damaged_file_gives_a_clear_error_or_a_calendar(position, noise):
    data = VALID[:position] + noise + VALID[position:]
    try:
        calendar = read_calendar(data, start=START, end=END, zone=PARIS)
    except CalendarFileError as exc:
        assert str(exc)
    else:
        assert calendar.vevents >= 0


summaries = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            summaries, st.integers(min_value=0, max_value=300 * 24), st.integers(min_value=15, max_value=600)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_what_icalendar_writes_is_read_back(events):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//t//t//FR")
    cal.add("version", "2.0")
    base = datetime(2026, 9, 2, 8, tzinfo=UTC)
    for index, (summary, hours, minutes) in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"e{index}@t")
        event.add("dtstamp", base)
        event.add("dtstart", base + timedelta(hours=hours))
        event.add("dtend", base + timedelta(hours=hours, minutes=minutes))
        event.add("summary", summary)
        cal.add_component(event)
    read = read_calendar(cal.to_ical(), start=START, end=END, zone=PARIS)
    assert read.vevents == len(events)
    for index, (summary, hours, minutes) in enumerate(events):
        item = read.events[f"e{index}@t"]
        assert item.summary == summary[:500]
        (occurrence,) = item.occurrences
        assert occurrence.starts_at == base + timedelta(hours=hours)
        assert occurrence.ends_at - occurrence.starts_at == timedelta(minutes=minutes)
