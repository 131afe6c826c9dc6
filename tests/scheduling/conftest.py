"""Fixtures of the scheduling tests: a cohort with its timetable group, people, rules, an ICS builder
and a local HTTP server for subscriptions (no external network)."""

from __future__ import annotations

import http.server
import threading
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone

from parcours.accounts.enums import EmploymentStatus, Role
from parcours.accounts.models import Membership
from parcours.scheduling.services import absence_rules_load
from tests.factories import CohortFactory, MembershipFactory, ProgrammeFactory, UserFactory

from .factories import ActivityTypeFactory, CalendarGroupFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def cohort(institution):
    return CohortFactory(programme=ProgrammeFactory(institution=institution, code="ING"), code="ING2-T")


@pytest.fixture
def group(institution, cohort):
    return CalendarGroupFactory(institution=institution, cohort=cohort, code="ING2", label="ING2 — tous")


@pytest.fixture
def student(institution, cohort):
    user = UserFactory(email="etudiante@example.org", first_name="Camille", last_name="Laurent")
    MembershipFactory(user=user, institution=institution, role=Role.STUDENT, cohort=cohort)
    return user


@pytest.fixture
def teacher(institution):
    user = UserFactory(email="jean.dupont@mines-test.example.org", first_name="Jean", last_name="Dupont")
    MembershipFactory(user=user, institution=institution, role=Role.TEACHER)
    return user


@pytest.fixture
def director(institution):
    user = UserFactory(email="directeur@example.org", first_name="Marc", last_name="Lefèvre")
    MembershipFactory(user=user, institution=institution, role=Role.DIRECTOR_OF_STUDIES)
    return user


@pytest.fixture
def hr(institution):
    user = UserFactory(email="rh@example.org", first_name="Isabelle", last_name="Petit")
    MembershipFactory(user=user, institution=institution, role=Role.HR)
    return user


@pytest.fixture
def rules(db):
    absence_rules_load()


@pytest.fixture
def staff_member(institution, rules):
    user = UserFactory(email="personnel@example.org", first_name="Nathalie", last_name="Bernard")
    Membership.objects.create(
        user=user, institution=institution, role=Role.STAFF, employment_status=EmploymentStatus.PUBLIC_SERVANT
    )
    return user


@pytest.fixture
def mission(db):
    return ActivityTypeFactory()


@pytest.fixture
def military_preparation(db):
    return ActivityTypeFactory(military_preparation=True)


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def future_monday() -> date:
    """A Monday at least three weeks ahead, so that every date of a test is in the future."""
    return next_weekday(timezone.localdate() + timedelta(days=21), 0)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_ics(events: list[dict]) -> bytes:
    """An Hyperplanning-like export of ``events`` (uid, summary, start, end, optional categories, rrule…)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Index Education//HYPERPLANNING test//FR")
    cal.add("version", "2.0")
    for spec in events:
        event = icalendar.Event()
        event.add("uid", spec["uid"])
        event.add("dtstamp", datetime(2026, 11, 27, 9, 30, tzinfo=UTC))
        event.add("dtstart", spec["start"])
        event.add("dtend", spec["end"])
        event.add("summary", spec["summary"])
        if "categories" in spec:
            event.add("categories", [spec["categories"]])
        if "rrule" in spec:
            event.add("rrule", spec["rrule"])
        if "organizer" in spec:
            event.add("organizer", f"mailto:{spec['organizer']}")
        cal.add_component(event)
    return cal.to_ical()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes, float]] = {}

    def do_GET(self):  # noqa: N802 - http.server API
        status, body, delay = self.routes.get(self.path, (404, b"not found", 0))
        if delay:
            time_module.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def ics_server():
    """A local HTTP server on 127.0.0.1: ``server.route(path, body, status=200, delay=0)`` then ``server.url(path)``."""
    routes: dict[str, tuple[int, bytes, float]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Control:
        def route(self, path, body: bytes, status: int = 200, delay: float = 0):
            routes[path] = (status, body, delay)

        def url(self, path: str) -> str:
            return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield Control()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
