"""Mixed journeys of every role against a running server (used by bench/load.py).

The figures are those of the steady state: the statistics are reset once every user has spawned and
logged in. The logins of the ramp-up (50 Argon2 hashes at once, deliberately costly) are written
beforehand to ``$LOAD_LOGIN_STATS`` so that bench/load.py reports them apart.
"""

import json
import os
import random
import re

from locust import FastHttpUser, between, events, task

PASSWORD = "parcours-demo"  # noqa: S105 - the documented demo password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_ramp = {"logging_in": 0, "spawned": False, "reset": False}


def _steady_state_reached(environment) -> None:
    """Reset the statistics once, when spawning is complete and no login is in flight."""
    if _ramp["reset"] or not _ramp["spawned"] or _ramp["logging_in"]:
        return
    _ramp["reset"] = True
    stats = environment.runner.stats
    login = stats.get("login", "POST")
    path = os.environ.get("LOAD_LOGIN_STATS")
    if path:
        with open(path, "w") as out:
            json.dump(
                {
                    "requests": login.num_requests,
                    "failures": login.num_failures,
                    "p50_ms": login.get_response_time_percentile(0.5),
                    "p95_ms": login.get_response_time_percentile(0.95),
                },
                out,
            )
    stats.reset_all()


@events.spawning_complete.add_listener
def _on_spawned(user_count, **_kwargs):
    _ramp["spawned"] = True
    _steady_state_reached(_environment["env"])


_environment: dict = {}


@events.init.add_listener
def _on_init(environment, **_kwargs):
    _environment["env"] = environment


class RoleUser(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    email = ""
    pages: list[str] = []

    def on_start(self):
        _ramp["logging_in"] += 1
        try:
            page = self.client.get("/accounts/login/", name="login form")
            token = CSRF.search(page.text).group(1)
            self.client.post(
                "/accounts/login/",
                data={"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": self.host + "/accounts/login/"},
                name="login",
            )
        finally:
            _ramp["logging_in"] -= 1
        _steady_state_reached(self.environment)

    @task(5)
    def browse(self):
        self.client.get(random.choice(self.pages))

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/")


class Student(RoleUser):
    weight = 6
    email = "etudiante@demo.example.org"
    pages = [
        "/portfolio/",
        "/recognition/",
        "/portfolio/periods/new/",
        "/track/",
        "/track/engagement/",
        "/scheduling/calendar/",
        "/scheduling/call-ups/",
        "/credentials/",
    ]


class Staff(RoleUser):
    weight = 2
    email = "personnel@demo.example.org"
    pages = ["/portfolio/", "/recognition/", "/scheduling/call-ups/", "/scheduling/absences/"]


class Engineer(RoleUser):
    weight = 3
    email = "ingenieure@demo.example.org"
    pages = [
        "/recognition/queue/",
        "/recognition/queue/?status=submitted",
        "/recognition/sessions/",
        "/track/overview/",
        "/rules/",
        "/frameworks/",
        "/scheduling/timetables/",
    ]


class Director(RoleUser):
    weight = 1
    email = "directeur@demo.example.org"
    pages = [
        "/recognition/queue/?status=in_jury",
        "/recognition/sessions/",
        "/institutions/",
        "/track/awards/",
    ]


class Teacher(RoleUser):
    weight = 1
    email = "enseignant@demo.example.org"
    pages = ["/track/courses/", "/scheduling/calendar/"]


class HumanResources(RoleUser):
    weight = 1
    email = "rh@demo.example.org"
    pages = ["/scheduling/absences/"]


class GardeNationale(RoleUser):
    weight = 1
    email = "garde-nationale@demo.example.org"
    pages = ["/partners/reports/", "/partners/referrals/"]


class Anonymous(FastHttpUser):
    weight = 2
    wait_time = between(0.5, 2.0)

    @task(3)
    def home(self):
        self.client.get("/")

    @task(2)
    def information(self):
        self.client.get(random.choice(["/partners/", "/partners/faq/", "/verify/"]))


class Recruiter(FastHttpUser):
    """Someone who scanned a QR code: the public verification page of a credential or a document."""

    weight = 1
    wait_time = between(0.5, 2.0)
    pages = [p for p in os.environ.get("LOAD_PUBLIC_PAGES", "").split(",") if p]

    @task
    def verify(self):
        if not self.pages:
            return
        kind, page = random.choice(self.pages).split("=", 1)
        self.client.get(page, name=f"/verify/[{kind}]")


class Bare(FastHttpUser):
    """The baseline: a bare Django view with one query (/healthz), measured in the same run."""

    weight = 1
    wait_time = between(0.5, 2.0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="BASELINE /healthz")
