"""The student logs in, sees the dashboard in French, switches to English and sees it in English."""

import pytest
from django.conf import settings

from parcours.accounts.enums import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_logs_in_and_switches_language(live_server, page, make_user):
    make_user(Role.STUDENT, email="camille@example.org", first_name="Camille")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse électronique").fill("camille@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Bonjour Camille").is_visible()
    assert page.get_by_role("heading", name="Mon parcours de réserviste").is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Hello Camille").is_visible()
    assert page.get_by_role("heading", name="My reservist path").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert settings.LANGUAGE_CODE == "fr"
