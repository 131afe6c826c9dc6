"""Sign-in configuration (identity providers and their attribute mappings) and personal access tokens.

Second-factor devices are django-otp's own models (``otp_totp.TOTPDevice``, ``otp_static.StaticDevice``);
linked identities are django-allauth's ``socialaccount.SocialAccount``.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Institution

from .enums import MAPPABLE_ROLES, Protocol

#: Attribute names as configured (friendly names) and the other names they travel under. SAML
#: federations (Renater, eduGAIN) send attributes by OID; OpenID Connect providers by claim name.
ATTRIBUTE_ALIASES: dict[str, tuple[str, ...]] = {
    "eduPersonPrincipalName": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6",),
    "eduPersonAffiliation": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1",),
    "eduPersonPrimaryAffiliation": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.5",),
    "eduPersonScopedAffiliation": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9",),
    "eduPersonTargetedID": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.10",),
    "mail": ("urn:oid:0.9.2342.19200300.100.1.3",),
    "givenName": ("urn:oid:2.5.4.42",),
    "sn": ("urn:oid:2.5.4.4",),
    "displayName": ("urn:oid:2.16.840.1.113730.3.1.241",),
    "supannEtablissement": ("urn:oid:1.3.6.1.4.1.7135.1.2.1.14",),
    "schacHomeOrganization": ("urn:oid:1.3.6.1.4.1.25178.1.2.9",),
}

#: Attribute names used when a provider leaves the field blank, per protocol.
DEFAULT_ATTRIBUTES: dict[str, dict[str, tuple[str, ...]]] = {
    Protocol.OIDC: {
        "uid": ("sub",),
        "email": ("email",),
        "first_name": ("given_name",),
        # ProConnect sends ``usual_name`` (nom d'usage) instead of ``family_name``.
        "last_name": ("family_name", "usual_name"),
    },
    Protocol.SAML: {
        "uid": ("eduPersonPrincipalName",),
        "email": ("mail",),
        "first_name": ("givenName",),
        "last_name": ("sn",),
    },
}


#: Short names that would clash with the sign-in addresses.
RESERVED_SLUGS = frozenset({"saml", "oidc", "openid_connect", "login"})


class IdentityProviderQuerySet(models.QuerySet["IdentityProvider"]):
    def active(self) -> IdentityProviderQuerySet:
        return self.filter(is_active=True)


class IdentityProvider(models.Model):
    """A school's identity provider for single sign-on: ProConnect or an institutional OpenID Connect
    provider, or a SAML 2 identity provider of the higher-education federation.

    Holds no personal data. Holds the OpenID Connect client secret when it is not supplied by the
    ``SSO_<SLUG>_CLIENT_SECRET`` environment variable; only administrators see it (admin site).
    Kept until an administrator deletes it.
    """

    slug = models.SlugField(
        _("short name"),
        unique=True,
        max_length=60,
        help_text=_("Appears in the sign-in addresses: /sso/oidc/<short name>/ or /sso/saml/<short name>/."),
    )
    name = models.CharField(
        _("name shown on the button"), max_length=120, help_text=_("For example ProConnect.")
    )
    protocol = models.CharField(_("protocol"), max_length=8, choices=Protocol.choices)
    is_active = models.BooleanField(_("offered on the login page"), default=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="identity_providers",
        verbose_name=_("institution"),
        help_text=_(
            "The school whose people this provider signs in, when no institution attribute is set. "
            "Leave empty for a federation shared by several schools (ProConnect)."
        ),
    )
    institution_attribute = models.CharField(
        _("institution attribute"),
        max_length=120,
        blank=True,
        help_text=_(
            "Attribute whose value says which school the person belongs to (siret for ProConnect, "
            "supannEtablissement in the higher-education federation). When set, only the values listed "
            "below place a person in a school."
        ),
    )
    role_attribute = models.CharField(
        _("affiliation attribute"),
        max_length=120,
        blank=True,
        default="eduPersonAffiliation",
        help_text=_("Attribute whose values give roles through the role mappings below."),
    )
    trust_email = models.BooleanField(
        _("e-mail addresses are verified by this provider"),
        default=False,
        help_text=_(
            "Tick for ProConnect and for directories of the institution. When unticked, the provider "
            "must assert email_verified, otherwise sign-in is refused."
        ),
    )
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated domains this provider is authoritative for (for example ecole.fr). When "
            "set, any other address is refused: a provider cannot sign someone in to an account of "
            "another domain. Leave empty only for federations such as ProConnect."
        ),
    )
    uid_attribute = models.CharField(_("identifier attribute"), max_length=120, blank=True)
    email_attribute = models.CharField(_("e-mail attribute"), max_length=120, blank=True)
    first_name_attribute = models.CharField(_("first-name attribute"), max_length=120, blank=True)
    last_name_attribute = models.CharField(_("last-name attribute"), max_length=120, blank=True)

    # OpenID Connect
    server_url = models.URLField(
        _("issuer URL"),
        blank=True,
        help_text=_(
            "The discovery document is read at <issuer URL>/.well-known/openid-configuration, for "
            "example https://auth.agentconnect.gouv.fr/api/v2 for ProConnect."
        ),
    )
    client_id = models.CharField(_("client identifier"), max_length=255, blank=True)
    client_secret = models.CharField(
        _("client secret"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to read it from the SSO_<SHORT NAME>_CLIENT_SECRET environment variable."),
    )
    scopes = models.CharField(_("scopes"), max_length=255, blank=True, default="openid email profile")
    use_pkce = models.BooleanField(
        _("use PKCE"), default=True, help_text=_("Untick for ProConnect, which refuses extra parameters.")
    )

    # SAML 2
    idp_entity_id = models.CharField(_("identity provider entity ID"), max_length=255, blank=True)
    idp_metadata_url = models.URLField(
        _("metadata URL"),
        blank=True,
        help_text=_("Federation or identity provider metadata; the entity ID above selects the provider."),
    )
    idp_sso_url = models.URLField(_("single sign-on URL"), blank=True)
    idp_x509cert = models.TextField(_("signing certificate (PEM)"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This short name is reserved; choose another one.")
        if self.protocol == Protocol.OIDC:
            if not self.server_url:
                errors["server_url"] = _("An OpenID Connect provider needs its issuer URL.")
            if not self.client_id:
                errors["client_id"] = _("An OpenID Connect provider needs a client identifier.")
        elif self.protocol == Protocol.SAML:
            if not self.idp_entity_id:
                errors["idp_entity_id"] = _("A SAML provider needs its entity ID.")
            if not self.idp_metadata_url and not (self.idp_sso_url and self.idp_x509cert):
                errors["idp_metadata_url"] = _(
                    "Give either the metadata URL, or the single sign-on URL and the signing certificate."
                )
        if errors:
            raise ValidationError(errors)

    def secret(self) -> str:
        """The OpenID Connect client secret: the stored one, else ``SSO_<SLUG>_CLIENT_SECRET``."""
        if self.client_secret:
            return self.client_secret
        return os.environ.get(f"SSO_{self.slug.upper().replace('-', '_')}_CLIENT_SECRET", "")

    def attribute_names(self, field: str) -> tuple[str, ...]:
        """Names under which ``field`` (uid, email, first_name, last_name) may arrive."""
        configured = getattr(self, f"{field}_attribute", "")
        names = (configured,) if configured else DEFAULT_ATTRIBUTES[self.protocol][field]
        return with_aliases(names)

    def allowed_domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


def with_aliases(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    result: list[str] = []
    for name in names:
        if not name:
            continue
        result.append(name)
        result.extend(ATTRIBUTE_ALIASES.get(name, ()))
    return tuple(result)


class InstitutionMapping(models.Model):
    """One value of a provider's institution attribute and the school it designates (for example a
    SIRET number sent by ProConnect). Holds no personal data."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="institution_mappings"
    )
    value = models.CharField(_("attribute value"), max_length=255)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="+", verbose_name=_("institution")
    )

    class Meta:
        verbose_name = _("institution mapping")
        verbose_name_plural = _("institution mappings")
        constraints = [
            models.UniqueConstraint(fields=["provider", "value"], name="security_institution_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.institution}"


class RoleMapping(models.Model):
    """One affiliation value and the role it gives (student, staff member or teacher only).

    No mapping, no role: a person whose affiliations map to nothing gets no role. Holds no personal data.
    """

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="role_mappings")
    value = models.CharField(_("affiliation value"), max_length=120, help_text=_("For example student."))
    role = models.CharField(_("role"), max_length=32, choices=[(r.value, r.label) for r in MAPPABLE_ROLES])

    class Meta:
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "value", "role"], name="security_role_mapping_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in MAPPABLE_ROLES]), name="security_role_mapping_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.get_role_display()}"


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self) -> AccessTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class AccessToken(models.Model):
    """A personal access token for the API, created by its owner.

    Only the SHA-256 digest of the secret is stored, with a short public prefix used to find it; the
    token itself is shown once, at creation. Personal data: the owner, the name they gave the token,
    when it was created, last used, expires and was revoked. Visible to the owner and to administrators.
    Kept while the account exists (revoked tokens stay listed, marked revoked, so the owner keeps the
    trail); deleted with the account.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
