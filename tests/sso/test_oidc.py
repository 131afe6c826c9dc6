"""OpenID Connect sign-in against a real provider on loopback (see conftest.py): redirect, provider
login form, callback, code exchange, userinfo — then who is logged in, in which school, with which role."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from parcours.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.security.factories import enrol, totp_code

from .factories import IdentityProviderFactory, map_institution, map_roles

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def school_oidc(oidc_provider, institution):
    """An institutional OIDC provider: one school, affiliations mapped, addresses of ecole.test only."""
    client = oidc_provider.clients["school-oidc"]
    provider = IdentityProviderFactory(
        slug="school-oidc",
        name="ENT de l'école",
        server_url=oidc_provider.issuer("o"),
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        institution=institution,
        role_attribute="eduPersonAffiliation",
        email_domains="ecole.test",
    )
    map_roles(provider, student=Role.STUDENT, faculty=Role.TEACHER)
    return provider


@pytest.fixture
def proconnect(oidc_provider, institution):
    """ProConnect as the State's federation: signed userinfo, SIRET → school, no PKCE."""
    client = oidc_provider.clients["proconnect"]
    provider = IdentityProviderFactory(
        slug="proconnect",
        name="ProConnect",
        server_url=oidc_provider.issuer("proconnect"),
        client_id=client["client_id"],
        client_secret="",  # read from SSO_PROCONNECT_CLIENT_SECRET
        scopes="openid email given_name usual_name siret uid",
        use_pkce=False,
        trust_email=True,
        institution=None,
        institution_attribute="siret",
        role_attribute="belonging_population",
    )
    map_institution(provider, "19300000000018", institution)
    map_roles(provider, agent=Role.STAFF)
    return provider


@pytest.fixture
def client():
    """A browser-like client: CSRF is enforced, as in a real browser."""
    return Client(enforce_csrf_checks=True)


