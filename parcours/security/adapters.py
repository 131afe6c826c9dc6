"""django-allauth adapters: allauth runs the protocols, these decide who gets in.

allauth is mounted for single sign-on only (``/sso/``). Local sign-in, password reset and sign-up stay
with Django's own views in ``parcours.web.accounts``: allauth's account pages are never routed.
"""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from .models import IdentityProvider
from .sso import claims_of, email_domain_allowed, identity_provider_of, map_identity, social_app_for

logger = logging.getLogger("parcours.security.sso")

#: ProConnect refuses a ``state`` shorter than 32 characters.
STATE_LENGTH = 48


def refusal(request, message: str, *, status: int = 403, provider_name: str = ""):
    return render(
        request,
        "security/sso_refused.html",
        {"message": message, "provider_name": provider_name},
        status=status,
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # No self-registration: accounts come from the school (imports, administrators) or from SSO,
        # whose own rules are in SocialAccountAdapter.pre_social_login.
        return False

    def respond_user_inactive(self, request, user):
        raise ImmediateHttpResponse(
            refusal(request, _("This account is deactivated. Contact your school's administrator."))
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = [social_app_for(p) for p in IdentityProvider.objects.active().select_related("institution")]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def generate_state_param(self, state: dict) -> str:
        return get_random_string(STATE_LENGTH)

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True  # already decided in pre_social_login

    def can_authenticate_by_email(self, login, email: str) -> bool:
        if not getattr(settings, "SECURITY", {}).get("SSO_MATCH_EMAIL", True):
            return False
        provider = identity_provider_of(login.provider.app)
        return email_domain_allowed(provider, email) and super().can_authenticate_by_email(login, email)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        provider = identity_provider_of(sociallogin.provider.app)
        identity = map_identity(provider, claims_of(provider.protocol, sociallogin.account.extra_data))
        user.email = (identity.email or user.email or "").lower()
        user.first_name = (identity.first_name or user.first_name or "")[:150]
        user.last_name = (identity.last_name or user.last_name or "")[:150]
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        """Refuse what must not get in, before allauth logs anyone in or creates any account."""
        provider = identity_provider_of(sociallogin.provider.app)
        identity = map_identity(provider, claims_of(provider.protocol, sociallogin.account.extra_data))
        email = identity.email or (sociallogin.user.email or "").lower()

        def refuse(reason: str, message: str):
            logger.info("SSO sign-in refused: provider=%s reason=%s", provider.slug, reason)
            raise ImmediateHttpResponse(refusal(request, message, provider_name=provider.name))

        if not email:
            refuse("no_email", _("Your identity provider did not send an e-mail address."))
        verified = any(a.verified for a in sociallogin.email_addresses if (a.email or "").lower() == email)
        if not verified:
            refuse(
                "email_not_verified",
                _("Your identity provider did not confirm your e-mail address, so it cannot be used here."),
            )
        if not email_domain_allowed(provider, email):
            refuse(
                "email_domain",
                _(
                    "This identity provider may not sign in addresses of this domain: use your school address."
                ),
            )
        if sociallogin.is_existing:
            if getattr(sociallogin, "_did_authenticate_by_email", None):
                # The local address came from the school (there is no self-registration) and the provider
                # has just verified it: record it as verified so that allauth keeps the local password.
                EmailAddress.objects.update_or_create(
                    user=sociallogin.user, email__iexact=email, defaults={"email": email, "verified": True}
                )
            return
        if get_user_model().objects.filter(email__iexact=email).exists():
            refuse(
                "email_taken",
                _(
                    "An account already uses this e-mail address and could not be linked to this identity "
                    "provider. Log in with your password, or contact your school's administrator."
                ),
            )
        if not getattr(settings, "SECURITY", {}).get("SSO_CREATE_ACCOUNTS", True):
            refuse("no_account", _("You have no account here yet. Contact your school's administrator."))
        if not identity.grants:
            refuse(
                "no_role",
                _(
                    "Your identity provider did not say that you are a student or a member of staff of a "
                    "school using this service, so no account was created. Contact your school's "
                    "administrator."
                ),
            )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning(
            "SSO authentication error: provider=%s error=%s exception=%r",
            getattr(getattr(provider, "app", None), "provider_id", "?"),
            error,
            exception,
        )
        cancelled = str(error) == "cancelled"
        raise ImmediateHttpResponse(
            render(
                request,
                "security/sso_error.html",
                {"cancelled": cancelled, "provider_name": getattr(provider, "name", "")},
                status=400,
            )
        )

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("security_home")
