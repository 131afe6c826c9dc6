"""Objects the permission matrix needs for the scheduling pages (created once per matrix run).

None of them belongs to the matrix's users: a reservist gets a 404 on them, the director of studies of the
institution sees the arrangement, HR sees the submitted absence request.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parcours.accounts.enums import EmploymentStatus, Role
from parcours.accounts.models import Membership
from parcours.scheduling import services
from tests.factories import CohortFactory, MembershipFactory, ProgrammeFactory, UserFactory

from .conftest import at, build_ics, next_weekday
from .factories import ActivityTypeFactory, CalendarGroupFactory

RESERVISTS = {Role.STUDENT, Role.STAFF}
MANAGERS = {Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR}
ARRANGEMENT_ROLES = {Role.STUDENT, Role.TEACHER, Role.DIRECTOR_OF_STUDIES}
ABSENCE_ROLES = {Role.STAFF, Role.HR}


def objects(ctx) -> dict:
    if "scheduling" not in ctx:
        institution = ctx["institution"]
        cohort = CohortFactory(programme=ProgrammeFactory(institution=institution), code="MATRIX")
        group = CalendarGroupFactory(institution=institution, cohort=cohort, code="MATRIX")
        monday = next_weekday(timezone.localdate() + timedelta(days=21), 0)
        services.calendar_import(
            group=group,
            data=build_ics(
                [{"uid": "x1", "summary": "Partiel", "start": at(monday, 8), "end": at(monday, 10)}]
            ),
            source="matrix.ics",
            range_start=monday,
            range_end=monday + timedelta(days=7),
        )
        occurrence = group.occurrences.get()
        student = UserFactory()
        MembershipFactory(user=student, institution=institution, role=Role.STUDENT, cohort=cohort)
        teacher = UserFactory()
        MembershipFactory(user=teacher, institution=institution, role=Role.TEACHER)
        activity = ActivityTypeFactory()
        starts_at, ends_at = services.period_from_dates(monday, monday + timedelta(days=2))
        call_up = services.call_up_create(
            reservist=student,
            institution=institution,
            activity_type=activity,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        arrangement = services.arrangement_create(
            call_up=call_up,
            occurrence=occurrence,
            student=student,
            requested_kind="exam_rescheduling",
            teacher=teacher,
        )
        services.absence_rules_load()
        staff = UserFactory()
        Membership.objects.create(
            user=staff,
            institution=institution,
            role=Role.STAFF,
            employment_status=EmploymentStatus.PUBLIC_SERVANT,
        )
        starts_at, ends_at = services.period_from_dates(
            monday + timedelta(days=7), monday + timedelta(days=8)
        )
        staff_call_up = services.call_up_create(
            reservist=staff,
            institution=institution,
            activity_type=activity,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        absence = services.absence_request_create(call_up=staff_call_up, requester=staff)
        services.absence_request_transition(request=absence, action="submit", actor=staff)
        ctx["scheduling"] = {
            "group": group,
            "event": occurrence.event,
            "occurrence": occurrence,
            "call_up": call_up,
            "arrangement": arrangement,
            "absence": absence,
        }
    return ctx["scheduling"]


def pk(name: str):
    return lambda ctx: {"pk": objects(ctx)[name].pk}


def action(name: str, verb: str):
    return lambda ctx: {"pk": objects(ctx)[name].pk, "action": verb}


def arrangement_create(ctx) -> dict:
    found = objects(ctx)
    return {"pk": found["call_up"].pk, "occurrence_pk": found["occurrence"].pk}


def event_kind(ctx) -> dict:
    found = objects(ctx)
    return {"pk": found["group"].pk, "event_pk": found["event"].pk}
