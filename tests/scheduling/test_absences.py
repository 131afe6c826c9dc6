"""Staff reservists: working days, quotas as dated rules (history kept), warnings, notice, the request to HR
and its letter (PDF read back)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from parcours.accounts.enums import EmploymentStatus, Role
from parcours.accounts.models import Membership
from parcours.scheduling.enums import AbsenceRequestStatus, CounterLevel
from parcours.scheduling.letters import absence_request_letter_pdf
from parcours.scheduling.models import AbsenceRule, SchedulingSettings
from parcours.scheduling.quotas import absence_counter, notice_deadline, rule_for, working_days, yearly_limit
from parcours.scheduling.services import (
    absence_request_create,
    absence_request_transition,
    absence_rules_load,
    call_up_create,
    period_from_dates,
)
from tests.factories import UserFactory
from tests.pdfs import assert_same_to_the_eye, both_ways, needs_pdftoppm

from .conftest import next_weekday
from .factories import CallUpFactory

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends_and_french_public_holidays():
    start, end = period_from_dates(date(2026, 12, 21), date(2027, 1, 3))
    days = working_days(start, end)
    assert date(2026, 12, 25) not in days and date(2027, 1, 1) not in days  # Noël, jour de l'an
    assert date(2026, 12, 26) not in days  # Saturday
    assert len(days) == 8
    start, end = period_from_dates(date(2025, 12, 24), date(2025, 12, 28))
    assert working_days(start, end) == [date(2025, 12, 24), date(2025, 12, 26)]
    assert working_days(start, end, "57") == [date(2025, 12, 24)]  # Saint-Étienne is a holiday in Moselle


def test_rules_are_dated_data_and_past_years_compute_with_their_rule(rules):
    assert rule_for(EmploymentStatus.PRIVATE_CONTRACT, date(2017, 6, 1)).days_per_year == 5
    assert rule_for(EmploymentStatus.PRIVATE_CONTRACT, date(2022, 6, 1)).days_per_year == 8
    assert rule_for(EmploymentStatus.PRIVATE_CONTRACT, date(2023, 8, 2)).days_per_year == 8
    assert rule_for(EmploymentStatus.PRIVATE_CONTRACT, date(2023, 8, 3)).days_per_year == 10
    assert rule_for(EmploymentStatus.PUBLIC_SERVANT, date(2026, 1, 1)).days_per_year == 30
    current = rule_for(EmploymentStatus.PRIVATE_CONTRACT, date(2026, 1, 1))
    small = SchedulingSettings(employer_headcount=20, agreement_extra_days=0)
    large = SchedulingSettings(employer_headcount=300, agreement_extra_days=3)
    assert yearly_limit(current, small) == 5
    assert yearly_limit(current, large) == 13  # extended by agreement
    assert notice_deadline(current, date(2027, 3, 15), reactivity_clause=False) == date(2027, 2, 15)
    assert notice_deadline(current, date(2027, 3, 15), reactivity_clause=True) == date(2027, 2, 28)
    # Loading twice updates in place; the legal office changes a figure without a code change.
    assert absence_rules_load()["created"] == 0
    assert AbsenceRule.objects.count() == 5


def test_private_law_counter_for_a_past_year(institution, rules):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        institution=institution,
        role=Role.STAFF,
        employment_status=EmploymentStatus.PRIVATE_CONTRACT,
    )
    starts_at, ends_at = period_from_dates(date(2022, 3, 7), date(2022, 3, 11))
    CallUpFactory(reservist=user, institution=institution, starts_at=starts_at, ends_at=ends_at)
    counter = absence_counter(user=user, institution=institution, year=2022)
    assert (counter.limit, counter.used, counter.planned) == (8, 5, 0)
    assert absence_counter(user=user, institution=institution, year=2017).limit == 5
    assert absence_counter(user=user, institution=institution, year=2024).limit == 10


def test_public_servant_counter_warns_before_the_30_day_limit(institution, staff_member):
    year = timezone.localdate().year + 1
    monday = next_weekday(date(year, 1, 12), 0)
    # Five full weeks: 25 working days planned next year.
    for week in range(5):
        first = monday + timedelta(days=7 * week)
        starts_at, ends_at = period_from_dates(first, first + timedelta(days=4))
        call_up_create(
            reservist=staff_member,
            institution=institution,
            activity_type=CallUpFactory.activity_type.get_factory()(),
            starts_at=starts_at,
            ends_at=ends_at,
        )
    counter = absence_counter(user=staff_member, institution=institution, year=year)
    assert (counter.limit, counter.used, counter.planned, counter.remaining) == (30, 0, 25, 5)
    assert counter.level == CounterLevel.OK
    # Planning two more days leaves fewer than 5: the platform warns before the limit is reached.
    extra = period_from_dates(monday + timedelta(days=56), monday + timedelta(days=57))
    preview = absence_counter(user=staff_member, institution=institution, year=year, extra_period=extra)
    assert (preview.total, preview.remaining, preview.level) == (27, 3, CounterLevel.NEAR_LIMIT)
    beyond = period_from_dates(monday + timedelta(days=56), monday + timedelta(days=56 + 11))
    over = absence_counter(user=staff_member, institution=institution, year=year, extra_period=beyond)
    assert (over.level, over.beyond) == (CounterLevel.OVER_LIMIT, 5)


@pytest.fixture
def staff_call_up(institution, staff_member, mission):
    first = next_weekday(timezone.localdate() + timedelta(days=45), 0)
    starts_at, ends_at = period_from_dates(first, first + timedelta(days=4))
    return call_up_create(
        reservist=staff_member,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def test_absence_request_workflow_with_hr(
    staff_call_up, staff_member, hr, mailoutbox, django_capture_on_commit_callbacks
):
    request = absence_request_create(call_up=staff_call_up, requester=staff_member)
    first_day = timezone.localtime(staff_call_up.starts_at).date()
    assert request.status == AbsenceRequestStatus.DRAFT
    assert request.rule.days_per_year == 30
    assert request.notice_deadline == date(
        first_day.year - (first_day.month == 1), (first_day.month - 2) % 12 + 1, first_day.day
    )
    assert request.working_days == len(working_days(staff_call_up.starts_at, staff_call_up.ends_at))
    with pytest.raises(ValidationError, match="not available"):
        absence_request_transition(
            request=request, action="approve", actor=hr
        )  # HR acts on submitted requests
    with django_capture_on_commit_callbacks(execute=True):
        request = absence_request_transition(request=request, action="submit", actor=staff_member)
    assert request.status == AbsenceRequestStatus.SUBMITTED and request.submitted_at
    assert mailoutbox[-1].to == [hr.email]
    with pytest.raises(ValidationError, match="A reason is required"):
        absence_request_transition(request=request, action="refuse", actor=hr)
    with pytest.raises(ValidationError, match="cannot take this action"):
        absence_request_transition(request=request, action="approve", actor=staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        request = absence_request_transition(request=request, action="approve", actor=hr)
    assert request.status == AbsenceRequestStatus.APPROVED and request.decided_by == hr
    assert mailoutbox[-1].to == [staff_member.email]
    assert [(t.from_status, t.to_status) for t in request.transitions.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]


def test_refused_requests_need_a_reason_and_overlaps_are_refused(staff_call_up, staff_member, hr):
    request = absence_request_create(call_up=staff_call_up, requester=staff_member, reactivity_clause=True)
    first_day = timezone.localtime(staff_call_up.starts_at).date()
    assert request.notice_deadline == first_day - timedelta(days=15)
    with pytest.raises(ValidationError, match="already exists"):
        absence_request_create(call_up=staff_call_up, requester=staff_member)
    absence_request_transition(request=request, action="submit", actor=staff_member)
    request = absence_request_transition(
        request=request, action="refuse", actor=hr, comment="Service minimum."
    )
    assert request.decision_reason == "Service minimum."
    # After a refusal a new request may be drafted.
    assert (
        absence_request_create(call_up=staff_call_up, requester=staff_member).status
        == AbsenceRequestStatus.DRAFT
    )


def test_past_dates_and_students_are_refused(institution, staff_member, student, mission):
    yesterday = timezone.localdate() - timedelta(days=1)
    starts_at, ends_at = period_from_dates(yesterday, yesterday + timedelta(days=2))
    past = CallUpFactory(
        reservist=staff_member, institution=institution, starts_at=starts_at, ends_at=ends_at
    )
    with pytest.raises(ValidationError, match="already past"):
        absence_request_create(call_up=past, requester=staff_member)
    first = timezone.localdate() + timedelta(days=40)
    starts_at, ends_at = period_from_dates(first, first + timedelta(days=1))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    with pytest.raises(ValidationError, match="for staff members"):
        absence_request_create(call_up=call_up, requester=student)


def test_letter_pdf_reads_back(staff_call_up, staff_member, institution):
    request = absence_request_create(
        call_up=staff_call_up, requester=staff_member, message="Convocation jointe."
    )
    pdf = absence_request_letter_pdf(request)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Nathalie Bernard" in text
    assert "autorisation d'absence" in text or "request for leave of absence" in text
    assert institution.name in text
    first_day = timezone.localtime(staff_call_up.starts_at).date()
    assert first_day.strftime("%d/%m/%Y") in text
    assert request.notice_deadline.strftime("%d/%m/%Y") in text
    assert "30" in text and "Convocation jointe." in text


@needs_pdftoppm
def test_letter_looks_the_same_with_the_smaller_user_agent_stylesheet(
    staff_call_up, staff_member, monkeypatch
):
    request = absence_request_create(call_up=staff_call_up, requester=staff_member)
    assert_same_to_the_eye(*both_ways(monkeypatch, lambda: absence_request_letter_pdf(request)))
