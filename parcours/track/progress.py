"""Where students stand on the track: per criterion done / pending / missing, with explanations.

Computed in bulk: :func:`gather_facts` reads what the track needs for any number of students in a fixed
number of queries (about a dozen, whatever the cohort size), aggregating in SQL what can be (competencies
are counted per criterion by the database), then :func:`evaluate` applies a rule set to each student's
facts in memory. ``student_progress`` is the same computation for one student.

What counts:
- competencies: the distinct competencies (one per code, or per item without a code, so that a
  competency validated twice or in two framework versions counts once) recognised by a current,
  non-refused decision of the institution at a level of rank ≥ the criterion's minimum, beneath one of its
  blocks (a block contains a competency when it is one of its ancestors, matched by id, or by code across
  framework versions);
- ECTS: the ECTS of the current validated activities;
- pending (competencies, ECTS): a recognition request waiting for a decision (submitted … appealed);
- elective: an enrolment with result « passed » in a course of the institution (any year);
- ESR months: the months the engagement overlaps the studies (from the cohort's graduation year and the
  rule set's length of studies), up to today; pending when the engagement, if it runs to its end date,
  reaches the threshold;
- reserve days: the days of the declared periods that have ended; pending when the planned ones would do.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from parcours.runtime import paused_cyclic_gc

from . import conf
from .enums import AwardStatus, CourseResult, CriterionKind, CriterionState, EnrolmentStatus, TrackStatus
from .models import Course, Enrolment, TrackAward, TrackCriterion, TrackRuleSet
from .rules import describe_criterion

# --- Dates -----------------------------------------------------------------------------------------------


def academic_year_of(institution, day: datetime.date | None = None) -> int:
    """The academic year (its first calendar year) that ``day`` falls in, for ``institution``."""
    day = day or timezone.localdate()
    start = (institution.academic_year_start_month, institution.academic_year_start_day)
    return day.year if (day.month, day.day) >= start else day.year - 1


def academic_year_bounds(institution, year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, institution.academic_year_start_month, institution.academic_year_start_day)
    end = datetime.date(year + 1, institution.academic_year_start_month, institution.academic_year_start_day)
    return start, end - datetime.timedelta(days=1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


# --- Facts -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Facts:
    """What the track needs to know about one student, read in bulk."""

    student_id: int
    cohort_id: int | None = None
    studies_start: datetime.date | None = None
    studies_end: datetime.date | None = None
    competencies: dict[int, int] = field(default_factory=dict)  # competency criterion id -> count
    pending_requests: int = 0
    ects: Decimal = Decimal(0)
    enrolments: list[dict] = field(default_factory=list)
    esr_start: datetime.date | None = None
    esr_end: datetime.date | None = None
    reservist_status: str = ""
    days_done: int = 0
    days_planned: int = 0
    has_activity: bool = False  # anything recorded: a request, a period, an enrolment, an engagement
    recent_activity: bool = False  # something changed since ``active_since`` (see ``gather_facts``)
    award: TrackAward | None = None


def _ids_filter(students: Iterable[int] | QuerySet) -> Iterable[int] | QuerySet:
    return students if isinstance(students, QuerySet) else list(students)


def gather_facts(
    institution,
    students: Iterable[int] | QuerySet,
    *,
    criteria: list[CompiledCriterion] = (),
    study_years: int = 3,
    today: datetime.date | None = None,
    active_since: datetime.datetime | None = None,
) -> dict[int, Facts]:
    """Facts for every student id in ``students`` (a list, or a ``values('user_id')`` queryset).

    About ten queries whatever the number of students; the competencies are counted for each competency
    criterion of ``criteria``. ``recent_activity`` says whether a request, a period, an enrolment or the
    engagement changed since ``active_since`` (default: 120 days ago).
    """
    from django.db.models import BooleanField, ExpressionWrapper

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Membership
    from parcours.portfolio.models import ReservistProfile
    from parcours.recognition.models import RecognitionRequest, ValidatedActivity

    today = today or timezone.localdate()
    since = active_since or timezone.now() - datetime.timedelta(days=120)
    recent = Count("pk", filter=Q(updated_at__gte=since))
    ids = _ids_filter(students)
    facts: dict[int, Facts] = {}
    memberships = (
        Membership.objects.active()
        .filter(institution=institution, role=Role.STUDENT, user_id__in=ids)
        .order_by()
        .values_list("user_id", "cohort_id", "cohort__graduation_year")
    )
    month, day = institution.academic_year_start_month, institution.academic_year_start_day
    for user_id, cohort_id, graduation_year in memberships:
        item = facts.setdefault(user_id, Facts(student_id=user_id))
        if cohort_id and item.cohort_id is None:
            item.cohort_id = cohort_id
            if graduation_year:
                item.studies_start = datetime.date(graduation_year - study_years, month, day)
                item.studies_end = datetime.date(graduation_year, month, day) - datetime.timedelta(days=1)
    if isinstance(ids, list):
        for user_id in ids:  # a student may be looked at without a student membership (e.g. graduated)
            facts.setdefault(user_id, Facts(student_id=user_id))

    for holder_id, counts in _competency_counts(institution, ids, criteria).items():
        if holder_id in facts:
            facts[holder_id].competencies = counts

    pending_states = conf.get("PENDING_REQUEST_STATES")
    requests = (
        RecognitionRequest.objects.filter(institution=institution, holder_id__in=ids)
        .order_by()
        .values("holder_id")
        .annotate(pending=Count("pk", filter=Q(status__in=pending_states)), recent=recent)
        .values_list("holder_id", "pending", "recent")
    )
    for holder_id, pending, changed in requests:
        if holder_id in facts:
            item = facts[holder_id]
            item.pending_requests, item.has_activity = pending, True
            item.recent_activity = item.recent_activity or bool(changed)

    ects_rows = (
        ValidatedActivity.objects.filter(
            is_current=True,
            decision__is_current=True,
            decision__request__institution=institution,
            decision__request__holder_id__in=ids,
        )
        .order_by()
        .values("decision__request__holder_id")
        .annotate(total=Sum("ects"))
        .values_list("decision__request__holder_id", "total")
    )
    for holder_id, total in ects_rows:
        if holder_id in facts:
            facts[holder_id].ects = total or Decimal(0)

    enrolments = list(
        Enrolment.objects.filter(course__institution=institution, student_id__in=ids)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .annotate(changed=ExpressionWrapper(Q(status_changed_at__gte=since), output_field=BooleanField()))
        .values_list("student_id", "course_id", "status", "result", "grade", "changed")
        .order_by("course__academic_year", "pk")
    )
    courses = {
        pk: {"course_id": pk, "title_fr": fr, "title_en": en or fr, "grade_max": grade_max, "year": year}
        for pk, fr, en, grade_max, year in Course.objects.filter(
            pk__in={row[1] for row in enrolments}
        ).values_list("pk", "title_fr", "title_en", "grade_max", "academic_year")
    }
    for student_id, course_id, status, result, grade, changed in enrolments:
        if student_id in facts:
            item = facts[student_id]
            item.enrolments.append({**courses[course_id], "status": status, "result": result, "grade": grade})
            item.has_activity = True
            item.recent_activity = item.recent_activity or bool(changed)

    # The engagement and the declared periods, in one query (one row per reservist profile).
    profiles = (
        ReservistProfile.objects.filter(user_id__in=ids)
        .order_by()
        .values("pk")  # grouped by the profile, not by every column of it
        .annotate(
            changed=ExpressionWrapper(Q(updated_at__gte=since), output_field=BooleanField()),
            done=Sum("periods__days", filter=Q(periods__end_date__lte=today)),
            planned=Sum("periods__days", filter=Q(periods__end_date__gt=today)),
            n_periods=Count("periods"),
            recent_periods=Count("periods", filter=Q(periods__updated_at__gte=since)),
        )
        .values_list(
            "user_id",
            "esr_start",
            "esr_end",
            "status",
            "changed",
            "done",
            "planned",
            "n_periods",
            "recent_periods",
        )
    )
    for user_id, start, end, status, changed, done, planned, n_periods, recent_periods in profiles:
        if user_id in facts:
            item = facts[user_id]
            item.esr_start, item.esr_end, item.reservist_status = start, end, status
            item.days_done, item.days_planned = done or 0, planned or 0
            if start or n_periods:  # declaring an engagement or a period is progress
                item.has_activity = True
                item.recent_activity = item.recent_activity or bool(recent_periods) or bool(start and changed)

    for award in TrackAward.objects.filter(
        institution=institution, student_id__in=ids, status=AwardStatus.AWARDED
    ).select_related("decided_by"):
        if award.student_id in facts:
            facts[award.student_id].award = award
    return facts


def _competency_counts(institution, ids, criteria) -> dict[int, dict[int, int]]:
    """For each student, for each competency criterion: how many distinct competencies count (module
    docstring). Counted by the database, one column per criterion; three queries."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Coalesce, Concat, NullIf

    from parcours.frameworks.models import Competency
    from parcours.recognition.models import DecisionCompetency

    criteria = [c for c in criteria if c.criterion.kind == CriterionKind.COMPETENCIES]
    if not criteria:
        return {}
    lines = (
        DecisionCompetency.objects.filter(
            decision__is_current=True,
            decision__request__institution=institution,
            decision__request__holder_id__in=ids,
        )
        .exclude(decision__outcome="refused")
        .order_by()
    )
    validated = dict(lines.values_list("competency_id", "competency__framework_id").distinct())
    if not validated:
        return {}
    parents: dict[int, tuple[int | None, str]] = {
        pk: (parent_id, code)
        for pk, parent_id, code in Competency.objects.filter(
            framework_id__in=set(validated.values())
        ).values_list("pk", "parent_id", "code")
    }

    def ancestors_of(pk: int) -> tuple[set[int], set[str]]:
        ids_, codes = set(), set()
        current = parents.get(pk, (None, ""))[0]
        while current is not None and current not in ids_ and len(ids_) < 50:
            ids_.add(current)
            parent, code = parents.get(current, (None, ""))
            if code:
                codes.add(code)
            current = parent
        return ids_, codes

    ancestry = {pk: ancestors_of(pk) for pk in validated}
    key = Coalesce(
        NullIf("competency__code", Value("")), Concat(Value("#"), Cast("competency_id", CharField()))
    )
    columns = {}
    for c in criteria:
        matched = [
            pk
            for pk, (ancestor_ids, ancestor_codes) in ancestry.items()
            if not c.block_ids or (ancestor_ids & c.block_ids) or (ancestor_codes & c.block_codes)
        ]
        if not matched:
            continue
        condition = Q(competency_id__in=matched)
        if c.min_rank:  # a line without a level has rank 0
            condition &= Q(level__rank__gte=c.min_rank)
        columns[f"c{c.criterion.pk}"] = Count(key, distinct=True, filter=condition)
    if not columns:
        return {}
    pks = [int(name[1:]) for name in columns]
    return {
        holder_id: dict(zip(pks, counts, strict=True))
        for holder_id, *counts in lines.values("decision__request__holder_id")
        .annotate(**columns)
        .values_list("decision__request__holder_id", *columns)
    }


