"""The API instance. Every operation requires a logged-in session unless it opts out."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.security import SessionAuth

from . import accounts


class UserSessionAuth(SessionAuth):
    """Session cookie authentication (CSRF checked on unsafe methods)."""


api = NinjaAPI(
    title="Parcours Réserviste API",
    version="1.0.0",
    description="Competency recognition for operational reservists (students and staff).",
    auth=UserSessionAuth(),
    urls_namespace="api-1.0.0",
)
api.add_router("/accounts", accounts.router)


def public_urls() -> list:
    """The API's URL patterns, exempted from LoginRequiredMiddleware: the API answers 401 itself."""
    patterns, app_name, namespace = api.urls

    def exempt(items):
        for item in items:
            if isinstance(item, URLPattern):
                item.callback = login_not_required(item.callback)
            elif isinstance(item, URLResolver):
                exempt(item.url_patterns)
        return items

    return (exempt(patterns), app_name, namespace)
