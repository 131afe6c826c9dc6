"""Write operations of the scheduling app. One transaction each; notifications after commit.

Calendars: ``calendar_import`` (file or bytes), ``calendar_subscription_refresh`` (URL),
``calendar_event_kind_set`` (hand correction). Call-ups: ``call_up_create``, ``call_up_update``,
``call_up_transition``. Study arrangements: ``arrangement_create``, ``arrangement_propose``,
``arrangement_decide``, ``arrangement_withdraw``. Staff absences: ``absence_request_create``,
``absence_request_transition``. Personal feed: ``feed_token_create``, ``feed_token_revoke``.
Reference data: ``absence_rules_load``, ``event_kind_patterns_load``.

Bad input raises ``ValidationError`` (or ``CalendarFileError`` for a calendar) with a message for the
user and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.enums import RESERVIST_ROLES, Role
from parcours.accounts.permissions import has_role
from parcours.audit.services import audit_record

from . import quotas
from .conflicts import check_call_up
from .enums import (
    ABSENCE_OPEN_STATUSES,
    ARRANGEMENT_OPEN_STATUSES,
    AbsenceRequestStatus,
    ArrangementSolution,
    ArrangementStatus,
    CallUpStatus,
    EventKind,
    ImportStatus,
)
from .ics import MAX_BYTES, CalendarFileError, ReadCalendar, read_calendar
from .kinds import DEFAULT_PATTERNS_FILE, classifier_for
from .models import (
    AbsenceRequest,
    AbsenceRequestTransition,
    AbsenceRule,
    ArrangementTransition,
    CalendarEvent,
    CalendarFeedToken,
    CalendarGroup,
    CalendarImport,
    CallUp,
    CallUpTransition,
    EventKindPattern,
    EventOccurrence,
    StudyArrangement,
)
from .workflow import (
    ABSENCE_TRANSITIONS,
    ARRANGEMENT_TRANSITIONS,
    CALL_UP_TRANSITIONS,
    actors_for_absence_request,
    actors_for_arrangement,
    actors_for_call_up,
    apply_transition,
)

ABSENCE_RULES_FILE = Path(__file__).resolve().parent / "data" / "absence_rules.json"
_CHUNK = 500


def _setting(name: str, default):
    return settings.PARCOURS.get(name, default)


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def period_from_dates(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """Whole local days from ``first_day`` to ``last_day`` included, as [start, end) instants."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first_day, time(0), tzinfo=zone),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone),
    )


# --- Calendars --------------------------------------------------------------------------------------


def academic_year_range(institution, today: date | None = None) -> tuple[date, date]:
    """The institution's current academic year, first and last day included."""
    today = today or timezone.localdate()
    start = date(today.year, institution.academic_year_start_month, institution.academic_year_start_day)
    if today < start:
        start = start.replace(year=start.year - 1)
    return start, start.replace(year=start.year + 1) - timedelta(days=1)


@dataclass
class ImportResult:
    group: str
    institution: str
    source: str
    range_from: str
    range_to: str
    events: int = 0
    series: int = 0
    occurrences: int = 0
    cancelled: int = 0
    events_added: int = 0
    events_changed: int = 0
    events_removed: int = 0
    occurrences_added: int = 0
    occurrences_changed: int = 0
    occurrences_removed: int = 0
    by_kind: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    import_id: int | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["from"] = data.pop("range_from")
        data["to"] = data.pop("range_to")
        return data

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.events_added
            or self.events_changed
            or self.events_removed
            or self.occurrences_added
            or self.occurrences_changed
            or self.occurrences_removed
        )


