"""Rate limits on everything reachable without an account (parcours/security/ratelimit.py).

The rates are small and counted per hour, so that a window never turns over in the middle of a test.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import resolve, reverse

from parcours.accounts.enums import Role
from parcours.partners.models import InfoPage
from parcours.scheduling.services import feed_token_create
from parcours.security.services import token_create
from tests.credentials.factories import issue
from tests.documents.factories import matrix_document_kwargs
from tests.partners.factories import share_link
from tests.test_permission_matrix import MATRIX, matrix_context  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PUBLIC_RATE = 3
VERIFY_RATE = 2


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {
        "ENABLED": True,
        "TRUSTED_PROXIES": 0,
        "RATES": {"public": f"{PUBLIC_RATE}/h", "verify": f"{VERIFY_RATE}/h", "password-reset": "1/h"},
    }
    cache = caches[settings.RATELIMIT_USE_CACHE]
    cache.clear()
    yield
    cache.clear()


def until_refused(send, allowed: int):
    """Send ``allowed`` requests that must pass, then one more that must be refused; return it."""
    for number in range(1, allowed + 1):
        response = send()
        assert response.status_code != 429, f"request {number} of {allowed} refused"
    refused = send()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    return refused


def refused_page(response) -> None:
    """The refusal is the product's HTML error page (DSFR layout)."""
    assert response["Content-Type"].startswith("text/html")
    assert 'class="fr-header' in response.content.decode()


# ── every family of public pages ──────────────────────────────────────────────────────────────────


def test_core_pages(client):
    refused_page(until_refused(lambda: client.get(reverse("home")), PUBLIC_RATE))


def test_document_verification(client, institution):
    url = reverse("document_verify", kwargs=matrix_document_kwargs({"institution": institution}))
    assert client.get(url).status_code == 200
    refused_page(until_refused(lambda: client.get(url), PUBLIC_RATE - 1))


def test_credential_verification_page(client, institution):
    url = reverse("credential_verify_detail", args=[issue(institution=institution).public_id])
    refused_page(until_refused(lambda: client.get(url), PUBLIC_RATE))


def test_credential_verification_posts_count_lower(client):
    """Verifying costs more: a POST counts in the verification allowance, below the page's."""
    post = lambda: client.post(reverse("credential_verify"), {"credential": "pas un badge"})  # noqa: E731
    refused_page(until_refused(post, VERIFY_RATE))


def test_holder_email_checks_count_as_verifications(client, institution):
    url = reverse("credential_verify_detail", args=[issue(institution=institution).public_id])
    post = lambda: client.post(url, {"email": "camille@example.org"})  # noqa: E731
    refused_page(until_refused(post, VERIFY_RATE))


def test_document_copy_checks_count_as_verifications(client, institution):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("document_verify", kwargs=matrix_document_kwargs({"institution": institution}))
    post = lambda: client.post(url, {"file": SimpleUploadedFile("copie.pdf", b"%PDF-1.4 copy")})  # noqa: E731
    until_refused(post, VERIFY_RATE)


def test_partners_info_page(client):
    page = InfoPage.objects.create(slug="garde-nationale", title_fr="La Garde nationale", body_fr="Texte")
    url = reverse("partners_info_page", args=[page.slug])
    assert "La Garde nationale" in client.get(url).content.decode()
    refused_page(until_refused(lambda: client.get(url), PUBLIC_RATE - 1))


def test_partners_share_link(client, make_user):
    link = share_link(make_user(Role.STUDENT, email="partage@example.org"))
    url = reverse("partners_shared_profile", args=[link.token])
    refused_page(until_refused(lambda: client.get(url), PUBLIC_RATE))


def test_calendar_feed(client, make_user):
    url = reverse("scheduling_feed", args=[feed_token_create(user=make_user(Role.STUDENT))])
    assert client.get(url)["Content-Type"].startswith("text/calendar")
    until_refused(lambda: client.get(url), PUBLIC_RATE - 1)


def test_password_reset_requests_count_lower(client, make_user, mailoutbox):
    make_user(Role.PARTNER_REFERENT, email="referent@example.org")
    url = reverse("password_reset")
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "referent@example.org"}).status_code == 302
    refused = client.post(url, {"email": "referent@example.org"})  # the second request in the hour
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert len(mailoutbox) == 1
    refused_page(refused)


def test_login_page_gets_and_posts_count(client):
    url = reverse("login")
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"username": "nobody@example.org", "password": "wrong-password"}).status_code == 200
    )
    refused_page(until_refused(lambda: client.get(url), PUBLIC_RATE - 2))


def test_public_api_operation_answers_json(client, institution):
    url = f"/api/credentials/{issue(institution=institution).public_id}/verification"
    refused = until_refused(lambda: client.get(url), VERIFY_RATE)
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["detail"].startswith("Too many requests")


