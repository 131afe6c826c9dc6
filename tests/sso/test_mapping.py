"""What an assertion means here: e-mail, names, schools and roles, from OIDC claims or SAML attributes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from parcours.accounts.enums import Role
from parcours.security.enums import Protocol
from parcours.security.sso import claims_of, email_domain_allowed, map_identity, social_app_for

from .factories import IdentityProviderFactory, map_institution, map_roles

pytestmark = pytest.mark.django_db

SAML_BY_OID = {
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": ["jean.petit@ecole.test"],
    "urn:oid:0.9.2342.19200300.100.1.3": ["Jean.Petit@Ecole.test"],
    "urn:oid:2.5.4.42": ["Jean"],
    "urn:oid:2.5.4.4": ["Petit"],
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["member", "staff", "faculty"],
    "urn:oid:1.3.6.1.4.1.7135.1.2.1.14": ["{UAI}0301234X"],
}


def test_saml_attributes_by_oid_map_to_person_school_and_roles(institution):
    provider = IdentityProviderFactory(saml=True, institution_attribute="supannEtablissement")
    map_institution(provider, "{UAI}0301234X", institution)
    map_roles(provider, staff=Role.STAFF, faculty=Role.TEACHER)

    identity = map_identity(provider, claims_of(Protocol.SAML, SAML_BY_OID))

    assert identity.uid == "jean.petit@ecole.test"
    assert identity.email == "jean.petit@ecole.test"
    assert (identity.first_name, identity.last_name) == ("Jean", "Petit")
    assert identity.institutions == [institution]
    assert sorted(identity.grants, key=lambda g: g[1]) == [
        (institution, Role.STAFF),
        (institution, Role.TEACHER),
    ]


def test_friendly_names_work_as_well_as_oids(institution):
    provider = IdentityProviderFactory(saml=True, institution=institution)
    map_roles(provider, student=Role.STUDENT)
    claims = {"mail": ["a@ecole.test"], "givenName": ["A"], "sn": ["B"], "eduPersonAffiliation": ["student"]}

    identity = map_identity(provider, claims_of(Protocol.SAML, claims))

    assert identity.email == "a@ecole.test" and identity.grants == [(institution, Role.STUDENT)]


def test_no_mapping_no_role(institution):
    provider = IdentityProviderFactory(saml=True, institution=institution)
    map_roles(provider, student=Role.STUDENT)

    identity = map_identity(provider, claims_of(Protocol.SAML, {**SAML_BY_OID}))

    assert identity.institutions == [institution]
    assert identity.grants == []  # member, staff and faculty are not mapped by this provider


def test_institution_attribute_without_a_known_value_places_nobody(institution):
    """A provider shared by several schools never falls back to a default school."""
    provider = IdentityProviderFactory(
        saml=True, institution=institution, institution_attribute="supannEtablissement"
    )
    map_institution(provider, "{UAI}0000000A", institution)
    map_roles(provider, staff=Role.STAFF)

    identity = map_identity(provider, claims_of(Protocol.SAML, SAML_BY_OID))

    assert identity.institutions == [] and identity.grants == []


def test_scoped_affiliations_count_without_their_scope(institution):
    provider = IdentityProviderFactory(
        saml=True, institution=institution, role_attribute="eduPersonScopedAffiliation"
    )
    map_roles(provider, student=Role.STUDENT)
    claims = {"urn:oid:1.3.6.1.4.1.5923.1.1.1.9": ["student@ecole.test"], "mail": ["x@ecole.test"]}

    assert map_identity(provider, claims_of(Protocol.SAML, claims)).grants == [(institution, Role.STUDENT)]


def test_oidc_userinfo_overrides_the_id_token_and_proconnect_usual_name_is_read(
    institution, other_institution
):
    provider = IdentityProviderFactory(institution_attribute="siret", role_attribute="belonging_population")
    map_institution(provider, "19300000000018", institution)
    map_institution(provider, "19300000000026", other_institution)
    map_roles(provider, agent=Role.STAFF)
    extra = {
        "id_token": {"sub": "abc", "email": "old@ecole.test", "nonce": "n"},
        "userinfo": {
            "sub": "abc",
            "email": "claire@ecole.test",
            "given_name": "Claire",
            "usual_name": "Dubois",
            "siret": "19300000000026",
            "belonging_population": "agent",
        },
    }

    identity = map_identity(provider, claims_of(Protocol.OIDC, extra))

    assert identity.email == "claire@ecole.test"
    assert identity.last_name == "Dubois"
    assert identity.grants == [(other_institution, Role.STAFF)]


def test_email_domains():
    provider = IdentityProviderFactory.build(email_domains="ecole.test, @Univ.test")
    assert email_domain_allowed(provider, "a@ecole.test")
    assert email_domain_allowed(provider, "a@UNIV.test")
    assert not email_domain_allowed(provider, "a@evil.test")
    assert not email_domain_allowed(provider, "a@sub.ecole.test")
    assert email_domain_allowed(IdentityProviderFactory.build(email_domains=""), "a@anything.test")


def test_allauth_apps_follow_the_configuration(monkeypatch):
    oidc = IdentityProviderFactory(slug="proconnect", client_secret="", use_pkce=False, trust_email=True)
    monkeypatch.setenv("SSO_PROCONNECT_CLIENT_SECRET", "from-the-environment")
    app = social_app_for(oidc)
    assert (app.provider, app.provider_id, app.secret) == (
        "openid_connect",
        "proconnect",
        "from-the-environment",
    )
    assert app.settings["oauth_pkce_enabled"] is False and app.settings["verified_email"] is True

    saml = social_app_for(IdentityProviderFactory(slug="univ", saml=True))
    assert (saml.provider, saml.client_id) == ("saml", "univ")
    assert saml.settings["advanced"]["want_assertion_signed"] is True
    assert saml.settings["advanced"]["reject_idp_initiated_sso"] is True
    assert "urn:oid:0.9.2342.19200300.100.1.3" in saml.settings["attribute_mapping"]["email"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"protocol": Protocol.OIDC, "server_url": "", "client_id": ""}, {"server_url", "client_id"}),
        (
            {"protocol": Protocol.SAML, "idp_entity_id": "", "idp_sso_url": ""},
            {"idp_entity_id", "idp_metadata_url"},
        ),
        ({"slug": "saml"}, {"slug"}),
    ],
)
def test_incomplete_configuration_is_refused_with_the_field_named(fields, errors):
    provider = IdentityProviderFactory.build(**fields)
    with pytest.raises(ValidationError) as excinfo:
        provider.full_clean()
    assert errors <= set(excinfo.value.message_dict)


def test_the_admin_pages_open_and_hide_the_secret(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    provider = IdentityProviderFactory(client_secret="very-secret-value")  # noqa: S106
    map_roles(provider, student=Role.STUDENT)

    assert client.get("/admin/security/identityprovider/").status_code == 200
    assert client.get("/admin/security/identityprovider/add/").status_code == 200
    change = client.get(f"/admin/security/identityprovider/{provider.pk}/change/")
    assert change.status_code == 200 and "very-secret-value" not in change.content.decode()
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404  # configured here, not there
