"""Check call-ups against the timetable of the reservist's groups.

Conflicts are computed, not stored: they always reflect the latest import, group membership and policy.
A clash with an exam blocks (the call-up cannot be confirmed without an approved arrangement), with a
mandatory session warns, with a class informs; the hours missed are counted. A call-up policy (for
example a military preparation done during school holidays) excuses the classes and mandatory sessions
of the following days; an exam in those days still needs an arrangement.

One pass serves a single call-up and a whole cohort alike: occurrences are read once per group, sorted,
and each call-up looks up its window by bisection.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from parcours.reserve.models import ActivityType

from .enums import SEVERITY_BY_KIND, ArrangementStatus, CallUpStatus, ConflictSeverity, EventKind
from .models import (
    CalendarGroup,
    CallUp,
    CallUpPolicy,
    EventOccurrence,
    GroupMembership,
    HolidayPeriod,
    StudyArrangement,
)

_SEVERITY_RANK = {ConflictSeverity.BLOCKING: 0, ConflictSeverity.WARNING: 1, ConflictSeverity.INFORMATION: 2}
_OCCURRENCE_FIELDS = (
    "id",
    "event_id",
    "group_id",
    "starts_at",
    "ends_at",
    "all_day",
    "summary",
    "location",
    "kind",
)


class OccurrenceRow:
    """A timetable occurrence as the conflict check reads it: the fields of ``EventOccurrence`` it needs,
    without the cost of a model instance (a cohort check reads tens of thousands of them)."""

    __slots__ = _OCCURRENCE_FIELDS

    def __init__(self, *values):
        for name, value in zip(_OCCURRENCE_FIELDS, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    def get_kind_display(self) -> str:
        return str(EventKind(self.kind).label)

    def __repr__(self) -> str:
        return f"<OccurrenceRow {self.id} {self.summary!r} {self.starts_at:%Y-%m-%d %H:%M}>"


@dataclass(slots=True)
class Conflict:
    call_up_id: int
    occurrence: OccurrenceRow
    severity: str
    overlap_minutes: int
    excused: bool = False
    arrangement: StudyArrangement | None = None

    @property
    def hours(self) -> float:
        return round(self.overlap_minutes / 60, 2)

    @property
    def resolved(self) -> bool:
        """An approved arrangement settles the clash."""
        return self.arrangement is not None and self.arrangement.status == ArrangementStatus.APPROVED

    @property
    def is_exam(self) -> bool:
        return self.occurrence.kind == EventKind.EXAM

    @property
    def is_blocking(self) -> bool:
        return self.severity == ConflictSeverity.BLOCKING

    @property
    def is_warning(self) -> bool:
        return self.severity == ConflictSeverity.WARNING


@dataclass
class ConflictReport:
    call_up: CallUp
    conflicts: list[Conflict] = field(default_factory=list)
    policy: CallUpPolicy | None = None
    excused_until: datetime | None = None

    def by_severity(self, severity: str) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == severity]

    @property
    def blocking(self) -> list[Conflict]:
        return self.by_severity(ConflictSeverity.BLOCKING)

    @property
    def warnings(self) -> list[Conflict]:
        return self.by_severity(ConflictSeverity.WARNING)

    @property
    def information(self) -> list[Conflict]:
        return self.by_severity(ConflictSeverity.INFORMATION)

    @property
    def unresolved_exams(self) -> list[Conflict]:
        return [c for c in self.blocking if not c.resolved]

    @property
    def hours(self) -> float:
        return round(sum(c.overlap_minutes for c in self.conflicts if not c.excused) / 60, 2)

    def hours_of(self, severity: str) -> float:
        return round(sum(c.overlap_minutes for c in self.by_severity(severity)) / 60, 2)

    @property
    def summary(self) -> dict:
        return {
            "blocking": len(self.blocking),
            "warning": len(self.warnings),
            "information": len(self.information),
            "hours": self.hours,
            "unresolved_exams": len(self.unresolved_exams),
        }


def group_ids_by_user(
    user_ids: Iterable[int], institution_ids: Iterable[int] | None = None
) -> dict[int, set[int]]:
    """The calendar groups of each user: their cohort's groups (students) and the groups listing them."""
    user_ids = list(set(user_ids))
    result: dict[int, set[int]] = defaultdict(set)
    if not user_ids:
        return result
    memberships = Membership.objects.active().filter(
        user_id__in=user_ids, role=Role.STUDENT, cohort__isnull=False
    )
    groups = CalendarGroup.objects.filter(is_active=True)
    if institution_ids is not None:
        institution_ids = list(institution_ids)
        memberships = memberships.filter(institution_id__in=institution_ids)
        groups = groups.filter(institution_id__in=institution_ids)
    cohorts_by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, cohort_id in memberships.values_list("user_id", "cohort_id"):
        cohorts_by_user[user_id].add(cohort_id)
    all_cohorts = {c for cohorts in cohorts_by_user.values() for c in cohorts}
    groups_by_cohort: dict[int, set[int]] = defaultdict(set)
    for group_id, cohort_id in groups.filter(cohort_id__in=all_cohorts).values_list("id", "cohort_id"):
        groups_by_cohort[cohort_id].add(group_id)
    for user_id, cohorts in cohorts_by_user.items():
        for cohort_id in cohorts:
            result[user_id] |= groups_by_cohort[cohort_id]
    explicit = GroupMembership.objects.filter(user_id__in=user_ids, group__in=groups)
    for user_id, group_id in explicit.values_list("user_id", "group_id"):
        result[user_id].add(group_id)
    return result