# --- Evaluation ------------------------------------------------------------------------------------------


@dataclass
class CompiledCriterion:
    """A criterion with what evaluation needs, read once per rule set."""

    criterion: TrackCriterion
    block_ids: frozenset[int]
    block_codes: frozenset[str]
    min_rank: int | None

    @cached_property
    def label(self) -> str:
        return describe_criterion(self.criterion)


def compile_rule_set(rule_set: TrackRuleSet) -> list[CompiledCriterion]:
    compiled = []
    for criterion in rule_set.criteria.select_related("min_level").prefetch_related("blocks"):
        blocks = list(criterion.blocks.all())
        compiled.append(
            CompiledCriterion(
                criterion,
                frozenset(b.pk for b in blocks),
                frozenset(b.code for b in blocks if b.code),
                criterion.min_level.rank if criterion.min_level_id else None,
            )
        )
    return compiled


@dataclass(slots=True)
class CriterionProgress:
    compiled: CompiledCriterion
    state: str
    have: Decimal | int
    need: Decimal | int
    detail: dict = field(default_factory=dict)
    blocker: str = ""  # why it can no longer be met without a new step: esr_ended, elective_failed

    @property
    def kind(self) -> str:
        return self.compiled.criterion.kind

    @property
    def label(self) -> str:
        return self.compiled.label

    @property
    def state_label(self) -> str:
        return CriterionState(self.state).label

    @property
    def is_done(self) -> bool:
        return self.state == CriterionState.DONE

    @property
    def is_pending(self) -> bool:
        return self.state == CriterionState.PENDING

    @property
    def is_missing(self) -> bool:
        return self.state == CriterionState.MISSING

    @property
    def percent(self) -> int:
        if not self.need:
            return 100 if self.is_done else 0
        return min(100, int(100 * Decimal(self.have) / Decimal(self.need)))

    @property
    def explanation(self) -> str:
        """What is done, what is missing and what is pending, in a sentence (active language)."""
        return _explain(self)

    @property
    def short(self) -> str:
        """A few words for tables: « ECTS 1/3 », « Elective: failed (7.5/20) »…"""
        return _short(self)


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))
    return str(value)


