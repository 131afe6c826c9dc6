"""Subscribed timetables: fetched over HTTP with a short timeout, refreshed through the tasks API, and left
intact when the address fails (error, slow, unreachable, not iCalendar). A local server stands for ADE."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command

from parcours.scheduling.enums import ImportStatus
from parcours.scheduling.ics import CalendarFileError
from parcours.scheduling.models import CalendarImport, EventOccurrence
from parcours.scheduling.services import calendar_fetch, calendar_group_subscription_set
from parcours.scheduling.tasks import calendar_subscription_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(group, ics_server, data_dir, director):
    ics_server.route("/ade/ing2.ics", (data_dir / "celcat_ing2.ics").read_bytes())
    calendar_group_subscription_set(group=group, url=ics_server.url("/ade/ing2.ics"), actor=director)
    return group


def test_refresh_through_the_tasks_api(subscribed, settings):
    settings.PARCOURS = {**settings.PARCOURS, "CALENDAR_FETCH_TIMEOUT": 2}
    result = calendar_subscription_refresh.enqueue(subscribed.pk)
    assert result.return_value["ok"] is True
    assert result.return_value["events_added"] == 3
    assert EventOccurrence.objects.filter(group=subscribed).count() >= 0
    subscribed.refresh_from_db()
    assert subscribed.last_imported_at is not None and subscribed.last_refresh_error == ""
    assert CalendarImport.objects.get(group=subscribed).source.endswith("/ade/ing2.ics")


@pytest.mark.parametrize(
    ("route", "status", "delay", "message"),
    [
        ("/missing.ics", None, 0, "HTTP 404"),
        ("/error.ics", 500, 0, "HTTP 500"),
        ("/slow.ics", 200, 1.5, "did not answer within 0.5 seconds"),
        ("/page.html", 200, 0, "This is not an iCalendar file"),
    ],
)
def test_failing_subscription_keeps_the_calendar(
    subscribed, ics_server, settings, route, status, delay, message
):
    settings.PARCOURS = {**settings.PARCOURS, "CALENDAR_FETCH_TIMEOUT": 0.5}
    calendar_subscription_refresh.enqueue(subscribed.pk)
    before = sorted(EventOccurrence.objects.filter(group=subscribed).values_list("id", "starts_at"))
    if status is not None:
        body = (
            b"<!DOCTYPE html><html><body>Erreur</body></html>"
            if route.endswith(".html")
            else b"BEGIN:VCALENDAR\r\n"
        )
        ics_server.route(route, body, status=status, delay=delay)
    subscribed.subscription_url = ics_server.url(route)
    subscribed.save()
    result = calendar_subscription_refresh.enqueue(subscribed.pk)
    assert result.return_value["ok"] is False
    assert message in result.return_value["error"]
    subscribed.refresh_from_db()
    assert message in subscribed.last_refresh_error
    assert sorted(EventOccurrence.objects.filter(group=subscribed).values_list("id", "starts_at")) == before
    assert CalendarImport.objects.filter(group=subscribed, status=ImportStatus.FAILED).count() == 1


def test_unreachable_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CalendarFileError, match="cannot be reached"):
        calendar_fetch(f"http://127.0.0.1:{port}/ade.ics", timeout=1)
    with pytest.raises(CalendarFileError, match="must start with http"):
        calendar_fetch("file:///etc/passwd")


def test_refresh_command_queues_every_subscription(subscribed, capsys):
    call_command("refresh_calendars")
    assert "1 calendar refresh(es) queued." in capsys.readouterr().out
    assert CalendarImport.objects.filter(group=subscribed, status=ImportStatus.SUCCEEDED).count() == 1


def test_import_command_reads_a_url(institution, ics_server, data_dir, capsys):
    ics_server.route("/hp.ics", (data_dir / "hyperplanning_ing2_td1.ics").read_bytes())
    call_command(
        "import_calendar",
        ics_server.url("/hp.ics"),
        "--institution",
        institution.slug,
        "--group",
        "HP",
        "--from",
        "2026-09-01",
        "--to",
        "2027-01-31",
    )
    assert "19 occurrence(s) stored" in capsys.readouterr().out
