"""Track API: progress, rule sets and criteria, the cohort overview, the elective, awards, supplements.

Operation ids are ``<resource>_<action>``. A refusal of the service is a 400 whose ``detail`` names the
field when there is one; another institution's object is a 404.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from parcours.accounts.permissions import has_role
from parcours.track import permissions, selectors, services
from parcours.track.enums import CriterionKind
from parcours.track.models import Enrolment
from parcours.track.progress import StudentProgress, progress_for_students, student_progress
from parcours.track.rules import describe_criterion, rule_set_problems
from parcours.track.services import TrackError

from .schemas import ErrorOut

router = Router(tags=["track"])


def _refused(exc: TrackError):
    field = getattr(exc, "field", None)
    status = 409 if isinstance(exc, services.ConcurrentChange) else 400
    return Status(status, {"detail": f"{field}: {exc}" if field else str(exc)})


def _forbidden():
    return Status(403, {"detail": "You may not do this."})


# --- Progress --------------------------------------------------------------------------------------------


class CriterionProgressOut(Schema):
    criterion_id: int
    kind: str
    label: str
    state: str
    have: Decimal
    need: Decimal
    explanation: str


class ProgressOut(Schema):
    student_id: int
    rule_set_id: int
    status: str
    complete: bool
    criteria: list[CriterionProgressOut]
    award_reference: str | None = None


def _progress_out(progress: StudentProgress) -> dict:
    return {
        "student_id": progress.student_id,
        "rule_set_id": progress.rule_set.pk,
        "status": progress.status,
        "complete": progress.is_complete,
        "criteria": [
            {
                "criterion_id": p.compiled.criterion.pk,
                "kind": p.kind,
                "label": p.label,
                "state": p.state,
                "have": Decimal(p.have),
                "need": Decimal(p.need),
                "explanation": p.explanation,
            }
            for p in progress.criteria
        ],
        "award_reference": progress.award.reference if progress.award else None,
    }


@router.get(
    "/progress",
    response={200: ProgressOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="track_progress_read",
)
def track_progress_read(request: HttpRequest):
    """The caller's own progress on the track (students)."""
    institution = selectors.student_institution(request.auth)
    if institution is None:
        return _forbidden()
    rule_set = selectors.rule_set_in_force(institution)
    if rule_set is None:
        return Status(404, {"detail": "No approved track rules are in force."})
    return _progress_out(student_progress(rule_set, request.auth, cached=True))


