"""Read iCalendar exports (ADE, Hyperplanning, Celcat…) into plain records, with errors that name a line.

Parsing is ``icalendar``'s and expanding recurrences is ``recurring-ical-events``'s. This module adds
what users need around them: a structural check of the raw text first (so that a broken line, a missing
``END`` or an unknown time zone is reported with its line number), then the conversion of the expanded
instances into ``ReadOccurrence`` records, aware of the time zone. No database access here.
"""

from __future__ import annotations

import hashlib
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache

import icalendar
import recurring_ical_events
from django.utils.translation import gettext as _
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

#: The longest UID an event may have (``CalendarEvent.uid``).
UID_MAX_LENGTH = 512
#: Refuse files larger than this (a year of a big school's timetable is a few MB).
MAX_BYTES = 25 * 1024 * 1024

_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")
_TZID_PARAM = re.compile(r';TZID=(?:"([^"]*)"|([^;:]*))', re.IGNORECASE)
#: Components that may only appear directly inside VCALENDAR.
_TOP_LEVEL = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"}
#: ADE appends the export date to every description; it must not make every event look changed.
_EXPORT_STAMP = re.compile(r"\s*\((?:Export(?:é|e)d?|Exporté)\s*(?:le)?\s*:[^)]*\)\s*$", re.IGNORECASE)


class CalendarFileError(Exception):
    """A file that cannot be imported; ``line`` is the 1-based line of the cause when known."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class ReadOccurrence:
    key: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    summary: str
    location: str
    categories: str
    cancelled: bool


@dataclass
class ReadEvent:
    uid: str
    line: int
    summary: str = ""
    location: str = ""
    description: str = ""
    categories: str = ""
    organizer_email: str = ""
    recurrence: str = ""
    occurrences: list[ReadOccurrence] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class ReadCalendar:
    name: str
    vevents: int
    events: dict[str, ReadEvent]

    @property
    def cancelled(self) -> int:
        return sum(1 for e in self.events.values() for o in e.occurrences if o.cancelled)


@dataclass
class _Block:
    """One VEVENT of the raw text: its first line and its logical (unfolded) lines with their numbers."""

    begin_line: int
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, NAME, raw line)
    tzids: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, name: str | None) -> int:
        if name:
            for number, prop, _raw in self.lines:
                if prop == name.upper():
                    return number
        return self.begin_line


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _decode(data: bytes) -> str:
    if not data.strip():
        raise CalendarFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise CalendarFileError(
            _("The file is too large (%(size)s MB, at most %(max)s MB).")
            % {"size": len(data) // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    calendar_like = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"
    if not calendar_like and b"\x00" in data[:4096]:
        raise CalendarFileError(_("This is not an iCalendar file: it holds binary content."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:  # further on: the database would refuse it in a summary or a description
        raise CalendarFileError(
            _("The file contains a NUL character, which no text may contain."),
            line=text.count("\n", 0, text.index("\x00")) + 1,
        )
    return text


def _logical_lines(text: str):
    """Yield (first physical line number, unfolded line); folded lines start with a space or a tab."""
    current, start = None, 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and current is not None:
            current += raw[1:]
            continue
        if current is not None:
            yield start, current
        current, start = raw, number
    if current is not None:
        yield start, current


def _scan(text: str) -> tuple[list[_Block], set[str]]:
    """Check the structure line by line; return the VEVENT blocks and the TZIDs defined by VTIMEZONEs."""
    stack: list[tuple[str, int]] = []
    blocks: list[_Block] = []
    defined_zones: set[str] = set()
    closed = False
    seen_first = False
    for number, line in _logical_lines(text):
        if not line.strip():
            continue
        if not seen_first:
            seen_first = True
            if line.strip().upper() != "BEGIN:VCALENDAR":
                excerpt = line.strip()[:60]
                raise CalendarFileError(
                    _("This is not an iCalendar file: it starts with “%(text)s” instead of BEGIN:VCALENDAR.")
                    % {"text": excerpt},
                    line=number,
                )
        if closed:
            raise CalendarFileError(_("Content after END:VCALENDAR."), line=number)
        if not _CONTENT_LINE.match(line) or ":" not in line:
            raise CalendarFileError(
                _(
                    "“%(text)s” is not a valid iCalendar line (a line that goes on must start with a space: "
                    "the file may have been cut or edited by hand)."
                )
                % {"text": line.strip()[:60]},
                line=number,
            )
        head, _sep, value = line.partition(":")
        name = head.split(";", 1)[0].upper()
        if name == "BEGIN":
            component = value.strip().upper()
            if component in _TOP_LEVEL and stack and stack[-1][0] != "VCALENDAR":
                open_name, open_line = stack[-1]
                raise CalendarFileError(
                    _(
                        "BEGIN:%(new)s while the %(open)s opened on line %(open_line)s is not closed (END:%(open)s missing)."
                    )
                    % {"new": component, "open": open_name, "open_line": open_line},
                    line=number,
                )
            stack.append((component, number))
            if component == "VEVENT" and len(stack) == 2:
                blocks.append(_Block(begin_line=number))
            continue
        if name == "END":
            component = value.strip().upper()
            if not stack:
                raise CalendarFileError(
                    _("END:%(name)s without a matching BEGIN.") % {"name": component}, line=number
                )
            open_name, open_line = stack[-1]
            if open_name != component:
                raise CalendarFileError(
                    _("END:%(name)s does not close the %(open)s opened on line %(open_line)s.")
                    % {"name": component, "open": open_name, "open_line": open_line},
                    line=number,
                )
            stack.pop()
            if not stack:
                closed = True
            continue
        if not stack:
            raise CalendarFileError(_("Property outside BEGIN:VCALENDAR … END:VCALENDAR."), line=number)
        if name == "TZID" and stack[-1][0] == "VTIMEZONE":
            defined_zones.add(value.strip())
        if len(stack) >= 2 and stack[1][0] == "VEVENT" and blocks:
            block = blocks[-1]
            block.lines.append((number, name, line))
            for match in _TZID_PARAM.finditer(head):
                block.tzids.append((number, (match.group(1) or match.group(2) or "").strip()))
    if stack:
        open_name, open_line = stack[-1]
        raise CalendarFileError(
            _("BEGIN:%(name)s is never closed (END:%(name)s missing at the end of the file).")
            % {"name": open_name},
            line=open_line,
        )
    if not seen_first:
        raise CalendarFileError(_("The file is empty."))
    return blocks, defined_zones


def _check_zones(blocks: list[_Block], defined: set[str]) -> None:
    known = _known_zones()
    for block in blocks:
        for number, tzid in block.tzids:
            if tzid in defined or tzid in known or tzid in WINDOWS_TO_OLSON:
                continue
            raise CalendarFileError(
                _(
                    "unknown time zone “%(tzid)s”: it is neither defined by a VTIMEZONE of the file nor a known zone."
                )
                % {"tzid": tzid},
                line=number,
            )


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _categories(component) -> str:
    value = component.get("CATEGORIES")
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values:
        cats = getattr(item, "cats", None)
        names.extend(str(c).strip() for c in (cats if cats is not None else [item]))
    return ", ".join(n for n in names if n)


def _organizer(component) -> str:
    value = _text(component, "ORGANIZER")
    if value.lower().startswith("mailto:"):
        return value[7:].strip().lower()[:254]
    return ""


def _aware(value, zone: tzinfo) -> tuple[datetime, bool]:
    """A datetime in a time zone, and whether the value was a date (all-day event)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=zone)), False
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone), True
    raise TypeError(value)


