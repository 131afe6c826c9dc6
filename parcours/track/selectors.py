"""Read side of the track, scoped to what the asking user may see (someone else's object is a 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Institution, Membership, User
from parcours.accounts.permissions import institutions_with_role

from . import conf, permissions
from .enums import AwardStatus, CourseResult, EnrolmentStatus, RuleSetStatus, TrackStatus
from .models import (
    Course,
    CourseSession,
    DiplomaSupplement,
    EngagementActivity,
    EngagementTarget,
    Enrolment,
    SupplementBatch,
    TrackAward,
    TrackRuleSet,
)
from .progress import (
    StudentProgress,
    academic_year_bounds,
    academic_year_of,
    progress_for_students,
    status_counts,
)

# --- Rule sets -------------------------------------------------------------------------------------------


def rule_set_in_force(institution, year: int | None = None) -> TrackRuleSet | None:
    """The approved rule set of the academic year, else the latest approved one before it."""
    year = year if year is not None else academic_year_of(institution)
    return (
        TrackRuleSet.objects.filter(
            institution=institution, status=RuleSetStatus.APPROVED, academic_year__lte=year
        )
        .select_related("institution", "framework")
        .order_by("-academic_year")
        .first()
    )


def rule_sets_visible_to(user) -> QuerySet[TrackRuleSet]:
    return TrackRuleSet.objects.filter(institution__in=permissions.staff_institutions(user)).select_related(
        "institution", "framework", "approved_by"
    )


def rule_set_for(user, pk: int) -> TrackRuleSet:
    return get_object_or_404(rule_sets_visible_to(user), pk=pk)


# --- Students --------------------------------------------------------------------------------------------


def student_institution(user) -> Institution | None:
    return institutions_with_role(user, Role.STUDENT).order_by("pk").first()


def student_for_staff(user, pk: int) -> tuple[User, Institution]:
    """A student of one of the institutions where ``user`` runs the track; anyone else is a 404."""
    membership = (
        Membership.objects.active()
        .filter(user_id=pk, role=Role.STUDENT, institution__in=permissions.staff_institutions(user))
        .select_related("user", "institution", "cohort__programme")
        .first()
    )
    if membership is None:
        from django.http import Http404

        raise Http404
    return membership.user, membership.institution


def students_of(institution, cohort: Cohort | None = None) -> QuerySet[Membership]:
    memberships = Membership.objects.active().filter(institution=institution, role=Role.STUDENT)
    if cohort is not None:
        memberships = memberships.filter(cohort=cohort)
    return memberships


@dataclass
class CohortSummary:
    cohort: Cohort | None
    counts: dict[str, int]
    total: int

    @property
    def stuck(self) -> int:
        return self.counts.get(TrackStatus.STUCK, 0)

    @property
    def ordered(self) -> list[tuple[str, int]]:
        return [(value, self.counts.get(value, 0)) for value in TrackStatus.values]


def institution_overview(institution, rule_set: TrackRuleSet) -> list[CohortSummary]:
    """Counts by track status for every cohort of the institution (students without a cohort last)."""
    progress = progress_for_students(
        rule_set, students_of(institution).values("user_id"), scope=("institution", institution.pk)
    )
    cohort_of = dict(students_of(institution).values_list("user_id", "cohort_id"))
    by_cohort: dict[int | None, dict[int, StudentProgress]] = {}
    for student_id, item in progress.items():
        by_cohort.setdefault(cohort_of.get(student_id), {})[student_id] = item
    cohorts = {
        c.pk: c
        for c in Cohort.objects.filter(programme__institution=institution)
        .select_related("programme")
        .order_by("programme__code", "academic_year", "code")
    }
    summaries = [
        CohortSummary(cohort, status_counts(by_cohort.get(pk, {})), len(by_cohort.get(pk, {})))
        for pk, cohort in cohorts.items()
    ]
    if by_cohort.get(None):
        summaries.append(CohortSummary(None, status_counts(by_cohort[None]), len(by_cohort[None])))
    return summaries


@dataclass
class CohortRow:
    student: User
    progress: StudentProgress
    engagement_days: Decimal = Decimal(0)


@dataclass
class CohortListing:
    """The students of a cohort in name order (ids only), their progress and the counts by status."""

    ids: list[int]
    progress: dict[int, StudentProgress]
    counts: dict[str, int]


def cohort_listing(
    institution, cohort: Cohort, rule_set: TrackRuleSet, *, status: str = "", query: str = ""
) -> CohortListing:
    """Every student of the cohort, filtered by status and name; counts cover the whole cohort.

    The progress of every student is computed in bulk (bounded queries); only ids are listed, so that
    a page loads the names and engagement of its own rows only (:func:`cohort_rows`).
    """
    memberships = students_of(institution, cohort)
    progress = progress_for_students(rule_set, memberships.values("user_id"), scope=("cohort", cohort.pk))
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if query:
        users = users.filter(
            Q(last_name__icontains=query) | Q(first_name__icontains=query) | Q(email__icontains=query)
        )
    ids = [
        pk
        for pk in users.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)
        if pk in progress and (not status or progress[pk].status == status)
    ]
    return CohortListing(ids, progress, status_counts(progress))


def cohort_rows(institution, ids: list[int], progress: dict[int, StudentProgress]) -> list[CohortRow]:
    """Rows for some students of a listing (one page): name, progress and days of engagement this year."""
    year = academic_year_of(institution)
    engagement = engagement_days(institution, ids, year)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).only("pk", "first_name", "last_name", "email")}
    return [CohortRow(users[pk], progress[pk], engagement.get(pk, Decimal(0))) for pk in ids if pk in users]


def awards_pending(institution, rule_set: TrackRuleSet) -> list[CohortRow]:
    """Students who completed the track and wait for the jury's award."""
    progress = progress_for_students(
        rule_set, students_of(institution).values("user_id"), scope=("institution", institution.pk)
    )
    ids = [sid for sid, item in progress.items() if item.status == TrackStatus.COMPLETE]
    users = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")
    return [CohortRow(user, progress[user.pk]) for user in users]


