"""Single sign-on: what an identity provider asserts, and what it means here.

Two halves. ``social_app_for`` turns an ``IdentityProvider`` row into the ``SocialApp`` that
django-allauth drives (OpenID Connect or SAML 2). ``map_identity`` reads the attributes the provider sent
(claims or SAML attributes, friendly names or OIDs) and decides the e-mail, names, schools and roles —
no role unless a mapping row says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from parcours.accounts.models import Institution

from .enums import Protocol
from .models import IdentityProvider, with_aliases

SAML_SUBJECT_ID = "urn:oasis:names:tc:SAML:attribute:subject-id"
SAML_PAIRWISE_ID = "urn:oasis:names:tc:SAML:attribute:pairwise-id"


def _security() -> dict:
    return getattr(settings, "SECURITY", {})


def social_app_for(provider: IdentityProvider):
    """The (unsaved) allauth ``SocialApp`` for ``provider``; allauth never reads apps from its own table."""
    from allauth.socialaccount.models import SocialApp

    common = {"verified_email": bool(provider.trust_email)}
    if provider.protocol == Protocol.OIDC:
        app = SocialApp(
            provider="openid_connect",
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.client_id,
            secret=provider.secret(),
            settings={
                **common,
                "server_url": provider.server_url,
                "scope": provider.scopes.split() or ["openid", "email"],
                "oauth_pkce_enabled": provider.use_pkce,
                "fetch_userinfo": True,
                "uid_field": provider.uid_attribute or "sub",
            },
        )
    else:
        app = SocialApp(
            provider="saml",
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.slug,
            settings={**common, **saml_settings(provider)},
        )
    app.identity_provider = provider  # type: ignore[attr-defined]
    return app


def saml_settings(provider: IdentityProvider) -> dict[str, Any]:
    """allauth's SAML settings for ``provider``: signed assertions required, IdP-initiated logins refused."""
    conf = _security()
    if provider.idp_metadata_url:
        idp = {"entity_id": provider.idp_entity_id, "metadata_url": provider.idp_metadata_url}
    else:
        idp = {
            "entity_id": provider.idp_entity_id,
            "sso_url": provider.idp_sso_url,
            "x509cert": provider.idp_x509cert,
        }
    uid_names = (*provider.attribute_names("uid"), SAML_SUBJECT_ID, SAML_PAIRWISE_ID)
    advanced: dict[str, Any] = {
        "strict": True,
        "want_assertion_signed": True,
        "want_message_signed": False,
        "reject_idp_initiated_sso": True,
        "allow_repeat_attribute_name": True,
        # The service-provider URLs are built from a host Django has already checked (ALLOWED_HOSTS);
        # python3-saml would otherwise refuse intranet host names without a dot.
        "allow_single_label_domains": True,
        # No cacheDuration in the service-provider metadata (federations register it themselves).
        "metadata_cache_duration": "",
    }
    if conf.get("SAML_SP_PRIVATE_KEY") and conf.get("SAML_SP_CERTIFICATE"):
        advanced.update(
            {
                "private_key": conf["SAML_SP_PRIVATE_KEY"],
                "x509cert": conf["SAML_SP_CERTIFICATE"],
                "authn_request_signed": True,
            }
        )
    result: dict[str, Any] = {
        "attribute_mapping": {
            "uid": list(uid_names),
            "email": list(provider.attribute_names("email")),
            "first_name": list(provider.attribute_names("first_name")),
            "last_name": list(provider.attribute_names("last_name")),
        },
        "idp": idp,
        "advanced": advanced,
    }
    if conf.get("SAML_SP_ENTITY_ID"):
        result["sp"] = {"entity_id": conf["SAML_SP_ENTITY_ID"]}
    return result


def identity_provider_of(app) -> IdentityProvider:
    """The ``IdentityProvider`` behind an allauth app built by ``social_app_for``."""
    provider = getattr(app, "identity_provider", None)
    if provider is None:
        provider = IdentityProvider.objects.get(slug=app.provider_id or app.client_id)
    return provider


# --- Reading what the provider sent -----------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if v is not None and str(v) != ""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    text = str(value)
    return [text] if text else []


def claims_of(protocol: str, extra_data: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Normalise what allauth stored in ``SocialAccount.extra_data`` into ``name -> [values]``.

    OpenID Connect: the ID token's claims, overridden by the userinfo claims. SAML: the attributes,
    already lists keyed by attribute name (usually the OID).
    """
    data = dict(extra_data or {})
    if protocol == Protocol.OIDC:
        merged: dict[str, Any] = {}
        if "userinfo" in data or "id_token" in data:
            merged.update(data.get("id_token") or {})
            merged.update(data.get("userinfo") or {})
        else:
            merged = data
        return {str(k): _as_list(v) for k, v in merged.items()}
    return {str(k): _as_list(v) for k, v in data.items()}


def values_of(claims: Mapping[str, list[str]], names: Iterable[str]) -> list[str]:
    """Every value under any of ``names`` (and their OID aliases), in order, without duplicates."""
    seen: list[str] = []
    for name in with_aliases(tuple(names)):
        for value in claims.get(name, []):
            if value not in seen:
                seen.append(value)
    return seen


def first_value(claims: Mapping[str, list[str]], names: Iterable[str]) -> str:
    values = values_of(claims, names)
    return values[0].strip() if values else ""


@dataclass
class MappedIdentity:
    """What an assertion means here: who, which schools, which roles (possibly none)."""

    uid: str
    email: str
    first_name: str
    last_name: str
    institutions: list[Institution] = field(default_factory=list)
    grants: list[tuple[Institution, str]] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return sorted({role for _, role in self.grants})


def map_identity(provider: IdentityProvider, claims: Mapping[str, list[str]]) -> MappedIdentity:
    """Apply ``provider``'s mappings to ``claims``.

    Schools: with an institution attribute, only values listed in the institution mappings count (no
    fallback, so a provider shared by several schools never places someone by default); without one,
    the provider's own institution. Roles: each affiliation value listed in the role mappings gives its
    role in each of those schools; an affiliation that is not listed gives nothing.
    """
    identity = MappedIdentity(
        uid=first_value(claims, provider.attribute_names("uid")),
        email=first_value(claims, provider.attribute_names("email")).lower(),
        first_name=first_value(claims, provider.attribute_names("first_name")),
        last_name=first_value(claims, provider.attribute_names("last_name")),
    )
    if provider.institution_attribute:
        values = values_of(claims, [provider.institution_attribute])
        mappings = provider.institution_mappings.filter(value__in=values).select_related("institution")
        by_value = {m.value: m.institution for m in mappings}
        for value in values:
            institution = by_value.get(value)
            if institution is not None and institution not in identity.institutions:
                identity.institutions.append(institution)
    elif provider.institution_id:
        identity.institutions.append(provider.institution)

    if provider.role_attribute:
        affiliations = values_of(claims, [provider.role_attribute])
        # eduPersonScopedAffiliation carries "student@ecole.fr": the part before the scope counts.
        identity.affiliations = [a.split("@", 1)[0].strip() for a in affiliations]
    if identity.institutions and identity.affiliations:
        roles = sorted(
            set(provider.role_mappings.filter(value__in=identity.affiliations).values_list("role", flat=True))
        )
        identity.grants = [(inst, role) for inst in identity.institutions for role in roles]
    return identity


def email_domain_allowed(provider: IdentityProvider, email: str) -> bool:
    domains = provider.allowed_domains()
    if not domains:
        return True
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    return domain in domains