@router.get(
    "/students/{student_id}/progress",
    response={200: ProgressOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="student_progress_read",
)
def student_progress_read(request: HttpRequest, student_id: int):
    """A student's progress, for the track staff of the student's institution."""
    if not has_role(request.auth, *permissions.TRACK_STAFF):
        return _forbidden()
    student, institution = selectors.student_for_staff(request.auth, student_id)
    rule_set = selectors.rule_set_in_force(institution)
    if rule_set is None:
        return Status(404, {"detail": "No approved track rules are in force."})
    return _progress_out(student_progress(rule_set, student, cached=True))


class CohortProgressOut(Schema):
    cohort_id: int
    counts: dict[str, int]
    students: list[ProgressOut]


@router.get(
    "/cohorts/{cohort_id}/progress",
    response={200: CohortProgressOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="cohort_progress_list",
)
def cohort_progress_list(request: HttpRequest, cohort_id: int, status: str = ""):
    """Every student of a cohort with their progress (computed in bulk); ``status`` filters."""
    from parcours.accounts.models import Cohort
    from parcours.track.progress import status_counts

    if not has_role(request.auth, *permissions.TRACK_STAFF):
        return _forbidden()
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__institution"),
        pk=cohort_id,
        programme__institution__in=permissions.staff_institutions(request.auth),
    )
    institution = cohort.programme.institution
    rule_set = selectors.rule_set_in_force(institution)
    if rule_set is None:
        return Status(404, {"detail": "No approved track rules are in force."})
    progress = progress_for_students(rule_set, selectors.students_of(institution, cohort).values("user_id"))
    rows = [p for p in progress.values() if not status or p.status == status]
    return {
        "cohort_id": cohort.pk,
        "counts": status_counts(progress),
        "students": [_progress_out(p) for p in sorted(rows, key=lambda p: p.student_id)],
    }


# --- Rule sets -------------------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    kind: str
    description: str
    count: int | None
    min_level_id: int | None
    ects: Decimal | None
    block_ids: list[int]


class ProblemOut(Schema):
    message: str
    criterion_id: int | None
    blocking: bool


class RuleSetOut(Schema):
    id: int
    institution: str
    academic_year: int
    title: str
    status: str
    version: int
    framework_id: int
    study_years: int
    criteria: list[CriterionOut]
    problems: list[ProblemOut]


class RuleSetIn(Schema):
    institution: str
    academic_year: int
    title: str
    framework_id: int | None = None
    study_years: int = 3
    stuck_after_days: int = 120
    copy_from_id: int | None = None


class CriterionIn(Schema):
    kind: CriterionKind
    count: int | None = None
    min_level_id: int | None = None
    ects: Decimal | None = None
    block_ids: list[int] = []


class TransitionIn(Schema):
    comment: str = ""
    version: int | None = None


def _rule_set_out(rule_set) -> dict:
    criteria = list(rule_set.criteria.select_related("min_level").prefetch_related("blocks"))
    return {
        "id": rule_set.pk,
        "institution": rule_set.institution.slug,
        "academic_year": rule_set.academic_year,
        "title": rule_set.title,
        "status": rule_set.status,
        "version": rule_set.version,
        "framework_id": rule_set.framework_id,
        "study_years": rule_set.study_years,
        "criteria": [
            {
                "id": c.pk,
                "kind": c.kind,
                "description": describe_criterion(c),
                "count": c.count,
                "min_level_id": c.min_level_id,
                "ects": c.ects,
                "block_ids": [b.pk for b in c.blocks.all()],
            }
            for c in criteria
        ],
        "problems": [
            {"message": p.message, "criterion_id": p.criterion_id, "blocking": p.blocking}
            for p in rule_set_problems(rule_set)
        ],
    }


@router.get("/rule-sets", response={200: list[RuleSetOut], 401: ErrorOut}, operation_id="track_rule_set_list")
def track_rule_set_list(request: HttpRequest):
    """Rule sets of the institutions where the caller runs the track."""
    return [
        _rule_set_out(r)
        for r in selectors.rule_sets_visible_to(request.auth).order_by("-academic_year", "pk")[:100]
    ]


@router.post(
    "/rule-sets",
    response={201: RuleSetOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="track_rule_set_create",
)
def track_rule_set_create(request: HttpRequest, payload: RuleSetIn):
    """Create a draft (empty, or copied from ``copy_from_id``)."""
    from parcours.frameworks.models import Framework

    institution = get_object_or_404(permissions.staff_institutions(request.auth), slug=payload.institution)
    framework = None
    if payload.framework_id is not None:
        framework = Framework.objects.filter(pk=payload.framework_id, institution=institution).first()
        if framework is None:
            return Status(400, {"detail": "framework_id: no such framework in the institution."})
    copy_from = None
    if payload.copy_from_id is not None:
        copy_from = selectors.rule_set_for(request.auth, payload.copy_from_id)
    try:
        rule_set = services.rule_set_create(
            institution=institution,
            actor=request.auth,
            academic_year=payload.academic_year,
            title=payload.title,
            framework=framework,
            study_years=payload.study_years,
            stuck_after_days=payload.stuck_after_days,
            copy_from=copy_from,
        )
    except TrackError as exc:
        return _refused(exc)
    return Status(201, _rule_set_out(rule_set))


@router.get(
    "/rule-sets/{rule_set_id}",
    response={200: RuleSetOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="track_rule_set_read",
)
def track_rule_set_read(request: HttpRequest, rule_set_id: int):
    """A rule set with its criteria and every problem that stops its approval."""
    return _rule_set_out(selectors.rule_set_for(request.auth, rule_set_id))


@router.post(
    "/rule-sets/{rule_set_id}/criteria",
    response={201: RuleSetOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="track_criterion_create",
)
def track_criterion_create(request: HttpRequest, rule_set_id: int, payload: CriterionIn):
    from parcours.frameworks.models import Competency, Level

    rule_set = selectors.rule_set_for(request.auth, rule_set_id)
    level = None
    if payload.min_level_id is not None:
        level = Level.objects.filter(pk=payload.min_level_id).first()
        if level is None:
            return Status(400, {"detail": "min_level_id: no such level."})
    blocks = list(Competency.objects.filter(pk__in=payload.block_ids))
    if len(blocks) != len(set(payload.block_ids)):
        return Status(400, {"detail": "block_ids: some blocks do not exist."})
    try:
        services.criterion_add(
            rule_set=rule_set,
            actor=request.auth,
            kind=payload.kind,
            count=payload.count,
            min_level=level,
            ects=payload.ects,
            blocks=blocks,
        )
    except TrackError as exc:
        return _refused(exc)
    return Status(201, _rule_set_out(rule_set))


@router.delete(
    "/criteria/{criterion_id}",
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="track_criterion_delete",
)
def track_criterion_delete(request: HttpRequest, criterion_id: int):
    from parcours.track.models import TrackCriterion

    criterion = get_object_or_404(
        TrackCriterion.objects.select_related("rule_set"),
        pk=criterion_id,
        rule_set__in=selectors.rule_sets_visible_to(request.auth),
    )
    try:
        services.criterion_remove(criterion=criterion, actor=request.auth)
    except TrackError as exc:
        return _refused(exc)
    return Status(204, None)


@router.post(
    "/rule-sets/{rule_set_id}/transitions/{name}",
    response={200: RuleSetOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="track_rule_set_transition",
)
def track_rule_set_transition(request: HttpRequest, rule_set_id: int, name: str, payload: TransitionIn):
    """``approve`` (director of studies; refused while the rules cannot be satisfied) or ``retire``."""
    rule_set = selectors.rule_set_for(request.auth, rule_set_id)
    try:
        services.rule_set_transition(
            rule_set=rule_set,
            name=name,
            actor=request.auth,
            comment=payload.comment,
            expected_version=payload.version,
        )
    except TrackError as exc:
        return _refused(exc)
    return _rule_set_out(rule_set)


# --- Elective course -------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    date: date
    start_time: time | None
    duration_minutes: int
    topic: str
    speaker: str
    speaker_organisation: str


class CourseOut(Schema):
    id: int
    institution: str
    academic_year: int
    code: str
    title_fr: str
    title_en: str
    ects: Decimal
    capacity: int
    enrolled: int
    waiting: int
    pass_mark: Decimal
    grade_max: Decimal
    enrolment_open: bool
    sessions: list[SessionOut]


class EnrolmentOut(Schema):
    id: int
    course_id: int
    student_id: int
    status: str
    waiting_position: int | None
    grade: Decimal | None
    result: str


def _course_out(course) -> dict:
    return {
        "id": course.pk,
        "institution": course.institution.slug,
        "academic_year": course.academic_year,
        "code": course.code,
        "title_fr": course.title_fr,
        "title_en": course.title_en,
        "ects": course.ects,
        "capacity": course.capacity,
        "enrolled": course.enrolments.filter(status="enrolled").count(),
        "waiting": course.enrolments.filter(status="waitlisted").count(),
        "pass_mark": course.pass_mark,
        "grade_max": course.grade_max,
        "enrolment_open": course.enrolment_open,
        "sessions": list(course.sessions.all()),
    }


def _enrolment_out(enrolment: Enrolment) -> dict:
    return {
        "id": enrolment.pk,
        "course_id": enrolment.course_id,
        "student_id": enrolment.student_id,
        "status": enrolment.status,
        "waiting_position": services.waiting_position(enrolment),
        "grade": enrolment.grade,
        "result": enrolment.result,
    }


@router.get("/courses", response={200: list[CourseOut], 401: ErrorOut}, operation_id="course_list")
def course_list(request: HttpRequest):
    """Elective courses of the caller's institutions."""
    return [
        _course_out(c)
        for c in selectors.courses_visible_to(request.auth).order_by("-academic_year", "code")[:50]
    ]


@router.get(
    "/courses/{course_id}",
    response={200: CourseOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="course_read",
)
def course_read(request: HttpRequest, course_id: int):
    return _course_out(selectors.course_for(request.auth, course_id))


@router.post(
    "/courses/{course_id}/enrolments",
    response={201: EnrolmentOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="enrolment_create",
)
def enrolment_create(request: HttpRequest, course_id: int):
    """Enrol the caller: ``enrolled`` while there is room, ``waitlisted`` beyond the capacity."""
    course = selectors.course_for(request.auth, course_id)
    try:
        enrolment = services.enrolment_request(course=course, student=request.auth, actor=request.auth)
    except TrackError as exc:
        return _refused(exc)
    return Status(201, _enrolment_out(enrolment))


@router.delete(
    "/courses/{course_id}/enrolments/me",
    response={200: EnrolmentOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="enrolment_delete",
)
def enrolment_delete(request: HttpRequest, course_id: int):
    """Withdraw the caller's enrolment; the first student waiting takes the place."""
    course = selectors.course_for(request.auth, course_id)
    enrolment = get_object_or_404(Enrolment, course=course, student=request.auth)
    try:
        services.enrolment_withdraw(enrolment=enrolment, actor=request.auth)
    except TrackError as exc:
        return _refused(exc)
    return _enrolment_out(enrolment)


@router.get(
    "/courses/{course_id}/enrolments",
    response={200: list[EnrolmentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="enrolment_list",
)
def enrolment_list(request: HttpRequest, course_id: int):
    """Enrolled students and the waiting list (course managers)."""
    try:
        course = selectors.course_managed_by(request.auth, course_id)
    except PermissionDenied:
        return _forbidden()
    return [
        _enrolment_out(e)
        for e in course.enrolments.exclude(status="withdrawn").order_by("requested_at", "pk")
    ]


class AttendanceIn(Schema):
    statuses: dict[int, str]


class CountOut(Schema):
    count: int


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: CountOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="attendance_update",
)
def attendance_update(request: HttpRequest, session_id: int, payload: AttendanceIn):
    """Record attendance: enrolment id → ``present``, ``absent`` or ``excused``."""
    try:
        session = selectors.session_managed_by(request.auth, session_id)
    except PermissionDenied:
        return _forbidden()
    try:
        count = services.attendance_record(session=session, actor=request.auth, statuses=payload.statuses)
    except TrackError as exc:
        return _refused(exc)
    return {"count": count}


class GradesIn(Schema):
    grades: dict[int, str | None]


@router.post(
    "/courses/{course_id}/grades",
    response={200: list[EnrolmentOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="grade_update",
)
def grade_update(request: HttpRequest, course_id: int, payload: GradesIn):
    """Record grades (enrolment id → grade, or null to remove it); all are checked before any is written."""
    try:
        course = selectors.course_managed_by(request.auth, course_id)
    except PermissionDenied:
        return _forbidden()
    try:
        changed = services.grades_record(course=course, actor=request.auth, grades=payload.grades)
    except TrackError as exc:
        return _refused(exc)
    return [_enrolment_out(e) for e in changed]


# --- Awards and supplements ------------------------------------------------------------------------------


class AwardIn(Schema):
    student_id: int
    minutes: str = ""
    session_id: int | None = None


class AwardOut(Schema):
    id: int
    reference: str
    student_id: int
    status: str
    decided_at: datetime
    rule_set_id: int


def _award_out(award) -> dict:
    return {
        "id": award.pk,
        "reference": award.reference,
        "student_id": award.student_id,
        "status": award.status,
        "decided_at": award.decided_at,
        "rule_set_id": award.rule_set_id,
    }


@router.post(
    "/awards",
    response={201: AwardOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="track_award_create",
)
def track_award_create(request: HttpRequest, payload: AwardIn):
    """The jury (director of studies) awards the mention to a student who completed the track."""
    from parcours.recognition.models import JurySession

    if not has_role(request.auth, *permissions.TRACK_STAFF):
        return _forbidden()
    student, institution = selectors.student_for_staff(request.auth, payload.student_id)
    session = None
    if payload.session_id is not None:
        session = JurySession.objects.filter(pk=payload.session_id, institution=institution).first()
        if session is None:
            return Status(400, {"detail": "session_id: no such jury session in the institution."})
    try:
        award = services.award_grant(
            student=student,
            institution=institution,
            actor=request.auth,
            minutes=payload.minutes,
            session=session,
        )
    except TrackError as exc:
        return _refused(exc)
    return Status(201, _award_out(award))


@router.get("/awards", response={200: list[AwardOut], 401: ErrorOut}, operation_id="track_award_list")
def track_award_list(request: HttpRequest):
    """Awards the caller may see: their own, and those of the institutions where they run the track."""
    from django.db.models import Q

    from parcours.track.models import TrackAward

    awards = TrackAward.objects.filter(
        Q(student=request.auth) | Q(institution__in=permissions.staff_institutions(request.auth))
    ).order_by("-decided_at")[:200]
    return [_award_out(a) for a in awards]


class SupplementOut(Schema):
    id: int
    student_id: int
    revision: int
    reference: str
    ready: bool
    download_url: str | None


@router.post(
    "/students/{student_id}/supplement",
    response={
        202: SupplementOut,
        200: SupplementOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    operation_id="diploma_supplement_create",
)
def diploma_supplement_create(request: HttpRequest, student_id: int):
    """Issue a student's diploma supplement (202: generating; 200: unchanged, the current one stays)."""
    from django.urls import reverse

    if not has_role(request.auth, *permissions.TRACK_STAFF):
        return _forbidden()
    student, institution = selectors.student_for_staff(request.auth, student_id)
    try:
        row, created = services.supplement_issue(student=student, institution=institution, actor=request.auth)
    except TrackError as exc:
        return _refused(exc)
    row.refresh_from_db()
    url = (
        reverse("document_download", kwargs={"public_id": row.document_public_id})
        if row.document_public_id
        else None
    )
    body = {
        "id": row.pk,
        "student_id": student.pk,
        "revision": row.revision,
        "reference": row.reference,
        "ready": row.document_public_id is not None,
        "download_url": url,
    }
    return Status(202 if created else 200, body)


__all__ = ["router"]
