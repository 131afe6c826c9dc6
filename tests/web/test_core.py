import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from parcours.accounts.enums import Role

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_is_public_and_french_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Servir dans la réserve opérationnelle pendant vos études" in html


@pytest.mark.django_db
def test_language_switch_to_english_is_remembered(client, make_user):
    user = make_user(Role.STUDENT)
    client.force_login(user)
    response = client.post(reverse("switch_language"), {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert "My reservist path" in client.get("/dashboard/").content.decode()
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_language_switch_ignores_foreign_redirects(client):
    response = client.post(
        reverse("switch_language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "section"),
    [
        (Role.STUDENT, "Mon parcours de réserviste"),
        (Role.STAFF, "Mon activité de réserve"),
        (Role.PEDAGOGICAL_ENGINEER, "Référentiel et reconnaissance"),
        (Role.DIRECTOR_OF_STUDIES, "Décisions"),
        (Role.TEACHER, "Enseignement"),
        (Role.HR, "Absences des personnels réservistes"),
        (Role.PARTNER_REFERENT, "Garde nationale"),
        (Role.ADMINISTRATOR, "Administration"),
    ],
)
def test_each_role_sees_its_dashboard(client, make_user, role, section):
    client.force_login(make_user(role))
    html = client.get("/dashboard/").content.decode()
    assert f"<h2>{section}</h2>" in html


@pytest.mark.django_db
def test_navigation_depends_on_roles(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    assert "Mon établissement" not in client.get("/dashboard/").content.decode()
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    assert "Mon établissement" in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_database_outage(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"].startswith("error")


@pytest.mark.django_db
def test_pages_show_a_clean_error_page_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Service momentanément indisponible" in html
    assert "Traceback" not in html


def test_production_mode_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}}
    env.update({"DEBUG": "false", "VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY environment variable is required" in result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_passwords_are_hashed_with_argon2():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_demo_command(capsys, settings):
    from django.core.management import call_command

    from parcours.accounts.models import Institution, User

    settings.DEBUG = True
    call_command("demo")
    call_command("demo")  # idempotent
    assert Institution.objects.filter(name="École des mines d'Alès (démo)").exists()
    from parcours.demo.accounts import ACCOUNTS

    assert all(User.objects.filter(email=a.email).exists() for a in ACCOUNTS)
    assert User.objects.get(email="etudiante@demo.example.org").check_password("parcours-demo")
    assert "etudiant@autre-ecole.example.org" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_refuses_without_debug(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("demo")
