"""Reserve catalogue and recognition rules. No personal data (approvals are in the audit trail)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.audit.models import TransitionLog

from .enums import ActivityKind, EctsMode, RankBand, RuleStatus


class Force(models.Model):
    """An army, service or directorate whose reserve a person serves in (Armée de terre, Gendarmerie…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    ministry = models.CharField(_("ministry"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("force")
        verbose_name_plural = _("forces")
        ordering = ["position", "name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class ActivityType(models.Model):
    """A kind of reserve activity (military preparation, initial training, mission…) with its usual length."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    typical_days = models.PositiveSmallIntegerField(_("typical duration (days)"), default=1)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["position", "name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class RecognitionRule(models.Model):
    """A general rule decided once by the school and applied to many people.

    An activity type (optionally restricted by force, minimum days or rank band) gives competencies at a
    level, ECTS and exemptions. Approved rules are immutable: a change is a new version (``previous``).
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="recognition_rules"
    )
    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="recognition_rules"
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="rules")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, null=True, blank=True, related_name="rules")
    min_days = models.PositiveSmallIntegerField(_("minimum days"), default=0)
    rank_band = models.CharField(
        _("rank band"), max_length=16, choices=RankBand.choices, blank=True, default=""
    )
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    ects_mode = models.CharField(_("ECTS"), max_length=16, choices=EctsMode.choices, default=EctsMode.NONE)
    ects_value = models.DecimalField(
        _("ECTS (fixed, or per day)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    ects_cap = models.DecimalField(_("ECTS cap"), max_digits=5, decimal_places=2, null=True, blank=True)
    exempted_units = models.ManyToManyField(
        "frameworks.TeachingUnit",
        blank=True,
        related_name="exempting_rules",
        verbose_name=_("exempted teaching units"),
    )
    internship_weeks_exempted = models.PositiveSmallIntegerField(_("internship weeks exempted"), default=0)
    supplement_wording_fr = models.TextField(_("diploma-supplement wording (French)"), blank=True)
    supplement_wording_en = models.TextField(_("diploma-supplement wording (English)"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RuleStatus.choices, default=RuleStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        ordering = ["institution", "activity_type__position", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RuleStatus.APPROVED) | Q(approved_at__isnull=False),
                name="rule_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="rule_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(ects_value__gte=0), name="rule_ects_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title_fr} (v{self.version})"

    def ects_for(self, days: int) -> Decimal:
        """ECTS granted for an activity of ``days`` days under this rule."""
        if self.ects_mode == EctsMode.FIXED:
            return self.ects_value
        if self.ects_mode == EctsMode.PER_DAY:
            value = self.ects_value * days
            return min(value, self.ects_cap) if self.ects_cap is not None else value
        return Decimal("0")


class RuleCompetency(models.Model):
    """A competency a rule recognises, with the level reached."""

    rule = models.ForeignKey(RecognitionRule, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey(
        "frameworks.Competency", on_delete=models.PROTECT, related_name="rule_links"
    )
    level = models.ForeignKey(
        "frameworks.Level", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("competency recognised by a rule")
        verbose_name_plural = _("competencies recognised by a rule")
        constraints = [models.UniqueConstraint(fields=["rule", "competency"], name="rule_competency_unique")]

    def __str__(self) -> str:
        return f"{self.competency} → {self.level}"


class RuleTransition(TransitionLog):
    """One step of a rule's workflow (drafted → approved → retired): who, when, from, to, why, and the rule's
    content at that moment.

    Personal data: the person who made the transition. Visible to the school staff who see the rule. Kept as
    long as the rule (it is part of the accountability of academic decisions).
    """

    rule = models.ForeignKey(RecognitionRule, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=RuleStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=RuleStatus.choices)
    snapshot = models.JSONField(_("content of the rule at that moment"), default=dict, blank=True)

    class Meta(TransitionLog.Meta):
        verbose_name = _("rule transition")
        verbose_name_plural = _("rule transitions")
        ordering = ["rule", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.rule} {self.from_status or '∅'} → {self.to_status}"


class PublicationDeadline(models.Model):
    """The legal delay to publish the year's validation rules (Code de l'éducation D611-7), as dated data.

    The delay counts from the start of the academic year. Loaded from ``reserve/data/publication_deadlines.csv``
    and editable by the legal office in the administration site. No personal data.
    """

    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    months_after_start = models.PositiveSmallIntegerField(_("months after the start of the academic year"))
    warning_days = models.PositiveSmallIntegerField(_("warn this many days before"), default=21)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("publication deadline")
        verbose_name_plural = _("publication deadlines")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="publication_deadline_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="publication_deadline_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months_after_start} months ({self.valid_from})"
