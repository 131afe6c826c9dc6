"""Personal access tokens through the API.

Listing and revoking accept a token or the session; creating one needs the session (a leaked token
cannot mint new ones that would outlive its revocation).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from parcours.security import selectors, services
from parcours.security.auth import SessionOnlyAuth
from parcours.security.models import AccessToken

from .schemas import ErrorOut

router = Router(tags=["security"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    status: str = Field(description="active, expired or revoked")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown this once and cannot be read again.")


def _out(token: AccessToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "status": selectors.token_status(token),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, operation_id="token_list")
def token_list(request: HttpRequest):
    """The caller's personal access tokens, newest first (revoked and expired ones included)."""
    return [_out(t) for t in selectors.tokens_of(request.auth)]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    operation_id="token_create",
    auth=SessionOnlyAuth(),
)
def token_create(request: HttpRequest, payload: TokenCreateIn):
    """Create a token for the caller (session only). The response holds the token, shown once."""
    try:
        created = services.token_create(user=request.auth, name=payload.name, expires_at=payload.expires_at)
    except services.SecurityError as exc:
        return Status(400, {"detail": f"{exc.field}: {exc}" if exc.field else str(exc)})
    return Status(201, {**_out(created.token), "token": created.plaintext})


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="token_revoke",
)
def token_revoke(request: HttpRequest, token_id: int):
    """Revoke one of the caller's tokens; it stops working at once. Revoking twice changes nothing."""
    token = get_object_or_404(selectors.tokens_of(request.auth), pk=token_id)
    return _out(services.token_revoke(token=token, actor=request.auth))
