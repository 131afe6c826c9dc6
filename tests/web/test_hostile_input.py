"""Hostile input in addresses, parameters and bodies: a clear refusal, never a server error, nothing stored.

Too large a body is refused before anything reads it (parcours.web.middleware.RequestSizeLimitMiddleware).

PostgreSQL refuses NUL characters in text: without parcours.web.middleware.RejectNulCharactersMiddleware and
parcours.api.parser, each case below was a 500 there (the suite runs on both databases).
"""

import html

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
    assert "L'adresse de la page contient un caractère NUL." in html.unescape(response.content.decode())


def test_out_of_range_and_malformed_filters_do_not_fail(client, world):
    client.force_login(world["director"])
    response = client.get(reverse("recognition_queue"), {"min_days_waiting": "99999999999999999999"})
    assert response.status_code == 200
    response = client.get(reverse("track_sis_export"), {"cohort": "abc"})
    assert response.status_code == 404


def test_too_large_a_body_is_refused_before_it_is_read(client, world):
    """The announced length is checked: the body (one byte here) is never read, not even by the CSRF check."""
    client.force_login(world["student"])
    too_large = str(31 * 1024 * 1024)
    upload = SimpleUploadedFile("attestation.pdf", b"x")
    url = reverse("portfolio_evidence_upload", kwargs={"pk": world["period"].pk})
    response = client.post(url, {"file": upload}, CONTENT_LENGTH=too_large)
    assert response.status_code == 413
    assert "La plateforme accepte au plus 30 Mo à la fois." in response.content.decode()
    response = client.post(
        f"/api/portfolio/periods/{world['period'].pk}/evidence", {"file": upload}, CONTENT_LENGTH=too_large
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (at most 30 MB)."}
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("length", ["abc", "1e3"])
def test_a_body_length_that_is_no_whole_number_reads_no_body(client, world, length):
    """The public verification forms check the announced length before reading a body: a length that is not
    a number was a server error there. Django then reads no body, and the form says what is missing."""
    response = client.post(reverse("credential_verify"), {"credential": "{}"}, CONTENT_LENGTH=length)
    assert response.status_code == 200
    assert "Justificatif non valide" in response.content.decode()
    response = client.post(reverse("credential_verify"), {"credential": "{}"}, CONTENT_LENGTH="-1")
    assert response.status_code == 400  # Django's own refusal of the form's body


def test_a_choice_beyond_the_database_ids_is_an_invalid_choice(world):
    """Django looks several choices up with pk__in, which SQLite cannot run with such a number."""
    from parcours.web.recognition.forms import RequestForm

    form = RequestForm(
        {"title": "PMI", "periods": [str(world["period"].pk), "99999999999999999999"]},
        profile=world["profile"],
    )
    assert not form.is_valid()
    assert "periods" in form.errors


def test_too_long_a_text_is_refused_naming_the_field_on_either_database(client, world):
    """PostgreSQL refused it with a server error and SQLite stored it whole (parcours.security.text_limits)."""
    client.force_login(world["student"])
    before = ReservePeriod.objects.count()
    response = client.post(
        "/api/portfolio/periods", {**PERIOD, "title": "x" * 5000}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("title: Ensure this value has at most 200 characters")
    assert ReservePeriod.objects.count() == before
    response = client.post(
        "/api/recognition/requests",
        {"title": "x" * 5000, "period_ids": [world["period"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["detail"].startswith("title: ")


def test_a_cookie_holding_a_nul_character_is_ignored(client, world):
    """A quoted cookie can carry one (\\000): the session key was looked up, and PostgreSQL failed on every page."""
    client.cookies["sessionid"] = "abcdefghij\x00klm"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    signed_in = Client()
    signed_in.force_login(world["student"])
    signed_in.cookies["django_language"] = "en\x00"
    assert signed_in.get(reverse("portfolio_home")).status_code == 200


def test_a_nul_character_in_a_header_is_refused_naming_the_header(client, world):
    """The login throttling (django-axes) stores the User-Agent of each sign-in: a NUL there was a server error
    on PostgreSQL, and the failed attempt went unrecorded."""
    from axes.models import AccessAttempt, AccessLog

    response = client.post(
        reverse("login"),
        {"username": world["student"].email, "password": "wrong"},
        HTTP_USER_AGENT="Mozilla/5.0\x00",
    )
    assert response.status_code == 400
    assert "L'en-tête « User-Agent » de la requête contient un caractère NUL" in html.unescape(
        response.content.decode()
    )
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()

    client.force_login(world["student"])
    response = client.get("/api/portfolio/periods", HTTP_REFERER="https://example.org/\x00")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The header “Referer” of the request contains a NUL character, which no header may contain."
    }
