"""Mixed journeys of every role against a running server (used by bench/load.py)."""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "parcours-demo"  # noqa: S105 - the documented demo password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class RoleUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    email = ""
    pages: list[str] = []

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
        )

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


class Anonymous(HttpUser):
    weight = 2
    wait_time = between(0.5, 2.0)

    @task(3)
    def home(self):
        self.client.get("/")

    @task(2)
    def information(self):
        self.client.get(random.choice(["/partners/", "/partners/faq/", "/verify/"]))


class Bare(HttpUser):
    """The baseline: a bare Django view with one query (/healthz), measured in the same run."""

    weight = 1
    wait_time = between(0.5, 2.0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="BASELINE /healthz")
