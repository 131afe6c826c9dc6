"""Choices of the credentials app. Transitions between statuses are declared in ``workflow.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AchievementKind(models.TextChoices):
    COMPETENCY = "competency", _("Competency")
    COURSE = "course", _("Elective course")
    TRACK = "track", _("Track award")


#: Open Badges 3.0 ``achievementType`` for each kind.
ACHIEVEMENT_TYPES = {
    AchievementKind.COMPETENCY: "Competency",
    AchievementKind.COURSE: "Course",
    AchievementKind.TRACK: "Award",
}


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class Verdict(models.TextChoices):
    """What the verification page says, in the order of precedence used to pick one."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    ALTERED = "altered", _("Altered")
    UNKNOWN_ISSUER = "unknown_issuer", _("Unknown issuer")
    STATUS_UNKNOWN = "status_unknown", _("Status cannot be checked")
    INVALID = "invalid", _("Not a valid credential")
    UNSUPPORTED = "unsupported", _("Format not supported")
    NOT_FOUND = "not_found", _("Unknown credential")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
