"""Writes of the credentials app: issue (compose → sign → store), change status, reissue, hide.

Each service is one transaction; audit events are written inside it, so that a credential never exists
without its trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.audit.services import audit_record

from . import keys, statuslists
from .compose import AchievementSpec, StatusEntry, compose
from .enums import CredentialStatus, StatusPurpose
from .issuers import active_key, issuer_context
from .models import Credential, CredentialPreference, IssuerKey
from .workflow import TRANSITIONS


class TransitionNotAllowed(Exception):
    """The credential's status does not allow this action (for example reinstating a revoked credential)."""


@dataclass(frozen=True)
class IssueRequest:
    holder: object
    achievement: AchievementSpec
    source_type: str
    source_id: str
    evidence_url: str = ""


@dataclass
class IssueOutcome:
    credentials: list[Credential] = field(default_factory=list)
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _valid_until(issued_at: datetime) -> datetime | None:
    days = settings.CREDENTIALS["VALIDITY_DAYS"]
    return issued_at + timedelta(days=days) if days else None


def _include_evidence(holder_ids: Iterable[int]) -> set[int]:
    return set(
        CredentialPreference.objects.filter(user_id__in=list(holder_ids), include_evidence=True).values_list(
            "user_id", flat=True
        )
    )


def _build(
    *,
    key: IssuerKey,
    request: IssueRequest,
    institution,
    revocation,
    suspension,
    evidence_allowed: bool,
    issued_by=None,
    replaces: Credential | None = None,
    batch=None,
) -> Credential:
    """Compose and sign one credential (not saved)."""
    issued_at = timezone.now().replace(microsecond=0)
    credential = Credential(
        holder=request.holder,
        institution=institution,
        issuer_key=key,
        achievement_kind=request.achievement.kind,
        achievement_key=request.achievement.key,
        achievement=request.achievement.snapshot(),
        source_type=request.source_type,
        source_id=str(request.source_id),
        revocation_list=revocation[0],
        revocation_index=revocation[1],
        suspension_list=suspension[0],
        suspension_index=suspension[1],
        recipient_salt=secrets.token_hex(16),
        evidence_opt_in=bool(request.evidence_url) and evidence_allowed,
        issued_at=issued_at,
        valid_until=_valid_until(issued_at),
        issued_by=issued_by if getattr(issued_by, "is_authenticated", False) else None,
        replaces=replaces,
        batch=batch,
    )
    payload = compose(
        issuer=issuer_context(key),
        spec=request.achievement,
        credential_id=credential.urn,
        recipient_email=request.holder.email,
        recipient_salt=credential.recipient_salt,
        issued_at=issued_at,
        valid_until=credential.valid_until,
        # OB 3.0 allows one credentialStatus: the credential carries its revocation entry; its suspension
        # index (same issuer, list per purpose) is checked by our verifier from the database.
        status=[
            StatusEntry(StatusPurpose.REVOCATION, statuslists.status_list_url(revocation[0]), revocation[1])
        ],
        evidence_url=request.evidence_url if credential.evidence_opt_in else "",
        awarded_at=(replaces.awarded_at if replaces is not None else None),
    )
    credential.token = keys.signer_for(key).sign_payload(payload)
    credential.document = payload
    if settings.CREDENTIALS["DATA_INTEGRITY"]:
        from .dataintegrity import sign_data_integrity

        credential.data_integrity = sign_data_integrity(key, payload)
    return credential


def _audit_issued(credential: Credential, actor) -> None:
    audit_record(
        "credential.reissued" if credential.replaces_id else "credential.issued",
        actor=actor,
        target=credential,
        institution=credential.institution,
        data={
            "kind": credential.achievement_kind,
            "achievement": credential.achievement_key,
            "source": f"{credential.source_type}:{credential.source_id}",
            "replaces": str(credential.replaces.public_id) if credential.replaces_id else None,
            "batch": credential.batch_id,
        },
    )


def credentials_issue_many(
    *, institution, requests: Sequence[IssueRequest], issued_by=None, batch=None
) -> IssueOutcome:
    """Issue many credentials of one institution in one transaction; existing ones are skipped."""
    outcome = IssueOutcome()
    if not requests:
        return outcome
    with transaction.atomic():
        key = active_key(institution)
        existing = set(
            Credential.objects.current()
            .filter(
                holder_id__in={r.holder.pk for r in requests},
                source_type__in={r.source_type for r in requests},
            )
            .values_list("holder_id", "source_type", "source_id", "achievement_key")
        )
        todo: list[IssueRequest] = []
        for request in requests:
            identity = (
                request.holder.pk,
                request.source_type,
                str(request.source_id),
                request.achievement.key,
            )
            if identity in existing:
                outcome.skipped += 1
                continue
            existing.add(identity)
            todo.append(request)
        if not todo:
            return outcome
        profile = key.profile
        revocations = statuslists.allocate(profile, key.issuer_did, StatusPurpose.REVOCATION, len(todo))
        suspensions = statuslists.allocate(profile, key.issuer_did, StatusPurpose.SUSPENSION, len(todo))
        with_evidence = _include_evidence(r.holder.pk for r in todo)
        built = []
        for position, request in enumerate(todo):
            try:
                built.append(
                    _build(
                        key=key,
                        request=request,
                        institution=institution,
                        revocation=revocations[position],
                        suspension=suspensions[position],
                        evidence_allowed=request.holder.pk in with_evidence,
                        issued_by=issued_by,
                        batch=batch,
                    )
                )
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop a cohort
                outcome.failed += 1
                outcome.errors.append(
                    f"{request.achievement.key} ({request.source_type}:{request.source_id}): {exc}"
                )
        outcome.credentials = Credential.objects.bulk_create(built)
        for credential in outcome.credentials:
            _audit_issued(credential, issued_by)
    return outcome


