"""Study arrangements (Code de l'éducation L611-11): request → teacher's proposal → director's decision,
with the transition log, the audit trail, notifications and the refusals a user would hit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.scheduling.conflicts import check_call_up
from parcours.scheduling.enums import ArrangementKind, ArrangementSolution, ArrangementStatus, CallUpStatus
from parcours.scheduling.models import EventOccurrence
from parcours.scheduling.services import (
    arrangement_create,
    arrangement_decide,
    arrangement_propose,
    arrangement_withdraw,
    calendar_import,
    call_up_create,
    call_up_transition,
    period_from_dates,
)
from parcours.scheduling.workflow import (
    ARRANGEMENT_TRANSITIONS,
    actors_for_arrangement,
    available_transitions,
)
from tests.factories import MembershipFactory, UserFactory

from .conftest import at, build_ics
from .test_conflicts import week_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def clash(student, institution, mission, group, future_monday):
    calendar_import(
        group=group,
        data=build_ics(week_timetable(future_monday)),
        source="t.ics",
        range_start=future_monday,
        range_end=future_monday + timedelta(days=30),
    )
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exam = EventOccurrence.objects.get(summary="Mathématiques appliquées")
    return call_up, exam


def test_full_workflow_unblocks_the_call_up(
    clash, student, teacher, director, future_monday, mailoutbox, django_capture_on_commit_callbacks
):
    call_up, exam = clash
    with django_capture_on_commit_callbacks(execute=True):
        arrangement = arrangement_create(
            call_up=call_up,
            occurrence=exam,
            student=student,
            requested_kind=ArrangementKind.EXAM_RESCHEDULING,
            teacher=teacher,
            comment="Convocation pour une mission de protection.",
        )
    assert arrangement.status == ArrangementStatus.REQUESTED
    assert arrangement.event_summary == "Mathématiques appliquées"
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    actions = [
        t.name
        for t in available_transitions(
            ARRANGEMENT_TRANSITIONS, arrangement, actors_for_arrangement(arrangement, teacher)
        )
    ]
    assert actions == ["propose"]
    assert [
        t.name
        for t in available_transitions(
            ARRANGEMENT_TRANSITIONS, arrangement, actors_for_arrangement(arrangement, student)
        )
    ] == ["withdraw"]

    new_date = at(future_monday + timedelta(days=9), 14)
    with django_capture_on_commit_callbacks(execute=True):
        arrangement = arrangement_propose(
            arrangement=arrangement,
            actor=teacher,
            solution=ArrangementSolution.NEW_EXAM_DATE,
            proposed_starts_at=new_date,
            comment="Épreuve de remplacement le mercredi suivant.",
        )
    assert arrangement.status == ArrangementStatus.PROPOSED
    assert arrangement.proposed_ends_at - arrangement.proposed_starts_at == timedelta(hours=2)
    assert mailoutbox[-1].to == [director.email]

    with pytest.raises(ValidationError, match="without an approved study arrangement"):
        call_up_transition(call_up=call_up, action="confirm", actor=student)
    with django_capture_on_commit_callbacks(execute=True):
        arrangement = arrangement_decide(arrangement=arrangement, actor=director, action="approve")
    assert arrangement.status == ArrangementStatus.APPROVED and arrangement.decided_by == director
    assert {tuple(m.to) for m in mailoutbox[-2:]} == {(student.email,), (teacher.email,)}

    report = check_call_up(call_up)
    assert report.unresolved_exams == [] and report.blocking[0].resolved
    call_up_transition(call_up=call_up, action="confirm", actor=student)
    call_up.refresh_from_db()
    assert call_up.status == CallUpStatus.CONFIRMED

    log = [(t.actor, t.from_status, t.to_status) for t in arrangement.transitions.all()]
    assert log == [
        (student, "", "requested"),
        (teacher, "requested", "proposed"),
        (director, "proposed", "approved"),
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="scheduling.arrangement")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "scheduling.arrangement.requested",
        "scheduling.arrangement.proposed",
        "scheduling.arrangement.approved",
    ]


def test_who_may_do_what(clash, student, teacher, director, institution):
    call_up, exam = clash
    other_teacher = UserFactory()
    MembershipFactory(user=other_teacher, institution=institution, role=Role.TEACHER)
    arrangement = arrangement_create(
        call_up=call_up,
        occurrence=exam,
        student=student,
        requested_kind=ArrangementKind.EXCUSED_ABSENCE,
        teacher=teacher,
    )
    with pytest.raises(ValidationError, match="cannot take this action"):
        arrangement_propose(
            arrangement=arrangement, actor=other_teacher, solution=ArrangementSolution.EXCUSED_ABSENCE
        )
    with pytest.raises(ValidationError, match="cannot take this action"):
        arrangement_decide(arrangement=arrangement, actor=student, action="refuse", reason="non")
    with pytest.raises(ValidationError, match="not available any more"):
        arrangement_decide(arrangement=arrangement, actor=director, action="approve")  # nothing proposed yet
    with pytest.raises(ValidationError, match="A reason is required"):
        arrangement_decide(arrangement=arrangement, actor=director, action="refuse", reason="  ")
    arrangement = arrangement_decide(
        arrangement=arrangement,
        actor=director,
        action="refuse",
        reason="Le règlement des études impose l'épreuve.",
    )
    assert arrangement.status == ArrangementStatus.REFUSED
    with pytest.raises(ValidationError, match="not available any more"):
        arrangement_withdraw(arrangement=arrangement, actor=student)
    # After a refusal the student may file a new request for the same exam.
    again = arrangement_create(
        call_up=call_up,
        occurrence=exam,
        student=student,
        requested_kind=ArrangementKind.REMOTE_ATTENDANCE,
        teacher=teacher,
    )
    assert again.status == ArrangementStatus.REQUESTED


def test_bad_requests_are_refused(clash, student, teacher, future_monday):
    call_up, exam = clash
    with pytest.raises(ValidationError, match="Choose the teacher"):
        arrangement_create(
            call_up=call_up,
            occurrence=exam,
            student=student,
            requested_kind="exam_rescheduling",
            teacher=student,
        )
    arrangement_create(
        call_up=call_up, occurrence=exam, student=student, requested_kind="exam_rescheduling", teacher=teacher
    )
    with pytest.raises(ValidationError, match="already requested"):
        arrangement_create(
            call_up=call_up,
            occurrence=exam,
            student=student,
            requested_kind="excused_absence",
            teacher=teacher,
        )
    other = EventOccurrence.objects.create(
        event=exam.event,
        group=exam.group,
        recurrence_key="x",
        starts_at=at(future_monday + timedelta(days=20), 8),
        ends_at=at(future_monday + timedelta(days=20), 10),
        summary="Hors période",
        kind="exam",
    )
    with pytest.raises(ValidationError, match="does not clash"):
        arrangement_create(
            call_up=call_up,
            occurrence=other,
            student=student,
            requested_kind="excused_absence",
            teacher=teacher,
        )
    EventOccurrence.objects.filter(pk=exam.pk).update(starts_at=at(future_monday - timedelta(days=40), 8))
    exam.refresh_from_db()
    with pytest.raises(ValidationError, match="already past"):
        arrangement_create(
            call_up=call_up,
            occurrence=exam,
            student=student,
            requested_kind="excused_absence",
            teacher=teacher,
        )


def test_new_date_must_be_outside_the_reserve_period(clash, student, teacher, future_monday):
    call_up, exam = clash
    arrangement = arrangement_create(
        call_up=call_up, occurrence=exam, student=student, requested_kind="exam_rescheduling", teacher=teacher
    )
    with pytest.raises(ValidationError, match="Give the new date"):
        arrangement_propose(
            arrangement=arrangement, actor=teacher, solution=ArrangementSolution.NEW_EXAM_DATE
        )
    with pytest.raises(ValidationError, match="falls during the reserve period"):
        arrangement_propose(
            arrangement=arrangement,
            actor=teacher,
            solution=ArrangementSolution.NEW_EXAM_DATE,
            proposed_starts_at=at(future_monday + timedelta(days=1), 14),
        )
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.REQUESTED


def test_cancelling_the_call_up_withdraws_open_requests(clash, student, teacher):
    call_up, exam = clash
    arrangement = arrangement_create(
        call_up=call_up, occurrence=exam, student=student, requested_kind="exam_rescheduling", teacher=teacher
    )
    call_up_transition(call_up=call_up, action="cancel", actor=student)
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.WITHDRAWN
    assert arrangement.transitions.last().comment == "The call-up was cancelled."
