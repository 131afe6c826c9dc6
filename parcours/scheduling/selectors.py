"""Read-side queries of the scheduling app, always scoped to what the asking user may see.

Someone else's call-up, arrangement or absence request is a 404, as is a group of another institution.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role

from .conflicts import Conflict, check_call_ups, group_ids_by_user
from .enums import (
    AbsenceRequestStatus,
    ArrangementSolution,
    ArrangementStatus,
    CallUpStatus,
    ConflictSeverity,
)
from .models import (
    AbsenceRequest,
    CalendarEvent,
    CalendarFeedToken,
    CalendarGroup,
    CallUp,
    EventOccurrence,
    StudyArrangement,
)

#: Roles that manage the timetables of their institution.
CALENDAR_MANAGER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


# --- Groups -----------------------------------------------------------------------------------------


def calendar_groups_manageable_by(user) -> QuerySet[CalendarGroup]:
    return CalendarGroup.objects.filter(
        institution__in=institutions_with_role(user, *CALENDAR_MANAGER_ROLES)
    ).select_related("institution", "cohort")


def calendar_group_for_manager(user, pk: int) -> CalendarGroup:
    return get_object_or_404(calendar_groups_manageable_by(user), pk=pk)


def group_events(group: CalendarGroup) -> QuerySet[CalendarEvent]:
    return group.events.order_by("summary", "uid")


def group_event_titles(group: CalendarGroup, kind: str = "") -> QuerySet:
    """The group's events gathered by title (ADE exports one event per session): one row per title and kind.

    Each row holds ``summary``, ``categories``, ``kind``, ``kind_override``, ``events`` (how many) and ``pk``
    (one of them, to address the row).
    """
    events = group.events.all()
    if kind:
        events = events.filter(Q(kind_override=kind) | Q(kind_override="", kind=kind))
    return (
        events.values("summary", "categories", "kind", "kind_override")
        .annotate(events=Count("id"), pk=Min("id"))
        .order_by("summary", "categories", "kind_override")
    )


def groups_of(user) -> QuerySet[CalendarGroup]:
    ids = group_ids_by_user([user.pk]).get(user.pk, set())
    return CalendarGroup.objects.filter(pk__in=ids).select_related("institution")


# --- Call-ups -----------------------------------------------------------------------------------------


def call_ups_of(user) -> QuerySet[CallUp]:
    return CallUp.objects.filter(reservist=user).select_related("activity_type", "force", "institution")


def call_up_for_owner(user, pk: int) -> CallUp:
    return get_object_or_404(call_ups_of(user), pk=pk)


def upcoming_call_ups(user) -> QuerySet[CallUp]:
    return call_ups_of(user).filter(ends_at__gte=timezone.now()).exclude(status=CallUpStatus.CANCELLED)


# --- Arrangements -----------------------------------------------------------------------------------------


def arrangements_visible_to(user) -> QuerySet[StudyArrangement]:
    """The student's own, those addressed to the teacher, all of a director's institutions."""
    directed = institutions_with_role(user, Role.DIRECTOR_OF_STUDIES)
    taught = institutions_with_role(user, Role.TEACHER)
    return StudyArrangement.objects.filter(
        Q(student=user) | Q(teacher=user, institution__in=taught) | Q(institution__in=directed)
    ).select_related("student", "teacher", "institution", "call_up", "occurrence")


def arrangement_for(user, pk: int) -> StudyArrangement:
    return get_object_or_404(arrangements_visible_to(user), pk=pk)


def arrangements_to_handle(user) -> QuerySet[StudyArrangement]:
    """What waits for this person: proposals for a teacher, approvals for a director."""
    directed = institutions_with_role(user, Role.DIRECTOR_OF_STUDIES)
    taught = institutions_with_role(user, Role.TEACHER)
    return arrangements_visible_to(user).filter(
        Q(teacher=user, institution__in=taught, status=ArrangementStatus.REQUESTED)
        | Q(institution__in=directed, status=ArrangementStatus.PROPOSED)
    )


# --- Absences ------------------------------------------------------------------------------------------


def absence_requests_visible_to(user) -> QuerySet[AbsenceRequest]:
    hr = institutions_with_role(user, Role.HR)
    return (
        AbsenceRequest.objects.filter(
            Q(requester=user) | (Q(institution__in=hr) & ~Q(status=AbsenceRequestStatus.DRAFT))
        )
        .select_related("requester", "institution", "call_up__activity_type", "rule")
        .order_by("call_up__starts_at")
    )


def absence_request_for(user, pk: int) -> AbsenceRequest:
    return get_object_or_404(absence_requests_visible_to(user), pk=pk)


def absence_requests_for_hr(user) -> QuerySet[AbsenceRequest]:
    return absence_requests_visible_to(user).filter(institution__in=institutions_with_role(user, Role.HR))


def feed_token_of(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_token_for(token_hash: str) -> CalendarFeedToken | None:
    return (
        CalendarFeedToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )


# --- Personal calendar ---------------------------------------------------------------------------------


@dataclass
class CalendarItem:
    """One line of a personal calendar: a class, an exam, a reserve period, an arrangement outcome."""

    category: str  # exam, mandatory, class, reserve, rescheduled, arrangement
    label: str  # the kind, as text (never colour only)
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    location: str = ""
    notes: list[str] = field(default_factory=list)
    severity: str = ""  # conflict severity, if any
    url: str = ""
    alert: str = ""  # the clash, said in words, shown before the notes

    @property
    def is_blocking(self) -> bool:
        return self.severity == ConflictSeverity.BLOCKING

    def __post_init__(self) -> None:
        self.local_start = timezone.localtime(self.starts_at)
        self.local_end = timezone.localtime(self.ends_at)
        self.first_day = self.local_start.date()
        self.last_day = timezone.localtime(
            max(self.ends_at - timedelta(microseconds=1), self.starts_at)
        ).date()

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def time_range(self, day: date) -> str:
        if self.all_day:
            return _("all day")
        start, end = self.local_start, self.local_end
        if start.date() == day and end.date() == day:
            return f"{start:%H:%M}–{end:%H:%M}"
        if start.date() == day:
            return _("from %(time)s") % {"time": f"{start:%H:%M}"}
        if end.date() == day and end.time() != time(0):
            return _("until %(time)s") % {"time": f"{end:%H:%M}"}
        return _("all day")


def clash_summary_text(summary: dict) -> str:
    """« Clashes: 1 exam, 2 classes (6.5 h) » from a conflict report's summary."""
    parts = []
    if summary["blocking"]:
        parts.append(ngettext("%(n)s exam", "%(n)s exams", summary["blocking"]) % {"n": summary["blocking"]})
    if summary["warning"]:
        parts.append(
            ngettext("%(n)s mandatory session", "%(n)s mandatory sessions", summary["warning"])
            % {"n": summary["warning"]}
        )
    if summary["information"]:
        parts.append(
            ngettext("%(n)s class", "%(n)s classes", summary["information"]) % {"n": summary["information"]}
        )
    hours = number_format(summary["hours"], decimal_pos=1)
    return _("Clashes: %(list)s (%(hours)s h)") % {"list": ", ".join(parts), "hours": hours}


