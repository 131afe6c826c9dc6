"""The demo step builds what the issue asks for, twice without change; dashboard widgets show the figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.models import User
from parcours.demo import accounts
from parcours.demo import scheduling as demo
from parcours.scheduling.conflicts import check_call_up
from parcours.scheduling.enums import AbsenceRequestStatus, ArrangementStatus, CounterLevel, EventKind
from parcours.scheduling.models import (
    AbsenceRequest,
    CalendarGroup,
    CallUp,
    EventOccurrence,
    StudyArrangement,
)
from parcours.scheduling.quotas import absence_counter

pytestmark = pytest.mark.django_db


def test_demo_step(client, settings):
    out = io.StringIO()
    accounts.build(out)
    demo.build(out)
    demo.build(out)  # idempotent
    ing2 = CalendarGroup.objects.get(code="ING2", institution__slug=accounts.MAIN_SLUG)
    summaries = set(ing2.occurrences.values_list("summary", flat=True))
    assert {
        "DS Thermodynamique",
        "Partiel Mathématiques appliquées",
        "Soutenance projet d'ingénierie",
    } <= summaries
    assert ing2.occurrences.filter(kind=EventKind.EXAM).count() == 5
    assert EventOccurrence.objects.filter(summary__startswith="TD ").exists()
    student = User.objects.get(email=demo.STUDENT)
    call_up = CallUp.objects.get(reservist=student)
    assert [c.occurrence.summary for c in check_call_up(call_up).unresolved_exams] == [
        "Partiel Mathématiques appliquées"
    ]
    arrangement = StudyArrangement.objects.get(student=student)
    assert arrangement.status == ArrangementStatus.PROPOSED and arrangement.proposed_starts_at
    staff = User.objects.get(email=demo.STAFF)
    request = AbsenceRequest.objects.get(requester=staff)
    assert request.status == AbsenceRequestStatus.SUBMITTED
    assert request.notice_deadline >= timezone.localdate()  # one month's notice is respected
    year = timezone.localtime(request.call_up.starts_at).year
    counter = absence_counter(user=staff, institution=request.institution, year=year)
    assert (counter.total, counter.limit, counter.level) == (27, 30, CounterLevel.NEAR_LIMIT)

    client.force_login(student)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Exams clashing without an approved arrangement" in html or "Examens en conflit" in html
    client.force_login(User.objects.get(email=demo.DIRECTOR))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Arrangements to approve" in html or "Aménagements à approuver" in html
