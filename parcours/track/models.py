"""The ingénieur réserviste track: completion rules, the jury's award of the mention, the elective course,
yearly engagement plans and diploma supplements.

Personal data held here: who is enrolled in the elective, their attendance and grade; each student's
engagement plan (their own commitments and activities); the jury's award of the mention and its reasons;
the content of each diploma supplement (name, programme, recognised competencies, ECTS, exemptions) and the
student's number in the school's information system. Never a unit, a rank or a place of service.
Visible to the student concerned; to the school staff of the institution who run the track (pedagogical
engineer, director of studies, administrator); to the course's teachers for the elective (enrolment,
attendance, grades). Kept as long as the academic record (5 years after graduation for the elective and
plans; awards and supplements as the law requires for diplomas); pseudonymised at erasure.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.audit.models import TransitionLog

from .enums import (
    AttendanceStatus,
    AwardStatus,
    BatchStatus,
    CourseResult,
    CriterionKind,
    EnrolmentStatus,
    RuleSetStatus,
)

# --- Track rules -----------------------------------------------------------------------------------------


class TrackRuleSet(models.Model):
    """The completion rules of the track for one institution and academic year (draft → approved).

    No personal data (who edited and approved it is in the transition log and the audit trail).
    An approved rule set is immutable; a change is a new draft (copied from it) approved in its turn.
    """

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="track_rule_sets"
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (first calendar year)"))
    title = models.CharField(_("title"), max_length=200)
    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        related_name="track_rule_sets",
        verbose_name=_("competency framework"),
        help_text=_("The framework whose levels and blocks the criteria refer to."),
    )
    study_years = models.PositiveSmallIntegerField(
        _("length of studies (years)"),
        default=3,
        help_text=_("Used to know when a student's studies started (from the cohort's graduation year)."),
    )
    stuck_after_days = models.PositiveSmallIntegerField(
        _("a student is stuck after (days without progress)"), default=120
    )
    sis_element_code = models.CharField(
        _("element code of reserve ECTS in the student information system"), max_length=40, default="RESERVE"
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0, help_text="optimistic lock, bumped by each change")
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
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
        verbose_name = _("track rule set")
        verbose_name_plural = _("track rule sets")
        ordering = ["institution", "-academic_year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "academic_year"],
                condition=Q(status=RuleSetStatus.APPROVED),
                name="track_one_approved_rule_set_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(status=RuleSetStatus.APPROVED) | Q(approved_at__isnull=False),
                name="track_rule_set_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(study_years__gte=1), name="track_rule_set_study_years_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.academic_year}-{self.academic_year + 1})"

    @property
    def is_editable(self) -> bool:
        return self.status == RuleSetStatus.DRAFT


class TrackCriterion(models.Model):
    """One typed completion criterion of a rule set. Which fields are used depends on ``kind``."""

    rule_set = models.ForeignKey(TrackRuleSet, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("criterion"), max_length=24, choices=CriterionKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    count = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("Competencies, months or days, depending on the criterion."),
    )
    min_level = models.ForeignKey(
        "frameworks.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minimum level"),
    )
    ects = models.DecimalField(_("ECTS"), max_digits=5, decimal_places=2, null=True, blank=True)
    blocks = models.ManyToManyField(
        "frameworks.Competency", blank=True, related_name="+", verbose_name=_("within the blocks")
    )

    class Meta:
        verbose_name = _("track criterion")
        verbose_name_plural = _("track criteria")
        ordering = ["rule_set", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[
                        CriterionKind.COMPETENCIES,
                        CriterionKind.ESR_MONTHS,
                        CriterionKind.RESERVE_DAYS,
                    ]
                )
                | Q(count__gte=1),
                name="track_criterion_count_required",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.RESERVE_ECTS) | Q(ects__gt=0),
                name="track_criterion_ects_required",
            ),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.COMPETENCIES) | Q(min_level__isnull=True),
                name="track_criterion_level_only_for_competencies",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"


class RuleSetTransition(TransitionLog):
    """The log of a rule set's workflow: who moved it, when, from which state to which, and why.

    Personal data: who made the transition and their comment. Kept as long as the rule set.
    """

    rule_set = models.ForeignKey(TrackRuleSet, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=16, choices=RuleSetStatus.choices)
    target = models.CharField(_("to"), max_length=16, choices=RuleSetStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("rule set transition")
        verbose_name_plural = _("rule set transitions")


# --- The jury's award of the mention ---------------------------------------------------------------------


class TrackAward(models.Model):
    """The jury's award of the « ingénieur réserviste » mention to a student: a logged, signed decision.

    Personal data: the student, the jury's remarks and a snapshot of the student's progress at the time.
    Visible to the student and the school staff who run the track. Kept as long as the diploma record.
    A revoked award keeps its row, with who revoked it, when and why.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="track_awards"
    )
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="track_awards"
    )
    rule_set = models.ForeignKey(TrackRuleSet, on_delete=models.PROTECT, related_name="awards")
    session = models.ForeignKey(
        "recognition.JurySession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="track_awards",
        verbose_name=_("jury session"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.AWARDED
    )
    minutes = models.TextField(_("remarks of the jury"), blank=True)
    progress_snapshot = models.JSONField(_("progress when awarded"), default=dict)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("awarded at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)

    class Meta:
        verbose_name = _("track award")
        verbose_name_plural = _("track awards")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "institution"],
                condition=Q(status=AwardStatus.AWARDED),
                name="track_one_current_award_per_student",
            ),
            models.CheckConstraint(
                condition=Q(status=AwardStatus.AWARDED, revoked_at__isnull=True)
                | (Q(status=AwardStatus.REVOKED, revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="track_award_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.student}"

    @property
    def reference(self) -> str:
        return f"MIR-{self.decided_at:%Y}-{self.pk:05d}" if self.pk and self.decided_at else "MIR-…"


# --- The elective course ---------------------------------------------------------------------------------


class Course(models.Model):
    """The elective « Compétences de la défense nationale pour l'ingénieur » of one academic year.

    No personal data but the teachers' names (staff of the school, visible to the students of the course).
    """

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="courses")
    academic_year = models.PositiveSmallIntegerField(_("academic year (first calendar year)"))
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Element code in the student information system.")
    )
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    partners = models.CharField(
        _("co-produced with"),
        max_length=300,
        blank=True,
        help_text=_("Defence bodies that co-produce the course."),
    )
    ects = models.DecimalField(_("ECTS"), max_digits=4, decimal_places=1, default=Decimal("2"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=30)
    grade_max = models.DecimalField(_("top of the grading scale"), max_digits=5, decimal_places=2, default=20)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, default=10)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance to pass (%)"),
        default=0,
        help_text=_("0: attendance does not condition the result."),
    )
    enrolment_open = models.BooleanField(_("enrolment open"), default=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_courses", verbose_name=_("teachers")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("elective course")
        verbose_name_plural = _("elective courses")
        ordering = ["institution", "-academic_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "academic_year", "code"], name="track_course_code_unique"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="track_course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=F("grade_max")),
                name="track_course_pass_mark_in_scale",
            ),
            models.CheckConstraint(condition=Q(grade_max__gt=0), name="track_course_scale_positive"),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="track_course_attendance_percent"
            ),
            models.CheckConstraint(condition=Q(ects__gte=0), name="track_course_ects_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title_fr} ({self.academic_year}-{self.academic_year + 1})"

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_fr


class CourseSession(models.Model):
    """A session of the elective: date, duration, topic, speaker and the organisation they come from."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    topic = models.CharField(_("topic"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    speaker_organisation = models.CharField(_("speaker's organisation"), max_length=200, blank=True)
    place = models.CharField(_("room"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["course", "date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=600),
                name="track_session_duration_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.topic}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.duration_minutes) / 60).quantize(Decimal("0.01")).normalize()


class Enrolment(models.Model):
    """A student's enrolment in the elective (or place on its waiting list), with the grade and result.

    Personal data: the student, the grade and the result; visible to the student, the course's teachers and
    the school staff who run the track.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now=True)
    grade = models.DecimalField(_("grade"), max_digits=5, decimal_places=2, null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=CourseResult.choices, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="track_enrolment_unique"),
            models.CheckConstraint(
                condition=Q(result="") | Q(status=EnrolmentStatus.ENROLLED),
                name="track_result_only_when_enrolled",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=0), name="track_grade_positive"
            ),
        ]
        indexes = [models.Index(fields=["student", "status"], name="track_enrolment_student_idx")]

    def __str__(self) -> str:
        return f"{self.student} — {self.course}"