def _explain(p: CriterionProgress) -> str:
    d = p.detail
    kind = p.kind
    if kind == CriterionKind.COMPETENCIES:
        text = _("%(have)s of %(need)s competencies validated.") % {"have": p.have, "need": p.need}
        if not p.is_done and d.get("pending_requests"):
            text += " " + _("%(n)s recognition request(s) awaiting a decision.") % {
                "n": d["pending_requests"]
            }
        elif not p.is_done:
            text += " " + _("Ask for the recognition of your reserve periods to progress.")
        return text
    if kind == CriterionKind.RESERVE_ECTS:
        text = _("%(have)s of %(need)s ECTS recognised.") % {"have": _fmt(p.have), "need": _fmt(p.need)}
        if not p.is_done and d.get("pending_requests"):
            text += " " + _("%(n)s recognition request(s) awaiting a decision.") % {
                "n": d["pending_requests"]
            }
        return text
    if kind == CriterionKind.ELECTIVE_PASSED:
        enrolment = d.get("enrolment")
        if enrolment is None:
            return _("Not enrolled in the elective course yet.")
        title = enrolment["title_en"] if _is_english() else enrolment["title_fr"]
        grade = {"grade": _fmt(enrolment["grade"]), "max": _fmt(enrolment["grade_max"]), "course": title}
        if enrolment["result"] == CourseResult.PASSED:
            return _("Passed with %(grade)s/%(max)s (%(course)s).") % grade
        if enrolment["result"] == CourseResult.FAILED:
            return _("Not passed: %(grade)s/%(max)s (%(course)s). Enrol again next year.") % grade
        if enrolment["status"] == EnrolmentStatus.WAITLISTED:
            return _("On the waiting list of %(course)s.") % grade
        return _("Enrolled in %(course)s; not graded yet.") % grade
    if kind == CriterionKind.ESR_MONTHS:
        text = _("%(have)s of %(need)s months of engagement during studies.") % {
            "have": p.have,
            "need": p.need,
        }
        if d.get("no_esr"):
            return text + " " + _("No engagement (ESR) declared in the portfolio.")
        if p.blocker == "esr_ended":
            return (
                text
                + " "
                + _("The engagement ended on %(date)s.") % {"date": d["esr_end"].strftime("%d/%m/%Y")}
            )
        if p.is_pending:
            if d.get("esr_end"):
                return (
                    text
                    + " "
                    + _("The engagement runs until %(date)s.") % {"date": d["esr_end"].strftime("%d/%m/%Y")}
                )
            return text + " " + _("The engagement is running.")
        if not p.is_done:
            return text + " " + _("The engagement ends too early: renew it to reach the threshold.")
        return text
    text = _("%(have)s of %(need)s days of reserve activity.") % {"have": p.have, "need": p.need}
    if not p.is_done and d.get("planned"):
        text += " " + _("%(n)s more days planned.") % {"n": d["planned"]}
    return text