def _policy_window(
    call_up: CallUp, kind: str, policies, holidays
) -> tuple[CallUpPolicy | None, datetime | None, datetime | None]:
    for policy in policies.get((call_up.institution_id, kind), []):
        if policy.requires_holiday:
            start_day = timezone.localtime(call_up.starts_at).date()
            end_day = timezone.localtime(call_up.ends_at - timedelta(microseconds=1)).date()
            if not any(
                h.start_date <= end_day and h.end_date >= start_day
                for h in holidays.get(call_up.institution_id, [])
            ):
                continue
        last_day = timezone.localtime(call_up.ends_at - timedelta(microseconds=1)).date()
        zone = timezone.get_current_timezone()
        window_start = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
        return policy, window_start, window_start + timedelta(days=policy.excused_days_after)
    return None, None, None


class _GroupIndex:
    """Occurrences of one group sorted by start, for bisection."""

    def __init__(self, occurrences: list[OccurrenceRow]):
        self.items = sorted(occurrences, key=lambda o: o.starts_at)
        self.starts = [o.starts_at for o in self.items]
        self.max_duration = max((o.ends_at - o.starts_at for o in self.items), default=timedelta(0))

    def overlapping(self, start: datetime, end: datetime) -> Iterable[OccurrenceRow]:
        lo = bisect_left(self.starts, start - self.max_duration)
        hi = bisect_left(self.starts, end)
        for occurrence in self.items[lo:hi]:
            if occurrence.ends_at > start or (
                occurrence.ends_at == occurrence.starts_at and occurrence.starts_at >= start
            ):
                yield occurrence


