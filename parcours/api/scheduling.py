"""Scheduling API: the caller's calendar and call-ups with their clashes, study arrangements, staff absence
counters, and timetable imports for the school staff who manage them.

Refusals of the services (bad period, action not available…) answer 422 with a ``detail`` message.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from parcours.accounts.enums import RESERVIST_ROLES, Role
from parcours.accounts.permissions import has_role, institutions_with_role
from parcours.api.errors import validation_detail
from parcours.reserve.models import ActivityType, Force
from parcours.scheduling import quotas, selectors, services
from parcours.scheduling.conflicts import ConflictReport, check_call_up
from parcours.scheduling.ics import CalendarFileError

from .schemas import ErrorOut

router = Router(tags=["scheduling"])
NOT_RESERVIST = "Only students and staff members record call-ups."


class CalendarItemOut(Schema):
    category: str
    label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    notes: list[str]
    severity: str
    url: str


class ConflictOut(Schema):
    occurrence_id: int
    summary: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    severity: str
    hours: float
    excused: bool
    arrangement_id: int | None
    arrangement_status: str | None


class CallUpOut(Schema):
    id: int
    institution: str
    activity_type: str
    force: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    status: str
    notes: str
    clashes: dict
    conflicts: list[ConflictOut] | None = None


class CallUpIn(Schema):
    activity_type: str  # ActivityType.code
    first_day: date
    last_day: date
    start_time: time | None = None
    end_time: time | None = None
    force: str | None = None  # Force.code
    notes: str = ""
    institution: str | None = None  # slug, when the caller is a reservist in several institutions


class TransitionIn(Schema):
    comment: str = ""
    solution: str | None = None
    proposed_starts_at: datetime | None = None


class ArrangementOut(Schema):
    id: int
    call_up_id: int
    student: str
    teacher: str | None
    event_summary: str
    event_kind: str
    event_starts_at: datetime
    event_ends_at: datetime
    requested_kind: str
    status: str
    solution: str
    proposed_starts_at: datetime | None
    proposed_ends_at: datetime | None
    decision_reason: str


class CounterOut(Schema):
    institution: str
    year: int
    employment_status: str
    limit: int
    used: int
    planned: int
    remaining: int
    beyond: int
    level: str
    legal_reference: str


class AbsenceRequestOut(Schema):
    id: int
    requester: str
    call_up_id: int
    working_days: int
    notice_deadline: date
    reactivity_clause: bool
    status: str
    decision_reason: str


class CalendarGroupOut(Schema):
    id: int
    institution: str
    code: str
    label: str
    cohort: str | None
    has_subscription: bool
    last_imported_at: datetime | None
    last_refresh_error: str


class ImportOut(Schema):
    events: int
    series: int
    occurrences: int
    cancelled: int
    events_added: int
    events_changed: int
    events_removed: int
    occurrences_added: int
    occurrences_changed: int
    occurrences_removed: int
    by_kind: dict


def _conflicts_out(report: ConflictReport) -> list[dict]:
    return [
        {
            "occurrence_id": c.occurrence.pk,
            "summary": c.occurrence.summary,
            "kind": c.occurrence.kind,
            "starts_at": c.occurrence.starts_at,
            "ends_at": c.occurrence.ends_at,
            "severity": c.severity,
            "hours": c.hours,
            "excused": c.excused,
            "arrangement_id": c.arrangement.pk if c.arrangement else None,
            "arrangement_status": c.arrangement.status if c.arrangement else None,
        }
        for c in report.conflicts
    ]


def _call_up_out(call_up, report: ConflictReport | None, *, detailed: bool = False) -> dict:
    data = {
        "id": call_up.pk,
        "institution": call_up.institution.slug,
        "activity_type": call_up.activity_type.code,
        "force": call_up.force.code if call_up.force else None,
        "starts_at": call_up.starts_at,
        "ends_at": call_up.ends_at,
        "all_day": call_up.all_day,
        "status": call_up.status,
        "notes": call_up.notes,
        "clashes": report.summary if report else {},
    }
    if detailed and report is not None:
        data["conflicts"] = _conflicts_out(report)
    return data


def _arrangement_out(a) -> dict:
    return {
        "id": a.pk,
        "call_up_id": a.call_up_id,
        "student": a.student.email,
        "teacher": a.teacher.email if a.teacher else None,
        "event_summary": a.event_summary,
        "event_kind": a.event_kind,
        "event_starts_at": a.event_starts_at,
        "event_ends_at": a.event_ends_at,
        "requested_kind": a.requested_kind,
        "status": a.status,
        "solution": a.solution,
        "proposed_starts_at": a.proposed_starts_at,
        "proposed_ends_at": a.proposed_ends_at,
        "decision_reason": a.decision_reason,
    }


@router.get(
    "/calendar",
    response={200: list[CalendarItemOut], 401: ErrorOut, 422: ErrorOut},
    operation_id="calendar_read",
)
def calendar_read(request: HttpRequest, start: date | None = None, end: date | None = None):
    """The caller's plan between two days (default: the next 31 days): timetable, call-ups, arrangements."""
    start = start or timezone.localdate()
    end = end or start + timedelta(days=31)
    if end < start or (end - start).days > 366:
        return Status(422, {"detail": "end must follow start, within a year."})
    items = selectors.calendar_items(request.auth, *selectors.local_range(start, end + timedelta(days=1)))
    return [item.__dict__ for item in items]