def _short(p: CriterionProgress) -> str:
    d = p.detail
    kind = p.kind
    if kind == CriterionKind.COMPETENCIES:
        text = _("Competencies %(have)s/%(need)s") % {"have": p.have, "need": p.need}
        if p.is_pending:
            text += " " + _("(request pending)")
        return text
    if kind == CriterionKind.RESERVE_ECTS:
        text = _("ECTS %(have)s/%(need)s") % {"have": _fmt(p.have), "need": _fmt(p.need)}
        return text + (" " + _("(request pending)") if p.is_pending else "")
    if kind == CriterionKind.ELECTIVE_PASSED:
        enrolment = d.get("enrolment")
        if enrolment is None:
            return _("Elective: not enrolled")
        if enrolment["result"] == CourseResult.FAILED:
            return _("Elective: failed (%(grade)s/%(max)s)") % {
                "grade": _fmt(enrolment["grade"]),
                "max": _fmt(enrolment["grade_max"]),
            }
        if enrolment["status"] == EnrolmentStatus.WAITLISTED:
            return _("Elective: waiting list")
        return _("Elective: enrolled")
    if kind == CriterionKind.ESR_MONTHS:
        if d.get("no_esr"):
            return _("ESR: none declared")
        text = _("ESR %(have)s/%(need)s months") % {"have": p.have, "need": p.need}
        if p.blocker == "esr_ended":
            text += " " + _("(ended %(date)s)") % {"date": d["esr_end"].strftime("%d/%m/%Y")}
        return text
    text = _("Reserve days %(have)s/%(need)s") % {"have": p.have, "need": p.need}
    if d.get("planned") and not p.is_done:
        text += " " + _("(+%(n)s planned)") % {"n": d["planned"]}
    return text