def _write_rows(model, columns: list[str], rows: list[tuple], *, update: bool = False) -> None:
    """INSERT (or UPDATE by id, the id last in each row) many rows at once.

    The ORM's bulk operations build one statement per batch with every value bound; for the tens of
    thousands of rows of a large timetable, ``executemany`` is several times faster. Values must be
    ready for the database (datetimes go through ``adapt_datetimefield_value``).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if update:
        assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 - names from the model
    else:
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 2000):
            cursor.executemany(sql, chunk)


def _store_calendar(group: CalendarGroup, read: ReadCalendar, result: ImportResult) -> None:
    """Apply a read calendar to the group: events by UID, occurrences by (event, recurrence key)."""
    classifier = classifier_for(group.institution)
    db_time = connection.ops.adapt_datetimefield_value
    now = db_time(timezone.now())
    existing = {
        row[0]: row
        for row in CalendarEvent.objects.filter(group=group).values_list(
            "uid", "id", "fingerprint", "kind", "kind_override", "summary"
        )
    }
    event_columns = [
        "summary",
        "location",
        "description",
        "categories",
        "organizer_email",
        "recurrence",
        "kind",
        "fingerprint",
        "updated_at",
    ]
    new_events: list[tuple] = []
    changed_events: list[tuple] = []
    for uid, item in read.events.items():
        kind = classifier.classify(item.summary, item.categories)
        values = (
            item.summary,
            item.location,
            item.description,
            item.categories,
            item.organizer_email,
            item.recurrence,
            kind,
            item.fingerprint,
            now,
        )
        row = existing.get(uid)
        if row is None:
            new_events.append((group.pk, uid, "", now, *values))
            result.events_added += 1
            result.changes.append({"uid": uid, "summary": item.summary, "change": "added"})
        elif row[2] != item.fingerprint or row[3] != kind:
            changed_events.append((*values, row[1]))
            result.events_changed += 1
            result.changes.append({"uid": uid, "summary": item.summary, "change": "changed"})
    removed = [row for uid, row in existing.items() if uid not in read.events]
    for row in removed:
        result.changes.append({"uid": row[0], "summary": row[5], "change": "removed"})
    result.events_removed = len(removed)
    removed_ids = [row[1] for row in removed]
    for chunk in _chunks(removed_ids):
        result.occurrences_removed += (
            EventOccurrence.objects.filter(event_id__in=chunk).delete()[1].get(EventOccurrence._meta.label, 0)
        )
        CalendarEvent.objects.filter(pk__in=chunk).delete()
    _write_rows(CalendarEvent, ["group_id", "uid", "kind_override", "created_at", *event_columns], new_events)
    _write_rows(CalendarEvent, event_columns, changed_events, update=True)

    events = {
        uid: (pk, kind_override, kind)
        for uid, pk, kind_override, kind in CalendarEvent.objects.filter(group=group).values_list(
            "uid", "id", "kind_override", "kind"
        )
    }
    stored: dict[tuple[int, str], tuple] = {}
    for row in EventOccurrence.objects.filter(group=group).values_list(
        "id",
        "event_id",
        "recurrence_key",
        "starts_at",
        "ends_at",
        "all_day",
        "summary",
        "location",
        "categories",
        "kind",
    ):
        stored[(row[1], row[2])] = row
    occurrence_columns = ["starts_at", "ends_at", "all_day", "summary", "location", "categories", "kind"]
    new_occurrences: list[tuple] = []
    changed_occurrences: list[tuple] = []
    kept: set[tuple[int, str]] = set()
    by_kind: dict[str, int] = {}
    for uid, item in read.events.items():
        event_id, kind_override, event_kind = events[uid]
        for occurrence in item.occurrences:
            if occurrence.cancelled:
                continue
            key = (event_id, occurrence.key)
            if key in kept:
                continue
            kept.add(key)
            if kind_override:
                kind = kind_override
            elif occurrence.summary == item.summary and occurrence.categories == item.categories:
                kind = event_kind
            else:
                kind = classifier.classify(occurrence.summary, occurrence.categories)
            by_kind[kind] = by_kind.get(kind, 0) + 1
            values = (
                occurrence.starts_at,
                occurrence.ends_at,
                occurrence.all_day,
                occurrence.summary,
                occurrence.location,
                occurrence.categories,
                kind,
            )
            previous = stored.get(key)
            if previous is None:
                new_occurrences.append(
                    (event_id, group.pk, occurrence.key, db_time(values[0]), db_time(values[1]), *values[2:])
                )
            elif tuple(previous[3:]) != values:
                changed_occurrences.append((db_time(values[0]), db_time(values[1]), *values[2:], previous[0]))
    # ``stored`` was read after the removed events (and their occurrences) were deleted.
    gone = [row[0] for key, row in stored.items() if key not in kept]
    for chunk in _chunks(gone):
        EventOccurrence.objects.filter(pk__in=chunk).delete()
    _write_rows(
        EventOccurrence, ["event_id", "group_id", "recurrence_key", *occurrence_columns], new_occurrences
    )
    _write_rows(EventOccurrence, occurrence_columns, changed_occurrences, update=True)
    result.occurrences_added = len(new_occurrences)
    result.occurrences_changed = len(changed_occurrences)
    result.occurrences_removed += len(gone)
    result.occurrences = len(kept)
    result.by_kind = dict(sorted(by_kind.items()))


def calendar_import(
    *,
    group: CalendarGroup,
    data: bytes,
    source: str,
    actor=None,
    range_start: date | None = None,
    range_end: date | None = None,
) -> ImportResult:
    """Import an iCalendar export into ``group``: events are matched by UID (added, changed, removed).

    The stored occurrences are the instances between ``range_start`` and ``range_end`` (included; by
    default the institution's current academic year). On any error nothing changes, a failed import is
    recorded, and ``CalendarFileError`` is raised with the line or the cause.
    """
    default_start, default_end = academic_year_range(group.institution)
    range_start = range_start or default_start
    range_end = range_end or default_end
    if range_end < range_start:
        raise CalendarFileError(_("The end of the range is before its start."))
    started = timezone.now()
    result = ImportResult(
        group=group.code,
        institution=group.institution.slug,
        source=source,
        range_from=range_start.isoformat(),
        range_to=range_end.isoformat(),
    )
    zone = timezone.get_default_timezone()
    try:
        read = read_calendar(
            data,
            start=datetime.combine(range_start, time(0), tzinfo=zone),
            end=datetime.combine(range_end + timedelta(days=1), time(0), tzinfo=zone),
            zone=zone,
        )
        result.events = read.vevents
        result.series = len(read.events)
        result.cancelled = read.cancelled
        with transaction.atomic():
            _store_calendar(group, read, result)
            record = CalendarImport.objects.create(
                group=group,
                source=source[:1000],
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                status=ImportStatus.SUCCEEDED,
                range_start=range_start,
                range_end=range_end,
                events_read=result.events,
                occurrences=result.occurrences,
                cancelled=result.cancelled,
                events_added=result.events_added,
                events_changed=result.events_changed,
                events_removed=result.events_removed,
                occurrences_added=result.occurrences_added,
                occurrences_changed=result.occurrences_changed,
                occurrences_removed=result.occurrences_removed,
                started_at=started,
                finished_at=timezone.now(),
            )
            result.import_id = record.pk
            group.last_imported_at = record.finished_at
            group.last_refresh_error = ""
            group.save(update_fields=["last_imported_at", "last_refresh_error"])
            audit_record(
                "scheduling.calendar.imported",
                actor=actor,
                target=group,
                institution=group.institution,
                data={k: v for k, v in result.as_dict().items() if k not in ("changes", "by_kind")},
            )
    except CalendarFileError as exc:
        _record_failure(group, source, actor, range_start, range_end, started, exc)
        raise
    return result


def _record_failure(group, source, actor, range_start, range_end, started, exc: CalendarFileError) -> None:
    CalendarImport.objects.create(
        group=group,
        source=source[:1000],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status=ImportStatus.FAILED,
        range_start=range_start,
        range_end=range_end,
        error=str(exc)[:5000],
        error_line=exc.line,
        started_at=started,
        finished_at=timezone.now(),
    )
    group.last_refresh_error = str(exc)[:5000]
    group.save(update_fields=["last_refresh_error"])
    audit_record(
        "scheduling.calendar.import_failed",
        actor=actor,
        target=group,
        institution=group.institution,
        data={"source": source[:300], "error": str(exc)[:500]},
    )


def calendar_fetch(url: str, *, timeout: float | None = None) -> bytes:
    """Download a subscription URL (http or https only), with a short timeout and a size cap."""
    if not url.lower().startswith(("http://", "https://")):
        raise CalendarFileError(_("The subscription URL must start with http:// or https://."))
    timeout = timeout if timeout is not None else _setting("CALENDAR_FETCH_TIMEOUT", 10)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        headers={"User-Agent": "ParcoursReserviste/1.0 (calendar subscription)", "Accept": "text/calendar"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise CalendarFileError(
            _("The subscription URL answered with an error (HTTP %(code)s).") % {"code": exc.code}
        ) from exc
    except TimeoutError as exc:
        raise CalendarFileError(
            _("The subscription URL did not answer within %(seconds)s seconds.") % {"seconds": timeout}
        ) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise CalendarFileError(
                _("The subscription URL did not answer within %(seconds)s seconds.") % {"seconds": timeout}
            ) from exc
        raise CalendarFileError(
            _("The subscription URL cannot be reached: %(reason)s") % {"reason": reason}
        ) from exc
    except OSError as exc:
        raise CalendarFileError(
            _("The subscription URL cannot be reached: %(reason)s") % {"reason": exc}
        ) from exc
    if len(data) > MAX_BYTES:
        raise CalendarFileError(_("The subscription URL returned a file that is too large."))
    return data


def calendar_subscription_refresh(*, group: CalendarGroup, actor=None) -> ImportResult:
    """Fetch the group's subscription URL and import it; on failure the calendar stays as it was."""
    if not group.subscription_url:
        raise CalendarFileError(_("This group has no subscription URL."))
    group.last_refresh_attempt_at = timezone.now()
    group.save(update_fields=["last_refresh_attempt_at"])
    default_start, default_end = academic_year_range(group.institution)
    try:
        data = calendar_fetch(group.subscription_url)
    except CalendarFileError as exc:
        _record_failure(
            group,
            group.subscription_url,
            actor,
            default_start,
            default_end,
            group.last_refresh_attempt_at,
            exc,
        )
        raise
    return calendar_import(group=group, data=data, source=group.subscription_url, actor=actor)


def calendar_event_kind_set(*, event: CalendarEvent, kind: str, actor, same_title: bool = False) -> int:
    """Correct an event's kind by hand (``""`` goes back to the patterns); its occurrences follow.

    With ``same_title``, every event of the group with the same title and categories is corrected (ADE
    exports one event per session). Returns how many events changed.
    """
    if kind and kind not in EventKind.values:
        raise ValidationError(_("Unknown kind."))
    if same_title:
        events = list(
            CalendarEvent.objects.filter(
                group=event.group, summary=event.summary, categories=event.categories
            )
        )
        with transaction.atomic():
            for item in events:
                _event_kind_set(item, kind, actor)
        return len(events)
    with transaction.atomic():
        _event_kind_set(event, kind, actor)
    return 1


def _event_kind_set(event: CalendarEvent, kind: str, actor) -> None:
    with transaction.atomic():
        previous = event.effective_kind
        event.kind_override = kind
        event.save(update_fields=["kind_override", "updated_at"])
        if kind:
            event.occurrences.update(kind=kind)
        else:
            classifier = classifier_for(event.group.institution)
            changed = []
            for occurrence in event.occurrences.all():
                new_kind = classifier.classify(occurrence.summary, occurrence.categories)
                if new_kind != occurrence.kind:
                    occurrence.kind = new_kind
                    changed.append(occurrence)
            EventOccurrence.objects.bulk_update(changed, ["kind"], batch_size=_CHUNK)
        audit_record(
            "scheduling.event.kind_set",
            actor=actor,
            target=event,
            institution=event.group.institution,
            data={"from": previous, "to": event.effective_kind, "by_hand": bool(kind)},
        )


def calendar_group_create(*, institution, code: str, label: str, cohort=None, actor) -> CalendarGroup:
    code = code.strip()
    if CalendarGroup.objects.filter(institution=institution, code=code).exists():
        raise ValidationError(_("A group with this code already exists."))
    if cohort is not None and cohort.programme.institution_id != institution.pk:
        raise ValidationError(_("This cohort belongs to another institution."))
    with transaction.atomic():
        group = CalendarGroup.objects.create(
            institution=institution, code=code, label=label.strip(), cohort=cohort
        )
        audit_record(
            "scheduling.group.created",
            actor=actor,
            target=group,
            institution=institution,
            data={"code": code},
        )
    return group


def calendar_group_subscription_set(*, group: CalendarGroup, url: str, actor) -> CalendarGroup:
    url = (url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError(_("The subscription URL must start with http:// or https://."))
    with transaction.atomic():
        group.subscription_url = url
        group.save(update_fields=["subscription_url"])
        audit_record(
            "scheduling.group.subscription_set",
            actor=actor,
            target=group,
            institution=group.institution,
            data={"has_url": bool(url)},
        )
    return group


# --- Reference data -------------------------------------------------------------------------------


def absence_rules_load(*, path: Path | None = None) -> dict:
    """Load the dated absence rules from the versioned data file (idempotent: rows keyed by start)."""
    path = path or ABSENCE_RULES_FILE
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = data["rules"]
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc}) from exc
    created = updated = 0
    fields = {f.name for f in AbsenceRule._meta.fields} - {"id"}
    with transaction.atomic():
        for number, row in enumerate(rows, start=1):
            unknown = set(row) - fields
            if unknown:
                raise ValidationError(
                    _("%(path)s, rule %(number)s: unknown field(s) %(fields)s")
                    % {"path": path, "number": number, "fields": ", ".join(sorted(unknown))}
                )
            values = dict(row)
            try:
                values["valid_from"] = date.fromisoformat(values["valid_from"])
                if values.get("valid_until"):
                    values["valid_until"] = date.fromisoformat(values["valid_until"])
                status = values.pop("employment_status")
                valid_from = values.pop("valid_from")
            except (KeyError, ValueError) as exc:
                raise ValidationError(
                    _("%(path)s, rule %(number)s: %(error)s") % {"path": path, "number": number, "error": exc}
                ) from exc
            rule = AbsenceRule(employment_status=status, valid_from=valid_from, **values)
            try:
                rule.full_clean(validate_unique=False, validate_constraints=False)
                if rule.valid_until and rule.valid_until < rule.valid_from:
                    raise ValidationError(_("valid_until is before valid_from."))
            except ValidationError as exc:
                raise ValidationError(
                    _("%(path)s, rule %(number)s: %(error)s")
                    % {"path": path, "number": number, "error": "; ".join(exc.messages)}
                ) from exc
            _obj, was_created = AbsenceRule.objects.update_or_create(
                employment_status=status, valid_from=valid_from, defaults=values
            )
            created += was_created
            updated += not was_created
        audit_record(
            "scheduling.absence_rules.loaded",
            data={
                "file": str(Path(path).name),
                "version": data.get("version", ""),
                "created": created,
                "updated": updated,
            },
        )
    return {"created": created, "updated": updated, "version": data.get("version", "")}


