"""Competency frameworks. No personal data (authors of changes are in the audit trail)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import AssociationType, FrameworkKind, FrameworkStatus, ImportFormat, ImportStatus, ItemType


class Framework(models.Model):
    """A version of a competency framework (the school's for one academic year, or a reference like ESCO).

    A frozen version is immutable; a new version starts as a copy.
    """

    identifier = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="frameworks", null=True, blank=True
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=FrameworkKind.choices, default=FrameworkKind.SCHOOL
    )
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    academic_year = models.PositiveSmallIntegerField(
        _("academic year (first calendar year)"), null=True, blank=True
    )
    version = models.CharField(_("version"), max_length=40, default="1")
    status = models.CharField(
        _("status"), max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    previous_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    source_identifier = models.CharField(_("source identifier"), max_length=255, blank=True)
    source_uri = models.URLField(_("source URI"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    creator = models.CharField(_("creator"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    extra = models.JSONField(_("other CASE properties"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["-academic_year", "title_fr"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=FrameworkStatus.FROZEN) | Q(frozen_at__isnull=False),
                name="framework_frozen_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_fr} ({self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status == FrameworkStatus.FROZEN


class Competency(models.Model):
    """An item of a framework: block, competency, component, skill… Hierarchy of any depth through ``parent``."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    identifier = models.CharField(_("identifier"), max_length=255)
    uri = models.URLField(_("URI"), max_length=500, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=80, blank=True)
    item_type = models.CharField(
        _("type"), max_length=20, choices=ItemType.choices, default=ItemType.COMPETENCY
    )
    statement_fr = models.TextField(_("statement (French)"))
    statement_en = models.TextField(_("statement (English)"), blank=True)
    abbreviated_statement = models.CharField(_("abbreviated statement"), max_length=300, blank=True)
    alternative_labels = models.TextField(_("alternative labels"), blank=True, help_text=_("One per line."))
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    education_level = models.CharField(_("education level"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    list_enumeration = models.CharField(_("list enumeration"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    search_text = models.TextField(editable=False, blank=True, help_text="accent-folded text used for search")
    extra = models.JSONField(_("other CASE properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "identifier"], name="competency_identifier_unique"),
            models.UniqueConstraint(
                fields=["framework", "code"], condition=~Q(code=""), name="competency_code_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["framework", "parent", "position"], name="competency_tree_idx"),
            models.Index(fields=["uri"], name="competency_uri_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement_fr}".strip() if self.code else self.statement_fr


class Level(models.Model):
    """A proficiency level of a framework's scale (for example 1 = Novice … 4 = Expert)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(_("rank"))
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    descriptor_fr = models.TextField(_("descriptor (French)"), blank=True)
    descriptor_en = models.TextField(_("descriptor (English)"), blank=True)
    identifier = models.CharField(_("identifier"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["framework", "rank"]
        constraints = [models.UniqueConstraint(fields=["framework", "rank"], name="level_rank_unique")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label_fr}"


class Association(models.Model):
    """A CASE association from an item to an item of the same or another framework, or to an external URI."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="associations")
    identifier = models.CharField(_("identifier"), max_length=255)
    association_type = models.CharField(_("type"), max_length=32, choices=AssociationType.choices)
    origin = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="outgoing_associations")
    destination = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="incoming_associations", null=True, blank=True
    )
    destination_uri = models.CharField(_("destination URI"), max_length=500, blank=True)
    destination_identifier = models.CharField(_("destination identifier"), max_length=255, blank=True)
    destination_title = models.CharField(_("destination title"), max_length=500, blank=True)
    grouping = models.CharField(_("association grouping"), max_length=255, blank=True)
    sequence_number = models.IntegerField(_("sequence number"), null=True, blank=True)
    extra = models.JSONField(_("other CASE properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        constraints = [
            models.UniqueConstraint(fields=["framework", "identifier"], name="association_identifier_unique"),
            models.CheckConstraint(
                condition=Q(destination__isnull=False) | ~Q(destination_uri=""),
                name="association_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin} {self.association_type} {self.destination or self.destination_uri}"


class TeachingUnit(models.Model):
    """A teaching unit (UE) of a programme: what an exemption can cover."""

    programme = models.ForeignKey(
        "accounts.Programme", on_delete=models.CASCADE, related_name="teaching_units"
    )
    code = models.CharField(_("code"), max_length=40)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    ects = models.DecimalField(_("ECTS"), max_digits=4, decimal_places=1, default=0)
    semester = models.PositiveSmallIntegerField(_("semester"), null=True, blank=True)
    is_internship = models.BooleanField(_("internship"), default=False)

    class Meta:
        verbose_name = _("teaching unit")
        verbose_name_plural = _("teaching units")
        ordering = ["programme", "semester", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="teaching_unit_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_fr}"


class FrameworkImport(models.Model):
    """An import started from the web interface: the uploaded file, its preview, then its application.

    Personal data: who started it (``created_by``). Visible to the pedagogical engineers, directors of
    studies and administrators of the institution. The uploaded file is deleted once the import is applied
    or has failed; the row (summary, author, dates) is kept as long as the framework.
    """

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imports",
        help_text="framework updated by the import; empty when the import creates a new one",
    )
    file = models.FileField(_("file"), upload_to="framework-imports/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    title = models.CharField(_("title of a new framework"), max_length=300, blank=True)
    academic_year = models.PositiveSmallIntegerField(_("academic year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    phase = models.CharField(max_length=40, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("framework import")
        verbose_name_plural = _("framework imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