def awards_of(institution) -> QuerySet[TrackAward]:
    return TrackAward.objects.filter(institution=institution).select_related(
        "student", "decided_by", "session", "revoked_by"
    )


def award_for(user, pk: int) -> TrackAward:
    return get_object_or_404(
        TrackAward.objects.filter(
            Q(student=user) | Q(institution__in=permissions.staff_institutions(user))
        ).select_related("institution", "student"),
        pk=pk,
    )


def current_award(student, institution) -> TrackAward | None:
    return TrackAward.objects.filter(
        student=student, institution=institution, status=AwardStatus.AWARDED
    ).first()


# --- Elective course -------------------------------------------------------------------------------------


def courses_visible_to(user) -> QuerySet[Course]:
    """Courses of the institutions where the user studies or teaches/runs the track."""
    institutions = institutions_with_role(user, Role.STUDENT, *permissions.COURSE_MANAGERS)
    return Course.objects.filter(institution__in=institutions).select_related("institution")


def course_for(user, pk: int) -> Course:
    return get_object_or_404(courses_visible_to(user), pk=pk)


def course_managed_by(user, pk: int) -> Course:
    """A course the user manages; another institution's is a 404, one they only see is a 403."""
    course = course_for(user, pk)
    if not permissions.can_manage_course(user, course):
        raise PermissionDenied
    return course


def session_managed_by(user, pk: int) -> CourseSession:
    session = get_object_or_404(
        CourseSession.objects.filter(course__in=courses_visible_to(user)).select_related(
            "course__institution"
        ),
        pk=pk,
    )
    if not permissions.can_manage_course(user, session.course):
        raise PermissionDenied
    return session


def course_list(user) -> QuerySet[Course]:
    return (
        courses_visible_to(user)
        .annotate(
            enrolled=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True
            ),
            waiting=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED), distinct=True
            ),
            minutes=Subquery(
                CourseSession.objects.filter(course=OuterRef("pk"))
                .order_by()
                .values("course")
                .annotate(total=Sum("duration_minutes"))
                .values("total")
            ),
        )
        .order_by("-academic_year", "code")
    )


