"""The life of an issued credential, as a table: which action moves it from which status to which."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import CredentialStatus


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    audit_action: str
    needs_reason: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "suspend",
            frozenset({CredentialStatus.ACTIVE}),
            CredentialStatus.SUSPENDED,
            _("Suspend"),
            "credential.suspended",
        ),
        Transition(
            "reinstate",
            frozenset({CredentialStatus.SUSPENDED}),
            CredentialStatus.ACTIVE,
            _("Reinstate"),
            "credential.reinstated",
            needs_reason=False,
        ),
        Transition(
            "revoke",
            frozenset({CredentialStatus.ACTIVE, CredentialStatus.SUSPENDED}),
            CredentialStatus.REVOKED,
            _("Revoke"),
            "credential.revoked",
        ),
    )
}


def available_actions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
