"""Write side of the track: rule sets, the jury's award, the elective course, engagement plans, supplements.

One transaction per service; credentials and PDF rendering happen after commit, through Django's tasks API.
Every refusal is a :class:`TrackError` with a message a user can act on (and the form field it concerns).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from parcours.audit.services import audit_record

from . import permissions, rules
from .enums import (
    AttendanceStatus,
    AwardStatus,
    BatchStatus,
    CourseResult,
    CriterionKind,
    EnrolmentStatus,
    RuleSetStatus,
)
from .models import (
    Attendance,
    Course,
    CourseSession,
    DiplomaSupplement,
    EngagementActivity,
    EngagementPlan,
    EngagementTarget,
    Enrolment,
    RuleSetTransition,
    SupplementBatch,
    TrackAward,
    TrackCriterion,
    TrackRuleSet,
)
from .workflow import TRANSITIONS, Transition, transition_for

logger = logging.getLogger(__name__)

SUPPLEMENT_SOURCE = "track.diploma_supplement"
#: Students whose supplement content a batch reads at once (ten queries per group instead of ten per student).
SUPPLEMENT_BATCH_READ = 100
ENROLMENT_SOURCE = "track.enrolment"
AWARD_SOURCE = "track.award"


class TrackError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ConcurrentChange(TrackError):
    """Someone else changed the object first; nothing was written."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise TrackError(message)


# --- Rule sets -------------------------------------------------------------------------------------------


def current_framework(institution):
    """The institution's framework in force (the frameworks app's selector when it has one)."""
    try:
        from parcours.frameworks.selectors import current_framework as selector
    except ImportError:
        selector = None
    if selector is not None:
        framework = selector(institution)
        if framework is not None:
            return framework
    from parcours.frameworks.models import Framework

    return (
        Framework.objects.filter(institution=institution, kind="school")
        .exclude(status="draft")
        .order_by("-academic_year", "-pk")
        .first()
    )


def rule_set_create(
    *,
    institution,
    actor,
    academic_year: int,
    title: str,
    framework=None,
    study_years: int = 3,
    stuck_after_days: int = 120,
    sis_element_code: str = "RESERVE",
    notes: str = "",
    copy_from: TrackRuleSet | None = None,
) -> TrackRuleSet:
    """A new draft rule set, empty or copied (criteria included) from ``copy_from``."""
    _require(
        permissions.can_edit_rules(actor, institution),
        _("Only the pedagogical engineer edits the track rules."),
    )
    framework = framework or (copy_from.framework if copy_from else None) or current_framework(institution)
    if framework is None:
        raise TrackError(
            _(
                "The institution has no published competency framework: publish one before writing track rules."
            ),
            field="framework",
        )
    if framework.institution_id not in (None, institution.pk):
        raise TrackError(_("Choose a framework of your institution."), field="framework")
    if copy_from is not None and copy_from.institution_id != institution.pk:
        raise TrackError(_("Copy a rule set of your institution."))
    if not 1 <= int(study_years) <= 8:
        raise TrackError(_("The length of studies must be between 1 and 8 years."), field="study_years")
    if not (title or "").strip():
        raise TrackError(_("Give the rule set a title."), field="title")
    with transaction.atomic():
        rule_set = TrackRuleSet.objects.create(
            institution=institution,
            academic_year=academic_year,
            title=title.strip(),
            framework=framework,
            study_years=study_years,
            stuck_after_days=stuck_after_days,
            sis_element_code=sis_element_code or "RESERVE",
            notes=notes,
            copied_from=copy_from,
            created_by=actor,
        )
        if copy_from is not None:
            for old in copy_from.criteria.prefetch_related("blocks"):
                new = TrackCriterion.objects.create(
                    rule_set=rule_set,
                    kind=old.kind,
                    position=old.position,
                    count=old.count,
                    min_level=old.min_level
                    if old.min_level and old.min_level.framework_id == framework.pk
                    else None,
                    ects=old.ects,
                )
                new.blocks.set([b for b in old.blocks.all() if b.framework_id == framework.pk])
        audit_record(
            "track.rule_set.created",
            actor=actor,
            target=rule_set,
            institution=institution,
            data={"academic_year": academic_year, "copied_from": copy_from.pk if copy_from else None},
        )
    return rule_set


def _editable(rule_set: TrackRuleSet, actor) -> None:
    _require(
        permissions.can_edit_rules(actor, rule_set.institution_id),
        _("Only the pedagogical engineer edits the track rules."),
    )
    if not rule_set.is_editable:
        raise TrackError(_("Approved rules cannot be changed: copy them into a new draft."))


def rule_set_update(*, rule_set: TrackRuleSet, actor, **fields) -> TrackRuleSet:
    _editable(rule_set, actor)
    allowed = {"title", "study_years", "stuck_after_days", "sis_element_code", "notes", "academic_year"}
    unknown = set(fields) - allowed
    if unknown:
        raise TrackError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "study_years" in fields and not 1 <= int(fields["study_years"]) <= 8:
        raise TrackError(_("The length of studies must be between 1 and 8 years."), field="study_years")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(rule_set, name, value)
        rule_set.version += 1
        rule_set.save()
        audit_record(
            "track.rule_set.updated",
            actor=actor,
            target=rule_set,
            institution=rule_set.institution,
            data=fields,
        )
    return rule_set