def _severity_note(conflict: Conflict) -> str:
    if conflict.excused:
        return _("Excused (school policy after the reserve period)")
    if conflict.severity == ConflictSeverity.BLOCKING:
        return _("Clash with your call-up: exam")
    if conflict.severity == ConflictSeverity.WARNING:
        return _("Clash with your call-up: mandatory session")
    return _("Clash with your call-up: class")


def _arrangement_note(arrangement: StudyArrangement) -> str:
    status = arrangement.get_status_display()
    if arrangement.status == ArrangementStatus.APPROVED:
        if arrangement.solution == ArrangementSolution.NEW_EXAM_DATE and arrangement.proposed_starts_at:
            when = timezone.localtime(arrangement.proposed_starts_at).strftime("%d/%m/%Y %H:%M")
            return _("Arrangement approved: new date %(date)s") % {"date": when}
        return _("Arrangement approved: %(solution)s") % {"solution": arrangement.get_solution_display()}
    return _("Arrangement: %(status)s") % {"status": status}


def calendar_items(user, start: datetime, end: datetime) -> list[CalendarItem]:
    """Everything of ``user``'s plan between ``start`` and ``end``: timetable, call-ups, arrangements."""
    from django.urls import reverse

    from .enums import EventKind

    items: list[CalendarItem] = []
    kind_labels = {
        EventKind.EXAM: _("Exam"),
        EventKind.MANDATORY: _("Mandatory session"),
        EventKind.CLASS: _("Class"),
    }
    # Call-ups of the person, and their conflicts (including the excused days that follow).
    call_ups = list(
        call_ups_of(user)
        .filter(starts_at__lt=end + timedelta(days=31), ends_at__gt=start - timedelta(days=31))
        .exclude(status=CallUpStatus.CANCELLED)
    )
    groups = group_ids_by_user([user.pk])
    reports = check_call_ups(call_ups, groups_by_user=groups) if call_ups else {}
    conflicts_by_occurrence: dict[int, Conflict] = {}
    for report in reports.values():
        for conflict in report.conflicts:
            conflicts_by_occurrence.setdefault(conflict.occurrence.pk, conflict)
    for call_up in call_ups:
        if not (call_up.starts_at < end and call_up.ends_at > start):
            continue
        report = reports.get(call_up.pk)
        notes = [call_up.get_status_display()]
        severity = alert = ""
        if report and report.conflicts:
            alert = clash_summary_text(report.summary)
            severity = report.conflicts[0].severity
        items.append(
            CalendarItem(
                category="reserve",
                label=_("Reserve"),
                title=str(call_up.activity_type),
                starts_at=call_up.starts_at,
                ends_at=call_up.ends_at,
                all_day=call_up.all_day,
                notes=notes,
                severity=severity,
                alert=alert,
                url=reverse("scheduling_call_up_detail", kwargs={"pk": call_up.pk}),
            )
        )
    # Timetable of the person's groups.
    group_ids = groups.get(user.pk, set())
    own_arrangements = {
        a.occurrence_id: a
        for a in StudyArrangement.objects.filter(student=user, occurrence__isnull=False)
        .exclude(status__in=[ArrangementStatus.WITHDRAWN])
        .order_by("created_at")
    }
    if group_ids:
        occurrences = EventOccurrence.objects.filter(
            group_id__in=group_ids, starts_at__lt=end, ends_at__gt=start
        ).only("id", "starts_at", "ends_at", "all_day", "summary", "location", "kind")
        for occurrence in occurrences.order_by("starts_at"):
            notes = []
            severity = alert = ""
            conflict = conflicts_by_occurrence.get(occurrence.pk)
            if conflict is not None:
                alert = _severity_note(conflict)
                severity = "" if conflict.excused else conflict.severity
            arrangement = own_arrangements.get(occurrence.pk)
            url = ""
            if arrangement is not None:
                notes.append(_arrangement_note(arrangement))
                url = reverse("scheduling_arrangement_detail", kwargs={"pk": arrangement.pk})
            items.append(
                CalendarItem(
                    category=occurrence.kind,
                    label=kind_labels[occurrence.kind],
                    title=occurrence.summary,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    all_day=occurrence.all_day,
                    location=occurrence.location,
                    notes=notes,
                    severity=severity,
                    alert=alert,
                    url=url,
                )
            )
    # Arrangement outcomes: new exam dates (student, teacher, director), and pending requests (staff).
    visible = arrangements_visible_to(user)
    for arrangement in visible.filter(
        status=ArrangementStatus.APPROVED,
        solution=ArrangementSolution.NEW_EXAM_DATE,
        proposed_starts_at__lt=end,
        proposed_ends_at__gt=start,
    ):
        notes = [_("Arrangement approved")]
        if arrangement.student_id != user.pk:
            notes.append(arrangement.student.get_full_name() or arrangement.student.email)
        items.append(
            CalendarItem(
                category="rescheduled",
                label=_("Rescheduled exam"),
                title=arrangement.event_summary,
                starts_at=arrangement.proposed_starts_at,
                ends_at=arrangement.proposed_ends_at,
                notes=notes,
                url=reverse("scheduling_arrangement_detail", kwargs={"pk": arrangement.pk}),
            )
        )
    staff_view = has_role(user, Role.TEACHER, Role.DIRECTOR_OF_STUDIES)
    if staff_view:
        for arrangement in visible.exclude(student=user).filter(
            event_starts_at__lt=end,
            event_ends_at__gt=start,
            status__in=[ArrangementStatus.REQUESTED, ArrangementStatus.PROPOSED, ArrangementStatus.APPROVED],
        ):
            items.append(
                CalendarItem(
                    category="arrangement",
                    label=_("Arrangement"),
                    title=arrangement.event_summary,
                    starts_at=arrangement.event_starts_at,
                    ends_at=arrangement.event_ends_at,
                    notes=[
                        arrangement.student.get_full_name() or arrangement.student.email,
                        _arrangement_note(arrangement),
                    ],
                    url=reverse("scheduling_arrangement_detail", kwargs={"pk": arrangement.pk}),
                )
            )
    items.sort(key=lambda i: (i.starts_at, i.title))
    return items


