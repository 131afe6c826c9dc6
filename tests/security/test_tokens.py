"""Personal access tokens: created from the account page (shown once, stored hashed), used as
``Authorization: Bearer`` on the API without CSRF, listed, revoked, expiring."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.security.models import AccessToken
from parcours.security.services import token_create

pytestmark = pytest.mark.django_db

ME = "/api/accounts/me"
TOKENS = "/api/security/tokens"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_shown_once_and_stored_hashed(client, make_user):
    user = make_user(Role.STUDENT)
    client.force_login(user)

    response = client.post(reverse("security_tokens"), {"name": "Export script", "expires_on": ""})

    assert response.status_code == 201
    plaintext = re.search(r'value="(prt_[0-9a-f]{10}_[A-Za-z0-9_-]{43})"', response.content.decode()).group(1)
    _scheme, prefix, secret = plaintext.split("_", 2)
    token = AccessToken.objects.get(user=user)
    assert (token.name, token.prefix) == ("Export script", prefix)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert plaintext not in client.get(reverse("security_tokens")).content.decode()  # never shown again
    assert AuditEvent.objects.filter(action="security.token.created", actor=user).exists()


def test_a_bearer_token_works_without_session_or_csrf(make_user):
    user = make_user(Role.STUDENT, email="camille@example.org")
    created = token_create(user=user, name="CI")
    api = Client(enforce_csrf_checks=True)

    me = api.get(ME, **bearer(created.plaintext))
    assert me.status_code == 200 and me.json()["email"] == "camille@example.org"
    created.token.refresh_from_db()
    assert created.token.last_used_at is not None

    listed = api.get(TOKENS, **bearer(created.plaintext)).json()
    assert [(t["name"], t["status"]) for t in listed] == [("CI", "active")]
    # an unsafe method, with no CSRF token: a bearer token is not a cookie
    revoked = api.post(f"{TOKENS}/{created.token.pk}/revoke", **bearer(created.plaintext))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert api.get(ME, **bearer(created.plaintext)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer prt_0123456789_" + "A" * 43, "Bearer nonsense", "Bearer "],
)
def test_unknown_tokens_get_401(client, make_user, header):
    assert client.get(ME, HTTP_AUTHORIZATION=header).status_code == 401


def test_an_invalid_bearer_token_does_not_fall_back_to_the_session(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    assert client.get(ME).status_code == 200
    assert client.get(ME, **bearer("prt_0123456789_" + "B" * 43)).status_code == 401


def test_expired_tokens_and_inactive_accounts_get_401(client, make_user):
    user = make_user(Role.TEACHER)
    expiring = token_create(user=user, name="short", expires_at=timezone.now() + timedelta(days=1))
    AccessToken.objects.filter(pk=expiring.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(ME, **bearer(expiring.plaintext)).status_code == 401

    valid = token_create(user=user, name="long")
    assert client.get(ME, **bearer(valid.plaintext)).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(valid.plaintext)).status_code == 401


def test_revoking_from_the_account_page(client, make_user):
    user = make_user(Role.HR)
    created = token_create(user=user, name="Old script")
    client.force_login(user)

    response = client.post(reverse("security_token_revoke", kwargs={"pk": created.token.pk}))

    assert response.status_code == 302
    created.token.refresh_from_db()
    assert created.token.revoked_at is not None
    assert Client().get(ME, **bearer(created.plaintext)).status_code == 401
    page = client.get(reverse("security_tokens"))
    assert page.context["tokens"][0]["status"] == "revoked"


def test_someone_elses_token_is_404(client, make_user):
    owner = make_user(Role.STUDENT)
    other = make_user(Role.STUDENT)
    created = token_create(user=owner, name="mine")
    client.force_login(other)

    assert client.post(reverse("security_token_revoke", kwargs={"pk": created.token.pk})).status_code == 404
    other_token = token_create(user=other, name="theirs")
    api = Client()
    assert api.post(f"{TOKENS}/{created.token.pk}/revoke", **bearer(other_token.plaintext)).status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_creating_through_the_api_needs_the_session_and_its_csrf_token(make_user):
    user = make_user(Role.STUDENT)
    created = token_create(user=user, name="CI")
    api = Client(enforce_csrf_checks=True)

    assert (
        api.post(
            TOKENS, {"name": "more"}, content_type="application/json", **bearer(created.plaintext)
        ).status_code
        == 401
    )

    api.force_login(user)
    assert api.post(TOKENS, {"name": "more"}, content_type="application/json").status_code == 403  # no CSRF
    api.get(reverse("security_tokens"))
    csrf = api.cookies["csrftoken"].value
    response = api.post(TOKENS, {"name": "more"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    assert response.json()["token"].startswith("prt_")
    assert Client().get(ME, **bearer(response.json()["token"])).status_code == 200


def test_bad_input_is_refused_with_the_field_named(client, make_user):
    user = make_user(Role.STUDENT)
    client.force_login(user)

    past = client.post(reverse("security_tokens"), {"name": "x", "expires_on": "2001-01-01"})
    assert past.status_code == 200 and "expires_on" in past.context["form"].errors
    nameless = client.post(reverse("security_tokens"), {"name": "", "expires_on": ""})
    assert "name" in nameless.context["form"].errors
    assert not AccessToken.objects.filter(user=user).exists()


def test_active_tokens_are_limited(client, make_user, settings):
    settings.SECURITY = {**settings.SECURITY, "TOKEN_MAX_PER_USER": 2}
    user = make_user(Role.STUDENT)
    token_create(user=user, name="a")
    token_create(user=user, name="b")
    client.force_login(user)

    response = client.post(reverse("security_tokens"), {"name": "c"})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert AccessToken.objects.filter(user=user).count() == 2


def test_the_openapi_schema_documents_both_ways_in(client):
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"TokenAuth", "UserSessionAuth"} <= set(schemes)
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = {op["operationId"]: op for path in schema["paths"].values() for op in path.values()}
    assert {"token_list", "token_create", "token_revoke"} <= set(operations)
    assert operations["token_create"]["security"] == [{"SessionOnlyAuth": []}]
