"""The API instance. Every operation requires a logged-in session or a personal access token (``Authorization:
Bearer``) unless it opts out."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.security import SessionAuth

from parcours.portfolio.services import PortfolioError
from parcours.recognition.services import ConcurrentChange, RecognitionError
from parcours.security.auth import TokenAuth

from . import accounts, matching, portfolio, recognition
from . import credentials as credentials_api
from . import frameworks as frameworks_api
from . import partners as partners_api
from . import rules as rules_api
from . import scheduling as scheduling_api
from . import security as security_api
from . import track as track_api
from .errors import validation_detail
from .parser import NulRefusingParser


class UserSessionAuth(SessionAuth):
    """Session cookie authentication (CSRF checked on unsafe methods)."""


VALIDATION_ERROR = {
    "title": "ValidationErrorOut",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {
                    "type": "array",
                    "description": "One entry per invalid field (schema validation).",
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string"},
                            "loc": {
                                "type": "array",
                                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            },
                            "msg": {"type": "string"},
                        },
                        "required": ["loc", "msg"],
                    },
                },
                {"type": "string", "description": "A message naming the field (checks beyond the schema)."},
            ]
        }
    },
    "required": ["detail"],
}
DETAIL = {
    "title": "DetailOut",
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


class ParcoursAPI(NinjaAPI):
    """Documents the answers every operation can give, so that the schema is complete for clients and fuzzers:
    422 (the request does not match the schema), 401 (no or bad credentials), 413 (body too large)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ValidationErrorOut"] = VALIDATION_ERROR
        components["DetailOut"] = DETAIL
        for path, path_item in schema.get("paths", {}).items():
            for operation in path_item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]

                def document(code: str, description: str, ref: str, responses=responses) -> None:
                    responses.setdefault(
                        code,
                        {
                            "description": description,
                            "content": {
                                "application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}
                            },
                        },
                    )

                document("422", "The request does not match the schema", "ValidationErrorOut")
                document("413", "The request body is too large", "DetailOut")
                document("400", "Refused by a business rule (the message names the field)", "DetailOut")
                if "{" in path:
                    document("404", "No such object among those the caller may see", "DetailOut")
                if operation.get("security"):
                    document("401", "Missing or invalid credentials", "DetailOut")
                else:
                    # Open to anonymous clients: the public rate limits apply (parcours/security/ratelimit.py).
                    document(
                        "429",
                        "Too many requests from this client: retry after Retry-After seconds",
                        "DetailOut",
                    )
        return schema


api = ParcoursAPI(
    title="Parcours Réserviste API",
    version="1.0.0",
    description="Competency recognition for operational reservists (students and staff).",
    auth=[TokenAuth(), UserSessionAuth()],
    urls_namespace="api-1.0.0",
    parser=NulRefusingParser(),
)
api.add_router("/accounts", accounts.router)
api.add_router("/portfolio", portfolio.router)
api.add_router("/recognition", recognition.router)
api.add_router("/matching", matching.router)
api.add_router("/credentials", credentials_api.router)
api.add_router("/security", security_api.router)
api.add_router("/frameworks", frameworks_api.router)
api.add_router("/reserve", rules_api.router)
api.add_router("/scheduling", scheduling_api.router)
api.add_router("/partners", partners_api.router)
api.add_router("/track", track_api.router)


@api.exception_handler(OverflowError)
def number_out_of_range(request, exc):
    return api.create_response(request, {"detail": "A number in the request is out of range."}, status=400)


@api.exception_handler(ValidationError)
def invalid_value(request, exc):
    """A value a model refuses that the operation did not expect (parcours.security.text_limits: too long a
    text): a 400 naming the field."""
    return api.create_response(request, {"detail": validation_detail(exc)}, status=400)


@api.exception_handler(ConcurrentChange)
def concurrent_change(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PortfolioError)
@api.exception_handler(RecognitionError)
def refused(request, exc):
    field = getattr(exc, "field", None)
    return api.create_response(request, {"detail": f"{field}: {exc}" if field else str(exc)}, status=400)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: a JSON 413 rather than the HTML 400 page."""
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


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
