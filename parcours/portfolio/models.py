"""Portfolio models.

Personal data held here is sensitive (it reveals military status): force, engagement dates, unit, rank,
places and periods of service, evidence files. It is visible to the holder; to the school staff who decide
(pedagogical engineer, director of studies, jury) only for the items the holder shared or submitted; never
to recruiters except items the holder marked "recruiters" (never unit, rank or place); never to the
Garde nationale except as aggregates. Kept while the person is enrolled or employed and 5 years after
(appeals and diploma supplements); evidence files are deleted at erasure, decisions are pseudonymised.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import EvidenceKind, ReservistStatus, SensitiveVisibility, Visibility


class ReservistProfile(models.Model):
    """A person's reserve engagement. Unit and rank are optional and sensitive (holder and deciders only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservist_profile"
    )
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="reservists"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReservistStatus.choices, default=ReservistStatus.INTERESTED
    )
    force = models.ForeignKey(
        "reserve.Force", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    esr_start = models.DateField(_("engagement (ESR) start"), null=True, blank=True)
    esr_end = models.DateField(_("engagement (ESR) end"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=80, blank=True)
    sensitive_visibility = models.CharField(
        _("who may see my unit and rank"),
        max_length=16,
        choices=SensitiveVisibility.choices,
        default=SensitiveVisibility.PRIVATE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reservist profile")
        verbose_name_plural = _("reservist profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(esr_end__isnull=True)
                | Q(esr_start__isnull=True)
                | Q(esr_end__gte=F("esr_start")),
                name="profile_esr_dates_ordered",
                violation_error_message=_("The engagement cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class ReservePeriod(models.Model):
    """A period of reserve activity declared by the holder (training, mission…), with its evidence."""

    profile = models.ForeignKey(ReservistProfile, on_delete=models.CASCADE, related_name="periods")
    activity_type = models.ForeignKey("reserve.ActivityType", on_delete=models.PROTECT, related_name="+")
    force = models.ForeignKey(
        "reserve.Force", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    length_days = models.PositiveSmallIntegerField(_("calendar length (days)"), editable=False)
    days = models.PositiveSmallIntegerField(_("days of activity"))
    days_reason = models.CharField(_("why the days differ from the dates"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reserve period")
        verbose_name_plural = _("reserve periods")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="period_dates_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=F("length_days")), name="period_days_fit"
            ),
            models.CheckConstraint(
                condition=Q(days=F("length_days")) | ~Q(days_reason=""), name="period_days_change_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"

    @staticmethod
    def calendar_length(start: date, end: date) -> int:
        return (end - start).days + 1


def evidence_path(instance: Evidence, filename: str) -> str:
    """Random, non-guessable storage name; the original name is kept in the database only."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """A proof file (attestation of service, certificate…). Private to the holder and the deciders."""

    profile = models.ForeignKey(ReservistProfile, on_delete=models.CASCADE, related_name="evidence")
    period = models.ForeignKey(
        ReservePeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.ATTESTATION
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=SensitiveVisibility.choices,
        default=SensitiveVisibility.PRIVATE,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class EvidenceAccess(models.Model):
    """Who downloaded which evidence file, when. Kept as long as the file, visible to administrators."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence access")
        verbose_name_plural = _("evidence accesses")
        ordering = ["-accessed_at"]


class CompetencyClaim(models.Model):
    """A competency the holder claims for a period, with a self-assessed level and a short account."""

    period = models.ForeignKey(ReservePeriod, on_delete=models.CASCADE, related_name="claims")
    competency = models.ForeignKey("frameworks.Competency", on_delete=models.PROTECT, related_name="claims")
    self_level = models.ForeignKey(
        "frameworks.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.TextField(_("account"), blank=True)
    from_suggestion = models.BooleanField(_("accepted from a suggestion"), default=False)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competency claim")
        verbose_name_plural = _("competency claims")
        constraints = [
            models.UniqueConstraint(fields=["period", "competency"], name="claim_unique_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.competency} ({self.period})"