def course_hours(course: Course) -> Decimal:
    minutes = course.sessions.aggregate(total=Sum("duration_minutes"))["total"] or 0
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def enrolment_of(course: Course, student) -> Enrolment | None:
    return Enrolment.objects.filter(course=course, student=student).first()


def enrolments_of_course(course: Course) -> dict[str, list[Enrolment]]:
    """Enrolled students (by name) and the waiting list (in order), each with its attendance rate."""
    from .services import attendance_rates

    rates = attendance_rates(course)
    rows = list(course.enrolments.select_related("student").order_by("requested_at", "pk"))
    for row in rows:
        row.attendance_rate = rates.get(row.pk)
    enrolled = sorted(
        (r for r in rows if r.status == EnrolmentStatus.ENROLLED),
        key=lambda r: (r.student.last_name, r.student.first_name, r.pk),
    )
    waiting = [r for r in rows if r.status == EnrolmentStatus.WAITLISTED]
    for position, row in enumerate(waiting, start=1):
        row.position = position
    return {
        "enrolled": enrolled,
        "waiting": waiting,
        "withdrawn": [r for r in rows if r.status == EnrolmentStatus.WITHDRAWN],
    }


def attendance_sheet(session: CourseSession) -> list[tuple[Enrolment, str]]:
    existing = dict(session.attendances.values_list("enrolment_id", "status"))
    enrolled = session.course.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("student")
    return [
        (e, existing.get(e.pk, ""))
        for e in sorted(enrolled, key=lambda e: (e.student.last_name, e.student.first_name, e.pk))
    ]


# --- Engagement plans ------------------------------------------------------------------------------------


def engagement_target(institution, year: int) -> int:
    value = (
        EngagementTarget.objects.filter(institution=institution, academic_year=year)
        .values_list("target_days", flat=True)
        .first()
    )
    return value or conf.get("ENGAGEMENT_TARGET_DAYS")


def engagement_days(institution, students, year: int) -> dict[int, Decimal]:
    """Days of engagement per student in the academic year: reserve days (periods starting in the year)
    plus the other activities of their plan. Two queries whatever the number of students."""
    from parcours.portfolio.models import ReservePeriod

    start, end = academic_year_bounds(institution, year)
    totals: dict[int, Decimal] = {}
    for user_id, days in (
        ReservePeriod.objects.filter(profile__user_id__in=students, start_date__range=(start, end))
        .order_by()
        .values("profile__user_id")
        .annotate(days=Sum("days"))
        .values_list("profile__user_id", "days")
    ):
        totals[user_id] = Decimal(days or 0)
    for user_id, days in (
        EngagementActivity.objects.filter(
            plan__institution=institution, plan__academic_year=year, plan__student_id__in=students
        )
        .order_by()
        .values("plan__student_id")
        .annotate(days=Sum("days"))
        .values_list("plan__student_id", "days")
    ):
        totals[user_id] = totals.get(user_id, Decimal(0)) + (days or Decimal(0))
    return totals


@dataclass
class EngagementSummary:
    year: int
    start: datetime.date
    end: datetime.date
    target: int
    reserve_days: int
    other_days: Decimal
    periods: list = field(default_factory=list)
    activities: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return Decimal(self.reserve_days) + self.other_days

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.total / self.target)) if self.target else 100

    @property
    def reached(self) -> bool:
        return self.total >= self.target

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(0), Decimal(self.target) - self.total)


def engagement_summary(student, institution, year: int, plan=None) -> EngagementSummary:
    from parcours.portfolio.models import ReservePeriod

    start, end = academic_year_bounds(institution, year)
    periods = list(
        ReservePeriod.objects.filter(profile__user=student, start_date__range=(start, end))
        .select_related("activity_type")
        .order_by("start_date")
    )
    activities = list(plan.activities.all()) if plan is not None else []
    return EngagementSummary(
        year=year,
        start=start,
        end=end,
        target=engagement_target(institution, year),
        reserve_days=sum(p.days for p in periods),
        other_days=sum((a.days for a in activities), Decimal(0)),
        periods=periods,
        activities=activities,
    )


