"""Audit events.

Personal data: who did what (the actor's account id, never their name or e-mail), on which object, when.
Visible to administrators only. Kept 5 years (accountability of academic decisions). Erasing an account
pseudonymises the user row itself, so the chain (whose hash covers the stored values) stays verifiable.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class TransitionLog(models.Model):
    """Base of the workflow logs (a request's, a call-up's, a rule set's…): who moved the object, when, and
    why. Concrete logs add the foreign key to their object and the states (from, to) of their workflow.

    Personal data: the person who made the transition and their comment. Kept as long as the object.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