def _overlap_minutes(occurrence: OccurrenceRow, start: datetime, end: datetime) -> int:
    latest_start = occurrence.starts_at if occurrence.starts_at > start else start
    earliest_end = occurrence.ends_at if occurrence.ends_at < end else end
    seconds = (earliest_end - latest_start).total_seconds()
    return int(seconds // 60) if seconds > 0 else 0


def check_call_ups(
    call_ups: Iterable[CallUp], *, groups_by_user: dict[int, set[int]] | None = None
) -> dict[int, ConflictReport]:
    """A conflict report for each call-up (cancelled call-ups get an empty report).

    ``groups_by_user`` may pass the groups already read with ``group_ids_by_user``.
    """
    call_ups = list(call_ups)
    reports = {c.pk: ConflictReport(call_up=c) for c in call_ups}
    active = [c for c in call_ups if c.status != CallUpStatus.CANCELLED]
    if not active:
        return reports
    institution_ids = {c.institution_id for c in active}
    if groups_by_user is None:
        groups_by_user = group_ids_by_user((c.reservist_id for c in active), institution_ids)
    policies: dict[tuple[int, str], list[CallUpPolicy]] = defaultdict(list)
    for policy in CallUpPolicy.objects.filter(institution_id__in=institution_ids, is_active=True):
        policies[(policy.institution_id, policy.activity_kind)].append(policy)
    holidays: dict[int, list[HolidayPeriod]] = defaultdict(list)
    activity_kinds: dict[int, str] = {}
    if policies:
        for holiday in HolidayPeriod.objects.filter(institution_id__in=institution_ids):
            holidays[holiday.institution_id].append(holiday)
        activity_kinds = dict(
            ActivityType.objects.filter(pk__in={c.activity_type_id for c in active}).values_list("pk", "kind")
        )

    windows: dict[int, list[tuple[datetime, datetime, bool]]] = {}
    for call_up in active:
        spans = [(call_up.starts_at, call_up.ends_at, False)]
        policy, excused_from, excused_until = (
            _policy_window(call_up, activity_kinds[call_up.activity_type_id], policies, holidays)
            if policies
            else (None, None, None)
        )
        if policy is not None:
            spans.append((excused_from, excused_until, True))
            reports[call_up.pk].policy = policy
            reports[call_up.pk].excused_until = excused_until
        windows[call_up.pk] = spans
    all_groups = {g for c in active for g in groups_by_user.get(c.reservist_id, ())}
    if not all_groups:
        return reports
    span_start = min(s for spans in windows.values() for s, _e, _x in spans)
    span_end = max(e for spans in windows.values() for _s, e, _x in spans)
    # Occurrences may start before the window (long all-day events): look back a little.
    occurrences = EventOccurrence.objects.filter(
        group_id__in=all_groups, starts_at__lt=span_end, ends_at__gte=span_start - timedelta(days=1)
    ).filter(Q(ends_at__gt=span_start) | Q(starts_at__gte=span_start))
    by_group: dict[int, list[OccurrenceRow]] = defaultdict(list)
    for values in occurrences.values_list(*_OCCURRENCE_FIELDS):
        by_group[values[2]].append(OccurrenceRow(*values))
    indexes = {group_id: _GroupIndex(items) for group_id, items in by_group.items()}

    arrangements: dict[tuple[int, int], StudyArrangement] = {}
    for arrangement in StudyArrangement.objects.filter(call_up_id__in=[c.pk for c in active]).order_by(
        "created_at"
    ):
        key = (arrangement.call_up_id, arrangement.occurrence_id)
        current = arrangements.get(key)
        if current is None or current.status in (ArrangementStatus.REFUSED, ArrangementStatus.WITHDRAWN):
            arrangements[key] = arrangement

    for call_up in active:
        report = reports[call_up.id]
        seen: set[int] = set()
        for start, end, excused_span in windows[call_up.id]:
            for group_id in groups_by_user.get(call_up.reservist_id, ()):
                index = indexes.get(group_id)
                if index is None:
                    continue
                for occurrence in index.overlapping(start, end):
                    if occurrence.id in seen:
                        continue
                    seen.add(occurrence.id)
                    severity = SEVERITY_BY_KIND[occurrence.kind]
                    excused = excused_span and occurrence.kind != EventKind.EXAM
                    if excused:
                        severity = ConflictSeverity.INFORMATION
                    report.conflicts.append(
                        Conflict(
                            call_up_id=call_up.id,
                            occurrence=occurrence,
                            severity=severity,
                            overlap_minutes=_overlap_minutes(occurrence, start, end),
                            excused=excused,
                            arrangement=arrangements.get((call_up.id, occurrence.id))
                            if arrangements
                            else None,
                        )
                    )
        report.conflicts.sort(key=lambda c: (_SEVERITY_RANK[c.severity], c.occurrence.starts_at))
    return reports


def check_call_up(call_up: CallUp) -> ConflictReport:
    return check_call_ups([call_up])[call_up.id]