# --- Supplements and exports -----------------------------------------------------------------------------


def current_supplement(student, institution) -> DiplomaSupplement | None:
    """The latest supplement whose PDF is ready (the current one, or the last good one while it renders)."""
    return (
        DiplomaSupplement.objects.filter(student=student, institution=institution)
        .exclude(document_public_id=None)
        .order_by("-revision")
        .first()
    )


def supplements_of_institution(institution) -> dict[int, DiplomaSupplement]:
    return {
        s.student_id: s
        for s in DiplomaSupplement.objects.filter(institution=institution)
        .exclude(document_public_id=None)
        .order_by("revision")
    }


def batches_visible_to(user) -> QuerySet[SupplementBatch]:
    return SupplementBatch.objects.filter(
        institution__in=permissions.staff_institutions(user)
    ).select_related("cohort", "institution", "created_by")


def batch_for(user, pk: int) -> SupplementBatch:
    return get_object_or_404(batches_visible_to(user), pk=pk)


def cohorts_of(institution) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(programme__institution=institution)
        .select_related("programme")
        .order_by("programme__code", "academic_year", "code")
    )


SIS_COLUMNS = ("student_number", "element_code", "ects", "result", "decision_reference")


def sis_export_rows(institution, cohort: Cohort | None = None) -> list[dict]:
    """Recognised ECTS, exemptions and elective results, one row per element, for the school's SIS.

    Results: ``VAL`` ECTS validated from reserve activity, ``DIS`` exemption from a teaching unit (or
    internship weeks, element ``STAGE``), ``ADM``/``AJ`` elective passed/failed. Students without a
    recorded student number are exported with their e-mail in ``student_email`` for matching.
    """
    from parcours.recognition.models import ValidatedActivity

    from .models import StudentNumber

    students = students_of(institution, cohort).values("user_id")
    numbers = dict(StudentNumber.objects.filter(institution=institution).values_list("user_id", "number"))
    rule_set = rule_set_in_force(institution)
    reserve_code = rule_set.sis_element_code if rule_set else "RESERVE"
    rows: list[dict] = []
    activities = (
        ValidatedActivity.objects.filter(
            is_current=True,
            decision__is_current=True,
            decision__request__institution=institution,
            decision__request__holder_id__in=students,
        )
        .select_related("decision__request__holder")
        .prefetch_related(Prefetch("exempted_units"))
        .order_by("decision__request__holder__last_name", "decision__request__holder_id", "decision_id", "pk")
    )
    for activity in activities:
        decision = activity.decision
        holder = decision.request.holder
        reference = f"{decision.request.reference}-D{decision.pk}"
        base = {
            "student_number": numbers.get(holder.pk, ""),
            "student_email": holder.email,
            "decision_reference": reference,
        }
        if activity.ects:
            rows.append({**base, "element_code": reserve_code, "ects": _ects(activity.ects), "result": "VAL"})
        for unit in activity.exempted_units.all():
            rows.append({**base, "element_code": unit.code, "ects": _ects(unit.ects), "result": "DIS"})
        if activity.internship_weeks_exempted:
            rows.append({**base, "element_code": "STAGE", "ects": "0", "result": "DIS"})
    for enrolment in (
        Enrolment.objects.filter(course__institution=institution, student_id__in=students)
        .exclude(result="")
        .select_related("course", "student")
        .order_by("student__last_name", "student_id", "pk")
    ):
        course = enrolment.course
        passed = enrolment.result == CourseResult.PASSED
        rows.append(
            {
                "student_number": numbers.get(enrolment.student_id, ""),
                "student_email": enrolment.student.email,
                "element_code": course.code,
                "ects": _ects(course.ects) if passed else "0",
                "result": "ADM" if passed else "AJ",
                "decision_reference": f"{course.code}-{course.academic_year}-E{enrolment.pk}",
            }
        )
    return rows


def _ects(value) -> str:
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))


def today() -> datetime.date:
    return timezone.localdate()
