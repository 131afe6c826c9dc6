"""The pages and the API as users meet them: accessible month and week views, the call-up form, the
arrangement workflow through the pages, the ICS feed, timetable uploads, staff counters, the letter."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.scheduling.enums import ArrangementStatus
from parcours.scheduling.models import CallUp, EventOccurrence, StudyArrangement
from parcours.scheduling.services import (
    arrangement_create,
    calendar_import,
    call_up_create,
    period_from_dates,
)
from tests.factories import InstitutionFactory

from .conftest import build_ics, next_weekday
from .factories import CalendarGroupFactory
from .test_conflicts import week_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def timetable(group, future_monday):
    calendar_import(
        group=group,
        data=build_ics(week_timetable(future_monday)),
        source="t.ics",
        range_start=future_monday,
        range_end=future_monday + timedelta(days=30),
    )
    return group


def post_call_up(client, mission, first: date, last: date, **extra):
    return client.post(
        reverse("scheduling_call_up_create"),
        {"activity_type": mission.pk, "first_day": first.isoformat(), "last_day": last.isoformat(), **extra},
    )


def test_month_view_is_an_accessible_table(
    client, student, institution, mission, timetable, future_monday, django_assert_max_num_queries
):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    client.force_login(student)
    url = reverse("scheduling_calendar") + f"?date={future_monday.isoformat()}"
    with django_assert_max_num_queries(20):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<table class="parcours-month">' in html and "<caption>" in html
    assert html.count('<th scope="col">') == 7
    # Kinds are written out, never carried by colour alone.
    assert "Exam" in html or "Examen" in html
    assert "Mathématiques appliquées" in html
    assert "Clash with your call-up: exam" in html or "Conflit" in html
    assert 'aria-current="date"' in html or future_monday.month != timezone.localdate().month


def test_week_view_lists_each_day_under_a_heading(client, student, timetable, future_monday):
    client.force_login(student)
    response = client.get(reverse("scheduling_calendar") + f"?view=week&date={future_monday.isoformat()}")
    html = response.content.decode()
    assert len(re.findall(r'<h3 class="fr-h6 fr-mb-1w" id="day-\d">', html)) == 7
    assert "08:00–10:00" in html and "CM Thermodynamique" in html


def test_call_up_form_checks_the_period(client, student, mission, timetable, future_monday):
    client.force_login(student)
    response = post_call_up(client, mission, future_monday, future_monday - timedelta(days=1))
    assert response.status_code == 200 and "The period ends before it starts." in response.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = post_call_up(client, mission, yesterday, yesterday + timedelta(days=3))
    assert "already past" in response.content.decode()
    assert not CallUp.objects.exists()
    response = post_call_up(client, mission, future_monday, future_monday + timedelta(days=2))
    call_up = CallUp.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "scheduling_call_up_detail", args=[call_up.pk]
    )
    detail = client.get(response["Location"]).content.decode()
    assert "This call-up clashes with an exam" in detail
    assert (
        reverse(
            "scheduling_arrangement_create",
            args=[call_up.pk, EventOccurrence.objects.get(summary="Mathématiques appliquées").pk],
        )
        in detail
    )
    response = client.post(
        reverse("scheduling_call_up_transition", args=[call_up.pk, "confirm"]), follow=True
    )
    assert "without an approved study arrangement" in response.content.decode()


def test_arrangement_workflow_through_the_pages(
    client, student, teacher, director, institution, mission, timetable, future_monday
):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up = call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    exam = EventOccurrence.objects.get(summary="Mathématiques appliquées")
    client.force_login(student)
    form_url = reverse("scheduling_arrangement_create", args=[call_up.pk, exam.pk])
    page = client.get(form_url).content.decode()
    assert f'value="{teacher.pk}" selected' in page  # the exam's organiser is suggested
    response = client.post(
        form_url, {"requested_kind": "exam_rescheduling", "teacher": teacher.pk, "comment": "Mission."}
    )
    arrangement = StudyArrangement.objects.get()
    assert response["Location"] == reverse("scheduling_arrangement_detail", args=[arrangement.pk])

    client.force_login(teacher)
    new_day = future_monday + timedelta(days=9)
    client.post(
        reverse("scheduling_arrangement_transition", args=[arrangement.pk, "propose"]),
        {
            "propose-solution": "new_exam_date",
            "propose-new_day": new_day.isoformat(),
            "propose-new_time": "14:00",
        },
    )
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.PROPOSED

    client.force_login(director)
    response = client.post(
        reverse("scheduling_arrangement_transition", args=[arrangement.pk, "refuse"]), follow=True
    )
    assert "A reason is required." in response.content.decode()
    client.post(reverse("scheduling_arrangement_transition", args=[arrangement.pk, "approve"]))
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.APPROVED

    for user in (student, teacher, director):
        client.force_login(user)
        html = client.get(
            reverse("scheduling_calendar") + f"?view=week&date={new_day.isoformat()}"
        ).content.decode()
        assert "Rescheduled exam" in html and "14:00–16:00" in html, user
    client.force_login(student)
    html = client.get(
        reverse("scheduling_calendar") + f"?view=week&date={future_monday.isoformat()}"
    ).content.decode()
    assert "Arrangement approved: new date" in html


def test_feed_secret_address_can_be_revoked(client, student, institution, mission, future_monday):
    starts_at, ends_at = period_from_dates(future_monday, future_monday + timedelta(days=2))
    call_up_create(
        reservist=student,
        institution=institution,
        activity_type=mission,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    client.force_login(student)
    html = client.post(reverse("scheduling_feed_settings"), {"action": "create"}).content.decode()
    url = re.search(r'id="feed-url">([^<]+)<', html).group(1)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Mission opérationnelle" in body
    assert "DTSTART;VALUE=DATE:" + future_monday.strftime("%Y%m%d") in body
    client.force_login(student)
    client.post(reverse("scheduling_feed_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404


def test_timetable_upload_and_errors(client, director, institution, data_dir):
    group = CalendarGroupFactory(institution=institution, code="ING2")
    client.force_login(director)
    url = reverse("scheduling_group_import", args=[group.pk])
    with open(data_dir / "hyperplanning_ing2_td1.ics", "rb") as handle:
        response = client.post(
            url, {"file": handle, "range_from": "2026-09-01", "range_to": "2027-01-31"}, follow=True
        )
    assert "19 occurrences" in response.content.decode()
    with open(data_dir / "timetable.csv", "rb") as handle:
        response = client.post(url, {"file": handle}, follow=True)
    html = response.content.decode()
    assert "was not imported, the timetable is unchanged" in html and "Line 1" in html
    assert EventOccurrence.objects.filter(group=group).count() == 19
    event = group.events.get(categories="Examen")
    client.post(reverse("scheduling_event_kind", args=[group.pk, event.pk]), {"kind": "class"})
    assert set(event.occurrences.values_list("kind", flat=True)) == {"class"}
    other = CalendarGroupFactory(institution=InstitutionFactory(slug="ailleurs"))
    assert client.get(reverse("scheduling_group_detail", args=[other.pk])).status_code == 404


def test_staff_counter_warns_before_the_30_day_limit(client, staff_member, institution, mission):
    year = timezone.localdate().year + 1
    monday = next_weekday(date(year, 1, 12), 0)
    for week in range(5):
        first = monday + timedelta(days=7 * week)
        starts_at, ends_at = period_from_dates(first, first + timedelta(days=4))
        call_up_create(
            reservist=staff_member,
            institution=institution,
            activity_type=mission,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    client.force_login(staff_member)
    assert "Close to the limit" not in client.get(reverse("scheduling_absence_overview")).content.decode()
    first = monday + timedelta(days=56)
    post_call_up(client, mission, first, first + timedelta(days=1))
    html = client.get(reverse("scheduling_absence_overview")).content.decode()
    assert "Close to the limit: 3 days left this year." in html
    call_up = CallUp.objects.get(starts_at__date=first)
    response = client.post(reverse("scheduling_absence_request_create", args=[call_up.pk]), {"message": ""})
    detail_url = response["Location"]
    html = client.get(detail_url).content.decode()
    assert "The request must reach HR by" in html
    pk = int(detail_url.rstrip("/").split("/")[-1])
    letter = client.get(reverse("scheduling_absence_request_letter", args=[pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")


def test_api_call_up_and_arrangement(
    client, student, teacher, director, institution, mission, timetable, future_monday
):
    client.force_login(student)
    payload = {
        "activity_type": mission.code,
        "first_day": future_monday.isoformat(),
        "last_day": (future_monday + timedelta(days=2)).isoformat(),
    }
    response = client.post("/api/scheduling/call-ups", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["clashes"]["blocking"] == 1 and data["clashes"]["hours"] == 10.0
    exam = next(c for c in data["conflicts"] if c["severity"] == "blocking")
    bad = {**payload, "last_day": (future_monday - timedelta(days=3)).isoformat()}
    response = client.post("/api/scheduling/call-ups", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and "ends before it starts" in response.json()["detail"]
    response = client.post(
        f"/api/scheduling/call-ups/{data['id']}/transitions/confirm", "{}", content_type="application/json"
    )
    assert response.status_code == 422
    call_up = CallUp.objects.get(pk=data["id"])
    arrangement = arrangement_create(
        call_up=call_up,
        occurrence=EventOccurrence.objects.get(pk=exam["occurrence_id"]),
        student=student,
        requested_kind="exam_rescheduling",
        teacher=teacher,
    )
    client.force_login(teacher)
    response = client.post(
        f"/api/scheduling/arrangements/{arrangement.pk}/transitions/propose",
        json.dumps({"solution": "alternative_assignment", "comment": "Dossier à rendre."}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "proposed"
    client.force_login(director)
    response = client.post(
        f"/api/scheduling/arrangements/{arrangement.pk}/transitions/approve",
        "{}",
        content_type="application/json",
    )
    assert response.json()["status"] == "approved"
    client.force_login(student)
    response = client.post(
        f"/api/scheduling/call-ups/{call_up.pk}/transitions/confirm", "{}", content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    items = client.get(
        f"/api/scheduling/calendar?start={future_monday.isoformat()}&end={(future_monday + timedelta(days=6)).isoformat()}"
    ).json()
    assert {"reserve", "exam", "mandatory", "class"} <= {i["category"] for i in items}
    client.force_login(teacher)
    assert client.get(f"/api/scheduling/call-ups/{call_up.pk}").status_code == 404


def test_api_counters_and_import(client, staff_member, director, institution, data_dir):
    client.force_login(staff_member)
    counters = client.get("/api/scheduling/absences/counters").json()
    assert counters[0]["limit"] == 30 and counters[0]["employment_status"] == "public_servant"
    client.force_login(director)
    group = CalendarGroupFactory(institution=institution, code="API")
    with open(data_dir / "celcat_ing2.ics", "rb") as handle:
        response = client.post(
            f"/api/scheduling/groups/{group.pk}/import",
            {"file": handle, "range_from": "2026-09-01", "range_to": "2027-01-31"},
        )
    assert response.status_code == 200 and response.json()["occurrences"] == 2
    with open(data_dir / "timetable.csv", "rb") as handle:
        response = client.post(f"/api/scheduling/groups/{group.pk}/import", {"file": handle})
    assert response.status_code == 422 and "not an iCalendar file" in response.json()["detail"]
    assert [g["code"] for g in client.get("/api/scheduling/groups").json()] == ["API"]
