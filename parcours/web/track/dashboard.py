"""Dashboard widgets of the track: the student's stage, stuck students, awards waiting, courses taught."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import institutions_with_role
from parcours.web.core.dashboards import Item, register


@register(Role.STUDENT)
def student_widget(user) -> list[Item]:
    from parcours.track import selectors
    from parcours.track.progress import student_progress

    institution = selectors.student_institution(user)
    rule_set = selectors.rule_set_in_force(institution) if institution else None
    if rule_set is None:
        return []
    progress = student_progress(rule_set, user, cached=True)
    url = reverse("track_home")
    return [
        Item(_("Ingénieur réserviste track"), progress.status_label, url),
        Item(_("Track criteria met"), f"{progress.done_count}/{len(progress.criteria)}", url),
    ]


def _institution_counts(user):
    from parcours.track import selectors
    from parcours.track.progress import progress_for_students, status_counts

    for institution in institutions_with_role(user, Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES)[:3]:
        rule_set = selectors.rule_set_in_force(institution)
        if rule_set is None:
            continue
        yield (
            institution,
            status_counts(
                progress_for_students(
                    rule_set,
                    selectors.students_of(institution).values("user_id"),
                    scope=("institution", institution.pk),
                )
            ),
        )


@register(Role.PEDAGOGICAL_ENGINEER)
def engineer_widget(user) -> list[Item]:
    items = []
    for institution, counts in _institution_counts(user):
        url = reverse("track_overview") + f"?institution={institution.slug}"
        items.append(Item(_("Students stuck on the track"), counts["stuck"], url))
    return items


@register(Role.DIRECTOR_OF_STUDIES)
def director_widget(user) -> list[Item]:
    items = []
    for institution, counts in _institution_counts(user):
        url = reverse("track_awards") + f"?institution={institution.slug}"
        items.append(Item(_("Students awaiting the mention"), counts["complete"], url))
    return items


@register(Role.TEACHER)
def teacher_widget(user) -> list[Item]:
    from parcours.track.enums import EnrolmentStatus
    from parcours.track.models import Course

    items = []
    for course in Course.objects.filter(teachers=user).order_by("-academic_year")[:3]:
        enrolled = course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        items.append(
            Item(
                course.title_fr,
                f"{enrolled}/{course.capacity}",
                reverse("track_course_manage", args=[course.pk]),
            )
        )
    return items