def _is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "fr").startswith("en")


def _evaluate_criterion(c: CompiledCriterion, f: Facts, today: datetime.date) -> CriterionProgress:
    criterion = c.criterion
    kind = criterion.kind
    if kind == CriterionKind.COMPETENCIES:
        have, need = f.competencies.get(criterion.pk, 0), criterion.count or 0
        state = (
            CriterionState.DONE
            if have >= need
            else (CriterionState.PENDING if f.pending_requests else CriterionState.MISSING)
        )
        return CriterionProgress(c, state, have, need, {"pending_requests": f.pending_requests})
    if kind == CriterionKind.RESERVE_ECTS:
        have, need = f.ects, criterion.ects or Decimal(0)
        state = (
            CriterionState.DONE
            if have >= need
            else (CriterionState.PENDING if f.pending_requests else CriterionState.MISSING)
        )
        return CriterionProgress(c, state, have, need, {"pending_requests": f.pending_requests})
    if kind == CriterionKind.ELECTIVE_PASSED:
        passed = [e for e in f.enrolments if e["result"] == CourseResult.PASSED]
        open_ = [e for e in f.enrolments if not e["result"]]
        failed = [e for e in f.enrolments if e["result"] == CourseResult.FAILED]
        if passed:
            return CriterionProgress(c, CriterionState.DONE, 1, 1, {"enrolment": passed[-1]})
        if open_:
            return CriterionProgress(c, CriterionState.PENDING, 0, 1, {"enrolment": open_[-1]})
        if failed:
            return CriterionProgress(
                c, CriterionState.MISSING, 0, 1, {"enrolment": failed[-1]}, "elective_failed"
            )
        return CriterionProgress(c, CriterionState.MISSING, 0, 1, {"enrolment": None})
    if kind == CriterionKind.ESR_MONTHS:
        need = criterion.count or 0
        if f.esr_start is None:
            return CriterionProgress(c, CriterionState.MISSING, 0, need, {"no_esr": True})
        start = max(f.esr_start, f.studies_start) if f.studies_start else f.esr_start
        ends = [d for d in (f.esr_end, f.studies_end) if d is not None]
        until_today = min([today, *ends])
        have = months_between(start, until_today)
        detail = {"esr_end": f.esr_end}
        if have >= need:
            return CriterionProgress(c, CriterionState.DONE, have, need, detail)
        if f.esr_end is not None and f.esr_end < today:
            return CriterionProgress(c, CriterionState.MISSING, have, need, detail, "esr_ended")
        projected_end = min(ends) if ends else None
        if projected_end is None or months_between(start, projected_end) >= need:
            return CriterionProgress(c, CriterionState.PENDING, have, need, detail)
        return CriterionProgress(c, CriterionState.MISSING, have, need, detail)
    need = criterion.count or 0
    have = f.days_done
    detail = {"planned": f.days_planned}
    if have >= need:
        return CriterionProgress(c, CriterionState.DONE, have, need, detail)
    if have + f.days_planned >= need:
        return CriterionProgress(c, CriterionState.PENDING, have, need, detail)
    return CriterionProgress(c, CriterionState.MISSING, have, need, detail)


