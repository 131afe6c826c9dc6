"""End to end in Chromium: a student plans a call-up that clashes with an exam, files an arrangement, the
teacher proposes a new date, the director approves, the calendars show it and the call-up can be
confirmed; a staff member's counter warns before the 30-day limit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.scheduling.models import CallUp, EventOccurrence, StudyArrangement
from parcours.scheduling.services import calendar_import, call_up_create, period_from_dates
from tests.factories import PASSWORD

from .conftest import build_ics, next_weekday
from .test_conflicts import week_timetable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("Adresse électronique|E-mail address", re.I)).fill(email)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/dashboard/$"))


def submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").last.click()


def test_clash_arrangement_and_calendar(
    live_server, page, student, teacher, director, mission, group, future_monday
):
    calendar_import(
        group=group,
        data=build_ics(week_timetable(future_monday)),
        source="ade.ics",
        range_start=future_monday,
        range_end=future_monday + timedelta(days=30),
    )
    exam = EventOccurrence.objects.get(summary="Mathématiques appliquées")

    login(page, live_server, student.email)
    page.goto(f"{live_server.url}/scheduling/call-ups/new/")
    page.locator("#id_activity_type").select_option(str(mission.pk))
    page.locator("#id_first_day").fill(future_monday.isoformat())
    page.locator("#id_last_day").fill((future_monday + timedelta(days=2)).isoformat())
    submit(page)
    expect(page.locator(".fr-alert--error")).to_be_visible()
    call_up = CallUp.objects.get()
    page.locator(f'a[href="/scheduling/call-ups/{call_up.pk}/arrangement/{exam.pk}/"]').click()
    expect(page.locator("#id_teacher")).to_have_value(str(teacher.pk))  # the exam's organiser
    page.locator("#id_comment").fill("Convocation pour une mission de trois jours.")
    submit(page)
    arrangement = StudyArrangement.objects.get()
    expect(page.locator("#arrangement-status")).to_have_text(re.compile("Requested|Demandé"))

    login(page, live_server, teacher.email)
    page.goto(f"{live_server.url}/scheduling/arrangements/")
    page.get_by_role("link", name="Mathématiques appliquées").click()
    new_day = future_monday + timedelta(days=9)
    page.locator("#id_propose-solution").select_option("new_exam_date")
    page.locator("#id_propose-new_day").fill(new_day.isoformat())
    page.locator("#id_propose-new_time").fill("14:00")
    page.locator("form[action$='/do/propose/'] button[type=submit]").click()
    expect(page.locator("#arrangement-solution")).to_contain_text("14:00")

    login(page, live_server, director.email)
    page.goto(f"{live_server.url}/scheduling/arrangements/{arrangement.pk}/")
    page.locator("form[action$='/do/approve/'] button[type=submit]").click()
    expect(page.locator("#arrangement-status")).to_have_text(re.compile("Approved|Approuvé"))

    login(page, live_server, student.email)
    page.goto(f"{live_server.url}/scheduling/calendar/?view=week&date={new_day.isoformat()}")
    expect(page.locator(".parcours-item--rescheduled")).to_contain_text("Mathématiques appliquées")
    expect(page.locator(".parcours-item--rescheduled")).to_contain_text("14:00–16:00")
    page.goto(f"{live_server.url}/scheduling/calendar/?date={future_monday.isoformat()}")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.locator("table .parcours-item--exam").first).to_contain_text(
        re.compile("new date|nouvelle date", re.I)
    )
    page.goto(f"{live_server.url}/scheduling/call-ups/{call_up.pk}/")
    page.locator("form[action$='/do/confirm/'] button").click()
    expect(page.locator("#call-up-status")).to_have_text(re.compile("Confirmed|Confirmée?"))


def test_staff_counter_warns_before_the_limit(live_server, page, staff_member, institution, mission):
    year = timezone.localdate().year + 1
    monday = next_weekday(date(year, 2, 2), 0)
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
    login(page, live_server, staff_member.email)
    page.goto(f"{live_server.url}/scheduling/call-ups/new/")
    page.locator("#id_activity_type").select_option(str(mission.pk))
    first = monday + timedelta(days=56)
    page.locator("#id_first_day").fill(first.isoformat())
    page.locator("#id_last_day").fill((first + timedelta(days=1)).isoformat())
    submit(page)
    expect(page.locator(".fr-alert--warning")).to_contain_text(re.compile("3"))
    page.goto(f"{live_server.url}/scheduling/absences/")
    expect(page.locator(".fr-alert--warning")).to_contain_text(re.compile("3"))
