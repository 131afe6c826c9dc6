"""Feedback on suggestions: the learning signal of the matching engine.

Personal data: the text a person typed (a description of a reserve activity), who typed it, and whether
they accepted or rejected a suggested competency. Visible to administrators; used, without the author, to
train the engine. Kept 5 years; the author link is removed at erasure.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionFeedback(models.Model):
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey("frameworks.Competency", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("text"))
    accepted = models.BooleanField(_("accepted"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion feedback")
        verbose_name_plural = _("suggestion feedback")
        ordering = ["-created_at"]
