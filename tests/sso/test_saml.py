"""SAML 2 sign-in end to end, offline: the product sends a real AuthnRequest (HTTP-Redirect), a test
identity provider (saml_idp.py) answers with an assertion signed by its key, and python3-saml/xmlsec
verify it in the product. Attributes arrive as in the Renater federation (OIDs)."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership

from .factories import IdentityProviderFactory, map_institution, map_roles, self_signed_cert_pem
from .saml_idp import read_authn_request, signed_response

pytestmark = [
    pytest.mark.django_db,
    # python3-saml 1.16 still calls datetime.utcnow()/utcfromtimestamp() for its timestamps.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:onelogin.saml2.utils"),
]

User = get_user_model()
UAI = "{UAI}0301234X"
STUDENT = {
    "eduPersonPrincipalName": ["lea.bernard@univ.test"],
    "mail": ["lea.bernard@univ.test"],
    "givenName": ["Léa"],
    "sn": ["Bernard"],
    "eduPersonAffiliation": ["member", "student"],
    "supannEtablissement": [UAI],
}


@pytest.fixture
def federation_idp(institution):
    provider = IdentityProviderFactory(
        slug="univ-test",
        name="Université de test",
        saml=True,
        idp_entity_id="https://idp.univ.test/idp/shibboleth",
        idp_sso_url="https://idp.univ.test/idp/profile/SAML2/Redirect/SSO",
        idp_x509cert=self_signed_cert_pem("saml-idp"),
        institution_attribute="supannEtablissement",
        role_attribute="eduPersonAffiliation",
        email_domains="univ.test",
    )
    map_institution(provider, UAI, institution)
    map_roles(provider, student=Role.STUDENT, faculty=Role.TEACHER, staff=Role.STAFF)
    return provider


@pytest.fixture
def client():
    """A browser-like client: CSRF is enforced (the ACS must accept the identity provider's cross-site POST)."""
    return Client(enforce_csrf_checks=True)


def start(client, provider, next_url="/security/") -> dict:
    client.get(reverse("login"))
    response = client.post(
        reverse("saml_login", kwargs={"organization_slug": provider.slug}),
        {"next": next_url, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(provider.idp_sso_url + "?SAMLRequest=")
    return read_authn_request(response["Location"])


def answer(client, provider, saml_response: str, relay_state: str = ""):
    acs = reverse("saml_acs", kwargs={"organization_slug": provider.slug})
    handed_over = client.post(acs, {"SAMLResponse": saml_response, "RelayState": relay_state})
    assert handed_over.status_code == 302
    return client.get(handed_over["Location"])


def idp_answer(provider, request, attributes=STUDENT, **kwargs) -> str:
    return signed_response(
        request=request,
        idp_entity_id=provider.idp_entity_id,
        acs_url=request["acs"] if request else f"http://testserver/sso/saml/{provider.slug}/acs/",
        sp_entity_id=f"http://testserver/sso/saml/{provider.slug}/metadata/",
        attributes=attributes,
        **kwargs,
    )


def test_federation_login_creates_the_account_in_the_mapped_school(client, federation_idp, institution):
    request = start(client, federation_idp)
    assert request["acs"] == "http://testserver/sso/saml/univ-test/acs/"
    assert request["sp_entity_id"] == "http://testserver/sso/saml/univ-test/metadata/"

    response = answer(client, federation_idp, idp_answer(federation_idp, request), request["relay_state"])

    assert response.status_code == 302 and response["Location"] == "/security/"
    user = User.objects.get(email="lea.bernard@univ.test")
    assert (user.first_name, user.last_name) == ("Léa", "Bernard")
    assert client.get(reverse("dashboard")).context["user"] == user
    assert list(Membership.objects.filter(user=user).values_list("institution_id", "role")) == [
        (institution.pk, Role.STUDENT)
    ]
    assert SocialAccount.objects.get(user=user).uid == "lea.bernard@univ.test"  # eduPersonPrincipalName


def test_an_assertion_altered_after_signing_is_refused(client, federation_idp):
    request = start(client, federation_idp)
    forged = idp_answer(federation_idp, request, tamper={">student<": ">faculty<"})

    response = answer(client, federation_idp, forged)

    assert response.status_code == 400
    assert not User.objects.filter(email="lea.bernard@univ.test").exists()


def test_an_assertion_signed_by_another_key_is_refused(client, federation_idp):
    request = start(client, federation_idp)
    response = answer(client, federation_idp, idp_answer(federation_idp, request, key_name="impostor"))

    assert response.status_code == 400
    assert not User.objects.filter(email="lea.bernard@univ.test").exists()


def test_an_expired_assertion_is_refused(client, federation_idp):
    import datetime as dt

    request = start(client, federation_idp)
    stale = idp_answer(federation_idp, request, valid_for=dt.timedelta(minutes=-10))

    assert answer(client, federation_idp, stale).status_code == 400


def test_an_unsolicited_assertion_is_refused(client, federation_idp):
    response = answer(client, federation_idp, idp_answer(federation_idp, None))

    assert response.status_code == 400
    assert not User.objects.filter(email="lea.bernard@univ.test").exists()


def test_an_unknown_establishment_gives_no_role_and_no_account(client, federation_idp):
    request = start(client, federation_idp)
    other = {**STUDENT, "supannEtablissement": ["{UAI}9999999Z"]}

    response = answer(client, federation_idp, idp_answer(federation_idp, request, attributes=other))

    assert response.status_code == 403
    assert not User.objects.filter(email="lea.bernard@univ.test").exists()


def test_service_provider_metadata(client, federation_idp):
    response = client.get(reverse("saml_metadata", kwargs={"organization_slug": "univ-test"}))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    body = response.content.decode()
    assert 'entityID="http://testserver/sso/saml/univ-test/metadata/"' in body
    assert 'Location="http://testserver/sso/saml/univ-test/acs/"' in body