def sso_login(client, provider, oidc_provider, username: str, next_url: str = "/security/"):
    """Click the button, log in at the provider as ``username``, come back. Returns the callback response."""
    client.get(reverse("login"))
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": provider.slug}),
        {"process": "login", "next": next_url, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert start.status_code == 302, start.content[:500]
    authorize_url = start["Location"]
    assert authorize_url.startswith(oidc_provider.base_url), authorize_url

    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    login_url = urljoin(oidc_provider.base_url, response.headers["Location"])
    form = browser.get(login_url, timeout=10)
    assert form.status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    next_at_provider = parse_qs(urlsplit(login_url).query)["next"][0]
    response = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": oidc_provider.users[username]["password"],
            "next": next_at_provider,
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(
        urljoin(oidc_provider.base_url, response.headers["Location"]), allow_redirects=False
    )
    assert response.status_code == 302, response.text[:500]
    callback = urlsplit(response.headers["Location"])
    assert callback.netloc == "testserver" and callback.path.endswith("/login/callback/")
    query = parse_qs(callback.query)
    assert "code" in query and len(query["state"][0]) >= 32  # ProConnect's minimum
    return client.get(f"{callback.path}?{callback.query}")


def logout(client) -> None:
    client.post(reverse("logout"), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_the_login_page_offers_the_providers(client, school_oidc, proconnect):
    page = client.get(reverse("login")).content.decode()
    for slug in ("school-oidc", "proconnect"):
        assert f'action="{reverse("openid_connect_login", kwargs={"provider_id": slug})}"' in page
    assert "ENT de l&#x27;école" in page and "ProConnect" in page
    assert 'name="username"' in page and 'name="password"' in page  # the local form is still there


def test_first_login_creates_the_account_with_the_mapped_role(
    client, school_oidc, oidc_provider, institution
):
    response = sso_login(client, school_oidc, oidc_provider, "camille")

    assert response.status_code == 302 and response["Location"] == "/security/"
    user = User.objects.get(email="camille.martin@ecole.test")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert not user.has_usable_password()
    assert client.get(reverse("dashboard")).context["user"] == user
    memberships = list(Membership.objects.filter(user=user).values_list("institution__slug", "role"))
    assert memberships == [(institution.slug, Role.STUDENT)]
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "school-oidc"
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"security.sso.account_created", "security.sso.role_granted"} <= actions


def test_second_login_uses_the_same_account(client, school_oidc, oidc_provider):
    sso_login(client, school_oidc, oidc_provider, "marc")
    logout(client)
    response = sso_login(client, school_oidc, oidc_provider, "marc")

    assert response.status_code == 302
    user = User.objects.get(email="marc.lefevre@ecole.test")  # the address is kept in lower case
    assert User.objects.filter(email__iexact="marc.lefevre@ecole.test").count() == 1
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [Role.TEACHER]
    assert client.get(reverse("dashboard")).context["user"] == user


def test_proconnect_signed_userinfo_links_the_existing_account(
    client, proconnect, oidc_provider, institution, make_user, monkeypatch
):
    monkeypatch.setenv("SSO_PROCONNECT_CLIENT_SECRET", oidc_provider.clients["proconnect"]["client_secret"])
    claire = make_user(Role.PARTNER_REFERENT, email="claire.dubois@ecole.test", first_name="Claire")

    response = sso_login(client, proconnect, oidc_provider, "claire")

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).context["user"] == claire
    assert User.objects.filter(email="claire.dubois@ecole.test").count() == 1
    roles = set(
        Membership.objects.filter(user=claire, institution=institution).values_list("role", flat=True)
    )
    assert roles == {Role.PARTNER_REFERENT, Role.STAFF}  # SIRET → school, agent → staff member
    assert SocialAccount.objects.get(user=claire).provider == "proconnect"
    claire.refresh_from_db()
    assert claire.check_password(PASSWORD)  # the local password still works
    logout(client)
    client.get(reverse("login"))
    local = client.post(
        reverse("login"),
        {
            "username": "claire.dubois@ecole.test",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert local.status_code == 302


def test_an_affiliation_without_mapping_creates_nothing(client, school_oidc, oidc_provider):
    response = sso_login(client, school_oidc, oidc_provider, "alex")

    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "security/sso_refused.html"
    assert not User.objects.filter(email="alex.durand@ecole.test").exists()
    assert client.get(reverse("dashboard")).status_code == 302  # not logged in


def test_an_address_outside_the_provider_domains_is_refused(client, school_oidc, oidc_provider):
    response = sso_login(client, school_oidc, oidc_provider, "mallory")

    assert response.status_code == 403
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()


def test_a_callback_replayed_or_forged_is_refused(client, school_oidc, oidc_provider):
    first = sso_login(client, school_oidc, oidc_provider, "camille")
    assert first.status_code == 302
    logout(client)

    forged = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": school_oidc.slug}),
        {"code": "stolen-code", "state": "x" * 48},
    )
    assert forged.status_code == 400
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_unknown_or_inactive_provider_is_404(client, school_oidc):
    school_oidc.is_active = False
    school_oidc.save()
    assert (
        client.get(reverse("openid_connect_login", kwargs={"provider_id": "school-oidc"})).status_code == 404
    )
    assert client.get(reverse("openid_connect_login", kwargs={"provider_id": "nope"})).status_code == 404
    assert "ENT de l" not in client.get(reverse("login")).content.decode()


def test_an_account_with_a_second_factor_gives_its_code_after_sso_too(
    client, school_oidc, oidc_provider, make_user
):
    marc = make_user(Role.TEACHER, email="marc.lefevre@ecole.test")
    key = enrol(marc)

    response = sso_login(client, school_oidc, oidc_provider, "marc")  # the provider says Marc.Lefevre@…

    assert response.status_code == 302
    blocked = client.get("/security/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(
        reverse("security_two_factor_verify")
    )
    client.post(
        reverse("security_two_factor_verify"),
        {
            "code": totp_code(key),
            "next": "/security/",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert client.get("/security/").context["user"] == marc