def event_kind_patterns_load(*, path: Path | None = None) -> int:
    """Replace the default (institution-less) event kind patterns by those of the data file."""
    path = path or DEFAULT_PATTERNS_FILE
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        EventKindPattern.objects.filter(institution__isnull=True).delete()
        EventKindPattern.objects.bulk_create(
            [
                EventKindPattern(
                    kind=row["kind"],
                    pattern=row["pattern"],
                    is_regex=row.get("is_regex", False),
                    field=row.get("field", "any"),
                    position=index,
                )
                for index, row in enumerate(data["patterns"])
            ]
        )
    return len(data["patterns"])


# --- Workflow steps (each kind's table, actors, log and audit codes) -----------------------------------


@dataclass(frozen=True)
class _Workflow:
    """What ``apply_transition`` needs to know about one kind of file besides the file itself."""

    table: dict
    actors: Callable
    log_model: type
    log_field: str
    audit_prefix: str

    def step(self, obj, name: str, *, actor, comment: str = "", **options):
        """Take transition ``name`` on ``obj`` (inside the service's transaction)."""
        return apply_transition(
            self.table,
            name,
            obj,
            actor=actor,
            actors=self.actors(obj, actor),
            log_model=self.log_model,
            log_field=self.log_field,
            audit_prefix=self.audit_prefix,
            comment=comment,
            **options,
        )