@router.get(
    "/call-ups", response={200: list[CallUpOut], 401: ErrorOut, 403: ErrorOut}, operation_id="call_up_list"
)
def call_up_list(request: HttpRequest):
    """The caller's call-ups with a summary of their clashes."""
    if not has_role(request.auth, *RESERVIST_ROLES):
        return Status(403, {"detail": NOT_RESERVIST})
    from parcours.scheduling.conflicts import check_call_ups

    call_ups = list(selectors.call_ups_of(request.auth).order_by("starts_at"))
    reports = check_call_ups(call_ups) if call_ups else {}
    return [_call_up_out(c, reports.get(c.pk)) for c in call_ups]


@router.post(
    "/call-ups",
    response={201: CallUpOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    operation_id="call_up_create",
)
def call_up_create(request: HttpRequest, payload: CallUpIn):
    """Record a planned reserve period; the answer lists its clashes with the caller's timetable."""
    institutions = institutions_with_role(request.auth, *RESERVIST_ROLES)
    if not institutions.exists():
        return Status(403, {"detail": NOT_RESERVIST})
    institution = (
        institutions.filter(slug=payload.institution).first() if payload.institution else institutions.first()
    )
    if institution is None:
        return Status(422, {"detail": f"institution: not one of yours “{payload.institution}”."})
    activity_type = ActivityType.objects.filter(code=payload.activity_type, is_active=True).first()
    if activity_type is None:
        return Status(422, {"detail": f"activity_type: unknown code “{payload.activity_type}”."})
    force = Force.objects.filter(code=payload.force).first() if payload.force else None
    if payload.force and force is None:
        return Status(422, {"detail": f"force: unknown code “{payload.force}”."})
    if payload.last_day < payload.first_day:
        return Status(422, {"detail": "The period ends before it starts."})
    if payload.start_time and payload.end_time:
        zone = timezone.get_current_timezone()
        starts_at = datetime.combine(payload.first_day, payload.start_time, tzinfo=zone)
        ends_at = datetime.combine(payload.last_day, payload.end_time, tzinfo=zone)
        all_day = False
    elif payload.start_time or payload.end_time:
        return Status(422, {"detail": "Give both times, or none for whole days."})
    else:
        starts_at, ends_at = services.period_from_dates(payload.first_day, payload.last_day)
        all_day = True
    try:
        call_up = services.call_up_create(
            reservist=request.auth,
            institution=institution,
            activity_type=activity_type,
            force=force,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            notes=payload.notes,
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Status(201, _call_up_out(call_up, check_call_up(call_up), detailed=True))


@router.get(
    "/call-ups/{call_up_id}",
    response={200: CallUpOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="call_up_read",
)
def call_up_read(request: HttpRequest, call_up_id: int):
    """One of the caller's call-ups, with every clash."""
    call_up = get_object_or_404(selectors.call_ups_of(request.auth), pk=call_up_id)
    return _call_up_out(call_up, check_call_up(call_up), detailed=True)


@router.post(
    "/call-ups/{call_up_id}/transitions/{action}",
    response={200: CallUpOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="call_up_transition",
)
def call_up_transition(request: HttpRequest, call_up_id: int, action: str, payload: TransitionIn):
    """``confirm`` (refused while an exam clash has no approved arrangement) or ``cancel``."""
    call_up = get_object_or_404(selectors.call_ups_of(request.auth), pk=call_up_id)
    try:
        call_up = services.call_up_transition(
            call_up=call_up, action=action, actor=request.auth, comment=payload.comment
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return _call_up_out(call_up, check_call_up(call_up), detailed=True)


@router.get(
    "/arrangements", response={200: list[ArrangementOut], 401: ErrorOut}, operation_id="arrangement_list"
)
def arrangement_list(request: HttpRequest):
    """Arrangements the caller may see: their own, those addressed to them, those of their institutions (directors)."""
    return [
        _arrangement_out(a)
        for a in selectors.arrangements_visible_to(request.auth).order_by("-created_at")[:500]
    ]


@router.get(
    "/arrangements/{arrangement_id}",
    response={200: ArrangementOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="arrangement_read",
)
def arrangement_read(request: HttpRequest, arrangement_id: int):
    return _arrangement_out(selectors.arrangement_for(request.auth, arrangement_id))


@router.post(
    "/arrangements/{arrangement_id}/transitions/{action}",
    response={200: ArrangementOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="arrangement_transition",
)
def arrangement_transition(request: HttpRequest, arrangement_id: int, action: str, payload: TransitionIn):
    """``propose`` (teacher: solution, proposed_starts_at for a new exam date), ``approve`` / ``refuse``
    (director; a refusal needs a comment), ``withdraw`` (student)."""
    arrangement = selectors.arrangement_for(request.auth, arrangement_id)
    try:
        if action == "propose":
            arrangement = services.arrangement_propose(
                arrangement=arrangement,
                actor=request.auth,
                solution=payload.solution or "",
                proposed_starts_at=payload.proposed_starts_at,
                comment=payload.comment,
            )
        else:
            arrangement = services.arrangement_transition(
                arrangement=arrangement, action=action, actor=request.auth, comment=payload.comment
            )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return _arrangement_out(arrangement)


@router.get(
    "/absences/counters",
    response={200: list[CounterOut], 401: ErrorOut, 403: ErrorOut},
    operation_id="absence_counter_list",
)
def absence_counter_list(
    request: HttpRequest, year: Query[Annotated[int, Field(ge=1900, le=2200)]] | None = None
):
    """The caller's reserve days in a calendar year (default: this year), per institution where they are staff."""
    institutions = institutions_with_role(request.auth, Role.STAFF)
    if not institutions.exists():
        return Status(403, {"detail": "Only staff members have absence counters."})
    year = year or timezone.localdate().year
    result = []
    for institution in institutions:
        counter = quotas.absence_counter(user=request.auth, institution=institution, year=year)
        result.append(
            {
                "institution": institution.slug,
                "year": year,
                "employment_status": counter.employment_status,
                "limit": counter.limit,
                "used": counter.used,
                "planned": counter.planned,
                "remaining": counter.remaining,
                "beyond": counter.beyond,
                "level": counter.level,
                "legal_reference": counter.rule.legal_reference if counter.rule else "",
            }
        )
    return result


@router.get(
    "/absences/requests",
    response={200: list[AbsenceRequestOut], 401: ErrorOut},
    operation_id="absence_request_list",
)
def absence_request_list(request: HttpRequest):
    """The caller's absence requests, and for HR those of their institutions (drafts excepted)."""
    return [
        {
            "id": r.pk,
            "requester": r.requester.email,
            "call_up_id": r.call_up_id,
            "working_days": r.working_days,
            "notice_deadline": r.notice_deadline,
            "reactivity_clause": r.reactivity_clause,
            "status": r.status,
            "decision_reason": r.decision_reason,
        }
        for r in selectors.absence_requests_visible_to(request.auth)[:500]
    ]


@router.get(
    "/groups", response={200: list[CalendarGroupOut], 401: ErrorOut}, operation_id="calendar_group_list"
)
def calendar_group_list(request: HttpRequest):
    """Calendar groups the caller manages (pedagogical engineers, directors of studies, administrators)."""
    return [
        {
            "id": g.pk,
            "institution": g.institution.slug,
            "code": g.code,
            "label": g.label,
            "cohort": g.cohort.code if g.cohort else None,
            "has_subscription": bool(g.subscription_url),
            "last_imported_at": g.last_imported_at,
            "last_refresh_error": g.last_refresh_error,
        }
        for g in selectors.calendar_groups_manageable_by(request.auth).order_by("code")
    ]


@router.post(
    "/groups/{group_id}/import",
    response={200: ImportOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="calendar_group_import",
)
def calendar_group_import(
    request: HttpRequest,
    group_id: int,
    file: File[UploadedFile],
    range_from: Form[date | None] = None,
    range_to: Form[date | None] = None,
):
    """Import an iCalendar file into the group (by UID: added, changed, removed). On error nothing changes."""
    group = selectors.calendar_group_for_manager(request.auth, group_id)
    try:
        result = services.calendar_import(
            group=group,
            data=file.read(),
            source=file.name or "upload.ics",
            actor=request.auth,
            range_start=range_from,
            range_end=range_to,
        )
    except CalendarFileError as exc:
        return Status(422, {"detail": str(exc)})
    return {k: v for k, v in result.as_dict().items() if k in ImportOut.model_fields}