def _key(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _fingerprint(event: ReadEvent) -> str:
    payload = [
        event.summary,
        event.location,
        event.description,
        event.categories,
        event.organizer_email,
        event.recurrence,
        [
            [
                o.key,
                o.starts_at.isoformat(),
                o.ends_at.isoformat(),
                o.summary,
                o.location,
                o.categories,
                o.cancelled,
            ]
            for o in sorted(event.occurrences, key=lambda o: o.key)
        ],
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def read_calendar(data: bytes, *, start: datetime, end: datetime, zone: tzinfo) -> ReadCalendar:
    """Read ``data`` and expand its events between ``start`` (included) and ``end`` (excluded).

    Floating times (no time zone) are read in ``zone``. Raises ``CalendarFileError`` on any problem.
    """
    text = _decode(data)
    blocks, defined_zones = _scan(text)
    _check_zones(blocks, defined_zones)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # noqa: BLE001 - icalendar raises several types; all mean "unreadable"
        raise CalendarFileError(
            _("The file cannot be read as iCalendar: %(error)s") % {"error": exc}
        ) from exc
    vevents = list(calendar.walk("VEVENT"))
    lines_known = len(vevents) == len(blocks)
    for index, component in enumerate(vevents):
        block = blocks[index] if lines_known else None
        line = block.begin_line if block else None
        for prop, message in getattr(component, "errors", []) or []:
            raise CalendarFileError(
                _("invalid %(prop)s in an event: %(message)s")
                % {"prop": prop or _("line"), "message": message},
                line=block.line_of(prop) if block else None,
            )
        uid = _text(component, "UID")
        if not uid:
            raise CalendarFileError(
                _("event without UID: it could not be updated by a later import."), line=line
            )
        if component.get("DTSTART") is None:
            raise CalendarFileError(_("event “%(uid)s” has no DTSTART.") % {"uid": uid}, line=line)
        try:
            begin = component.decoded("DTSTART")
            finish = component.decoded("DTEND") if component.get("DTEND") is not None else None
        except Exception as exc:  # noqa: BLE001 - broken property values
            raise CalendarFileError(
                _("invalid date in event “%(uid)s”: %(error)s") % {"uid": uid, "error": exc}, line=line
            ) from exc
        if finish is not None and type(begin) is type(finish):
            a, _d = _aware(begin, zone)
            b, _d = _aware(finish, zone)
            if b < a:
                raise CalendarFileError(
                    _("event “%(uid)s” ends before it starts.") % {"uid": uid},
                    line=block.line_of("DTEND") if block else None,
                )
    for component in calendar.walk():
        for prop, message in getattr(component, "errors", []) or []:
            raise CalendarFileError(
                _("invalid %(prop)s in %(component)s: %(message)s")
                % {"prop": prop or _("line"), "component": component.name, "message": message}
            )

    events: dict[str, ReadEvent] = {}
    masters: dict[str, int] = {}
    for index, component in enumerate(vevents):
        uid = _text(component, "UID")
        line = blocks[index].begin_line if lines_known else 0
        if len(uid) > UID_MAX_LENGTH:
            raise CalendarFileError(
                _("an event's UID is longer than %(max)s characters.") % {"max": UID_MAX_LENGTH},
                line=blocks[index].line_of("UID") if lines_known else None,
            )
        is_override = component.get("RECURRENCE-ID") is not None
        if not is_override:
            if uid in masters:
                raise CalendarFileError(
                    _(
                        "two events share the UID “%(uid)s” (lines %(first)s and %(second)s): "
                        "only a modified occurrence (RECURRENCE-ID) may repeat a UID."
                    )
                    % {"uid": uid, "first": masters[uid], "second": line},
                    line=line or None,
                )
            masters[uid] = line
        event = events.get(uid)
        if event is None:
            event = events[uid] = ReadEvent(uid=uid, line=line)
        if not is_override or not event.summary:
            event.summary = _text(component, "SUMMARY")[:500]
            event.location = _text(component, "LOCATION")[:500]
            event.description = _EXPORT_STAMP.sub("", _text(component, "DESCRIPTION"))
            event.categories = _categories(component)[:500]
            event.organizer_email = _organizer(component)
            rrule = component.get("RRULE")
            if rrule is not None and not is_override:
                rules = rrule if isinstance(rrule, list) else [rrule]
                event.recurrence = "\n".join(r.to_ical().decode() for r in rules)
    recurring = {
        _text(c, "UID")
        for c in vevents
        if c.get("RRULE") is not None or c.get("RDATE") is not None or c.get("RECURRENCE-ID") is not None
    }
    # Series go through recurring-ical-events; single events (most of an ADE export) are read directly,
    # which halves the time of a large import. Floating times follow X-WR-TIMEZONE as the library does.
    floating_zone = zone
    if wr_zone := _text(calendar, "X-WR-TIMEZONE"):
        try:
            floating_zone = zoneinfo.ZoneInfo(wr_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarFileError(
                _("unknown time zone “%(tzid)s” in X-WR-TIMEZONE.") % {"tzid": wr_zone}
            ) from exc
    series = icalendar.Calendar()
    series.update(calendar)
    series.subcomponents = [
        c for c in calendar.subcomponents if c.name != "VEVENT" or _text(c, "UID") in recurring
    ]
    try:
        expanded = recurring_ical_events.of(series).between(start, end) if recurring else []
    except Exception as exc:  # noqa: BLE001 - bad RRULE, period ending before it starts…
        raise CalendarFileError(_("The recurrences cannot be computed: %(error)s") % {"error": exc}) from exc
    singles = [c for c in vevents if _text(c, "UID") not in recurring]
    for component in [*expanded, *singles]:
        uid = _text(component, "UID")
        event = events[uid]
        starts_at, all_day = _aware(component.decoded("DTSTART"), floating_zone)
        if component.get("DTEND") is not None:
            ends_at, _d = _aware(component.decoded("DTEND"), floating_zone)
        elif component.get("DURATION") is not None:
            ends_at = starts_at + component.decoded("DURATION")
        else:
            ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(0))
        ends_at = max(ends_at, starts_at)
        if uid in recurring:
            key = _key(component["RECURRENCE-ID"].dt)
        else:
            if not (starts_at < end and (ends_at > start or (ends_at == starts_at and starts_at >= start))):
                continue
            key = ""
        status = _text(component, "STATUS").upper()
        event.occurrences.append(
            ReadOccurrence(
                key=key,
                starts_at=starts_at,
                ends_at=ends_at,
                all_day=all_day,
                summary=(_text(component, "SUMMARY") or event.summary)[:500],
                location=(_text(component, "LOCATION") or event.location)[:500],
                categories=(_categories(component) or event.categories)[:500],
                cancelled=status == "CANCELLED",
            )
        )
    for event in events.values():
        event.fingerprint = _fingerprint(event)
    return ReadCalendar(name=_text(calendar, "X-WR-CALNAME"), vevents=len(vevents), events=events)