def criterion_add(
    *,
    rule_set: TrackRuleSet,
    actor,
    kind: str,
    count: int | None = None,
    min_level=None,
    ects: Decimal | None = None,
    blocks: Iterable = (),
) -> TrackCriterion:
    """Add one typed criterion to a draft; the fields a kind does not use are ignored."""
    _editable(rule_set, actor)
    if kind not in CriterionKind.values:
        raise TrackError(_("Unknown criterion “%(kind)s”.") % {"kind": kind}, field="kind")
    blocks = list(blocks or [])
    if kind in (CriterionKind.COMPETENCIES, CriterionKind.ESR_MONTHS, CriterionKind.RESERVE_DAYS):
        if count is None or int(count) < 1:
            raise TrackError(_("Give a number of at least 1 for this criterion."), field="count")
        if int(count) > 32000:
            raise TrackError(_("This number is too large."), field="count")
    if kind == CriterionKind.RESERVE_ECTS:
        try:
            ects = Decimal(str(ects)) if ects is not None else None
        except InvalidOperation:
            ects = None
        if ects is None or ects <= 0 or ects >= 1000:
            raise TrackError(_("Give a number of ECTS greater than 0."), field="ects")
    if kind == CriterionKind.COMPETENCIES:
        if min_level is not None and min_level.framework_id != rule_set.framework_id:
            raise TrackError(_("Choose a level of the rule set's framework."), field="min_level")
        wrong = [b for b in blocks if b.framework_id != rule_set.framework_id or b.item_type != "block"]
        if wrong:
            raise TrackError(
                _("%(items)s is not a block of the rule set's framework.")
                % {"items": ", ".join(str(b) for b in wrong)},
                field="blocks",
            )
    else:
        min_level, blocks = None, []
    with transaction.atomic():
        position = (rule_set.criteria.aggregate(top=Max("position"))["top"] or 0) + 1
        criterion = TrackCriterion.objects.create(
            rule_set=rule_set,
            kind=kind,
            position=position,
            count=int(count)
            if kind in (CriterionKind.COMPETENCIES, CriterionKind.ESR_MONTHS, CriterionKind.RESERVE_DAYS)
            else None,
            min_level=min_level,
            ects=ects if kind == CriterionKind.RESERVE_ECTS else None,
        )
        criterion.blocks.set(blocks)
        TrackRuleSet.objects.filter(pk=rule_set.pk).update(version=rule_set.version + 1)
        rule_set.version += 1
        audit_record(
            "track.criterion.added",
            actor=actor,
            target=rule_set,
            institution=rule_set.institution,
            data={
                "kind": kind,
                "count": count,
                "ects": ects,
                "level": getattr(min_level, "pk", None),
                "blocks": [b.pk for b in blocks],
            },
        )
    return criterion


def criterion_remove(*, criterion: TrackCriterion, actor) -> None:
    rule_set = criterion.rule_set
    _editable(rule_set, actor)
    with transaction.atomic():
        data = {"kind": criterion.kind, "criterion": criterion.pk}
        criterion.delete()
        TrackRuleSet.objects.filter(pk=rule_set.pk).update(version=rule_set.version + 1)
        audit_record(
            "track.criterion.removed",
            actor=actor,
            target=rule_set,
            institution=rule_set.institution,
            data=data,
        )


def may_transition(transition: Transition, rule_set: TrackRuleSet, user) -> bool:
    from parcours.accounts.permissions import has_role

    return has_role(user, *transition.actors, institution=rule_set.institution_id)


def available_transitions(rule_set: TrackRuleSet, user) -> list[Transition]:
    return [t for t in TRANSITIONS if rule_set.status in t.sources and may_transition(t, rule_set, user)]


def _log(rule_set: TrackRuleSet, transition_name: str, source: str, target: str, actor, comment: str) -> None:
    RuleSetTransition.objects.create(
        rule_set=rule_set, name=transition_name, source=source, target=target, actor=actor, comment=comment
    )


