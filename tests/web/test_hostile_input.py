"""Hostile input in addresses, parameters and bodies: a clear refusal, never a server error, nothing stored.

PostgreSQL refuses NUL characters in text: without parcours.web.middleware.RejectNulCharactersMiddleware and
parcours.api.parser, each case below was a 500 there (the suite runs on both databases).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parcours.portfolio.models import Evidence, ReservePeriod
from tests.portfolio.test_uploads import pdf_bytes

pytestmark = pytest.mark.django_db

PERIOD = {"activity_type": "pmi", "start_date": "2026-08-03", "end_date": "2026-08-14"}


def test_the_api_refuses_a_nul_character_in_a_json_string_naming_the_field(client, world):
    client.force_login(world["student"])
    before = ReservePeriod.objects.count()
    response = client.post(
        "/api/portfolio/periods", {**PERIOD, "title": "FM\x00IR"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The field “title” contains a NUL character, which no text may contain."
    }
    response = client.post(
        "/api/recognition/requests",
        {"title": "PMI", "period_ids": [world["period"].pk], "notes": [{"a\x00": "b"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "“notes.0.a␀”" in response.json()["detail"]
    assert ReservePeriod.objects.count() == before


def test_the_api_refuses_a_nul_character_in_a_query_or_a_form_field(client, world):
    client.force_login(world["student"])
    response = client.get("/api/portfolio/periods", {"q": "a\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": "The field “q” contains a NUL character, which no text may contain."}

    upload = SimpleUploadedFile("attestation.pdf", pdf_bytes(), content_type="application/pdf")
    url = f"/api/portfolio/periods/{world['period'].pk}/evidence"
    response = client.post(url, {"file": upload, "kind": "attes\x00tation"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["form", "kind"]
    assert not Evidence.objects.exists()
    # A file's name loses its unprintable characters (Django's upload parser): stored without the NUL.
    upload = SimpleUploadedFile("attes\x00tation.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url, {"file": upload})
    assert response.status_code == 201
    assert Evidence.objects.get().original_name == "attestation.pdf"


def test_pages_refuse_a_nul_character_with_a_400_page_naming_the_field(client, world):
    client.force_login(world["engineer"])
    response = client.get(reverse("framework_list"), {"q": "gestion\x00"})
    assert response.status_code == 400
    assert "Le champ « q » contient un caractère NUL" in response.content.decode()

    browser = Client(enforce_csrf_checks=True)  # as in production, where the CSRF check reads every form
    browser.force_login(world["student"])
    url = reverse("portfolio_period_create")
    token = browser.get(url).context["csrf_token"]
    before = ReservePeriod.objects.count()
    response = browser.post(url, {**PERIOD, "title": "FM\x00IR", "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "Le champ « title » contient un caractère NUL" in response.content.decode()
    assert ReservePeriod.objects.count() == before


def test_a_public_address_with_a_nul_character_is_refused(client):
    response = client.get("/partners/profile/abc%00def/")
    assert response.status_code == 400
    assert "L’adresse de la page contient un caractère NUL." in response.content.decode()


def test_out_of_range_and_malformed_filters_do_not_fail(client, world):
    client.force_login(world["director"])
    response = client.get(reverse("recognition_queue"), {"min_days_waiting": "99999999999999999999"})
    assert response.status_code == 200
    response = client.get(reverse("track_sis_export"), {"cohort": "abc"})
    assert response.status_code == 404
