"""What passing the elective and being awarded the mention produce, after commit: credentials, supplement.

Each output is idempotent (keyed by its source), so a task that runs twice produces no duplicate.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from .enums import AwardStatus, CourseResult
from .models import Enrolment, TrackAward

logger = logging.getLogger(__name__)

ENROLMENT_SOURCE = "track.enrolment"
AWARD_SOURCE = "track.award"


def course_achievement(enrolment: Enrolment):
    """The Open Badges achievement of the elective course (kind ``course``), with its ECTS."""
    from parcours.credentials.api import AchievementSpec

    course = enrolment.course
    hours = sum(s.duration_minutes for s in course.sessions.all()) / 60
    partners_fr = f" Co-construit avec {course.partners}." if course.partners else ""
    partners_en = f" Co-produced with {course.partners}." if course.partners else ""
    return AchievementSpec(
        key=f"course:{course.code}",
        kind="course",
        name_fr=course.title_fr,
        name_en=course.title_en or course.title_fr,
        description_fr=(
            course.description_fr
            or f"Enseignement optionnel de {hours:.0f} heures ouvert à tous les "
            f"élèves ingénieurs de {course.institution.name}."
        )
        + partners_fr,
        description_en=(
            course.description_en
            or f"{hours:.0f}-hour elective course open to every engineering "
            f"student of {course.institution.name}."
        )
        + partners_en,
        criteria_fr=f"Note au moins égale à {course.pass_mark:g}/{course.grade_max:g}"
        + (
            f" et assiduité d'au moins {course.min_attendance_percent} %"
            if course.min_attendance_percent
            else ""
        )
        + ".",
        criteria_en=f"Grade of at least {course.pass_mark:g}/{course.grade_max:g}"
        + (
            f" and attendance of at least {course.min_attendance_percent}%"
            if course.min_attendance_percent
            else ""
        )
        + ".",
        ects=course.ects,
    )


def course_outputs(enrolment_id: int) -> None:
    if not apps.is_installed("parcours.credentials"):
        return
    from parcours.credentials import api as credentials

    enrolment = Enrolment.objects.select_related("course__institution", "student", "graded_by").get(
        pk=enrolment_id
    )
    if enrolment.result == CourseResult.PASSED:
        credentials.credential_issue(
            holder=enrolment.student,
            institution=enrolment.course.institution,
            achievement=course_achievement(enrolment),
            source_type=ENROLMENT_SOURCE,
            source_id=str(enrolment.pk),
            evidence_url=settings.SITE_URL
            + reverse("track_course_detail", kwargs={"pk": enrolment.course_id}),
            issued_by=enrolment.graded_by,
        )
    else:
        credentials.credentials_revoke_for_source(
            source_type=ENROLMENT_SOURCE,
            source_id=str(enrolment.pk),
            reason="Résultat modifié / result changed",
            actor=enrolment.graded_by,
        )


def award_achievement(award: TrackAward):
    from parcours.credentials.api import AchievementSpec

    institution = award.institution
    return AchievementSpec(
        key="track:ingenieur-reserviste",
        kind="track",
        name_fr="Mention « ingénieur réserviste »",
        name_en="“Ingénieur réserviste” (reservist engineer) distinction",
        description_fr=f"Mention décernée par le jury de {institution.name} aux élèves ingénieurs qui ont suivi le "
        "parcours ingénieur réserviste (partenariat avec la Garde nationale).",
        description_en=f"Distinction awarded by the jury of {institution.name} to engineering students who completed "
        "the reservist engineer track (partnership with the Garde nationale).",
        criteria_fr="Règles du parcours « " + award.rule_set.title + " » satisfaites, décision du jury.",
        criteria_en="Rules of the track “" + award.rule_set.title + "” met; decision of the jury.",
    )


def award_outputs(award_id: int) -> None:
    award = TrackAward.objects.select_related(
        "institution", "student", "decided_by", "rule_set", "revoked_by"
    ).get(pk=award_id)
    if apps.is_installed("parcours.credentials"):
        from parcours.credentials import api as credentials

        if award.status == AwardStatus.AWARDED:
            credentials.credential_issue(
                holder=award.student,
                institution=award.institution,
                achievement=award_achievement(award),
                source_type=AWARD_SOURCE,
                source_id=str(award.pk),
                issued_by=award.decided_by,
            )
        else:
            credentials.credentials_revoke_for_source(
                source_type=AWARD_SOURCE,
                source_id=str(award.pk),
                reason=award.revoked_reason or "Mention retirée / distinction revoked",
                actor=award.revoked_by,
            )
    if apps.is_installed("parcours.documents"):
        from .services import TrackError, supplement_issue

        try:
            supplement_issue(
                student=award.student, institution=award.institution, actor=None, generate_now=True
            )
        except TrackError as exc:  # no recognition decision: no supplement to refresh
            logger.info("No diploma supplement for award %s: %s", award.pk, exc)
