"""Choices of the scheduling app: kinds of timetable events, statuses of call-ups, arrangements, absences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What a timetable event is for the student; decides how serious a clash with it is."""

    EXAM = "exam", _("Exam")
    MANDATORY = "mandatory", _("Mandatory session")
    CLASS = "class", _("Class")


class PatternField(models.TextChoices):
    ANY = "any", _("Summary or categories")
    SUMMARY = "summary", _("Summary")
    CATEGORIES = "categories", _("Categories")


class ConflictSeverity(models.TextChoices):
    BLOCKING = "blocking", _("Blocking")
    WARNING = "warning", _("Warning")
    INFORMATION = "information", _("Information")


#: Severity of a clash with each kind of event.
SEVERITY_BY_KIND = {
    EventKind.EXAM: ConflictSeverity.BLOCKING,
    EventKind.MANDATORY: ConflictSeverity.WARNING,
    EventKind.CLASS: ConflictSeverity.INFORMATION,
}


class ImportStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class CallUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class ArrangementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROPOSED = "proposed", _("Solution proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Arrangements that still hold a place (only one of them per call-up and event).
ARRANGEMENT_OPEN_STATUSES = (
    ArrangementStatus.REQUESTED,
    ArrangementStatus.PROPOSED,
    ArrangementStatus.APPROVED,
)


class ArrangementKind(models.TextChoices):
    """What the student asks for (Code de l'éducation L611-11)."""

    TIMETABLE_CHANGE = "timetable_change", _("Timetable change")
    EXAM_RESCHEDULING = "exam_rescheduling", _("Exam rescheduling")
    REMOTE_ATTENDANCE = "remote_attendance", _("Remote attendance")
    EXCUSED_ABSENCE = "excused_absence", _("Excused absence")


class ArrangementSolution(models.TextChoices):
    """What the teacher proposes."""

    NEW_EXAM_DATE = "new_exam_date", _("New exam date")
    ALTERNATIVE_ASSIGNMENT = "alternative_assignment", _("Alternative assignment")
    REMOTE_ATTENDANCE = "remote_attendance", _("Remote attendance")
    EXCUSED_ABSENCE = "excused_absence", _("Excused absence")


class AbsenceRequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to HR")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ABSENCE_OPEN_STATUSES = (
    AbsenceRequestStatus.DRAFT,
    AbsenceRequestStatus.SUBMITTED,
    AbsenceRequestStatus.APPROVED,
)


class BeyondLimit(models.TextChoices):
    """What happens to the days beyond the yearly quota."""

    DETACHMENT = "detachment", _("Détachement (leave without pay from the school)")
    EMPLOYER_CONSENT = "employer_consent", _("Only with the employer's consent")


class CounterLevel(models.TextChoices):
    OK = "ok", _("Within the quota")
    NEAR_LIMIT = "near_limit", _("Close to the limit")
    OVER_LIMIT = "over_limit", _("Beyond the limit")
