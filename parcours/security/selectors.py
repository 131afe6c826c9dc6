"""Reads of the security app, scoped to the asking user."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.db.models import QuerySet

from .models import AccessToken, IdentityProvider


def tokens_of(user) -> QuerySet[AccessToken]:
    """The user's own tokens: nobody lists or revokes someone else's through the product."""
    if not getattr(user, "is_authenticated", False):
        return AccessToken.objects.none()
    return AccessToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def token_status(token: AccessToken) -> str:
    if token.is_revoked:
        return "revoked"
    if token.is_expired:
        return "expired"
    return "active"


def login_providers() -> list[IdentityProvider]:
    """The identity providers offered on the login page."""
    return list(IdentityProvider.objects.active().order_by("name"))


def linked_identities(user) -> list[dict]:
    """The identity providers the user has signed in with, by provider name."""
    accounts = list(SocialAccount.objects.filter(user=user).order_by("provider"))
    names = dict(
        IdentityProvider.objects.filter(slug__in=[a.provider for a in accounts]).values_list("slug", "name")
    )
    return [
        {
            "provider": names.get(a.provider, a.provider),
            "last_login": a.last_login,
            "date_joined": a.date_joined,
        }
        for a in accounts
    ]
