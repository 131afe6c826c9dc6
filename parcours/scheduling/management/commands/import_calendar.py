"""Import a timetable (iCalendar file or URL) into a calendar group and print what changed."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Institution
from parcours.scheduling.ics import CalendarFileError
from parcours.scheduling.models import CalendarGroup
from parcours.scheduling.services import calendar_fetch, calendar_import


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Invalid date {value!r}: expected YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Import an iCalendar export (ADE, Hyperplanning, Celcat…) into a calendar group. Events are matched by "
        "UID: a re-import adds, changes and removes, never duplicates. Prints what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="path of the .ics file, '-' for standard input, or an http(s) URL")
        parser.add_argument("--institution", required=True, help="institution slug")
        parser.add_argument(
            "--group", required=True, help="calendar group code (created if it does not exist)"
        )
        parser.add_argument(
            "--from", dest="range_from", help="first day of the occurrences kept (YYYY-MM-DD)"
        )
        parser.add_argument("--to", dest="range_to", help="last day of the occurrences kept (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(
        self, *args, path: str, institution: str, group: str, range_from, range_to, json: bool, **options
    ):
        as_json = json
        range_start = _date(range_from) if range_from else None
        range_end = _date(range_to) if range_to else None
        inst = Institution.objects.filter(slug=institution).first()
        if inst is None:
            return self._fail(f"No institution with slug {institution!r}.", as_json)
        if range_start and range_end and range_end < range_start:
            return self._fail("--to is before --from.", as_json)
        calendar_group, created = CalendarGroup.objects.get_or_create(
            institution=inst, code=group, defaults={"label": group}
        )
        try:
            if path == "-":
                data, source = sys.stdin.buffer.read(), "stdin"
            elif path.lower().startswith(("http://", "https://")):
                data, source = calendar_fetch(path), path
            else:
                file = Path(path)
                if not file.is_file():
                    return self._fail(f"{path}: no such file.", as_json)
                data, source = file.read_bytes(), file.name
            result = calendar_import(
                group=calendar_group, data=data, source=source, range_start=range_start, range_end=range_end
            )
        except CalendarFileError as exc:
            return self._fail(f"{path}: {exc}", as_json, line=exc.line)
        payload = {**result.as_dict(), "group_created": created}
        if as_json:
            self.stdout.write(_json(payload))
            return None
        if created:
            self.stdout.write(f"Group {group} created in {inst.slug}.")
        self.stdout.write(
            f"{path}: {result.events} VEVENT(s) read, {result.series} event(s), {result.occurrences} occurrence(s) "
            f"stored from {result.range_from} to {result.range_to} ({result.cancelled} cancelled skipped)."
        )
        self.stdout.write(
            f"Events: {result.events_added} added, {result.events_changed} changed, {result.events_removed} removed. "
            f"Occurrences: {result.occurrences_added} added, {result.occurrences_changed} changed, "
            f"{result.occurrences_removed} removed."
        )
        if result.by_kind:
            self.stdout.write("By kind: " + ", ".join(f"{k} {v}" for k, v in result.by_kind.items()))
        for change in result.changes[:50]:
            summary = " ".join(change["summary"].split())
            self.stdout.write(f"  {change['change']:>8}  {summary}  [{change['uid']}]")
        if len(result.changes) > 50:
            self.stdout.write(f"  … and {len(result.changes) - 50} more change(s).")
        return None

    def _fail(self, message: str, as_json: bool, line: int | None = None):
        if as_json:
            self.stdout.write(_json({"error": message, "line": line}))
        raise CommandError(message)


def _json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)
