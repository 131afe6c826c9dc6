"""Dashboard widgets of the scheduling feature: call-ups and clashes, arrangements, reserve days, absences."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import institutions_with_role
from parcours.scheduling import quotas, selectors
from parcours.scheduling.conflicts import check_call_ups
from parcours.scheduling.enums import AbsenceRequestStatus, ArrangementStatus
from parcours.web.core.dashboards import Item, register


@register(Role.STUDENT)
def student_widget(user) -> list[Item]:
    call_ups = list(selectors.upcoming_call_ups(user))
    if not call_ups:
        return [Item(_("Call-ups planned"), 0, reverse("scheduling_call_up_create"))]
    reports = check_call_ups(call_ups)
    unresolved = sum(len(r.unresolved_exams) for r in reports.values())
    items = [Item(_("Call-ups planned"), len(call_ups), reverse("scheduling_call_up_list"))]
    if unresolved:
        items.append(
            Item(
                _("Exams clashing without an approved arrangement"),
                unresolved,
                reverse("scheduling_call_up_list"),
            )
        )
    open_arrangements = (
        selectors.arrangements_visible_to(user)
        .filter(student=user, status__in=[ArrangementStatus.REQUESTED, ArrangementStatus.PROPOSED])
        .count()
    )
    if open_arrangements:
        items.append(
            Item(_("Arrangements in progress"), open_arrangements, reverse("scheduling_arrangement_list"))
        )
    return items


@register(Role.STAFF)
def staff_widget(user) -> list[Item]:
    year = timezone.localdate().year
    items = []
    for institution in institutions_with_role(user, Role.STAFF):
        counter = quotas.absence_counter(user=user, institution=institution, year=year)
        if counter.rule is not None:
            items.append(
                Item(
                    _("Reserve days in %(year)s") % {"year": year},
                    f"{counter.total} / {counter.limit}",
                    reverse("scheduling_absence_overview"),
                )
            )
    waiting = selectors.absence_requests_visible_to(user).filter(
        requester=user, status=AbsenceRequestStatus.SUBMITTED
    )
    if waiting.exists():
        items.append(
            Item(_("Requests waiting for HR"), waiting.count(), reverse("scheduling_absence_overview"))
        )
    return items


@register(Role.TEACHER)
def teacher_widget(user) -> list[Item]:
    count = selectors.arrangements_to_handle(user).filter(status=ArrangementStatus.REQUESTED).count()
    return [Item(_("Arrangement requests to answer"), count, reverse("scheduling_arrangement_list"))]


@register(Role.DIRECTOR_OF_STUDIES)
def director_widget(user) -> list[Item]:
    count = selectors.arrangements_to_handle(user).filter(status=ArrangementStatus.PROPOSED).count()
    return [Item(_("Arrangements to approve"), count, reverse("scheduling_arrangement_list"))]


@register(Role.HR)
def hr_widget(user) -> list[Item]:
    count = selectors.absence_requests_for_hr(user).filter(status=AbsenceRequestStatus.SUBMITTED).count()
    return [Item(_("Absence requests to decide"), count, reverse("scheduling_absence_overview"))]
