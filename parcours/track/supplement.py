"""The content of a diploma supplement, built from what is recorded (decisions, award, elective).

The context is the stored form of the ``diploma_supplement`` document kind (see ``documents.py``): every
text in both languages, dates as ``YYYY-MM-DD``, numbers as strings. Never a unit, a rank, a place or the
force: only what the school recognised.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership

from . import conf
from .enums import AwardStatus, CourseResult, EnrolmentStatus
from .models import Enrolment, StudentNumber, TrackAward


def _text(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))


def reference_for(student, institution, revision: int) -> str:
    year = timezone.localdate().year
    return f"SD-{year}-{student.pk:05d}" + (f"-R{revision}" if revision > 1 else "")


def _signer(person, institution, director) -> dict:
    """Who signs: the jury member who awarded the mention, else the signer of the first decision, else the
    director of studies (``director``: a callable, so that it is looked up only when needed)."""
    person = person or director()
    return {
        "name": (person.get_full_name() or person.email) if person else institution.name,
        "function_fr": conf.get("SIGNER_FUNCTION_FR"),
        "function_en": conf.get("SIGNER_FUNCTION_EN"),
    }


def supplement_context(student, institution) -> dict:
    """Everything the supplement prints, for ``student`` at ``institution``.

    Raises ``TrackError`` when the student has no signed recognition decision: without one, the
    supplement would have nothing to add to the diploma.
    """
    context = supplement_contexts([student], institution)[student.pk]
    if isinstance(context, Exception):
        raise context
    return context


def supplement_contexts(students, institution) -> dict:
    """The supplement context of each of ``students``, by student id, read in ten queries whatever their
    number (batches, the command); a student without a signed recognition decision gets the
    ``TrackError`` that :func:`supplement_context` would raise instead of a context."""
    from django.db.models import Prefetch

    from parcours.recognition.api import Decision, DecisionCompetency, ValidatedActivity

    from .services import TrackError

    students = list(students)
    ids = [s.pk for s in students]
    # The student's current decisions at the institution (as recognition.api.current_decisions_of), oldest first.
    decisions_of: dict[int, list] = {pk: [] for pk in ids}
    for decision in (
        Decision.objects.filter(request__holder__in=ids, request__institution=institution, is_current=True)
        .exclude(outcome="refused")
        .select_related("request", "signed_by")
        .prefetch_related(
            Prefetch("competencies", DecisionCompetency.objects.select_related("competency", "level")),
            Prefetch(
                "validated_activities",
                ValidatedActivity.objects.select_related("period__activity_type").prefetch_related(
                    "exempted_units"
                ),
            ),
        )
        .order_by("signed_at", "pk")
    ):
        decisions_of[decision.request.holder_id].append(decision)
    memberships: dict[int, Membership] = {}
    for membership in (
        Membership.objects.active()
        .filter(user__in=ids, institution=institution, role=Role.STUDENT)
        .select_related("cohort__programme")
        .order_by("pk")
    ):
        memberships.setdefault(membership.user_id, membership)
    numbers: dict[int, str] = {}
    for user_id, number in (
        StudentNumber.objects.filter(institution=institution, user__in=ids)
        .order_by("pk")
        .values_list("user_id", "number")
    ):
        numbers.setdefault(user_id, number)
    awards: dict[int, TrackAward] = {}
    for award in (
        TrackAward.objects.filter(student__in=ids, institution=institution, status=AwardStatus.AWARDED)
        .select_related("decided_by")
        .order_by("-decided_at", "pk")
    ):
        awards.setdefault(award.student_id, award)
    enrolments: dict[int, Enrolment] = {}
    for enrolment in (
        Enrolment.objects.filter(
            student__in=ids, course__institution=institution, status=EnrolmentStatus.ENROLLED
        )
        .exclude(result="")
        .select_related("course")
        .prefetch_related("course__sessions")
        .order_by("-result", "-graded_at", "pk")  # a pass first
    ):
        enrolments.setdefault(enrolment.student_id, enrolment)

    director_cache: list = []

    def director():
        if not director_cache:
            membership = (
                Membership.objects.active()
                .filter(institution=institution, role=Role.DIRECTOR_OF_STUDIES)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            director_cache.append(membership.user if membership else None)
        return director_cache[0]

    today = timezone.localdate().isoformat()
    contexts: dict = {}
    for student in students:
        decisions = decisions_of[student.pk]
        if not decisions:
            contexts[student.pk] = TrackError(
                _(
                    "%(name)s has no signed recognition decision: there is nothing to write in a diploma supplement."
                )
                % {"name": student.get_full_name() or student.email}
            )
            continue
        award = awards.get(student.pk)
        signer = award.decided_by if award else decisions[0].signed_by
        contexts[student.pk] = _context(
            student,
            institution,
            decisions=decisions,
            membership=memberships.get(student.pk),
            number=numbers.get(student.pk, ""),
            award=award,
            enrolment=enrolments.get(student.pk),
            signer=_signer(signer, institution, director),
            today=today,
        )
    return contexts


def _context(student, institution, *, decisions, membership, number, award, enrolment, signer, today) -> dict:
    cohort = membership.cohort if membership else None
    programme = cohort.programme if cohort else None
    competencies: dict[str, dict] = {}
    engagement, exemptions = [], {}
    ects_total, weeks = Decimal(0), 0
    for decision in decisions:
        for line in decision.competencies.all():
            competency, level = line.competency, line.level
            key = competency.code or f"#{competency.pk}"
            rank = level.rank if level else 0
            if key in competencies and competencies[key]["rank"] >= rank:
                continue
            competencies[key] = {
                "code": competency.code,
                "statement_fr": competency.statement_fr,
                "statement_en": competency.statement_en or competency.statement_fr,
                "level_fr": f"{level.rank}. {level.label_fr}" if level else "—",
                "level_en": f"{level.rank}. {level.label_en or level.label_fr}" if level else "—",
                "rank": rank,
            }
        for activity in decision.validated_activities.all():
            period = activity.period
            kind = period.activity_type
            engagement.append(
                {
                    "activity_fr": kind.name_fr,
                    "activity_en": kind.name_en or kind.name_fr,
                    "start": period.start_date.isoformat(),
                    "end": period.end_date.isoformat(),
                    "days": period.days,
                    "ects": _text(activity.ects),
                    "wording_fr": activity.wording_fr,
                    "wording_en": activity.wording_en or activity.wording_fr,
                    "decision": f"{decision.request.reference}-D{decision.pk}",
                }
            )
            ects_total += activity.ects
            weeks += activity.internship_weeks_exempted
            for unit in activity.exempted_units.all():
                exemptions[unit.code] = {
                    "code": unit.code,
                    "title_fr": unit.title_fr,
                    "title_en": unit.title_en or unit.title_fr,
                }

    elective = None
    if enrolment is not None:
        course = enrolment.course
        minutes = sum(s.duration_minutes for s in course.sessions.all())
        elective = {
            "title_fr": course.title_fr,
            "title_en": course.title_en or course.title_fr,
            "academic_year": f"{course.academic_year}-{course.academic_year + 1}",
            "hours": _text(Decimal(minutes) / 60) if minutes else "",
            "ects": _text(course.ects) if enrolment.result == CourseResult.PASSED else "0",
            "grade": _text(enrolment.grade),
            "grade_max": _text(course.grade_max),
            "passed": enrolment.result == CourseResult.PASSED,
            "partners": course.partners,
        }

    rows = sorted(competencies.values(), key=lambda c: (c["code"] or "~", c["statement_fr"]))
    return {
        "reference": "",
        "issued_on": today,
        "institution": {"name": institution.name, "city": institution.city},
        "holder": {
            "full_name": student.get_full_name() or student.email,
            "student_number": number or "",
        },
        "programme": {
            "name_fr": programme.name_fr if programme else "",
            "name_en": (programme.name_en or programme.name_fr) if programme else "",
            "ects_total": str(programme.ects_total) if programme else "",
            "graduation_year": str(cohort.graduation_year) if cohort and cohort.graduation_year else "",
        },
        "engagement": engagement,
        "competencies": [{k: v for k, v in row.items() if k != "rank"} for row in rows],
        "ects_total": _text(ects_total),
        "exemptions": list(exemptions.values()),
        "internship_weeks": weeks,
        "decisions": [
            {"reference": f"{d.request.reference}-D{d.pk}", "date": d.signed_at.date().isoformat()}
            for d in decisions
        ],
        "mention": {
            "awarded": award is not None,
            "reference": award.reference if award else "",
            "date": award.decided_at.date().isoformat() if award else "",
        }
        if award
        else None,
        "elective": elective,
        "signer": signer,
    }


def check_context(context: dict) -> None:
    """Validate against the document kind's schema; a problem becomes a ``TrackError`` naming the keys."""
    from django.apps import apps

    from .services import TrackError

    if not apps.is_installed("parcours.documents"):
        raise TrackError("The documents app is not installed: diploma supplements cannot be generated.")
    from parcours.documents.api import DocumentContextError

    from .documents import DiplomaSupplementDocument

    try:
        DiplomaSupplementDocument.clean(context)
    except DocumentContextError as exc:
        raise TrackError(str(exc)) from exc
