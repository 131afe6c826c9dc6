"""Objects the permission matrix needs for the track pages (created once per matrix run).

The course has no teacher: a teacher of the institution sees it but does not manage it (403); the track
staff (pedagogical engineer, director of studies, administrator) manage it.
"""

from __future__ import annotations

import datetime

from parcours.accounts.enums import Role
from parcours.track.models import Course, CourseSession, SupplementBatch, TrackRuleSet
from parcours.track.services import current_framework
from tests.factories import CohortFactory, MembershipFactory, ProgrammeFactory, UserFactory

STAFF = {Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR}
EDITORS = {Role.PEDAGOGICAL_ENGINEER, Role.ADMINISTRATOR}
COURSE_PEOPLE = {Role.STUDENT, Role.TEACHER, *STAFF}
COURSE_CREATORS = {Role.TEACHER, Role.PEDAGOGICAL_ENGINEER, Role.ADMINISTRATOR}


def objects(ctx) -> dict:
    if "track" not in ctx:
        institution = ctx["institution"]
        cohort = CohortFactory(programme=ProgrammeFactory(institution=institution), code="TRACK-MATRIX")
        student = UserFactory()
        MembershipFactory(user=student, institution=institution, role=Role.STUDENT, cohort=cohort)
        course = Course.objects.create(
            institution=institution, academic_year=2026, code="DEF", title_fr="Défense"
        )
        session = CourseSession.objects.create(
            course=course, date=datetime.date(2026, 10, 1), duration_minutes=120, topic="Introduction"
        )
        rule_set = TrackRuleSet.objects.create(
            institution=institution,
            academic_year=2026,
            title="Règles",
            framework=current_framework(institution),
        )
        batch = SupplementBatch.objects.create(institution=institution, cohort=cohort)
        ctx["track"] = {
            "cohort": cohort,
            "student": student,
            "course": course,
            "session": session,
            "rule_set": rule_set,
            "batch": batch,
        }
    return ctx["track"]


def pk(name: str):
    return lambda ctx: {"pk": objects(ctx)[name].pk}


def action(name: str, value: str, key: str = "action"):
    return lambda ctx: {"pk": objects(ctx)[name].pk, key: value}
