"""Signed PDF documents issued by a school: decision letters, attestations, jury minutes.

Personal data: a document names its holder and what was recognised for them (competencies, levels,
ECTS, exemptions, the jury's reasons); jury minutes name every applicant examined. Never a unit or a rank.
The file is seen by its holder and by the school staff who decide (pedagogical engineer, director of
studies, administrator) of the issuing institution; the public verification page shows only ``summary``
(and, for jury minutes, no name at all). Kept as long as the academic record it belongs to (decisions
are kept as the law requires); a withdrawn document is kept, marked revoked with its reason.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role

#: School roles that may download every document of their institution.
DOCUMENT_STAFF_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


def document_upload_to(instance: Document, filename: str) -> str:
    """A path nobody can guess: the institution, then 128 random bits. Files are never served directly."""
    return f"documents/{instance.institution_id}/{secrets.token_hex(16)}.pdf"


class DocumentQuerySet(models.QuerySet["Document"]):
    def for_user(self, user) -> DocumentQuerySet:
        """Documents ``user`` may download: their own, and those of the institutions where they decide."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        from parcours.accounts.permissions import institutions_with_role

        return self.filter(
            Q(holder=user) | Q(institution__in=institutions_with_role(user, *DOCUMENT_STAFF_ROLES))
        )

    def current(self) -> DocumentQuerySet:
        return self.filter(revoked_at__isnull=True)


class Document(models.Model):
    """One generated PDF in one language, stored as issued (its SHA-256 is recorded at generation).

    Personal data: see the module docstring (holder's name, recognised competencies, jury reasons).
    """

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("institution"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("holder"),
    )
    source_type = models.CharField(_("source type"), max_length=60)
    source_id = models.CharField(_("source id"), max_length=64)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    reference = models.CharField(_("reference"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    summary = models.JSONField(_("public summary"), default=dict)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    issued_on = models.DateField(_("date of the document"))
    issued_at = models.DateTimeField(_("generated at"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for withdrawal"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id", "language", "revision"],
                name="document_unique_per_source_language_revision",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="document_revoked_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="document_source_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def kind_name(self) -> str:
        from . import registry

        try:
            return registry.get(self.kind).name(self.language)
        except registry.UnknownDocumentKind:
            return self.kind

    def download_filename(self) -> str:
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.reference)
        suffix = f"-r{self.revision}" if self.revision > 1 else ""
        return f"{self.kind.replace('_', '-')}-{safe}{suffix}-{self.language}.pdf"