def test_every_public_url_of_the_permission_matrix_is_limited(client, matrix_context):  # noqa: F811
    """Whatever the page reachable without an account, a client over the rate gets a 429."""
    checked = []
    for number, row in enumerate(MATRIX):
        kwargs = row.kwargs(matrix_context) if callable(row.kwargs) else row.kwargs
        url = reverse(row.url_name, kwargs=kwargs)
        if getattr(resolve(url).func, "login_required", True) or row.url_name == "healthz":
            continue
        send = lambda url=url, row=row, ip=f"198.51.100.{number}": getattr(client, row.method)(  # noqa: E731
            url, REMOTE_ADDR=ip
        )
        until_refused(send, PUBLIC_RATE)
        checked.append(row.url_name)
    assert {"home", "login", "password_reset", "document_verify", "credential_verify_detail"} <= set(checked)
    assert {"partners_info_page", "partners_shared_profile", "scheduling_feed", "saml_login"} <= set(checked)


# ── what is never limited ──────────────────────────────────────────────────────────────────────────


def test_signed_in_people_browse_without_the_public_limit(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    for _ in range(PUBLIC_RATE * 3):
        assert client.get(reverse("dashboard")).status_code == 200
        assert client.get(reverse("home")).status_code == 200
    # …while an anonymous visitor from the same address is counted as usual.
    until_refused(lambda: Client().get(reverse("home")), PUBLIC_RATE)


def test_signed_in_people_still_count_their_verifications(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    until_refused(lambda: client.post(reverse("credential_verify"), {"credential": "x"}), VERIFY_RATE)


def test_api_clients_with_a_token_are_not_limited(client, make_user):
    token = token_create(user=make_user(Role.STUDENT), name="Script").plaintext
    for _ in range(PUBLIC_RATE * 3):
        assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        assert client.get("/api/accounts/me").status_code == 401  # private operation: no public counting


def test_health_check_and_static_files_are_never_limited(client):
    until_refused(lambda: client.get(reverse("home")), PUBLIC_RATE)
    for _ in range(PUBLIC_RATE * 3):
        assert client.get(reverse("healthz")).status_code == 200
        static = client.get("/static/parcours/parcours.css")
        assert static.status_code == 200
        assert b"".join(static.streaming_content)  # read through: the client closes the file


# ── who is a client ───────────────────────────────────────────────────────────────────────────────


def test_limits_are_per_client_address(client):
    until_refused(lambda: client.get(reverse("home")), PUBLIC_RATE)
    assert client.get(reverse("home"), REMOTE_ADDR="203.0.113.9").status_code == 200
    # IPv6: one client holds a /64 network.
    until_refused(lambda: client.get(reverse("home"), REMOTE_ADDR="2001:db8:0:1::1"), PUBLIC_RATE)
    assert client.get(reverse("home"), REMOTE_ADDR="2001:db8:0:1::2").status_code == 429
    assert client.get(reverse("home"), REMOTE_ADDR="2001:db8:0:2::1").status_code == 200
    # An IPv4 client seen through a dual-stack socket is still its own IPv4 address.
    until_refused(lambda: client.get(reverse("home"), REMOTE_ADDR="::ffff:192.0.2.10"), PUBLIC_RATE)
    assert client.get(reverse("home"), REMOTE_ADDR="192.0.2.10").status_code == 429
    assert client.get(reverse("home"), REMOTE_ADDR="::ffff:192.0.2.11").status_code == 200


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(client):
    until_refused(lambda: client.get(reverse("home"), HTTP_X_FORWARDED_FOR="203.0.113.1"), PUBLIC_RATE)
    assert client.get(reverse("home"), HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "TRUSTED_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    until_refused(lambda: client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy), PUBLIC_RATE)
    # The client cannot escape by writing its own X-Forwarded-For: the proxy appends what it saw.
    assert client.get("/", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5", **proxy).status_code == 429
    # Another client behind the same proxy is someone else.
    assert client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200


# ── the answer ────────────────────────────────────────────────────────────────────────────────────


def test_the_refusal_page_speaks_the_visitor_language(client):
    client.cookies["django_language"] = "en"
    refused = until_refused(lambda: client.get(reverse("home")), PUBLIC_RATE)
    text = refused.content.decode()
    seconds = int(refused["Retry-After"])
    wait = f"{seconds} second" if seconds < 60 else f"{-(-seconds // 60)} minute"
    assert "Too many requests" in text and f"Try again in {wait}" in text and 'lang="en"' in text
    client.cookies["django_language"] = "fr"
    refused = client.get(reverse("home"))
    assert refused.status_code == 429 and 'lang="fr"' in refused.content.decode()


def test_switched_off(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ENABLED": False}
    for _ in range(PUBLIC_RATE * 3):
        assert client.get(reverse("home")).status_code == 200


def test_an_unreadable_rate_stops_the_start(settings):
    from parcours.security.checks import rate_limits_check

    assert rate_limits_check() == []
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "RATES": {"public": "120 per minute", "verify": ""}}
    assert sorted(e.id for e in rate_limits_check()) == ["security.E101", "security.E102"]
