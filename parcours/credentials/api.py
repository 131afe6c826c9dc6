"""Public face of the credentials app for the other apps.

Issue (idempotent), revoke for a source, reissue, and the verification URL used in QR codes::

    from parcours.credentials.api import AchievementSpec, credential_issue, verify_url
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from .batches import BatchItem, register_batch_source
from .compose import AchievementSpec, SpecError
from .enums import AchievementKind, CredentialStatus, Verdict
from .images import qr_png, qr_svg_data_uri
from .issuers import IssuerError
from .models import Credential
from .services import (
    TransitionNotAllowed,
    credential_issue,
    credential_reinstate,
    credential_reissue,
    credential_revoke,
    credential_suspend,
    credentials_revoke_for_source,
)


def verify_url(credential: Credential) -> str:
    """Absolute URL of the public verification page of ``credential`` (for QR codes on PDFs)."""
    return settings.SITE_URL + reverse("credential_verify_detail", kwargs={"public_id": credential.public_id})


def verify_qr_svg(credential: Credential) -> str:
    """QR code of :func:`verify_url` as an SVG data URI."""
    return qr_svg_data_uri(verify_url(credential))


def verify_qr_png(credential: Credential, scale: int = 6) -> bytes:
    return qr_png(verify_url(credential), scale=scale)


def credentials_for_source(source_type: str, source_id: str) -> QuerySet[Credential]:
    """Every credential derived from a source (current and replaced), newest first."""
    return Credential.objects.filter(source_type=source_type, source_id=str(source_id)).order_by("-issued_at")


def current_credentials_of(holder) -> QuerySet[Credential]:
    return Credential.objects.filter(holder=holder).current()


__all__ = [
    "AchievementKind",
    "AchievementSpec",
    "BatchItem",
    "Credential",
    "CredentialStatus",
    "IssuerError",
    "SpecError",
    "TransitionNotAllowed",
    "Verdict",
    "credential_issue",
    "credential_reinstate",
    "credential_reissue",
    "credential_revoke",
    "credential_suspend",
    "credentials_for_source",
    "credentials_revoke_for_source",
    "current_credentials_of",
    "register_batch_source",
    "verify_qr_png",
    "verify_qr_svg",
    "verify_url",
]
