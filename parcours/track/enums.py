"""Choices of the track app. Workflow transitions are declared in ``workflow.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class CriterionKind(models.TextChoices):
    COMPETENCIES = "competencies", _("Competencies validated at a minimum level")
    RESERVE_ECTS = "reserve_ects", _("ECTS recognised from reserve activity")
    ELECTIVE_PASSED = "elective_passed", _("Elective course passed")
    ESR_MONTHS = "esr_months", _("Engagement (ESR) active during studies")
    RESERVE_DAYS = "reserve_days", _("Days of reserve activity")


#: Kinds that may appear only once in a rule set (two thresholds on the same measure contradict each other).
SINGLE_KINDS = frozenset(
    {
        CriterionKind.RESERVE_ECTS,
        CriterionKind.ELECTIVE_PASSED,
        CriterionKind.ESR_MONTHS,
        CriterionKind.RESERVE_DAYS,
    }
)


class CriterionState(models.TextChoices):
    """Where a student stands on one criterion."""

    DONE = "done", _("Done")
    PENDING = "pending", _("Pending")
    MISSING = "missing", _("Missing")


class TrackStatus(models.TextChoices):
    """Where a student stands on the whole track, in the order shown in the overview."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("On track")
    STUCK = "stuck", _("Stuck")
    COMPLETE = "complete", _("Complete, awaiting the jury")
    AWARDED = "awarded", _("Mention awarded")


class AwardStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    REVOKED = "revoked", _("Revoked")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CourseResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused absence")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
