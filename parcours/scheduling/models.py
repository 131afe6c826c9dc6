"""Academic calendars, call-ups, conflicts, study arrangements and staff reserve absences.

The timetable part (groups, imported events) holds no personal data except group memberships. Call-ups,
arrangements and absence requests are personal and sensitive: they reveal that someone serves in the
reserve. Each model says who sees it and how long it is kept.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import EmploymentStatus
from parcours.audit.models import TransitionLog
from parcours.reserve.enums import ActivityKind

from .enums import (
    ABSENCE_OPEN_STATUSES,
    ARRANGEMENT_OPEN_STATUSES,
    AbsenceRequestStatus,
    ArrangementKind,
    ArrangementSolution,
    ArrangementStatus,
    BeyondLimit,
    CallUpStatus,
    EventKind,
    ImportStatus,
    PatternField,
)

# --- Academic calendars ------------------------------------------------------------------------------


class CalendarGroup(models.Model):
    """A timetable group of an institution (a cohort, a tutorial group…) fed by an iCalendar file or URL.

    No personal data. The subscription URL may embed a token of the timetable tool: visible to the
    school staff who manage calendars only.
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="calendar_groups"
    )
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    cohort = models.ForeignKey(
        "accounts.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_groups",
        verbose_name=_("cohort"),
        help_text=_("The students of this cohort belong to the group without being listed one by one."),
    )
    subscription_url = models.URLField(_("subscription URL"), max_length=1000, blank=True)
    last_imported_at = models.DateTimeField(_("last imported at"), null=True, blank=True)
    last_refresh_error = models.TextField(_("last refresh error"), blank=True)
    last_refresh_attempt_at = models.DateTimeField(_("last refresh attempt"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar group")
        verbose_name_plural = _("calendar groups")
        ordering = ["institution", "code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="calendar_group_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class GroupMembership(models.Model):
    """A person listed in a calendar group (besides the cohort's students, who belong by default).

    Personal data: links a person to a group. Visible to the person and to the school staff who manage
    calendars. Kept while the group exists.
    """

    group = models.ForeignKey(CalendarGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_group_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} ∈ {self.group.code}"


class CalendarImport(models.Model):
    """One import of a group's calendar (file or subscription), successful or not, with what changed.

    Personal data: who ran it. Visible to the school staff who manage calendars. Kept one year.
    """

    group = models.ForeignKey(CalendarGroup, on_delete=models.CASCADE, related_name="imports")
    source = models.CharField(_("source"), max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    range_start = models.DateField(_("from"))
    range_end = models.DateField(_("to"))
    events_read = models.PositiveIntegerField(_("events read"), default=0)
    occurrences = models.PositiveIntegerField(_("occurrences stored"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled occurrences"), default=0)
    events_added = models.PositiveIntegerField(default=0)
    events_changed = models.PositiveIntegerField(default=0)
    events_removed = models.PositiveIntegerField(default=0)
    occurrences_added = models.PositiveIntegerField(default=0)
    occurrences_changed = models.PositiveIntegerField(default=0)
    occurrences_removed = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    error_line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("calendar import")
        verbose_name_plural = _("calendar imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group.code} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CalendarEvent(models.Model):
    """A timetable event as the timetable tool identifies it (one UID: a single event or a series).

    No personal data beyond the teacher's e-mail when the export names an organiser. Visible to the
    group's members and the school staff. Replaced at each import; removed when it leaves the export.
    """

    group = models.ForeignKey(CalendarGroup, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(_("UID"), max_length=512)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    categories = models.CharField(_("categories"), max_length=500, blank=True)
    organizer_email = models.EmailField(_("organiser"), blank=True)
    recurrence = models.TextField(_("recurrence rule"), blank=True)
    kind = models.CharField(_("kind (from the patterns)"), max_length=16, choices=EventKind.choices)
    kind_override = models.CharField(
        _("kind (set by hand)"), max_length=16, choices=EventKind.choices, blank=True
    )
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("timetable event")
        verbose_name_plural = _("timetable events")
        ordering = ["group", "summary"]
        constraints = [models.UniqueConstraint(fields=["group", "uid"], name="calendar_event_uid_unique")]

    def __str__(self) -> str:
        return self.summary or self.uid

    @property
    def effective_kind(self) -> str:
        return self.kind_override or self.kind


class EventOccurrence(models.Model):
    """One instance of a timetable event after recurrences, overrides and exclusions are applied.

    No personal data. ``recurrence_key`` identifies the instance across imports (empty for a single
    event, the original start of the instance in a series). ``kind`` is the event's effective kind.
    """

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="occurrences")
    group = models.ForeignKey(CalendarGroup, on_delete=models.CASCADE, related_name="occurrences")
    recurrence_key = models.CharField(max_length=40, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    categories = models.CharField(_("categories"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)

    class Meta:
        verbose_name = _("timetable occurrence")
        verbose_name_plural = _("timetable occurrences")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recurrence_key"], name="occurrence_key_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="occurrence_ordered"
            ),
        ]
        indexes = [models.Index(fields=["group", "starts_at"], name="occurrence_group_start_idx")]

    def __str__(self) -> str:
        return f"{self.summary} {self.starts_at:%Y-%m-%d %H:%M}"


class EventKindPattern(models.Model):
    """A pattern that gives a kind to timetable events (« Partiel » → exam).

    No personal data. Rows without an institution are the defaults loaded from
    ``parcours/scheduling/data/event_kind_patterns.json``; an institution's own rows replace them.
    """

    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_kind_patterns",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        help_text=_("Words matched whole, ignoring case and accents; or a regular expression."),
    )
    is_regex = models.BooleanField(_("regular expression"), default=False)
    field = models.CharField(
        _("matched on"), max_length=16, choices=PatternField.choices, default=PatternField.ANY
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("event kind pattern")
        verbose_name_plural = _("event kind patterns")
        ordering = ["institution", "position", "id"]

    def __str__(self) -> str:
        return f"{self.pattern} → {self.get_kind_display()}"


class HolidayPeriod(models.Model):
    """A school holiday period of an institution (used by the call-up policies). No personal data."""

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="holiday_periods"
    )
    label = models.CharField(_("label"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("school holiday period")
        verbose_name_plural = _("school holiday periods")
        ordering = ["institution", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="holiday_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"


class CallUpPolicy(models.Model):
    """A school policy for some kind of reserve activity, as configuration.

    Example: a military preparation done during school holidays excuses the student from the classes
    of the following week (``excused_days_after`` = 7). No personal data.
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="call_up_policies"
    )
    activity_kind = models.CharField(_("activity kind"), max_length=32, choices=ActivityKind.choices)
    requires_holiday = models.BooleanField(_("only when done during school holidays"), default=True)
    excused_days_after = models.PositiveSmallIntegerField(
        _("days excused after the period"),
        default=7,
        help_text=_(
            "Classes and mandatory sessions of these days are excused; exams still need an arrangement."
        ),
    )
    label = models.CharField(_("label"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call-up policy")
        verbose_name_plural = _("call-up policies")
        ordering = ["institution", "activity_kind"]

    def __str__(self) -> str:
        return self.label


class SchedulingSettings(models.Model):
    """Per-institution settings for staff absences. No personal data."""

    institution = models.OneToOneField(
        "accounts.Institution", on_delete=models.CASCADE, related_name="scheduling_settings"
    )
    employer_headcount = models.PositiveIntegerField(
        _("number of staff (for the small-employer rule)"), default=250
    )
    agreement_extra_days = models.PositiveSmallIntegerField(
        _("extra days granted by agreement (private-law staff)"), default=0
    )
    public_holiday_subdivision = models.CharField(
        _("public holidays subdivision"),
        max_length=8,
        blank=True,
        help_text=_("For example “57” for Moselle; empty for the national calendar."),
    )

    class Meta:
        verbose_name = _("scheduling settings")
        verbose_name_plural = _("scheduling settings")

    def __str__(self) -> str:
        return str(self.institution)


# --- Call-ups -----------------------------------------------------------------------------------------


class CallUp(models.Model):
    """A planned reserve period (convocation) of a reservist, student or staff.

    Personal and sensitive data (reveals military status): activity, force, dates, notes. Visible to
    the reservist; the dates (never the force) are seen by the teacher and director of studies through an
    arrangement request, and by HR through an absence request. Kept until the end of the calendar year
    after the period (staff quotas are counted per calendar year), then deleted by ``scheduling_purge``.
    """

    reservist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_ups")
    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="call_ups")
    activity_type = models.ForeignKey(
        "reserve.ActivityType", on_delete=models.PROTECT, related_name="call_ups", verbose_name=_("activity")
    )
    force = models.ForeignKey(
        "reserve.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_ups",
        verbose_name=_("force"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("whole days"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CallUpStatus.choices, default=CallUpStatus.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call-up")
        verbose_name_plural = _("call-ups")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="call_up_ordered"),
        ]
        indexes = [models.Index(fields=["reservist", "starts_at"], name="call_up_reservist_idx")]

    def __str__(self) -> str:
        return f"{self.activity_type} {self.starts_at:%Y-%m-%d}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == CallUpStatus.CANCELLED

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.starts_at).date()

    @property
    def last_day(self) -> date:
        """The last local day the period touches (its end is exclusive)."""
        return timezone.localtime(self.ends_at - timedelta(microseconds=1)).date()


class CallUpTransition(TransitionLog):
    """Log of a call-up's status changes. Personal data: who, when. Kept with the call-up."""

    call_up = models.ForeignKey(CallUp, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CallUpStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CallUpStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("call-up step")
        verbose_name_plural = _("call-up steps")


# --- Study arrangements (Code de l'éducation L611-11) --------------------------------------------------


class StudyArrangement(models.Model):
    """A student's request to arrange a timetable event that clashes with a call-up, and its outcome.

    Personal data: the student, the clash (event and dates), comments and the decision. Visible to the
    student, the teacher it is addressed to and the directors of studies of the institution; never the
    force or the activity. Kept until the student leaves the institution (decisions on studies).
    The event is copied (summary, dates) so that the request survives a timetable re-import.
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="arrangements"
    )
    call_up = models.ForeignKey(CallUp, on_delete=models.CASCADE, related_name="arrangements")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arrangements"
    )
    occurrence = models.ForeignKey(
        EventOccurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="arrangements"
    )
    event_summary = models.CharField(_("event"), max_length=500)
    event_kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    event_starts_at = models.DateTimeField(_("event starts at"))
    event_ends_at = models.DateTimeField(_("event ends at"))
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="arrangements_to_handle",
        verbose_name=_("teacher"),
    )
    requested_kind = models.CharField(_("request"), max_length=32, choices=ArrangementKind.choices)
    student_comment = models.TextField(_("student's message"), blank=True)
    solution = models.CharField(_("solution"), max_length=32, choices=ArrangementSolution.choices, blank=True)
    proposed_starts_at = models.DateTimeField(_("new date"), null=True, blank=True)
    proposed_ends_at = models.DateTimeField(_("new date ends at"), null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's message"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ArrangementStatus.choices, default=ArrangementStatus.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("study arrangement")
        verbose_name_plural = _("study arrangements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_up", "occurrence"],
                condition=Q(status__in=ARRANGEMENT_OPEN_STATUSES),
                name="arrangement_one_open_per_clash",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ArrangementStatus.PROPOSED, ArrangementStatus.APPROVED])
                | ~Q(solution=""),
                name="arrangement_proposed_has_solution",
            ),
            models.CheckConstraint(
                condition=~Q(solution=ArrangementSolution.NEW_EXAM_DATE)
                | Q(proposed_starts_at__isnull=False),
                name="arrangement_new_date_is_set",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ArrangementStatus.APPROVED, ArrangementStatus.REFUSED])
                | Q(decided_at__isnull=False),
                name="arrangement_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=ArrangementStatus.REFUSED) | ~Q(decision_reason=""),
                name="arrangement_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_summary} ({self.get_status_display()})"


class ArrangementTransition(TransitionLog):
    """Log of an arrangement's transitions (who, when, from, to, why). Kept with the arrangement."""

    arrangement = models.ForeignKey(StudyArrangement, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, choices=ArrangementStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ArrangementStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("study arrangement step")
        verbose_name_plural = _("study arrangement steps")


# --- Staff reservists ------------------------------------------------------------------------------


class AbsenceRule(models.Model):
    """A legal rule on reserve absences for one employment status, valid over a period (dated data).

    No personal data. Loaded from ``parcours/scheduling/data/absence_rules.json`` by
    ``manage.py load_absence_rules``; the legal office can change a row without a code change.
    """

    employment_status = models.CharField(
        _("employment status"), max_length=32, choices=EmploymentStatus.choices
    )
    days_per_year = models.PositiveSmallIntegerField(_("days per calendar year"))
    small_employer_days = models.PositiveSmallIntegerField(
        _("days per year for a small employer"), null=True, blank=True
    )
    small_employer_threshold = models.PositiveIntegerField(
        _("small employer: fewer staff than"), null=True, blank=True
    )
    with_pay = models.BooleanField(_("with pay"), default=False)
    beyond_limit = models.CharField(_("beyond the quota"), max_length=32, choices=BeyondLimit.choices)
    notice_months = models.PositiveSmallIntegerField(_("notice (months)"), default=1)
    reactivity_notice_days = models.PositiveSmallIntegerField(
        _("notice under a reactivity clause (days)"), null=True, blank=True
    )
    silence_means_agreement = models.BooleanField(
        _("no answer within the notice means agreement"), default=False
    )
    warning_margin_days = models.PositiveSmallIntegerField(_("warn when fewer days are left than"), default=5)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    confirmed = models.BooleanField(
        _("confirmed by the legal office"),
        default=False,
        help_text=_("Unchecked: figure from a secondary source."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("absence rule")
        verbose_name_plural = _("absence rules")
        ordering = ["employment_status", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["employment_status", "valid_from"], name="absence_rule_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="absence_rule_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_status} {self.valid_from}: {self.days_per_year}"

    @property
    def leads_to_detachment(self) -> bool:
        return self.beyond_limit == BeyondLimit.DETACHMENT


class AbsenceRequest(models.Model):
    """A staff reservist's request to HR for a reserve absence (one per call-up at a time).

    Personal and sensitive data: the person, the dates, the days counted, HR's decision. Visible to the
    person and to HR of the institution (not the force nor the activity details beyond its name). Kept
    until the end of the calendar year after the absence, then deleted with the call-up.
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="absence_requests"
    )
    call_up = models.ForeignKey(CallUp, on_delete=models.CASCADE, related_name="absence_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absence_requests"
    )
    rule = models.ForeignKey(AbsenceRule, on_delete=models.PROTECT, related_name="requests")
    employment_status = models.CharField(
        _("employment status"), max_length=32, choices=EmploymentStatus.choices
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reactivity_clause = models.BooleanField(_("reactivity clause"), default=False)
    notice_deadline = models.DateField(_("to reach HR by"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AbsenceRequestStatus.choices, default=AbsenceRequestStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("absence request")
        verbose_name_plural = _("absence requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_up"],
                condition=Q(status__in=ABSENCE_OPEN_STATUSES),
                name="absence_one_open_per_call_up",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[AbsenceRequestStatus.APPROVED, AbsenceRequestStatus.REFUSED])
                | Q(decided_at__isnull=False),
                name="absence_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=AbsenceRequestStatus.REFUSED) | ~Q(decision_reason=""),
                name="absence_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} {self.call_up.starts_at:%Y-%m-%d} ({self.get_status_display()})"


class AbsenceRequestTransition(TransitionLog):
    """Log of an absence request's transitions (who, when, from, to, why). Kept with the request."""

    request = models.ForeignKey(AbsenceRequest, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, choices=AbsenceRequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=AbsenceRequestStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("absence request step")
        verbose_name_plural = _("absence request steps")


# --- Personal ICS feed ------------------------------------------------------------------------------


class CalendarFeedToken(models.Model):
    """The secret of a person's ICS feed (their own plan). Only a hash is stored; it can be revoked.

    Personal data: links a secret to a person. Visible to nobody (the person sees the URL once). Kept
    until revoked, then one year.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, help_text="First characters of the token, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="feed_token_one_active_per_user"
            )
        ]