_CALL_UPS = _Workflow(
    CALL_UP_TRANSITIONS, actors_for_call_up, CallUpTransition, "call_up", "scheduling.call_up"
)
_ARRANGEMENTS = _Workflow(
    ARRANGEMENT_TRANSITIONS,
    actors_for_arrangement,
    ArrangementTransition,
    "arrangement",
    "scheduling.arrangement",
)
_ABSENCES = _Workflow(
    ABSENCE_TRANSITIONS,
    actors_for_absence_request,
    AbsenceRequestTransition,
    "request",
    "scheduling.absence_request",
)


# --- Call-ups ---------------------------------------------------------------------------------------


def _check_period(
    *, reservist, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> None:
    if ends_at <= starts_at:
        raise ValidationError(_("The period ends before it starts."))
    if timezone.localtime(starts_at).date() < timezone.localdate():
        raise ValidationError(
            _(
                "This date is already past: a call-up is planned ahead (declare past periods in your portfolio)."
            )
        )
    overlapping = (
        CallUp.objects.filter(reservist=reservist, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=CallUpStatus.CANCELLED)
        .exclude(pk=exclude_pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("This period overlaps your call-up from %(start)s to %(end)s.")
            % {
                "start": timezone.localtime(overlapping.starts_at).strftime("%d/%m/%Y"),
                "end": timezone.localtime(overlapping.ends_at - timedelta(microseconds=1)).strftime(
                    "%d/%m/%Y"
                ),
            }
        )


def call_up_create(
    *,
    reservist,
    institution,
    activity_type,
    starts_at: datetime,
    ends_at: datetime,
    all_day: bool = True,
    force=None,
    notes: str = "",
) -> CallUp:
    """Record a planned reserve period; its conflicts are computed when it is read."""
    if not has_role(reservist, *RESERVIST_ROLES, institution=institution):
        raise ValidationError(_("Only a student or a staff member of this institution can record a call-up."))
    _check_period(reservist=reservist, starts_at=starts_at, ends_at=ends_at)
    with transaction.atomic():
        call_up = CallUp.objects.create(
            reservist=reservist,
            institution=institution,
            activity_type=activity_type,
            force=force,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            notes=notes,
        )
        CallUpTransition.objects.create(call_up=call_up, actor=reservist, to_status=call_up.status)
        audit_record(
            "scheduling.call_up.created",
            actor=reservist,
            target=call_up,
            institution=institution,
            data={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        )
    return call_up


def call_up_update(
    *,
    call_up: CallUp,
    actor,
    starts_at: datetime,
    ends_at: datetime,
    all_day: bool,
    activity_type,
    force,
    notes: str,
) -> CallUp:
    if call_up.reservist_id != actor.pk:
        raise ValidationError(_("You cannot take this action on this file."))
    if call_up.status != CallUpStatus.PLANNED:
        raise ValidationError(_("Only a planned call-up can be changed; cancel it and record a new one."))
    _check_period(reservist=call_up.reservist, starts_at=starts_at, ends_at=ends_at, exclude_pk=call_up.pk)
    with transaction.atomic():
        call_up.starts_at, call_up.ends_at, call_up.all_day = starts_at, ends_at, all_day
        call_up.activity_type, call_up.force, call_up.notes = activity_type, force, notes
        call_up.save()
        audit_record(
            "scheduling.call_up.updated",
            actor=actor,
            target=call_up,
            institution=call_up.institution,
            data={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        )
    return call_up


def call_up_transition(*, call_up: CallUp, action: str, actor, comment: str = "") -> CallUp:
    """Confirm or cancel a call-up.

    A call-up that clashes with an exam cannot be confirmed until every such clash has an approved
    arrangement. Cancelling withdraws the open arrangement and absence requests that depend on it.
    """
    if action == "confirm":
        unresolved = check_call_up(call_up).unresolved_exams
        if unresolved:
            first = unresolved[0].occurrence
            raise ValidationError(
                _(
                    "This call-up clashes with %(count)s exam(s) (first: “%(summary)s” on %(date)s) without an "
                    "approved study arrangement: it cannot be marked confirmed yet."
                )
                % {
                    "count": len(unresolved),
                    "summary": first.summary,
                    "date": timezone.localtime(first.starts_at).strftime("%d/%m/%Y %H:%M"),
                }
            )
    with transaction.atomic():
        call_up = CallUp.objects.select_for_update().get(pk=call_up.pk)
        _CALL_UPS.step(call_up, action, actor=actor, comment=comment)
        if call_up.status == CallUpStatus.CANCELLED:
            reason = _("The call-up was cancelled.")
            for arrangement in call_up.arrangements.filter(
                status__in=[ArrangementStatus.REQUESTED, ArrangementStatus.PROPOSED]
            ):
                _ARRANGEMENTS.step(arrangement, "withdraw", actor=actor, comment=reason)
            for request in call_up.absence_requests.filter(status__in=ABSENCE_OPEN_STATUSES):
                _ABSENCES.step(request, "withdraw", actor=actor, comment=reason)
    return call_up


# --- Study arrangements ------------------------------------------------------------------------------


def _notify(task_name: str, object_id: int, event: str) -> None:
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(object_id, event))


def teachers_of(institution):
    from parcours.accounts.models import User

    return User.objects.filter(
        memberships__institution=institution, memberships__role=Role.TEACHER, memberships__is_active=True
    ).distinct()


def arrangement_create(
    *,
    call_up: CallUp,
    occurrence: EventOccurrence,
    student,
    requested_kind: str,
    teacher,
    comment: str = "",
) -> StudyArrangement:
    """File a study arrangement request (Code de l'éducation L611-11) for a clash of ``call_up``."""
    if call_up.reservist_id != student.pk:
        raise ValidationError(_("You cannot take this action on this file."))
    if call_up.status == CallUpStatus.CANCELLED:
        raise ValidationError(_("This call-up is cancelled."))
    if occurrence.starts_at <= timezone.now():
        raise ValidationError(_("This event is already past: an arrangement is requested ahead."))
    if not any(c.occurrence.pk == occurrence.pk for c in check_call_up(call_up).conflicts):
        raise ValidationError(_("This event does not clash with the call-up."))
    if teacher is None or not has_role(teacher, Role.TEACHER, institution=call_up.institution):
        raise ValidationError(_("Choose the teacher in charge of this event."))
    if StudyArrangement.objects.filter(
        call_up=call_up, occurrence=occurrence, status__in=ARRANGEMENT_OPEN_STATUSES
    ).exists():
        raise ValidationError(_("An arrangement is already requested for this event."))
    try:
        with transaction.atomic():
            arrangement = StudyArrangement.objects.create(
                institution=call_up.institution,
                call_up=call_up,
                student=student,
                occurrence=occurrence,
                event_summary=occurrence.summary[:500],
                event_kind=occurrence.kind,
                event_starts_at=occurrence.starts_at,
                event_ends_at=occurrence.ends_at,
                teacher=teacher,
                requested_kind=requested_kind,
                student_comment=comment.strip(),
            )
            ArrangementTransition.objects.create(
                arrangement=arrangement,
                actor=student,
                action="request",
                to_status=arrangement.status,
                comment=comment.strip(),
            )
            audit_record(
                "scheduling.arrangement.requested",
                actor=student,
                target=arrangement,
                institution=call_up.institution,
                data={"kind": requested_kind, "event": occurrence.summary[:200]},
            )
            _notify("arrangement_notify", arrangement.pk, "requested")
    except IntegrityError as exc:
        raise ValidationError(_("An arrangement is already requested for this event.")) from exc
    return arrangement


def arrangement_propose(
    *,
    arrangement: StudyArrangement,
    actor,
    solution: str,
    proposed_starts_at: datetime | None = None,
    proposed_ends_at: datetime | None = None,
    comment: str = "",
) -> StudyArrangement:
    """The teacher proposes a solution (a new exam date needs the date)."""
    if solution not in ArrangementSolution.values:
        raise ValidationError(_("Choose a solution."))
    if solution == ArrangementSolution.NEW_EXAM_DATE:
        if proposed_starts_at is None:
            raise ValidationError(_("Give the new date."))
        if proposed_starts_at <= timezone.now():
            raise ValidationError(_("The new date is already past."))
        duration = arrangement.event_ends_at - arrangement.event_starts_at
        proposed_ends_at = proposed_ends_at or proposed_starts_at + duration
        if proposed_ends_at <= proposed_starts_at:
            raise ValidationError(_("The period ends before it starts."))
        call_up = arrangement.call_up
        if proposed_starts_at < call_up.ends_at and proposed_ends_at > call_up.starts_at:
            raise ValidationError(_("The new date falls during the reserve period."))
    else:
        proposed_starts_at = proposed_ends_at = None
    with transaction.atomic():
        arrangement = StudyArrangement.objects.select_for_update().get(pk=arrangement.pk)
        arrangement.solution = solution
        arrangement.proposed_starts_at = proposed_starts_at
        arrangement.proposed_ends_at = proposed_ends_at
        arrangement.teacher_comment = comment.strip()
        _ARRANGEMENTS.step(
            arrangement,
            "propose",
            actor=actor,
            comment=comment,
            audit_data={"solution": solution},
            extra_fields=("solution", "proposed_starts_at", "proposed_ends_at", "teacher_comment"),
        )
        _notify("arrangement_notify", arrangement.pk, "proposed")
    return arrangement


def arrangement_decide(
    *, arrangement: StudyArrangement, actor, action: str, reason: str = ""
) -> StudyArrangement:
    """The director of studies approves the proposal, or refuses the request with a reason."""
    if action not in ("approve", "refuse"):
        raise ValidationError(_("Unknown action."))
    with transaction.atomic():
        arrangement = StudyArrangement.objects.select_for_update().get(pk=arrangement.pk)
        arrangement.decision_reason = reason.strip()
        arrangement.decided_by = actor
        arrangement.decided_at = timezone.now()
        _ARRANGEMENTS.step(
            arrangement,
            action,
            actor=actor,
            comment=reason,
            extra_fields=("decision_reason", "decided_by", "decided_at"),
        )
        _notify("arrangement_notify", arrangement.pk, arrangement.status)
    return arrangement


def arrangement_withdraw(*, arrangement: StudyArrangement, actor, comment: str = "") -> StudyArrangement:
    with transaction.atomic():
        arrangement = StudyArrangement.objects.select_for_update().get(pk=arrangement.pk)
        _ARRANGEMENTS.step(arrangement, "withdraw", actor=actor, comment=comment)
    return arrangement


def arrangement_transition(*, arrangement: StudyArrangement, action: str, actor, **data) -> StudyArrangement:
    """Dispatch a transition of the table to its service (used by the views and the API)."""
    if action == "propose":
        return arrangement_propose(arrangement=arrangement, actor=actor, **data)
    if action in ("approve", "refuse"):
        return arrangement_decide(
            arrangement=arrangement, actor=actor, action=action, reason=data.get("comment", "")
        )
    if action == "withdraw":
        return arrangement_withdraw(arrangement=arrangement, actor=actor, comment=data.get("comment", ""))
    raise ValidationError(_("Unknown action."))


# --- Staff absences ----------------------------------------------------------------------------------


def absence_request_create(
    *, call_up: CallUp, requester, reactivity_clause: bool = False, message: str = ""
) -> AbsenceRequest:
    """Draft an absence request to HR for a staff member's call-up, under the rule in force."""
    if call_up.reservist_id != requester.pk:
        raise ValidationError(_("You cannot take this action on this file."))
    if not has_role(requester, Role.STAFF, institution=call_up.institution):
        raise ValidationError(_("Absence requests are for staff members."))
    if call_up.status == CallUpStatus.CANCELLED:
        raise ValidationError(_("This call-up is cancelled."))
    start_day = timezone.localtime(call_up.starts_at).date()
    if start_day <= timezone.localdate():
        raise ValidationError(_("This date is already past: an absence is requested ahead."))
    status = quotas.employment_status_of(requester, call_up.institution)
    if not status:
        raise ValidationError(_("Your employment status is not recorded: ask HR to set it on your account."))
    rule = quotas.rule_for(status, start_day)
    if rule is None:
        raise ValidationError(
            _(
                "No absence rule is in force on %(date)s for this employment status: ask the administrator to load them."
            )
            % {"date": start_day.strftime("%d/%m/%Y")}
        )
    if AbsenceRequest.objects.filter(call_up=call_up, status__in=ABSENCE_OPEN_STATUSES).exists():
        raise ValidationError(_("An absence request already exists for this call-up."))
    overlapping = (
        AbsenceRequest.objects.filter(
            requester=requester,
            status__in=ABSENCE_OPEN_STATUSES,
            call_up__starts_at__lt=call_up.ends_at,
            call_up__ends_at__gt=call_up.starts_at,
        )
        .exclude(call_up=call_up)
        .exists()
    )
    if overlapping:
        raise ValidationError(_("This absence overlaps another of your requests."))
    subdivision = quotas.settings_for(call_up.institution).public_holiday_subdivision
    days = quotas.working_days(call_up.starts_at, call_up.ends_at, subdivision)
    if not days:
        raise ValidationError(_("This period holds no working day: no absence request is needed."))
    try:
        with transaction.atomic():
            request = AbsenceRequest.objects.create(
                institution=call_up.institution,
                call_up=call_up,
                requester=requester,
                rule=rule,
                employment_status=status,
                working_days=len(days),
                reactivity_clause=reactivity_clause,
                notice_deadline=quotas.notice_deadline(rule, start_day, reactivity_clause=reactivity_clause),
                message=message.strip(),
            )
            AbsenceRequestTransition.objects.create(
                request=request, actor=requester, action="create", to_status=request.status
            )
            audit_record(
                "scheduling.absence_request.created",
                actor=requester,
                target=request,
                institution=call_up.institution,
                data={"working_days": len(days), "rule": rule.pk},
            )
    except IntegrityError as exc:
        raise ValidationError(_("An absence request already exists for this call-up.")) from exc
    return request


def absence_request_transition(
    *, request: AbsenceRequest, action: str, actor, comment: str = ""
) -> AbsenceRequest:
    """Send to HR, approve, refuse (with a reason) or withdraw an absence request."""
    if action == "submit" and timezone.localtime(request.call_up.starts_at).date() <= timezone.localdate():
        raise ValidationError(_("This date is already past: an absence is requested ahead."))
    with transaction.atomic():
        request = AbsenceRequest.objects.select_for_update().select_related("call_up").get(pk=request.pk)
        extra: tuple[str, ...] = ()
        if action == "submit":
            request.submitted_at = timezone.now()
            extra = ("submitted_at",)
        elif action in ("approve", "refuse"):
            request.decided_by = actor
            request.decided_at = timezone.now()
            request.decision_reason = comment.strip()
            extra = ("decided_by", "decided_at", "decision_reason")
        _ABSENCES.step(
            request,
            action,
            actor=actor,
            comment=comment,
            extra_fields=extra,
        )
        if request.status in (
            AbsenceRequestStatus.SUBMITTED,
            AbsenceRequestStatus.APPROVED,
            AbsenceRequestStatus.REFUSED,
        ):
            _notify("absence_request_notify", request.pk, request.status)
    return request


# --- Personal ICS feed -------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token_create(*, user) -> str:
    """A new secret for the person's feed (the previous one stops working). Returns the token once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        CalendarFeedToken.objects.create(user=user, token_hash=feed_token_hash(token), hint=token[:6])
        audit_record("scheduling.feed_token.created", actor=user, target=user)
    return token


def feed_token_touch(*, token: CalendarFeedToken) -> None:
    """Remember when the feed was last read (at most once an hour, to keep reads cheap)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=now)


def feed_token_revoke(*, user) -> int:
    with transaction.atomic():
        count = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            audit_record("scheduling.feed_token.revoked", actor=user, target=user)
    return count