@dataclass
class StudentProgress:
    student_id: int
    rule_set: TrackRuleSet
    criteria: list[CriterionProgress]
    status: str
    facts: Facts

    @property
    def award(self) -> TrackAward | None:
        return self.facts.award

    @property
    def is_complete(self) -> bool:
        return bool(self.criteria) and all(p.is_done for p in self.criteria)

    @property
    def done_count(self) -> int:
        return sum(1 for p in self.criteria if p.is_done)

    @property
    def status_label(self) -> str:
        return TrackStatus(self.status).label

    @property
    def reasons(self) -> list[str]:
        """Why the student is not complete: the explanation of each criterion not done."""
        return [f"{p.label} — {p.explanation}" for p in self.criteria if not p.is_done]

    def snapshot(self) -> dict:
        """The progress as stored with an award (JSON)."""
        return {
            "rule_set": self.rule_set.pk,
            "criteria": [
                {
                    "criterion": p.compiled.criterion.pk,
                    "kind": p.kind,
                    "label": p.label,
                    "state": p.state,
                    "have": _fmt(p.have),
                    "need": _fmt(p.need),
                    "explanation": p.explanation,
                }
                for p in self.criteria
            ],
        }


def evaluate(
    rule_set: TrackRuleSet, compiled: list[CompiledCriterion], facts: Facts, today: datetime.date
) -> StudentProgress:
    criteria = [_evaluate_criterion(c, facts, today) for c in compiled]
    states = {p.state for p in criteria}
    if facts.award is not None:
        status = TrackStatus.AWARDED
    elif states == {CriterionState.DONE}:  # every criterion met (and there is one)
        status = TrackStatus.COMPLETE
    else:
        started = facts.has_activity or bool(states - {CriterionState.MISSING})
        quiet = not facts.recent_activity
        if not started:
            status = TrackStatus.NOT_STARTED
        elif any(p.blocker for p in criteria) or (CriterionState.PENDING not in states and quiet):
            status = TrackStatus.STUCK
        else:
            status = TrackStatus.IN_PROGRESS
    return StudentProgress(facts.student_id, rule_set, criteria, status, facts)


def progress_for_students(
    rule_set: TrackRuleSet,
    students: Iterable[int] | QuerySet,
    *,
    today: datetime.date | None = None,
    scope: tuple | None = None,
) -> dict[int, StudentProgress]:
    """Progress of many students against ``rule_set``, in a bounded number of queries.

    With ``scope`` (a hashable naming the group of students, e.g. ``("cohort", 12)``), the result is kept in
    a small per-process cache and reused as long as :func:`data_fingerprint` of the institution, the rule
    set's version and the day are unchanged. The returned objects are shared: read them, never change them.
    """
    today = today or timezone.localdate()
    key = fingerprint = None
    if scope is not None:
        key = (rule_set.pk, rule_set.version, today, scope)
        fingerprint = data_fingerprint(rule_set.institution_id)
        one_student = scope[0] == "student"
        cache, limit = _CACHES[one_student], _CACHE_SIZES[one_student]
        with _CACHE_LOCK:
            hit = cache.get(key)
            if hit is not None and hit[0] == fingerprint:
                cache.move_to_end(key)
                return hit[1]
    compiled = compile_rule_set(rule_set)
    with paused_cyclic_gc():
        facts = gather_facts(
            rule_set.institution,
            students,
            criteria=compiled,
            study_years=rule_set.study_years,
            today=today,
            active_since=timezone.now() - datetime.timedelta(days=rule_set.stuck_after_days),
        )
        result = {sid: evaluate(rule_set, compiled, f, today) for sid, f in facts.items()}
    if key is not None:
        with _CACHE_LOCK:
            cache[key] = (fingerprint, result)
            cache.move_to_end(key)
            while len(cache) > limit:
                cache.popitem(last=False)
    return result


#: Cohort and institution computations kept per process (least recently used first out), and apart from
#: them the progress of single students (the dashboard and the track page of each student): groups are few
#: and costly, one student's progress is cheap and small. Indexed by "is it one student?".
CACHE_SIZE = 32
STUDENT_CACHE_SIZE = 512
_CACHE_SIZES = (CACHE_SIZE, STUDENT_CACHE_SIZE)
_CACHES: tuple[OrderedDict, OrderedDict] = (OrderedDict(), OrderedDict())
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    with _CACHE_LOCK:
        for cache in _CACHES:
            cache.clear()