class Attendance(models.Model):
    """Whether an enrolled student attended a session, as recorded by the teacher."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=8, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="track_attendance_unique")
        ]


# --- Engagement plans ------------------------------------------------------------------------------------


class EngagementTarget(models.Model):
    """How many days of engagement the school expects from each student in an academic year. No personal data."""

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="engagement_targets"
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (first calendar year)"))
    target_days = models.PositiveSmallIntegerField(_("target (days per year)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement target")
        verbose_name_plural = _("engagement targets")
        ordering = ["institution", "-academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "academic_year"], name="track_engagement_target_unique"
            ),
            models.CheckConstraint(condition=Q(target_days__gte=1), name="track_engagement_target_positive"),
        ]


class EngagementPlan(models.Model):
    """A student's yearly engagement plan: their commitments; reserve days are counted from the portfolio.

    Personal data: what the student commits to and the engagement activities they declare. Visible to the
    student and the school staff who run the track.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_plans"
    )
    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField(_("academic year (first calendar year)"))
    commitments = models.TextField(_("my commitments for the year"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement plan")
        verbose_name_plural = _("engagement plans")
        ordering = ["-academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "institution", "academic_year"], name="track_engagement_plan_unique"
            )
        ]


class EngagementActivity(models.Model):
    """An engagement other than the reserve (association, tutoring…) declared in a plan, in days."""

    plan = models.ForeignKey(EngagementPlan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    date = models.DateField(_("date"))
    days = models.DecimalField(_("days"), max_digits=4, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("engagement activity")
        verbose_name_plural = _("engagement activities")
        ordering = ["plan", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gt=0) & Q(days__lte=60), name="track_activity_days_range"
            )
        ]


# --- Diploma supplements ---------------------------------------------------------------------------------


class StudentNumber(models.Model):
    """A student's number in the school's information system (SIS), used by the SIS export and the supplement.

    Personal data (an identifier): visible to the student and the school staff who run the track.
    """

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("student number"), max_length=40)

    class Meta:
        verbose_name = _("student number")
        verbose_name_plural = _("student numbers")
        constraints = [
            models.UniqueConstraint(fields=["institution", "user"], name="track_student_number_per_user"),
            models.UniqueConstraint(fields=["institution", "number"], name="track_student_number_unique"),
        ]


