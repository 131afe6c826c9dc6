"""Recognition requests, jury sessions and decisions.

Personal data: who asked for what recognition, the reviewers' comments, the jury's decisions and reasons.
Visible to the holder, and to the pedagogical engineer, the director of studies and the jury members of the
institution. Decisions are academic records: kept as the law requires (pseudonymised at erasure); drafts
and comments are deleted 5 years after the decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.audit.models import TransitionLog

from .enums import Outcome, RequestStatus, SessionStatus


class RecognitionRequest(models.Model):
    """One person's request to have reserve periods recognised, with evidence."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognition_requests"
    )
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="recognition_requests"
    )
    periods = models.ManyToManyField(
        "portfolio.ReservePeriod", related_name="requests", verbose_name=_("periods")
    )
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message to the reviewers"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="optimistic lock, bumped by each transition")
    session = models.ForeignKey(
        "recognition.JurySession", on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recognition request")
        verbose_name_plural = _("recognition requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["institution", "status", "submitted_at"], name="request_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[RequestStatus.DECIDED, RequestStatus.APPEALED]) | Q(outcome=""),
                name="request_outcome_only_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[RequestStatus.DECIDED, RequestStatus.APPEALED])
                | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="request_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.DRAFT)
                | Q(submitted_at__isnull=False)
                | Q(status=RequestStatus.WITHDRAWN),
                name="request_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"DV-{self.created_at:%Y}-{self.pk:05d}" if self.pk and self.created_at else "DV-…"


class RequestTransition(TransitionLog):
    """The log of a request's workflow: who moved it, when, from which state to which, and why."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices)
    target = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")


class JurySession(models.Model):
    """A sitting of the recognition jury: date, members, requests examined, minutes."""

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="jury_sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="jury_sessions", verbose_name=_("members")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jury session")
        verbose_name_plural = _("jury sessions")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Decision(models.Model):
    """A signed jury decision on a request. Immutable once signed; a correction is a new decision."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.PROTECT, related_name="decisions")
    session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    is_current = models.BooleanField(default=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(is_current=True), name="one_current_decision_per_request"
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.REFUSED) | ~Q(reason=""), name="refusal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} — {self.get_outcome_display()}"

    @property
    def total_ects(self):
        return sum((v.ects for v in self.validated_activities.all()), start=0)


class ValidatedActivity(models.Model):
    """A reserve period validated by a decision: ECTS, exemptions, wording.

    The same activity can be validated only once (Code de l'éducation D611-7): a unique constraint on the
    period among current validations enforces it.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="validated_activities")
    period = models.ForeignKey(
        "portfolio.ReservePeriod", on_delete=models.PROTECT, related_name="validations"
    )
    rule = models.ForeignKey(
        "reserve.RecognitionRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ects = models.DecimalField(_("ECTS"), max_digits=5, decimal_places=2, default=0)
    exempted_units = models.ManyToManyField("frameworks.TeachingUnit", blank=True, related_name="+")
    internship_weeks_exempted = models.PositiveSmallIntegerField(_("internship weeks exempted"), default=0)
    wording_fr = models.TextField(_("diploma-supplement wording (French)"), blank=True)
    wording_en = models.TextField(_("diploma-supplement wording (English)"), blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("validated activity")
        verbose_name_plural = _("validated activities")
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(is_current=True), name="activity_validated_only_once"
            ),
            models.CheckConstraint(condition=Q(ects__gte=0), name="validated_ects_positive"),
        ]


class DecisionCompetency(models.Model):
    """A competency recognised by a decision, at a level; a change from the rule's proposal needs a reason."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="competencies")
    competency = models.ForeignKey("frameworks.Competency", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        "frameworks.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_level = models.ForeignKey(
        "frameworks.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_rule = models.BooleanField(default=False)
    change_reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        verbose_name = _("recognised competency")
        verbose_name_plural = _("recognised competencies")
        constraints = [
            models.UniqueConstraint(fields=["decision", "competency"], name="decision_competency_unique"),
        ]


class Comment(models.Model):
    """A reviewer's or holder's comment on a request."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]