def rule_set_transition(
    *, rule_set: TrackRuleSet, name: str, actor, comment: str = "", expected_version: int | None = None
) -> TrackRuleSet:
    """Approve (director; refused while the rules cannot be satisfied) or retire a rule set.

    Approving a rule set retires the one approved before it for the same year, in the same transaction.
    """
    try:
        transition = transition_for(name)
    except KeyError:
        raise TrackError(_("Unknown action.")) from None
    if not may_transition(transition, rule_set, actor):
        raise TrackError(_("Only the director of studies approves or retires the track rules."))
    if rule_set.status not in transition.sources:
        raise TrackError(
            _("These rules are “%(status)s”: this action is not available.")
            % {"status": rule_set.get_status_display()}
        )
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise TrackError(_("Say why."), field="comment")
    if name == "approve":
        problems = rules.blocking(rules.rule_set_problems(rule_set))
        if problems:
            raise TrackError(
                _("These rules cannot be approved: %(problems)s")
                % {"problems": " ".join(p.message for p in problems)}
            )
    now = timezone.now()
    with transaction.atomic():
        if name == "approve":
            for previous in TrackRuleSet.objects.select_for_update().filter(
                institution=rule_set.institution_id,
                academic_year=rule_set.academic_year,
                status=RuleSetStatus.APPROVED,
            ):
                TrackRuleSet.objects.filter(pk=previous.pk).update(
                    status=RuleSetStatus.RETIRED, version=previous.version + 1
                )
                _log(
                    previous,
                    "retire",
                    RuleSetStatus.APPROVED,
                    RuleSetStatus.RETIRED,
                    actor,
                    _("Replaced by “%(title)s”.") % {"title": rule_set.title},
                )
                audit_record(
                    "track.rule_set.retired",
                    actor=actor,
                    target=previous,
                    institution=rule_set.institution,
                    data={"replaced_by": rule_set.pk},
                )
        lookup = {"pk": rule_set.pk, "status": rule_set.status}
        if expected_version is not None:
            lookup["version"] = expected_version
        changes = {"status": transition.target, "version": rule_set.version + 1}
        if name == "approve":
            changes.update(approved_by=actor, approved_at=now)
        if TrackRuleSet.objects.filter(**lookup).update(**changes) != 1:
            raise ConcurrentChange(
                _("Someone changed these rules in the meantime: reload the page and try again.")
            )
        source = rule_set.status
        rule_set.refresh_from_db()
        _log(rule_set, name, source, transition.target, actor, comment)
        audit_record(
            f"track.rule_set.{'approved' if name == 'approve' else 'retired'}",
            actor=actor,
            target=rule_set,
            institution=rule_set.institution,
            data={"from": source, "to": transition.target, "comment": comment},
        )
    return rule_set


# --- The jury's award of the mention ---------------------------------------------------------------------


def _student_membership(student, institution) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(user=student, institution=institution, role=Role.STUDENT)
        .select_related("cohort__programme")
        .first()
    )


def award_grant(*, student, institution, actor, minutes: str = "", session=None) -> TrackAward:
    """The jury awards the « ingénieur réserviste » mention to a student who completed the track."""
    from . import selectors
    from .progress import student_progress

    _require(permissions.is_jury(actor, institution), _("Only the director of studies awards the mention."))
    if _student_membership(student, institution) is None:
        raise TrackError(_("This person is not a student of the institution."))
    rule_set = selectors.rule_set_in_force(institution)
    if rule_set is None:
        raise TrackError(_("No approved track rules are in force: approve them first."))
    if session is not None and session.institution_id != institution.pk:
        raise TrackError(_("Choose a jury session of the institution."), field="session")
    progress = student_progress(rule_set, student)
    if progress.award is not None:
        raise TrackError(
            _("The mention was already awarded on %(date)s.")
            % {"date": progress.award.decided_at.strftime("%d/%m/%Y")}
        )
    if not progress.is_complete:
        raise TrackError(
            _("The track is not complete: %(missing)s") % {"missing": " ".join(progress.reasons)}
        )
    try:
        with transaction.atomic():
            award = TrackAward.objects.create(
                student=student,
                institution=institution,
                rule_set=rule_set,
                session=session,
                minutes=(minutes or "").strip(),
                progress_snapshot=progress.snapshot(),
                decided_by=actor,
                decided_at=timezone.now(),
            )
            audit_record(
                "track.award.granted",
                actor=actor,
                target=award,
                institution=institution,
                data={
                    "student": student.pk,
                    "rule_set": rule_set.pk,
                    "session": getattr(session, "pk", None),
                },
            )
            _notify(
                student,
                "track.award.granted",
                lambda: _("You were awarded the “ingénieur réserviste” mention."),
            )
            transaction.on_commit(lambda: _enqueue_award_outputs(award.pk))
    except IntegrityError:
        raise TrackError(_("The mention was awarded by someone else in the meantime.")) from None
    return award


