"""Issuers, keys, issued credentials, status lists and batch issuances.

Personal data: ``Credential`` links a person (the holder) to an achievement recognised by the school, and
keeps the signed credential, whose recipient is a salted hash of the holder's e-mail (never the address in
clear, never a unit or rank). Visible to the holder, to the school staff of the issuing institution, and to
anyone the holder gives the link or the file to (the public verification page shows the achievement, the
school and the holder's name unless the holder hides it). Kept as long as the academic record it attests
(the diploma's retention period); revocation keeps the row, with its reason, for the audit trail.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .compose import JWT_CLAIMS
from .enums import AchievementKind, BatchStatus, CredentialStatus, StatusPurpose
from .workflow import available_actions


class IssuerProfile(models.Model):
    """An institution acting as the issuer of credentials. Holds no personal data.

    ``web_did`` is set when the deployment's public URL is HTTPS: the issuer is then ``did:web`` and keeps the
    same identifier across key rotations. Otherwise (the demo on 127.0.0.1) each key is its own ``did:key``.
    """

    institution = models.OneToOneField(
        "accounts.Institution", on_delete=models.PROTECT, related_name="issuer_profile"
    )
    name = models.CharField(_("issuer name"), max_length=200)
    url = models.URLField(_("issuer web site"))
    image_url = models.URLField(_("issuer logo"), blank=True)
    email = models.EmailField(_("issuer contact e-mail"), blank=True)
    web_did = models.CharField(_("did:web identifier"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issuer profile")
        verbose_name_plural = _("issuer profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["web_did"], condition=~Q(web_did=""), name="issuer_web_did_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def did_document_path(self) -> str:
        """Where the did:web document is served (``/.well-known/did.json`` for a bare host DID)."""
        if not self.web_did:
            return ""
        parts = self.web_did.split(":")[3:]
        return "/" + "/".join(parts) + "/did.json" if parts else "/.well-known/did.json"


class IssuerKeyQuerySet(models.QuerySet["IssuerKey"]):
    def active(self) -> IssuerKeyQuerySet:
        return self.filter(retired_at__isnull=True)


class IssuerKey(models.Model):
    """An Ed25519 key pair of an issuer. Holds no personal data.

    The private half is stored encrypted (AES-256-GCM under a key derived with scrypt from
    ``CREDENTIALS_KEY_PASSPHRASE``, bound to this key's ``kid``) and is only decrypted in memory to sign.
    A retired key keeps its public half so the credentials it signed stay verifiable; under did:web its
    private half is destroyed at rotation.
    """

    profile = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="keys")
    kid = models.CharField(_("key identifier"), max_length=400, unique=True)
    issuer_did = models.CharField(_("issuer identifier"), max_length=300, db_index=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    public_pem = models.TextField(_("public key (PEM)"))
    encrypted_private_key = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = IssuerKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"], condition=Q(retired_at__isnull=True), name="issuer_one_active_key"
            )
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    @property
    def can_sign(self) -> bool:
        return self.encrypted_private_key is not None


class StatusList(models.Model):
    """A W3C Bitstring Status List for one issuer identifier and one purpose. Holds no personal data.

    The signed list is cached in ``signed_jwt``. Every status change bumps ``version``; the list is signed
    again when ``signed_version`` lags behind it or when it nears its ``valid_until``.
    """

    profile = models.ForeignKey(IssuerProfile, on_delete=models.PROTECT, related_name="status_lists")
    issuer_did = models.CharField(max_length=300)
    purpose = models.CharField(_("purpose"), max_length=16, choices=StatusPurpose.choices)
    sequence = models.PositiveIntegerField(default=1)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    size = models.PositiveIntegerField(default=131072)
    signed_jwt = models.TextField(blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    signed_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(fields=["issuer_did", "purpose", "sequence"], name="status_list_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer_did} {self.purpose} #{self.sequence}"


class CredentialQuerySet(models.QuerySet["Credential"]):
    def current(self) -> CredentialQuerySet:
        return self.filter(is_current=True)

    def for_holder(self, user) -> CredentialQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(holder=user)

    def for_institutions(self, institutions) -> CredentialQuerySet:
        return self.filter(institution__in=institutions)


class Credential(models.Model):
    """An Open Badges 3.0 credential issued to a person. Personal data: see the module docstring."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="credentials"
    )
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    achievement_kind = models.CharField(_("kind"), max_length=16, choices=AchievementKind.choices)
    achievement_key = models.CharField(_("achievement key"), max_length=200)
    achievement = models.JSONField(_("achievement (snapshot)"))
    source_type = models.CharField(_("source type"), max_length=80)
    source_id = models.CharField(_("source id"), max_length=80)

    status = models.CharField(
        _("status"), max_length=16, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    is_current = models.BooleanField(_("current"), default=True)

    revocation_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    revocation_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    suspension_index = models.PositiveIntegerField()

    recipient_salt = models.CharField(max_length=64, editable=False)
    token = models.TextField(_("signed credential (VC-JWT)"), editable=False)
    document = models.JSONField(_("credential (JSON)"), editable=False)
    data_integrity = models.JSONField(_("credential with a Data Integrity proof"), null=True, blank=True)

    hidden = models.BooleanField(_("hidden by the holder"), default=False)
    evidence_opt_in = models.BooleanField(_("evidence link included"), default=False)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        "BatchIssuance", on_delete=models.SET_NULL, null=True, blank=True, related_name="credentials"
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "source_type", "source_id", "achievement_key"],
                condition=Q(is_current=True),
                name="credential_one_current_per_source",
            ),
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"], name="credential_rev_index"
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"], name="credential_susp_index"
            ),
            models.CheckConstraint(
                condition=Q(status=CredentialStatus.ACTIVE) | ~Q(status_reason=""),
                name="credential_status_change_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="credential_source_idx")]

    def __str__(self) -> str:
        return f"{self.name} — {self.holder}"

    @property
    def name(self) -> str:
        return self.achievement.get("name_fr") or self.achievement_key

    def localized(self, field: str, language: str) -> str:
        """A bilingual field of the snapshot in ``language``, falling back on French."""
        snapshot = self.achievement
        if language == "en" and snapshot.get(f"{field}_en"):
            return snapshot[f"{field}_en"]
        return snapshot.get(f"{field}_fr", "")

    @property
    def awarded_at(self) -> datetime:
        """When the achievement was first awarded (kept across reissues)."""
        awarded = (self.document or {}).get("awardedDate")
        if awarded:
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(awarded)
        return self.issued_at

    def readable_document(self) -> dict:
        """The credential as JSON, without the JWT registered claims (a readable, unsigned copy)."""
        return {k: v for k, v in self.document.items() if k not in JWT_CLAIMS}

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.public_id}"

    def available_actions(self):
        return available_actions(self.status)


class CredentialPreference(models.Model):
    """A holder's choices about their credentials. Personal data: the person and one choice; visible to the
    person; kept with the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_preference"
    )
    include_evidence = models.BooleanField(
        _("Include links to my evidence in the credentials issued to me"), default=False
    )

    class Meta:
        verbose_name = _("credential preference")
        verbose_name_plural = _("credential preferences")


class BatchIssuance(models.Model):
    """A batch of credentials issued for a cohort. Holds counts and error messages that name credentials by
    achievement and line, never by person; visible to the school staff of the institution; kept 1 year."""

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=80)
    parameters = models.JSONField(default=dict, blank=True)
    label = models.CharField(_("label"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("batch issuance")
        verbose_name_plural = _("batch issuances")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def processed(self) -> int:
        return self.issued + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
