"""Who may do what in the track, in one place (views, API and services reuse these)."""

from __future__ import annotations

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role

#: See every student's progress, the cohort overview, the rule sets and the supplements.
TRACK_STAFF = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)
#: Edit rule sets (drafts) and engagement targets.
RULE_EDITORS = (Role.PEDAGOGICAL_ENGINEER, Role.ADMINISTRATOR)
#: Approve rule sets; the jury that awards the mention.
JURY = (Role.DIRECTOR_OF_STUDIES,)
#: Create an elective course.
COURSE_CREATORS = (Role.TEACHER, Role.PEDAGOGICAL_ENGINEER, Role.ADMINISTRATOR)
#: Manage any course of their institution (teachers manage the courses they teach).
COURSE_ADMINS = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)
COURSE_MANAGERS = (Role.TEACHER, *COURSE_ADMINS)


def is_track_staff(user, institution) -> bool:
    return has_role(user, *TRACK_STAFF, institution=_id(institution))


def can_edit_rules(user, institution) -> bool:
    return has_role(user, *RULE_EDITORS, institution=_id(institution))


def is_jury(user, institution) -> bool:
    return has_role(user, *JURY, institution=_id(institution))


def can_manage_course(user, course) -> bool:
    """Listed teachers of the course, and the track staff of its institution."""
    if has_role(user, *COURSE_ADMINS, institution=course.institution_id):
        return True
    return (
        has_role(user, Role.TEACHER, institution=course.institution_id)
        and course.teachers.filter(pk=user.pk).exists()
    )


def is_student_of(user, institution) -> bool:
    return has_role(user, Role.STUDENT, institution=_id(institution))


def staff_institutions(user):
    return institutions_with_role(user, *TRACK_STAFF)


def _id(institution) -> int:
    return institution if isinstance(institution, int) else institution.pk