def award_revoke(*, award: TrackAward, actor, reason: str) -> TrackAward:
    _require(
        permissions.is_jury(actor, award.institution_id),
        _("Only the director of studies revokes the mention."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise TrackError(_("Say why the mention is revoked."), field="reason")
    with transaction.atomic():
        updated = TrackAward.objects.filter(pk=award.pk, status=AwardStatus.AWARDED).update(
            status=AwardStatus.REVOKED, revoked_at=timezone.now(), revoked_by=actor, revoked_reason=reason
        )
        if updated != 1:
            raise ConcurrentChange(_("This mention is no longer awarded."))
        award.refresh_from_db()
        audit_record(
            "track.award.revoked",
            actor=actor,
            target=award,
            institution=award.institution,
            data={"reason": reason},
        )
        transaction.on_commit(lambda: _enqueue_award_outputs(award.pk))
    return award


def _enqueue_award_outputs(award_id: int) -> None:
    from .tasks import award_outputs

    award_outputs.enqueue(award_id)


def _notify(user, action: str, message, url: str = "") -> None:
    from django.apps import apps

    if apps.is_installed("parcours.notifications"):
        from parcours.notifications.services import notify

        notify(recipients=[user], action=action, message=message, url=url)


# --- The elective course ---------------------------------------------------------------------------------

COURSE_FIELDS = (
    "academic_year",
    "code",
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "partners",
    "ects",
    "capacity",
    "grade_max",
    "pass_mark",
    "min_attendance_percent",
    "enrolment_open",
)


def _check_course_values(values: Mapping) -> None:
    grade_max = Decimal(str(values.get("grade_max", 20)))
    pass_mark = Decimal(str(values.get("pass_mark", 10)))
    if grade_max <= 0:
        raise TrackError(_("The top of the grading scale must be greater than 0."), field="grade_max")
    if not 0 <= pass_mark <= grade_max:
        raise TrackError(
            _("The pass mark must lie between 0 and %(max)s.") % {"max": _plain(grade_max)}, field="pass_mark"
        )
    if int(values.get("capacity", 1)) < 1:
        raise TrackError(_("The capacity must be at least 1."), field="capacity")
    if not 0 <= int(values.get("min_attendance_percent", 0)) <= 100:
        raise TrackError(
            _("The minimum attendance is a percentage (0 to 100)."), field="min_attendance_percent"
        )
    if Decimal(str(values.get("ects", 0))) < 0:
        raise TrackError(_("ECTS cannot be negative."), field="ects")
    if not str(values.get("code", "x")).strip():
        raise TrackError(_("Give the course a code."), field="code")


def course_create(*, institution, actor, teachers: Iterable = (), **values) -> Course:
    from parcours.accounts.permissions import has_role

    _require(
        has_role(actor, *permissions.COURSE_CREATORS, institution=institution.pk),
        _("Only teachers and the pedagogical engineer create elective courses."),
    )
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TrackError(f"Unknown fields: {', '.join(sorted(unknown))}")
    _check_course_values(values)
    teachers = list(teachers)
    if has_role(actor, Role.TEACHER, institution=institution.pk) and actor not in teachers:
        teachers.append(actor)
    _check_teachers(institution, teachers)
    try:
        with transaction.atomic():
            course = Course.objects.create(institution=institution, **values)
            course.teachers.set(teachers)
            audit_record(
                "track.course.created",
                actor=actor,
                target=course,
                institution=institution,
                data={"code": course.code, "academic_year": course.academic_year},
            )
    except IntegrityError:
        raise _duplicate_course_code() from None
    return course


def _duplicate_course_code() -> TrackError:
    return TrackError(_("A course with this code already exists for this year."), field="code")


def _check_teachers(institution, teachers) -> None:
    allowed = set(
        Membership.objects.active()
        .filter(institution=institution, role__in=permissions.COURSE_MANAGERS, user__in=teachers)
        .values_list("user_id", flat=True)
    )
    strangers = [t for t in teachers if t.pk not in allowed]
    if strangers:
        raise TrackError(
            _("%(names)s cannot teach here: not a teacher of the institution.")
            % {"names": ", ".join(str(t) for t in strangers)},
            field="teachers",
        )


def course_update(*, course: Course, actor, teachers: Iterable | None = None, **values) -> Course:
    """Change a course. Lowering the capacity below the enrolled students is refused; raising it lets
    students in from the waiting list, in order."""
    _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TrackError(f"Unknown fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(course, name) for name in COURSE_FIELDS} | values
    _check_course_values(merged)
    graded = course.enrolments.exclude(result="").exists()
    if graded and (
        Decimal(str(merged["grade_max"])) != course.grade_max
        or Decimal(str(merged["pass_mark"])) != course.pass_mark
    ):
        raise TrackError(
            _("Grades are recorded: the grading scale and the pass mark can no longer change."),
            field="pass_mark",
        )
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        enrolled = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        if int(merged["capacity"]) < enrolled:
            raise TrackError(
                _("%(n)s students are already enrolled: the capacity cannot go below that.")
                % {"n": enrolled},
                field="capacity",
            )
        for name, value in values.items():
            setattr(course, name, value)
        try:
            with transaction.atomic():
                course.save()
        except IntegrityError:  # another course of the year has the code
            raise _duplicate_course_code() from None
        if teachers is not None:
            teachers = list(teachers)
            _check_teachers(course.institution, teachers)
            course.teachers.set(teachers)
        _fill_from_waiting_list(course, actor)
        audit_record(
            "track.course.updated",
            actor=actor,
            target=course,
            institution=course.institution,
            data={k: str(v) for k, v in values.items()},
        )
    return course


def _fill_from_waiting_list(course: Course, actor) -> list[Enrolment]:
    """Move students from the waiting list, first come first served, while there is room (in a transaction)."""
    enrolled = course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    room = course.capacity - enrolled
    promoted = []
    if room <= 0:
        return promoted
    for enrolment in (
        course.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("student")
        .order_by("requested_at", "pk")[:room]
    ):
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status", "status_changed_at"])
        audit_record(
            "track.enrolment.promoted",
            actor=actor,
            target=enrolment,
            institution=course.institution,
            data={"course": course.pk},
        )
        title = course.title_fr
        _notify(
            enrolment.student,
            "track.enrolment.promoted",
            lambda t=title: _("A place opened in “%(course)s”: you are enrolled.") % {"course": t},
        )
        promoted.append(enrolment)
    return promoted


def _check_session_values(values: Mapping) -> None:
    minutes = values.get("duration_minutes")
    if minutes is None or not 15 <= int(minutes) <= 600:
        raise TrackError(_("A session lasts between 15 minutes and 10 hours."), field="duration_minutes")
    if not (values.get("topic") or "").strip():
        raise TrackError(_("Give the session a topic."), field="topic")
    if values.get("speaker_organisation") and not values.get("speaker"):
        raise TrackError(_("Name the speaker as well as their organisation."), field="speaker")


SESSION_FIELDS = (
    "date",
    "start_time",
    "duration_minutes",
    "topic",
    "speaker",
    "speaker_organisation",
    "place",
)


def session_create(*, course: Course, actor, **values) -> CourseSession:
    _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TrackError(f"Unknown fields: {', '.join(sorted(unknown))}")
    _check_session_values(values)
    with transaction.atomic():
        session = CourseSession.objects.create(course=course, **values)
        audit_record(
            "track.session.created",
            actor=actor,
            target=session,
            institution=course.institution,
            data={"course": course.pk, "date": values.get("date")},
        )
    return session


def session_update(*, session: CourseSession, actor, **values) -> CourseSession:
    _require(permissions.can_manage_course(actor, session.course), _("You do not manage this course."))
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TrackError(f"Unknown fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(session, name) for name in SESSION_FIELDS} | values
    _check_session_values(merged)
    with transaction.atomic():
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        audit_record(
            "track.session.updated", actor=actor, target=session, institution=session.course.institution
        )
    return session


def session_delete(*, session: CourseSession, actor) -> None:
    _require(permissions.can_manage_course(actor, session.course), _("You do not manage this course."))
    if session.attendances.exists():
        raise TrackError(_("Attendance was taken for this session: it cannot be deleted."))
    with transaction.atomic():
        audit_record(
            "track.session.deleted",
            actor=actor,
            target=session,
            institution=session.course.institution,
            data={"topic": session.topic, "date": session.date},
        )
        session.delete()


def enrolment_request(*, course: Course, student, actor) -> Enrolment:
    """Enrol ``student`` (the student themselves, or a course manager for them).

    Enrolled while there is room; beyond the capacity, on the waiting list (the status says which).
    """
    if actor.pk != student.pk:
        _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    if not permissions.is_student_of(student, course.institution_id):
        raise TrackError(_("Only students of the institution can enrol in this course."))
    if not course.enrolment_open and actor.pk == student.pk:
        raise TrackError(_("Enrolment in this course is closed."))
    if Enrolment.objects.filter(
        student=student, course__institution=course.institution_id, result=CourseResult.PASSED
    ).exists():
        raise TrackError(_("You have already passed the elective course."))
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        existing = Enrolment.objects.filter(course=locked, student=student).first()
        if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
            raise TrackError(
                _("Already enrolled.")
                if existing.status == EnrolmentStatus.ENROLLED
                else _("Already on the waiting list.")
            )
        enrolled = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        status = EnrolmentStatus.ENROLLED if enrolled < locked.capacity else EnrolmentStatus.WAITLISTED
        if existing is not None:
            existing.status = status
            existing.requested_at = timezone.now()  # back at the end of the waiting list
            existing.grade, existing.result = None, ""
            existing.save()
            enrolment = existing
        else:
            enrolment = Enrolment.objects.create(course=locked, student=student, status=status)
        audit_record(
            "track.enrolment.created",
            actor=actor,
            target=enrolment,
            institution=course.institution,
            data={"course": course.pk, "status": status},
        )
    return enrolment


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return (
        Enrolment.objects.filter(course=enrolment.course_id, status=EnrolmentStatus.WAITLISTED)
        .filter(
            Q(requested_at__lt=enrolment.requested_at)
            | Q(requested_at=enrolment.requested_at, pk__lt=enrolment.pk)
        )
        .count()
        + 1
    )


def enrolment_withdraw(*, enrolment: Enrolment, actor) -> Enrolment:
    """Leave the course or its waiting list; the first student waiting takes the place."""
    course = enrolment.course
    if actor.pk != enrolment.student_id:
        _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise TrackError(_("This enrolment was already withdrawn."))
    if enrolment.result:
        raise TrackError(_("The result is recorded: the enrolment can no longer be withdrawn."))
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status", "status_changed_at"])
        audit_record(
            "track.enrolment.withdrawn",
            actor=actor,
            target=enrolment,
            institution=course.institution,
            data={"course": course.pk},
        )
        _fill_from_waiting_list(course, actor)
    return enrolment


def enrolment_promote(*, enrolment: Enrolment, actor) -> Enrolment:
    """A course manager lets a waiting student in; refused beyond the capacity."""
    course = enrolment.course
    _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        raise TrackError(_("Only a student on the waiting list can be let in."))
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        enrolled = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        if enrolled >= locked.capacity:
            raise TrackError(
                _("The course is full (%(n)s/%(capacity)s): raise the capacity or wait for a withdrawal.")
                % {"n": enrolled, "capacity": locked.capacity}
            )
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status", "status_changed_at"])
        audit_record(
            "track.enrolment.promoted",
            actor=actor,
            target=enrolment,
            institution=course.institution,
            data={"course": course.pk},
        )
    return enrolment


def attendance_record(*, session: CourseSession, actor, statuses: Mapping[int, str]) -> int:
    """Record attendance for the session: ``statuses`` maps enrolment ids to present/absent/excused."""
    course = session.course
    _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    enrolled = {
        e.pk: e for e in course.enrolments.filter(status=EnrolmentStatus.ENROLLED, pk__in=list(statuses))
    }
    unknown = [pk for pk in statuses if pk not in enrolled]
    if unknown:
        raise TrackError(_("Some students are not enrolled in this course: reload the page."))
    bad = [value for value in statuses.values() if value not in AttendanceStatus.values]
    if bad:
        raise TrackError(_("Unknown attendance value “%(value)s”.") % {"value": bad[0]})
    with transaction.atomic():
        existing = {a.enrolment_id: a for a in session.attendances.filter(enrolment_id__in=list(statuses))}
        for enrolment_id, value in statuses.items():
            row = existing.get(enrolment_id)
            if row is None:
                Attendance.objects.create(
                    session=session, enrolment_id=enrolment_id, status=value, recorded_by=actor
                )
            elif row.status != value:
                row.status, row.recorded_by = value, actor
                row.save(update_fields=["status", "recorded_by", "recorded_at"])
        audit_record(
            "track.attendance.recorded",
            actor=actor,
            target=session,
            institution=course.institution,
            data={"count": len(statuses)},
        )
    return len(statuses)


def attendance_rates(course: Course) -> dict[int, int | None]:
    """Per enrolment, the percentage of recorded sessions attended (an excused absence counts as attended)."""
    recorded_sessions = course.sessions.filter(attendances__isnull=False).distinct().count()
    if not recorded_sessions:
        return {}
    rows = (
        Attendance.objects.filter(session__course=course)
        .values("enrolment_id")
        .annotate(
            attended=Count("pk", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED]))
        )
    )
    return {row["enrolment_id"]: int(100 * row["attended"] / recorded_sessions) for row in rows}


def _plain(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))


def parse_grade(raw, grade_max: Decimal, who: str = "") -> Decimal | None:
    """A grade typed by a teacher (``12,5`` or ``12.5``), checked against the scale; empty is no grade."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise TrackError(
            _("%(who)s: “%(raw)s” is not a grade.") % {"who": who, "raw": raw}, field="grades"
        ) from None
    if not value.is_finite() or value < 0 or value > grade_max:
        raise TrackError(
            _("%(who)s: %(grade)s is outside the grading scale (0 to %(max)s).")
            % {"who": who, "grade": raw, "max": _plain(grade_max)},
            field="grades",
        )
    return value.quantize(Decimal("0.01"))


def grades_record(*, course: Course, actor, grades: Mapping[int, object]) -> list[Enrolment]:
    """Record grades (enrolment id → grade or empty); every grade is checked before anything is written.

    The result follows: passed when the grade reaches the pass mark (and the attendance the minimum, if any).
    Passing issues the course credential after commit; a result changed from passed revokes it.
    """
    _require(permissions.can_manage_course(actor, course), _("You do not manage this course."))
    enrolments = {e.pk: e for e in course.enrolments.filter(pk__in=list(grades)).select_related("student")}
    errors = []
    parsed: dict[int, Decimal | None] = {}
    for enrolment_id, raw in grades.items():
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
            errors.append(
                _("Enrolment %(id)s is not an enrolled student of this course.") % {"id": enrolment_id}
            )
            continue
        try:
            parsed[enrolment_id] = parse_grade(raw, course.grade_max, str(enrolment.student))
        except TrackError as exc:
            errors.append(str(exc))
    if errors:
        raise TrackError(" ".join(errors), field="grades")
    rates = attendance_rates(course) if course.min_attendance_percent else {}
    changed: list[Enrolment] = []
    now = timezone.now()
    with transaction.atomic():
        for enrolment_id, grade in parsed.items():
            enrolment = enrolments[enrolment_id]
            if grade is None:
                result = ""
            else:
                attended = rates.get(enrolment_id, 0) if course.min_attendance_percent else 100
                ok = grade >= course.pass_mark and attended >= course.min_attendance_percent
                result = CourseResult.PASSED if ok else CourseResult.FAILED
            if enrolment.grade == grade and enrolment.result == result:
                continue
            was_passed = enrolment.result == CourseResult.PASSED
            enrolment.grade, enrolment.result = grade, result
            enrolment.graded_by, enrolment.graded_at = (actor, now) if grade is not None else (None, None)
            enrolment.save(update_fields=["grade", "result", "graded_by", "graded_at", "status_changed_at"])
            changed.append(enrolment)
            if was_passed or result == CourseResult.PASSED:
                transaction.on_commit(lambda pk=enrolment.pk: _enqueue_course_credential(pk))
        if changed:
            audit_record(
                "track.grades.recorded",
                actor=actor,
                target=course,
                institution=course.institution,
                data={
                    str(e.pk): {"grade": str(e.grade) if e.grade is not None else None, "result": e.result}
                    for e in changed
                },
            )
    return changed


def _enqueue_course_credential(enrolment_id: int) -> None:
    from .tasks import course_credential

    course_credential.enqueue(enrolment_id)


# --- Engagement plans ------------------------------------------------------------------------------------


def engagement_target_set(*, institution, academic_year: int, target_days: int, actor) -> EngagementTarget:
    _require(
        permissions.can_edit_rules(actor, institution),
        _("Only the pedagogical engineer sets the engagement target."),
    )
    if not 1 <= int(target_days) <= 365:
        raise TrackError(_("The target is a number of days between 1 and 365."), field="target_days")
    with transaction.atomic():
        target, _created = EngagementTarget.objects.update_or_create(
            institution=institution,
            academic_year=academic_year,
            defaults={"target_days": int(target_days), "updated_by": actor},
        )
        audit_record(
            "track.engagement_target.set",
            actor=actor,
            target=target,
            institution=institution,
            data={"academic_year": academic_year, "target_days": int(target_days)},
        )
    return target


def engagement_plan_for(*, student, institution, academic_year: int) -> EngagementPlan:
    plan, _created = EngagementPlan.objects.get_or_create(
        student=student, institution=institution, academic_year=academic_year
    )
    return plan


def engagement_plan_update(*, plan: EngagementPlan, actor, commitments: str) -> EngagementPlan:
    _require(actor.pk == plan.student_id, _("Only the student writes their engagement plan."))
    plan.commitments = (commitments or "").strip()[:5000]
    plan.save(update_fields=["commitments", "updated_at"])
    return plan


def engagement_activity_add(
    *, plan: EngagementPlan, actor, title: str, date: datetime.date, days
) -> EngagementActivity:
    from .progress import academic_year_bounds

    _require(actor.pk == plan.student_id, _("Only the student writes their engagement plan."))
    if not (title or "").strip():
        raise TrackError(_("Say what the activity was."), field="title")
    start, end = academic_year_bounds(plan.institution, plan.academic_year)
    if not start <= date <= end:
        raise TrackError(
            _("The date must fall within the academic year (%(start)s – %(end)s).")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            field="date",
        )
    try:
        days = Decimal(str(days).replace(",", "."))
    except InvalidOperation:
        raise TrackError(_("Give a number of days."), field="days") from None
    if not Decimal("0.5") <= days <= 60 or (days * 2) != (days * 2).to_integral_value():
        raise TrackError(_("Give a number of days between 0.5 and 60, by half days."), field="days")
    return EngagementActivity.objects.create(plan=plan, title=title.strip()[:200], date=date, days=days)


def engagement_activity_remove(*, activity: EngagementActivity, actor) -> None:
    _require(actor.pk == activity.plan.student_id, _("Only the student writes their engagement plan."))
    activity.delete()


# --- Diploma supplements ---------------------------------------------------------------------------------


def _fingerprint(context: dict) -> str:
    content = {k: v for k, v in context.items() if k not in ("reference", "issued_on")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def supplement_issue(
    *, student, institution, actor=None, generate_now: bool = False, context: dict | None = None
) -> tuple[DiplomaSupplement, bool]:
    """Issue the student's diploma supplement from what is recorded now; returns (supplement, created).

    Refused (``TrackError``) for a student without a signed recognition decision. When nothing changed
    since the current supplement, that one is returned (``created`` is False). A new issue supersedes the
    previous one: its PDF is withdrawn once the new one is generated. The PDF is rendered after commit
    (through a task), or right away with ``generate_now`` (batches and the command, already off-request).
    ``context``: the student's content already read with ``supplement.supplement_contexts`` (batches).
    """
    from . import supplement

    if actor is not None and actor.pk != student.pk:
        _require(
            permissions.is_track_staff(actor, institution),
            _("Only the school staff issue diploma supplements."),
        )
    if context is None:
        context = supplement.supplement_context(student, institution)  # TrackError: nothing to say
    fingerprint = _fingerprint(context)
    with transaction.atomic():
        issued = list(
            DiplomaSupplement.objects.select_for_update()
            .filter(student=student, institution=institution)
            .order_by("-revision")
        )
        current = next((row for row in issued if row.is_current), None)
        if current is not None and current.fingerprint == fingerprint and not current.error:
            return current, False
        revision = (issued[0].revision if issued else 0) + 1
        context = {**context, "reference": supplement.reference_for(student, institution, revision)}
        supplement.check_context(context)
        if current is not None:
            DiplomaSupplement.objects.filter(pk=current.pk).update(is_current=False)
        row = DiplomaSupplement.objects.create(
            student=student,
            institution=institution,
            revision=revision,
            context=context,
            fingerprint=fingerprint,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            "track.supplement.requested",
            actor=actor,
            target=row,
            institution=institution,
            data={"student": student.pk, "revision": revision},
        )
        if not generate_now:
            transaction.on_commit(lambda: _enqueue_supplement(row.pk))
    if generate_now:
        _supplement_render(row)
    return row, True


def _enqueue_supplement(supplement_id: int) -> None:
    from .tasks import generate_supplement

    generate_supplement.enqueue(supplement_id)


def supplement_generate(*, supplement_id: int) -> DiplomaSupplement:
    """Render and store the PDF of one supplement (idempotent); withdraw the PDFs it supersedes."""
    row = DiplomaSupplement.objects.select_related("institution", "student").get(pk=supplement_id)
    return _supplement_render(row)


def _supplement_render(row: DiplomaSupplement) -> DiplomaSupplement:
    from parcours.documents import api as documents

    try:
        document = documents.document_generate(
            kind="diploma_supplement",
            institution_id=row.institution_id,
            holder_id=row.student_id,
            source_type=SUPPLEMENT_SOURCE,
            source_id=str(row.pk),
            context=row.context,
            language="fr",
        )
    except Exception as exc:
        with transaction.atomic():
            DiplomaSupplement.objects.filter(pk=row.pk).update(error=str(exc)[:2000], is_current=False)
            previous = (
                DiplomaSupplement.objects.filter(student=row.student_id, institution=row.institution_id)
                .exclude(document_public_id=None)
                .order_by("-revision")
                .first()
            )
            if row.is_current and previous is not None:  # the last good supplement stays the current one
                DiplomaSupplement.objects.filter(pk=previous.pk).update(is_current=True)
            audit_record(
                "track.supplement.failed",
                target=row,
                institution=row.institution,
                data={"error": str(exc)[:500]},
            )
        raise
    row.document_public_id, row.generated_at, row.error = document.public_id, timezone.now(), ""
    DiplomaSupplement.objects.filter(pk=row.pk).update(
        document_public_id=row.document_public_id, generated_at=row.generated_at, error=""
    )
    if row.revision > 1:  # revisions start at 1: the first has nothing to supersede
        for older in DiplomaSupplement.objects.filter(
            student=row.student_id, institution=row.institution_id, revision__lt=row.revision
        ).exclude(document_public_id=None):
            documents.document_revoke_for_source(
                source_type=SUPPLEMENT_SOURCE,
                source_id=str(older.pk),
                reason=f"Remplacé par la révision {row.revision} / superseded by revision {row.revision}",
                actor=None,
            )
    return row


def supplement_batch_create(*, institution, cohort, actor) -> SupplementBatch:
    _require(
        permissions.is_track_staff(actor, institution), _("Only the school staff issue diploma supplements.")
    )
    if cohort.programme.institution_id != institution.pk:
        raise TrackError(_("Choose a cohort of your institution."), field="cohort")
    with transaction.atomic():
        batch = SupplementBatch.objects.create(institution=institution, cohort=cohort, created_by=actor)
        audit_record(
            "track.supplement_batch.created",
            actor=actor,
            target=batch,
            institution=institution,
            data={"cohort": cohort.pk},
        )
        transaction.on_commit(lambda: _enqueue_batch(batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from .tasks import run_supplement_batch

    run_supplement_batch.enqueue(batch_id)


def supplement_batch_run(batch_id: int, *, progress=None) -> SupplementBatch:
    """Issue the supplement of every student of the batch's cohort. A failure on one student is recorded
    (name and reason) and the others go on. ``progress(batch, student, outcome)`` is called after each."""
    from parcours.accounts.models import User

    from .supplement import supplement_contexts

    batch = SupplementBatch.objects.select_related("institution", "cohort", "created_by").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    students = list(
        User.objects.filter(
            memberships__institution=batch.institution,
            memberships__role=Role.STUDENT,
            memberships__cohort=batch.cohort,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    batch.status, batch.started_at, batch.total = BatchStatus.RUNNING, timezone.now(), len(students)
    batch.generated = batch.unchanged = batch.failed = 0
    batch.failures = []
    batch.save(
        update_fields=["status", "started_at", "total", "generated", "unchanged", "failed", "failures"]
    )
    contexts: dict = {}
    for index, student in enumerate(students):
        if index % SUPPLEMENT_BATCH_READ == 0:  # the content of the next students, in a few queries
            try:
                contexts = supplement_contexts(
                    students[index : index + SUPPLEMENT_BATCH_READ], batch.institution
                )
            except Exception:  # then each student's is read on its own, and a failure recorded for them
                logger.exception("Reading the content of batch %s in bulk failed", batch.pk)
                contexts = {}
        outcome = "generated"
        try:
            context = contexts.get(student.pk)
            if isinstance(context, Exception):
                raise context
            _row, created = supplement_issue(
                student=student,
                institution=batch.institution,
                actor=None,
                generate_now=True,
                context=context,
            )
            if created:
                batch.generated += 1
            else:
                batch.unchanged += 1
                outcome = "unchanged"
        except Exception as exc:  # one student's failure never stops the batch
            batch.failed += 1
            outcome = "failed"
            batch.failures.append({"student": str(student), "email": student.email, "reason": str(exc)[:500]})
        SupplementBatch.objects.filter(pk=batch.pk).update(
            generated=batch.generated, unchanged=batch.unchanged, failed=batch.failed, failures=batch.failures
        )
        if progress is not None:
            progress(batch, student, outcome)
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    audit_record(
        "track.supplement_batch.finished",
        target=batch,
        institution=batch.institution,
        data={"generated": batch.generated, "unchanged": batch.unchanged, "failed": batch.failed},
    )
    return batch


__all__ = [
    "AWARD_SOURCE",
    "ENROLMENT_SOURCE",
    "SUPPLEMENT_SOURCE",
    "ConcurrentChange",
    "TrackError",
    "attendance_record",
    "award_grant",
    "award_revoke",
    "course_create",
    "course_update",
    "criterion_add",
    "criterion_remove",
    "engagement_activity_add",
    "engagement_plan_for",
    "engagement_plan_update",
    "engagement_target_set",
    "enrolment_promote",
    "enrolment_request",
    "enrolment_withdraw",
    "grades_record",
    "rule_set_create",
    "rule_set_transition",
    "rule_set_update",
    "session_create",
    "session_delete",
    "session_update",
    "supplement_batch_create",
    "supplement_batch_run",
    "supplement_generate",
    "supplement_issue",
]
