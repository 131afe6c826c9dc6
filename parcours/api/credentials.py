"""Credentials API: the holder's credentials, status changes for the school, batch progress, and the public
verification endpoints (no account, rate limited) that answer what the public page says, for machines."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from parcours.accounts.permissions import has_role
from parcours.credentials.api import verify_url
from parcours.credentials.enums import Verdict
from parcours.credentials.roles import CREDENTIAL_MANAGER_ROLES
from parcours.credentials.selectors import (
    batch_for_manager,
    credential_for_manager,
    credentials_of_holder,
    public_credential,
)
from parcours.credentials.services import (
    TransitionNotAllowed,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
)
from parcours.credentials.verification import Verification, verify_credential, verify_submission

from .schemas import ErrorOut

router = Router(tags=["credentials"])


class ValidationErrorOut(Schema):
    """Ninja's answer to a body that does not match the schema (422)."""

    detail: list[dict[str, Any]]


class CredentialOut(Schema):
    id: UUID
    name: str
    kind: str
    status: str
    status_reason: str
    issued_at: datetime
    hidden: bool
    verify_url: str
    replaces: UUID | None


class CredentialDetailOut(CredentialOut):
    credential: dict[str, Any]
    jwt: str


class ReasonIn(Schema):
    reason: str = ""


class VerifyIn(Schema):
    credential: str | dict[str, Any]


class CheckOut(Schema):
    code: str
    ok: bool | None
    detail: str


class VerificationOut(Schema):
    verdict: Verdict
    label: str
    valid: bool
    detail: str
    checks: list[CheckOut]
    issuer: dict[str, Any]
    credential: dict[str, Any] | None
    status: dict[str, Any] | None


class BatchOut(Schema):
    id: int
    label: str
    status: str
    total: int
    issued: int
    skipped: int
    failed: int
    percent: int
    finished: bool
    errors: list[str]


def _out(credential) -> dict[str, Any]:
    return {
        "id": credential.public_id,
        "name": credential.name,
        "kind": credential.achievement_kind,
        "status": credential.status,
        "status_reason": credential.status_reason,
        "issued_at": credential.issued_at,
        "hidden": credential.hidden,
        "verify_url": verify_url(credential),
        "replaces": credential.replaces.public_id if credential.replaces_id else None,
    }


def _verification(result: Verification) -> dict[str, Any]:
    return result.as_dict()


@router.get("/mine", response={200: list[CredentialOut], 401: ErrorOut}, operation_id="credential_list")
def credential_list(request: HttpRequest):
    """The caller's current credentials."""
    return [_out(c) for c in credentials_of_holder(request.auth)]


@router.post(
    "/verify",
    auth=None,
    response={200: VerificationOut, 413: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    operation_id="credential_verify",
)
def credential_verify(request: HttpRequest, payload: VerifyIn):
    """Verify any Open Badges 3.0 credential (VC-JWT string, or JSON): the same verdict as the public page.

    No account needed; rate limited per client (``parcours.security.ratelimit``: 429 with ``Retry-After``).
    The answer is 200 whatever the verdict; read ``verdict`` (``valid`` is the only one that means the
    credential can be trusted).
    """
    data = payload.credential if isinstance(payload.credential, str) else json.dumps(payload.credential)
    return _verification(verify_submission(data))


@router.get(
    "/{public_id}/verification",
    auth=None,
    response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
    operation_id="credential_verification_read",
)
def credential_verification_read(request: HttpRequest, public_id: UUID):
    """Verify one credential issued here, now (what ``/verify/<id>`` shows). 404 when unknown or hidden."""
    credential = public_credential(public_id)
    if credential is None or credential.hidden:
        return Status(404, {"detail": "No credential is shared under this id."})
    return _verification(verify_credential(credential))


@router.get(
    "/batches/{batch_id}",
    response={200: BatchOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="batch_issuance_read",
)
def batch_issuance_read(request: HttpRequest, batch_id: int):
    """Progress of a batch issuance (for polling)."""
    if not has_role(request.auth, *CREDENTIAL_MANAGER_ROLES):
        return Status(403, {"detail": "Only the school's credential managers see batches."})
    try:
        batch = batch_for_manager(request.auth, batch_id)
    except Http404:
        return Status(404, {"detail": "No such batch."})
    return {
        "id": batch.pk,
        "label": batch.label,
        "status": batch.status,
        "total": batch.total,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
        "percent": batch.percent,
        "finished": batch.is_finished,
        "errors": batch.errors,
    }


@router.get(
    "/{public_id}",
    response={200: CredentialDetailOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="credential_read",
)
def credential_read(request: HttpRequest, public_id: UUID):
    """One credential, for its holder or the school's credential managers: the JSON and the VC-JWT."""
    credential = public_credential(public_id)
    user = request.auth
    allowed = credential is not None and (
        credential.holder_id == user.pk
        or (has_role(user, *CREDENTIAL_MANAGER_ROLES, institution=credential.institution))
    )
    if not allowed:
        return Status(404, {"detail": "No such credential."})
    return {**_out(credential), "credential": credential.readable_document(), "jwt": credential.token}


def _change(request, public_id: UUID, service, reason: str):
    try:
        credential = credential_for_manager(request.auth, public_id)
    except Http404:
        return Status(404, {"detail": "No such credential."})
    try:
        credential = service(credential=credential, reason=reason, actor=request.auth)
    except TransitionNotAllowed as exc:
        return Status(409, {"detail": str(exc)})
    except ValueError as exc:
        return Status(400, {"detail": f"reason: {exc}"})
    return _out(credential)


CHANGE_RESPONSES = {
    200: CredentialOut,
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


@router.post("/{public_id}/revoke", response=CHANGE_RESPONSES, operation_id="credential_revoke")
def credential_revoke_op(request: HttpRequest, public_id: UUID, payload: ReasonIn):
    """Revoke a credential (final). The reason is shown to verifiers."""
    return _change(request, public_id, credential_revoke, payload.reason)


@router.post("/{public_id}/suspend", response=CHANGE_RESPONSES, operation_id="credential_suspend")
def credential_suspend_op(request: HttpRequest, public_id: UUID, payload: ReasonIn):
    """Suspend a credential until it is reinstated."""
    return _change(request, public_id, credential_suspend, payload.reason)


@router.post("/{public_id}/reinstate", response=CHANGE_RESPONSES, operation_id="credential_reinstate")
def credential_reinstate_op(request: HttpRequest, public_id: UUID, payload: ReasonIn):
    """Lift a suspension."""
    return _change(request, public_id, credential_reinstate, payload.reason)