@dataclass
class CalendarDay:
    day: date
    items: list[CalendarItem]
    in_month: bool = True
    is_today: bool = False


def _days_by_item(items: list[CalendarItem], first: date, last: date) -> dict[date, list[CalendarItem]]:
    """Each day between ``first`` and ``last`` with the items that touch it (each item placed once per day)."""
    by_day: dict[date, list[CalendarItem]] = defaultdict(list)
    for item in items:
        start = max(item.first_day, first)
        end = min(item.last_day, last)
        while start <= end:
            by_day[start].append(item)
            start += timedelta(days=1)
    return by_day


def month_weeks(year: int, month: int, items: list[CalendarItem]) -> list[list[CalendarDay]]:
    today = timezone.localdate()
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    by_day = _days_by_item(items, weeks[0][0], weeks[-1][-1])
    return [
        [
            CalendarDay(day=d, items=by_day.get(d, []), in_month=d.month == month, is_today=d == today)
            for d in week
        ]
        for week in weeks
    ]


def week_days(first_day: date, items: list[CalendarItem]) -> list[CalendarDay]:
    today = timezone.localdate()
    by_day = _days_by_item(items, first_day, first_day + timedelta(days=6))
    days = [first_day + timedelta(days=i) for i in range(7)]
    return [CalendarDay(day=d, items=by_day.get(d, []), is_today=d == today) for d in days]


def local_range(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(first, time(0), tzinfo=zone), datetime.combine(
        last_exclusive, time(0), tzinfo=zone
    )