def credential_issue(
    *,
    holder,
    institution,
    achievement: AchievementSpec,
    source_type: str,
    source_id: str,
    evidence_url: str = "",
    issued_by=None,
) -> Credential:
    """Issue one credential; idempotent on (holder, source_type, source_id, achievement key)."""
    lookup = {
        "holder": holder,
        "source_type": source_type,
        "source_id": str(source_id),
        "achievement_key": achievement.key,
    }
    existing = Credential.objects.current().filter(**lookup).first()
    if existing is not None:
        return existing
    request = IssueRequest(holder, achievement, source_type, str(source_id), evidence_url)
    try:
        with transaction.atomic():
            outcome = credentials_issue_many(institution=institution, requests=[request], issued_by=issued_by)
    except IntegrityError:
        existing = Credential.objects.current().filter(**lookup).first()
        if existing is None:
            raise
        return existing
    if outcome.errors:
        raise ValueError(outcome.errors[0])
    return outcome.credentials[0] if outcome.credentials else Credential.objects.current().get(**lookup)


def _change_status(*, credential: Credential, action: str, reason: str, actor) -> Credential:
    transition = TRANSITIONS[action]
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValueError("A reason is required.")
    with transaction.atomic():
        locked = Credential.objects.select_for_update().select_related("institution").get(pk=credential.pk)
        if locked.status not in transition.sources:
            raise TransitionNotAllowed(
                f"Credential {locked.public_id} is {locked.status}: it cannot be {transition.target}."
            )
        previous = locked.status
        locked.status = transition.target
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        statuslists.mark_changed(locked.revocation_list, locked.suspension_list)
        audit_record(
            transition.audit_action,
            actor=actor,
            target=locked,
            institution=locked.institution,
            data={"from": previous, "to": locked.status, "reason": reason},
        )
    return locked


def credential_revoke(*, credential: Credential, reason: str, actor=None) -> Credential:
    return _change_status(credential=credential, action="revoke", reason=reason, actor=actor)


def credential_suspend(*, credential: Credential, reason: str, actor=None) -> Credential:
    return _change_status(credential=credential, action="suspend", reason=reason, actor=actor)


def credential_reinstate(*, credential: Credential, reason: str = "", actor=None) -> Credential:
    return _change_status(credential=credential, action="reinstate", reason=reason, actor=actor)


def credentials_revoke_for_source(*, source_type: str, source_id: str, reason: str, actor=None) -> int:
    """Revoke every credential derived from a source (for example a decision that was withdrawn)."""
    revoked = 0
    with transaction.atomic():
        for credential in Credential.objects.filter(
            source_type=source_type, source_id=str(source_id)
        ).exclude(status=CredentialStatus.REVOKED):
            _change_status(credential=credential, action="revoke", reason=reason, actor=actor)
            revoked += 1
    return revoked


def credential_reissue(
    *, credential: Credential, achievement: AchievementSpec, reason: str, actor=None
) -> Credential:
    """Replace a credential by a new one (corrected achievement); the old one is revoked and points to it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required.")
    with transaction.atomic():
        old = (
            Credential.objects.select_for_update()
            .select_related("holder", "institution")
            .get(pk=credential.pk)
        )
        if not old.is_current:
            raise TransitionNotAllowed(f"Credential {old.public_id} was already replaced.")
        if old.status != CredentialStatus.REVOKED:
            _change_status(credential=old, action="revoke", reason=reason, actor=actor)
        Credential.objects.filter(pk=old.pk).update(is_current=False)
        old.refresh_from_db()
        key = active_key(old.institution)
        revocation = statuslists.allocate(key.profile, key.issuer_did, StatusPurpose.REVOCATION, 1)[0]
        suspension = statuslists.allocate(key.profile, key.issuer_did, StatusPurpose.SUSPENSION, 1)[0]
        new = _build(
            key=key,
            request=IssueRequest(
                old.holder,
                achievement,
                old.source_type,
                old.source_id,
                _evidence_of(old) if old.evidence_opt_in else "",
            ),
            institution=old.institution,
            revocation=revocation,
            suspension=suspension,
            evidence_allowed=old.evidence_opt_in,
            issued_by=actor,
            replaces=old,
        )
        new.save()
        _audit_issued(new, actor)
    return new


def _evidence_of(credential: Credential) -> str:
    for item in credential.document.get("evidence", []) or []:
        if isinstance(item, dict) and item.get("id"):
            return item["id"]
    return ""


def credential_set_hidden(*, credential: Credential, hidden: bool, actor) -> Credential:
    with transaction.atomic():
        Credential.objects.filter(pk=credential.pk).update(hidden=hidden)
        credential.hidden = hidden
        audit_record(
            "credential.hidden" if hidden else "credential.shown",
            actor=actor,
            target=credential,
            institution=credential.institution,
        )
    return credential


def credential_preference_set(*, user, include_evidence: bool) -> CredentialPreference:
    preference, _ = CredentialPreference.objects.update_or_create(
        user=user, defaults={"include_evidence": include_evidence}
    )
    return preference
