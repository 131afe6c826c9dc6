"""Importing timetables: the command on realistic ADE, Hyperplanning and Celcat exports, re-imports by UID,
recurrences, overrides, exclusions, cancellations, time zones, kinds, and bad files."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.audit.models import AuditEvent
from parcours.scheduling.enums import EventKind, ImportStatus
from parcours.scheduling.ics import CalendarFileError
from parcours.scheduling.models import CalendarEvent, CalendarGroup, CalendarImport, EventOccurrence
from parcours.scheduling.services import academic_year_range, calendar_event_kind_set, calendar_import

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
S1 = ["--from", "2026-09-01", "--to", "2027-01-31"]


def run(path, *args, institution="mines-test", group="ING2") -> dict:
    out = StringIO()
    call_command(
        "import_calendar",
        str(path),
        "--institution",
        institution,
        "--group",
        group,
        "--json",
        *args,
        stdout=out,
    )
    return json.loads(out.getvalue())


def local(occurrence) -> datetime:
    return occurrence.starts_at.astimezone(PARIS)


def test_ade_export(institution, data_dir):
    result = run(data_dir / "ade_ing2_s1.ics", *S1)
    assert result["events"] == 75 and result["occurrences"] == 75
    assert result["events_added"] == 75 and result["group_created"] is True
    assert result["by_kind"] == {"class": 56, "exam": 4, "mandatory": 15}
    group = CalendarGroup.objects.get(institution=institution, code="ING2")
    # ADE writes UTC: 08:00 in Paris is 06:00Z in September (summer time) and 07:00Z in December.
    cm = EventOccurrence.objects.filter(group=group, summary="CM Thermodynamique").order_by("starts_at")
    assert {local(o).time().isoformat() for o in cm} == {"08:00:00"}
    assert cm.first().starts_at.astimezone(ZoneInfo("UTC")).hour == 6
    assert cm.last().starts_at.astimezone(ZoneInfo("UTC")).hour == 7
    exam = CalendarEvent.objects.get(group=group, summary="Partiel Mécanique des fluides")
    assert exam.kind == EventKind.EXAM
    assert exam.location == "Gymnase - salle d'examen"
    # The folded description is read whole, and ADE's export stamp is dropped (it changes at every export).
    assert exam.description.strip().endswith("ROUX Claire")
    assert (
        CalendarEvent.objects.get(group=group, summary="Soutenance projet d'ingénierie").kind
        == EventKind.EXAM
    )
    assert CalendarEvent.objects.get(group=group, summary="DS Thermodynamique").kind == EventKind.EXAM
    assert (
        CalendarEvent.objects.get(group=group, summary__startswith="Conférence obligatoire").kind
        == EventKind.MANDATORY
    )
    assert CalendarImport.objects.get(group=group).status == ImportStatus.SUCCEEDED
    assert AuditEvent.objects.filter(action="scheduling.calendar.imported").exists()


def test_hyperplanning_series_overrides_exclusions_and_cancellations(institution, data_dir):
    result = run(data_dir / "hyperplanning_ing2_td1.ics", *S1, group="ING2-TD1")
    assert result["events"] == 6  # VEVENTs read, overrides included
    assert result["series"] == 4
    assert result["occurrences"] == 19
    assert result["cancelled"] == 1
    group = CalendarGroup.objects.get(code="ING2-TD1")
    td = EventOccurrence.objects.filter(event__uid="Cours-184467-12-ING2_TD1-Index-Education.fr").order_by(
        "starts_at"
    )
    days = [local(o).date() for o in td]
    assert len(days) == 13
    assert date(2026, 10, 27) not in days and date(2026, 11, 10) not in days  # EXDATE (holidays)
    assert date(2026, 11, 12) in days  # RDATE
    assert date(2026, 11, 24) not in days  # cancelled occurrence
    assert date(2026, 10, 6) not in days  # moved…
    moved = td.get(summary__endswith="(déplacé)")  # …to Thursday afternoon, in another room
    assert local(moved) == datetime(2026, 10, 8, 14, 0, tzinfo=PARIS)
    assert moved.location == "Salle A012"
    event = CalendarEvent.objects.get(group=group, uid="Cours-184467-12-ING2_TD1-Index-Education.fr")
    assert event.location == "Salle B204, bâtiment C"  # escaped comma
    assert "apporter la calculatrice; énoncés sur Moodle" in event.description  # escaped semicolon, newlines
    assert event.organizer_email == "jean.dupont@mines-test.example.org"
    assert "FREQ=WEEKLY" in event.recurrence
    assert CalendarEvent.objects.get(group=group, categories="Examen").kind == EventKind.EXAM
    assert EventOccurrence.objects.get(event__summary__startswith="Journée entreprises").all_day
    assert (
        EventOccurrence.objects.get(event__summary__startswith="Journée entreprises").kind
        == EventKind.MANDATORY
    )
    assert (
        EventOccurrence.objects.filter(event__summary="Électronique - TP", kind=EventKind.MANDATORY).count()
        == 4
    )


def test_celcat_floating_times_and_cancelled_event(institution, data_dir):
    result = run(data_dir / "celcat_ing2.ics", *S1, group="CELCAT")
    assert (result["events"], result["occurrences"], result["cancelled"]) == (3, 2, 1)
    first = EventOccurrence.objects.get(event__uid="celcat-2026-ING2-000101")
    assert local(first) == datetime(2026, 9, 10, 14, 0, tzinfo=PARIS)  # X-WR-TIMEZONE, floating time
    assert "Mme LEFÈVRE Hélène" in first.event.description  # accents across a folded line
    assert first.event.categories == "Cours magistral, Projet"
    assert EventOccurrence.objects.get(event__uid="celcat-2026-ING2-000103").kind == EventKind.EXAM


def test_reimport_is_idempotent_then_tracks_changes_by_uid(institution, data_dir, tmp_path):
    source = data_dir / "hyperplanning_ing2_td1.ics"
    run(source, *S1)
    again = run(source, *S1)
    assert again["events_added"] == again["events_changed"] == again["events_removed"] == 0
    assert again["occurrences_added"] == again["occurrences_changed"] == again["occurrences_removed"] == 0
    assert EventOccurrence.objects.count() == 19 and CalendarEvent.objects.count() == 4
    ids_before = set(EventOccurrence.objects.values_list("id", flat=True))

    text = source.read_bytes().decode()
    text = text.replace(
        "DTSTART;TZID=Europe/Paris:20261216T083000", "DTSTART;TZID=Europe/Paris:20261217T083000"
    )
    text = text.replace("DTEND;TZID=Europe/Paris:20261216T103000", "DTEND;TZID=Europe/Paris:20261217T103000")
    start = text.index("BEGIN:VEVENT\r\nUID:Cours-184470-3")
    end = text.index("END:VEVENT", start) + len("END:VEVENT\r\n")
    text = text[:start] + text[end:]  # the TP series leaves the timetable
    text = text.replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:new-session@hp\r\nDTSTAMP:20261127T093000Z\r\n"
        "DTSTART;TZID=Europe/Paris:20261218T090000\r\nDTEND;TZID=Europe/Paris:20261218T120000\r\n"
        "SUMMARY:Rattrapage Mathématiques\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    changed = tmp_path / "hp2.ics"
    changed.write_bytes(text.encode())
    result = run(changed, *S1)
    assert (result["events_added"], result["events_changed"], result["events_removed"]) == (1, 1, 1)
    assert (result["occurrences_added"], result["occurrences_changed"], result["occurrences_removed"]) == (
        1,
        1,
        4,
    )
    changes = {(c["change"], c["uid"]) for c in result["changes"]}
    assert ("removed", "Cours-184470-3-ING2_TD1-Index-Education.fr") in changes
    exam = EventOccurrence.objects.get(event__categories="Examen")
    assert exam.id in ids_before  # the same row, moved: never a duplicate
    assert local(exam).date() == date(2026, 12, 17)
    assert EventOccurrence.objects.get(event__uid="new-session@hp").kind == EventKind.EXAM


def test_range_limits_the_occurrences_and_defaults_to_the_academic_year(institution, data_dir):
    result = run(data_dir / "ade_ing2_s1.ics", "--from", "2026-12-01", "--to", "2026-12-31")
    assert result["events"] == 75
    assert result["occurrences"] == 16  # the sessions of December only
    assert (result["from"], result["to"]) == ("2026-12-01", "2026-12-31")
    start, end = academic_year_range(institution)
    result = run(data_dir / "ade_ing2_s1.ics")
    assert (result["from"], result["to"]) == (start.isoformat(), end.isoformat())
    assert end.replace(year=end.year - 1) < start < end


def test_text_output_says_what_changed(institution, data_dir):
    out = StringIO()
    path = str(data_dir / "celcat_ing2.ics")
    call_command("import_calendar", path, "--institution", "mines-test", "--group", "G", *S1, stdout=out)
    text = out.getvalue()
    assert "Group G created" in text
    assert "3 VEVENT(s) read" in text and "2 occurrence(s) stored" in text
    assert "Events: 3 added, 0 changed, 0 removed." in text
    assert "added  Gestion de projet  [celcat-2026-ING2-000101]" in text


def test_kind_corrected_by_hand_survives_a_reimport(institution, data_dir, director):
    run(data_dir / "celcat_ing2.ics", *S1)
    event = CalendarEvent.objects.get(uid="celcat-2026-ING2-000101")
    calendar_event_kind_set(event=event, kind=EventKind.MANDATORY, actor=director)
    assert set(event.occurrences.values_list("kind", flat=True)) == {EventKind.MANDATORY}
    run(data_dir / "celcat_ing2.ics", *S1)
    event.refresh_from_db()
    assert event.effective_kind == EventKind.MANDATORY
    assert set(event.occurrences.values_list("kind", flat=True)) == {EventKind.MANDATORY}
    calendar_event_kind_set(event=event, kind="", actor=director)
    assert set(event.occurrences.values_list("kind", flat=True)) == {EventKind.CLASS}


def test_institution_patterns_replace_the_defaults(institution, data_dir):
    from parcours.scheduling.models import EventKindPattern

    EventKindPattern.objects.create(
        institution=institution, kind=EventKind.EXAM, pattern="journée entreprises"
    )
    run(data_dir / "hyperplanning_ing2_td1.ics", *S1)
    assert (
        EventOccurrence.objects.get(event__summary__startswith="Journée entreprises").kind == EventKind.EXAM
    )
    # « TP » is a default pattern, not one of this institution's: the practical is a class here.
    assert set(
        EventOccurrence.objects.filter(event__summary="Électronique - TP").values_list("kind", flat=True)
    ) == {EventKind.CLASS}


# --- Bad input --------------------------------------------------------------------------------------


def _mutate(data_dir, tmp_path, old: str, new: str, name="bad.ics"):
    text = (data_dir / "hyperplanning_ing2_td1.ics").read_bytes().decode()
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new, 1).encode())
    return path


def _line_of(path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


BAD_CASES = {
    "broken line": (
        "LOCATION:Salle A012\r\n",
        "LOCATION:Salle A012\r\nGroupe TD1 : salle B204\r\n",
        "Groupe TD1",
        "is not a valid iCalendar line",
    ),
    "missing END": (
        "CATEGORIES:Examen\r\nORGANIZER",
        "CATEGORIES:Examen\r\nBEGIN:VEVENT\r\nORGANIZER",
        "BEGIN:VEVENT\r\nORGANIZER",
        "END:VEVENT missing",
    ),
    "invalid date": (
        "DTSTART;TZID=Europe/Paris:20261216T083000",
        "DTSTART;TZID=Europe/Paris:20261316T083000",
        "20261316T083000",
        "invalid DTSTART",
    ),
    "wrong time zone": (
        "DTSTART;TZID=Europe/Paris:20261216T083000",
        "DTSTART;TZID=Europe/Pariss:20261216T083000",
        "Europe/Pariss",
        "unknown time zone “Europe/Pariss”",
    ),
    "NUL character": (
        "LOCATION:Salle A012\r\n",
        "LOCATION:Salle A\x00012\r\n",
        "Salle A",
        "contains a NUL character",
    ),
    "UID too long": (
        "UID:Cours-190001-1-ING2_TD1-Index-Education.fr",
        "UID:" + "x" * 600,
        "UID:xxxx",
        "UID is longer than 512 characters",
    ),
    "end before start": (
        "DTEND;TZID=Europe/Paris:20261216T103000",
        "DTEND;TZID=Europe/Paris:20261216T073000",
        "20261216T073000",
        "ends before it starts",
    ),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_malformed_file_names_its_line_and_leaves_the_calendar_intact(institution, data_dir, tmp_path, case):
    run(data_dir / "hyperplanning_ing2_td1.ics", *S1)
    before = sorted(EventOccurrence.objects.values_list("id", "starts_at", "summary"))
    old, new, marker, message = BAD_CASES[case]
    path = _mutate(data_dir, tmp_path, old, new)
    expected_line = _line_of(path, marker.split("\r\n")[0]) if "\r\n" not in marker else None
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_calendar",
            str(path),
            "--institution",
            "mines-test",
            "--group",
            "ING2",
            "--json",
            *S1,
            stdout=out,
        )
    assert message in str(excinfo.value)
    payload = json.loads(out.getvalue())
    assert payload["line"] is not None
    if expected_line:
        assert payload["line"] == expected_line
        assert f"Line {expected_line}:" in payload["error"] or f"Ligne {expected_line}" in payload["error"]
    assert sorted(EventOccurrence.objects.values_list("id", "starts_at", "summary")) == before
    failed = CalendarImport.objects.filter(status=ImportStatus.FAILED).get()
    assert failed.error_line == payload["line"]


def test_missing_end_at_the_end_of_the_file(institution, data_dir, tmp_path):
    text = (data_dir / "celcat_ing2.ics").read_text(encoding="utf-8").replace("END:VCALENDAR\n", "")
    path = tmp_path / "cut.ics"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"Line 1: BEGIN:VCALENDAR is never closed"):
        run(path)


def test_a_file_that_is_not_ics(institution, data_dir, tmp_path):
    with pytest.raises(CommandError, match="This is not an iCalendar file"):
        run(data_dir / "timetable.csv")
    pdf = tmp_path / "emploi-du-temps.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary")
    with pytest.raises(CommandError, match="binary content"):
        run(pdf)
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        run(empty)


def test_duplicate_uid_is_refused(institution, data_dir, tmp_path):
    path = _mutate(data_dir, tmp_path, "UID:Cours-199999-1-ING2_TD1", "UID:Cours-190001-1-ING2_TD1")
    with pytest.raises(CommandError, match="two events share the UID"):
        run(path)


def test_unknown_group_institution_and_file(institution, data_dir):
    with pytest.raises(CommandError, match="No institution"):
        run(data_dir / "celcat_ing2.ics", institution="nope")
    with pytest.raises(CommandError, match="no such file"):
        run(data_dir / "missing.ics")
    with pytest.raises(CommandError, match="Invalid date"):
        run(data_dir / "celcat_ing2.ics", "--from", "31/12/2026")


def test_service_raises_a_clear_error(institution, data_dir):
    group = CalendarGroup.objects.create(institution=institution, code="X", label="X")
    with pytest.raises(CalendarFileError) as excinfo:
        calendar_import(group=group, data=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", source="upload.ics")
    assert excinfo.value.line == 1
    group.refresh_from_db()
    assert "never closed" in group.last_refresh_error
