"""The API instance. Every operation requires a logged-in session unless it opts out."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.security import SessionAuth

from parcours.portfolio.services import PortfolioError
from parcours.recognition.services import ConcurrentChange, RecognitionError

from . import accounts, portfolio, recognition


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
api.add_router("/portfolio", portfolio.router)
api.add_router("/recognition", recognition.router)


@api.exception_handler(ConcurrentChange)
def concurrent_change(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PortfolioError)
@api.exception_handler(RecognitionError)
def refused(request, exc):
    field = getattr(exc, "field", None)
    return api.create_response(request, {"detail": f"{field}: {exc}" if field else str(exc)}, status=400)


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