class DiplomaSupplement(models.Model):
    """One issue of a student's bilingual diploma supplement: its content as issued, and its PDF.

    The PDF is a ``documents.Document`` (kind ``diploma_supplement``, source ``track.diploma_supplement`` and
    this row's id). A new issue supersedes the previous one, whose document is withdrawn with a reason.
    Personal data: see the module docstring (``context`` holds what the PDF prints).
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="diploma_supplements"
    )
    institution = models.ForeignKey("accounts.Institution", on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    context = models.JSONField(_("content as issued"))
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    is_current = models.BooleanField(default=True)
    document_public_id = models.UUIDField(_("document"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("diploma supplement")
        verbose_name_plural = _("diploma supplements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "institution"],
                condition=Q(is_current=True),
                name="track_one_current_supplement",
            ),
            models.UniqueConstraint(
                fields=["student", "institution", "revision"], name="track_supplement_revision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.student}"

    @property
    def reference(self) -> str:
        return self.context.get("reference", "") if isinstance(self.context, dict) else ""

    @property
    def is_ready(self) -> bool:
        return self.document_public_id is not None


class SupplementBatch(models.Model):
    """The generation of the diploma supplements of a cohort, with its progress and the failures by student.

    Personal data: who started it, and the names of the students whose supplement failed (with why).
    Visible to the school staff who run the track. Kept one year.
    """

    institution = models.ForeignKey("accounts.Institution", on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("accounts.Cohort", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    generated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supplement batch")
        verbose_name_plural = _("supplement batches")
        ordering = ["-created_at"]

    @property
    def processed(self) -> int:
        return self.generated + self.unchanged + self.failed

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.finished_at else 0)

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)
