"""Login receivers: the second-factor step, and roles granted by single sign-on."""

from __future__ import annotations

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import user_has_device

from .otp import SECOND_FACTOR_PENDING
from .services import sso_account_created, sso_roles_grant
from .sso import claims_of, identity_provider_of, map_identity


@receiver(user_logged_in, dispatch_uid="security_second_factor_on_login")
def second_factor_on_login(sender, request, user, **kwargs) -> None:
    """Whatever the way in (password or SSO), an account with a confirmed device must give a code."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if user_has_device(user):
        session[SECOND_FACTOR_PENDING] = True
    else:
        session.pop(SECOND_FACTOR_PENDING, None)


@receiver(allauth_user_logged_in, dispatch_uid="security_sso_roles_on_login")
def sso_roles_on_login(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None:
        return
    provider = identity_provider_of(sociallogin.provider.app)
    identity = map_identity(provider, claims_of(provider.protocol, sociallogin.account.extra_data))
    sso_roles_grant(user=user, provider=provider, identity=identity)


@receiver(user_signed_up, dispatch_uid="security_sso_account_created")
def sso_signed_up(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is not None:
        sso_account_created(user=user, provider=identity_provider_of(sociallogin.provider.app))
