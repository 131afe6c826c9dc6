"""Call-ups checked against the timetable: severities, hours, groups, the military preparation policy,
confirmation blocked by an exam, and bad periods refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.scheduling.conflicts import check_call_up, check_call_ups
from parcours.scheduling.enums import CallUpStatus, ConflictSeverity
from parcours.scheduling.models import CallUpPolicy, GroupMembership, HolidayPeriod
from parcours.scheduling.services import (
    calendar_import,
    call_up_create,
    call_up_transition,
    period_from_dates,
)
from tests.factories import MembershipFactory, UserFactory

from .conftest import at, build_ics
from .factories import CalendarGroupFactory

pytestmark = pytest.mark.django_db


def week_timetable(monday, week: int = 1):
    """A week of ING2: a class on Monday, a practical (mandatory) on Tuesday, an exam on Wednesday."""
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    return [
        {
            "uid": f"cm-1-w{week}",
            "summary": "CM Thermodynamique",
            "start": at(monday, 8),
            "end": at(monday, 10),
        },
        {
            "uid": f"cm-2-w{week}",
            "summary": "TD Thermodynamique",
            "start": at(monday, 10, 15),
            "end": at(monday, 12, 15),
        },
        {
            "uid": f"tp-1-w{week}",
            "summary": "TP Mécanique des fluides",
            "start": at(tuesday, 13, 30),
            "end": at(tuesday, 17, 30),
        },
        {
            "uid": f"exam-1-w{week}",
            "summary": "Mathématiques appliquées",
            "categories": "Examen",
            "start": at(wednesday, 8, 30),
            "end": at(wednesday, 10, 30),
            "organizer": "jean.dupont@mines-test.example.org",
        },
    ]


@pytest.fixture
def timetable(group, future_monday):
    calendar_import(
        group=group,
        data=build_ics(
            week_timetable(future_monday) + week_timetable(future_monday + timedelta(days=7), week=2)
        ),
        source="test.ics",
        range_start=future_monday - timedelta(days=7),
        range_end=future_monday + timedelta(days=60),
    )
    return group


def test_clash_severities_and_hours(student, institution, mission, timetable, future_monday):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    report = check_call_up(call_up)
    assert [c.occurrence.summary for c in report.blocking] == ["Mathématiques appliquées"]
    assert [c.occurrence.summary for c in report.warnings] == ["TP Mécanique des fluides"]
    assert [c.occurrence.summary for c in report.information] == ["CM Thermodynamique", "TD Thermodynamique"]
    assert report.hours == 10.0  # 2 + 2 + 4 + 2
    assert report.hours_of(ConflictSeverity.WARNING) == 4.0
    assert report.summary == {
        "blocking": 1,
        "warning": 1,
        "information": 2,
        "hours": 10.0,
        "unresolved_exams": 1,
    }


def test_partial_overlap_counts_only_the_hours_missed(
    student, institution, mission, timetable, future_monday
):
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=at(future_monday, 9),
        ends_at=at(future_monday, 11),
        all_day=False,
    )
    report = check_call_up(call_up)
    assert {c.occurrence.summary: c.overlap_minutes for c in report.conflicts} == {
        "CM Thermodynamique": 60,
        "TD Thermodynamique": 45,
    }


def test_no_clash_for_a_student_of_another_cohort_and_explicit_group_membership(
    institution, mission, timetable, future_monday
):
    other = UserFactory()
    MembershipFactory(user=other, institution=institution, role=Role.STUDENT)  # no cohort
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=other, institution=institution, activity_type=mission, starts_at=starts_at, ends_at=ends_at
    )
    assert check_call_up(call_up).conflicts == []
    GroupMembership.objects.create(group=timetable, user=other)
    assert len(check_call_up(call_up).conflicts) == 4


def test_staff_have_no_timetable(staff_member, institution, mission, timetable, future_monday):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=staff_member,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    assert check_call_up(call_up).conflicts == []


def test_military_preparation_in_holidays_excuses_the_following_week(
    student, institution, military_preparation, group, future_monday
):
    holiday_monday = future_monday
    school_monday = future_monday + timedelta(days=7)
    calendar_import(
        group=group,
        data=build_ics(week_timetable(school_monday)),
        source="t.ics",
        range_start=future_monday,
        range_end=future_monday + timedelta(days=30),
    )
    HolidayPeriod.objects.create(
        institution=institution,
        label="Vacances",
        start_date=holiday_monday,
        end_date=holiday_monday + timedelta(days=6),
    )
    policy = CallUpPolicy.objects.create(
        institution=institution,
        activity_kind="military_preparation",
        excused_days_after=7,
        label="PMI pendant les vacances : semaine suivante excusée",
    )
    starts_at, ends_at = period_from_dates(holiday_monday, holiday_monday + timedelta(days=6))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=military_preparation,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    report = check_call_up(call_up)
    assert report.policy == policy
    excused = [c for c in report.conflicts if c.excused]
    assert {c.occurrence.summary for c in excused} == {
        "CM Thermodynamique",
        "TD Thermodynamique",
        "TP Mécanique des fluides",
    }
    assert all(c.severity == ConflictSeverity.INFORMATION for c in excused)
    # An exam is never excused by the policy: it still needs an arrangement.
    assert [c.occurrence.summary for c in report.unresolved_exams] == ["Mathématiques appliquées"]
    assert report.hours == 2.0  # only the exam: excused hours are not counted as missed

    # Outside the holidays the policy does not apply.
    HolidayPeriod.objects.all().delete()
    assert check_call_up(call_up).conflicts == []


def test_confirming_a_call_up_that_clashes_with_an_exam_is_refused(
    student, institution, mission, timetable, future_monday
):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    with pytest.raises(ValidationError, match="without an approved study arrangement"):
        call_up_transition(call_up=call_up, action="confirm", actor=student)
    call_up.refresh_from_db()
    assert call_up.status == CallUpStatus.PLANNED
    # Without an exam in the period, confirming works and is logged.
    other = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=at(future_monday + timedelta(days=4), 0),
        ends_at=at(future_monday + timedelta(days=5), 0),
    )
    call_up_transition(call_up=other, action="confirm", actor=student)
    other.refresh_from_db()
    assert other.status == CallUpStatus.CONFIRMED
    assert [(t.from_status, t.to_status) for t in other.transitions.all()] == [
        ("", "planned"),
        ("planned", "confirmed"),
    ]


def test_bad_periods_are_refused(student, institution, mission, future_monday):
    with pytest.raises(ValidationError, match="ends before it starts"):
        call_up_create(
            reservist=student,
            institution=institution,
            activity_type=mission,
            starts_at=at(future_monday, 10),
            ends_at=at(future_monday, 9),
        )
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="already past"):
        call_up_create(
            reservist=student,
            institution=institution,
            activity_type=mission,
            starts_at=at(yesterday, 8),
            ends_at=at(yesterday + timedelta(days=3), 8),
        )
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=4))
    call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    with pytest.raises(ValidationError, match="overlaps your call-up"):
        call_up_create(
            reservist=student,
            institution=institution,
            activity_type=mission,
            starts_at=at(future_monday + timedelta(days=3), 8),
            ends_at=at(future_monday + timedelta(days=9), 8),
        )


def test_only_reservists_record_call_ups(teacher, institution, mission, future_monday):
    starts_at, ends_at = period_from_dates(future_monday, future_monday)
    with pytest.raises(ValidationError, match="Only a student or a staff member"):
        call_up_create(
            reservist=teacher,
            institution=institution,
            activity_type=mission,
            starts_at=starts_at,
            ends_at=ends_at,
        )


def test_cohort_check_is_one_pass(
    institution, cohort, mission, timetable, future_monday, django_assert_max_num_queries
):
    from .factories import CallUpFactory

    call_ups = []
    for _ in range(30):
        user = UserFactory()
        MembershipFactory(user=user, institution=institution, role=Role.STUDENT, cohort=cohort)
        starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
        call_ups.append(
            CallUpFactory(
                reservist=user,
                institution=institution,
                activity_type=mission,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    CalendarGroupFactory(institution=institution, cohort=cohort, code="EMPTY")
    with django_assert_max_num_queries(8):
        reports = check_call_ups(call_ups)
    assert all(len(r.blocking) == 1 and len(r.conflicts) == 4 for r in reports.values())
