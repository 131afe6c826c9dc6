"""django-ninja authentication: personal access tokens (``Authorization: Bearer prt_…``).

A token stands for its owner with the owner's roles; it needs no CSRF token (it is not a cookie).
An ``Authorization: Bearer`` header that names no usable token is refused with 401 — it never falls
back to the session.
"""

from __future__ import annotations

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        access = token_authenticate(token)
        if access is None:
            raise AuthenticationError()
        request.user = access.user
        request.access_token = access
        return access.user


class SessionOnlyAuth(SessionAuth):
    """Session cookie only (CSRF checked on unsafe methods): for operations a token may not perform.

    A request without a session cookie is unauthenticated (401) rather than a CSRF failure (403).
    """

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)