def data_fingerprint(institution_id: int) -> tuple:
    """What changes whenever anything the track reads changes for the institution (seven small aggregates).

    Counts catch creations and deletions; the latest timestamps catch changes (requests, periods,
    engagements and enrolments carry an ``updated_at``/``status_changed_at``; a decision, a correction or
    an award adds a row or sets a date; a change of cohort changes the memberships' sum of cohorts).

    Read on every view of a cohort or an institution: the seven statements are built by the ORM once per
    process and database (:func:`_fingerprint_statements`), then run with the institution's id.
    """
    from django.db import connection

    values = []
    with connection.cursor() as cursor:
        for sql, params in _fingerprint_statements(connection.alias):
            cursor.execute(sql, [institution_id if p == _INSTITUTION else p for p in params])
            values.append(tuple(cursor.fetchone()))
    return tuple(values)


#: Stands for the institution's id while :func:`_fingerprint_statements` records the statements: no row has
#: a negative id.
_INSTITUTION = -7_654_321


@cache
def _fingerprint_statements(alias: str) -> list[tuple[str, list]]:
    """The statements of :func:`data_fingerprint` on database ``alias``, with :data:`_INSTITUTION` among
    their parameters where the institution's id goes. The ORM builds them, run once for the placeholder and
    recorded as sent to the database: building and compiling seven querysets costs more than running them
    (about 9 of 15 ms on SQLite for 2,000 students)."""
    from django.db import connections

    from parcours.accounts.models import Membership
    from parcours.portfolio.models import ReservePeriod, ReservistProfile
    from parcours.recognition.models import Decision, RecognitionRequest

    institution_id = _INSTITUTION
    students = Membership.objects.filter(institution_id=institution_id, role="student").values("user_id")
    aggregates = [
        (
            RecognitionRequest.objects.filter(institution_id=institution_id),
            {"n": Count("pk"), "t": Max("updated_at")},
        ),
        (
            Decision.objects.filter(request__institution_id=institution_id),
            {"n": Count("pk"), "t": Max("signed_at")},
        ),
        # A student's profile may name another institution (one profile per person): follow the profiles of
        # the institution's students, as gather_facts reads them, and those that name the institution.
        (
            ReservistProfile.objects.filter(Q(institution_id=institution_id) | Q(user_id__in=students)),
            {"n": Count("pk"), "t": Max("updated_at")},
        ),
        (
            ReservePeriod.objects.filter(
                Q(profile__institution_id=institution_id) | Q(profile__user_id__in=students)
            ),
            {"n": Count("pk"), "t": Max("updated_at")},
        ),
        (
            Enrolment.objects.filter(course__institution_id=institution_id),
            {"n": Count("pk"), "t": Max("status_changed_at")},
        ),
        (
            TrackAward.objects.filter(institution_id=institution_id),
            {"n": Count("pk"), "t": Max("decided_at"), "r": Max("revoked_at")},
        ),
        (
            Membership.objects.filter(institution_id=institution_id, role="student"),
            {"n": Count("pk", filter=Q(is_active=True)), "c": Sum("cohort_id"), "t": Max("created_at")},
        ),
    ]
    recorded: list[tuple[str, list]] = []

    def record(execute, sql, params, many, context):
        recorded.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    statements = []
    for queryset, columns in aggregates:
        recorded.clear()
        with connections[alias].execute_wrapper(record):
            queryset.using(alias).order_by().aggregate(**columns)
        ((sql, params),) = recorded  # one statement per aggregate
        if _INSTITUTION not in params:
            raise AssertionError(f"The fingerprint's statement lost the institution: {sql}")
        statements.append((sql, params))
    return statements


def student_progress(
    rule_set: TrackRuleSet, student, *, today: datetime.date | None = None, cached: bool = False
) -> StudentProgress:
    """Where ``student`` stands. ``cached`` (pages that only show it) reuses the result while the
    institution's :func:`data_fingerprint` is unchanged; decisions such as the award compute it afresh."""
    scope = ("student", student.pk) if cached else None
    return progress_for_students(rule_set, [student.pk], today=today, scope=scope)[student.pk]


def status_counts(progress: dict[int, StudentProgress]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in progress.values():
        counts[item.status] += 1
    return {status: counts.get(status, 0) for status in TrackStatus.values}
