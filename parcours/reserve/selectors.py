"""Read-side queries for the reserve catalogue and the recognition rules."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .enums import RuleStatus
from .models import ActivityType, Force, PublicationDeadline, RecognitionRule, RuleCompetency
from .permissions import manager_institution_ids, member_institution_ids


def _with_details(queryset: QuerySet[RecognitionRule]) -> QuerySet[RecognitionRule]:
    return queryset.select_related("framework", "activity_type", "force", "institution").prefetch_related(
        Prefetch(
            "competencies",
            queryset=RuleCompetency.objects.select_related("competency", "level").order_by(
                "competency__position", "competency__code"
            ),
        ),
        "exempted_units__programme",
    )


def rules_applicable_to(
    *,
    institution,
    activity_type,
    force=None,
    days: int,
    rank_band: str = "",
    on: date,
) -> QuerySet[RecognitionRule]:
    """APPROVED rules of ``institution`` valid on ``on`` whose restrictions the activity meets.

    A rule restricted to a force applies only to that force; ``min_days`` must not exceed ``days``; a rule
    with a rank band applies only to that band. Competencies (with levels) and exempted units are prefetched.
    Most specific rules first (restricted by force, then rank band, then the highest minimum).
    """
    queryset = RecognitionRule.objects.filter(
        institution=institution,
        activity_type=activity_type,
        status=RuleStatus.APPROVED,
        valid_from__lte=on,
        min_days__lte=days,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    queryset = (
        queryset.filter(Q(force__isnull=True) | Q(force=force))
        if force is not None
        else queryset.filter(force__isnull=True)
    )
    queryset = (
        queryset.filter(Q(rank_band="") | Q(rank_band=rank_band))
        if rank_band
        else queryset.filter(rank_band="")
    )
    return _with_details(queryset).order_by(
        F("force").asc(nulls_last=True), "-rank_band", "-min_days", "-version"
    )


def rules_visible_to(user) -> QuerySet[RecognitionRule]:
    """Approved rules of the user's institutions; drafts and retired rules for those who manage them."""
    if not getattr(user, "is_authenticated", False):
        return RecognitionRule.objects.none()
    return RecognitionRule.objects.filter(
        Q(institution_id__in=manager_institution_ids(user))
        | Q(institution_id__in=member_institution_ids(user), status=RuleStatus.APPROVED)
    )


def rule_list(
    user, *, status: str = "", activity_type: str = "", framework: int | None = None
) -> QuerySet[RecognitionRule]:
    queryset = rules_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    if activity_type:
        queryset = queryset.filter(activity_type__code=activity_type)
    if framework:
        queryset = queryset.filter(framework_id=framework)
    return _with_details(queryset).order_by("activity_type__position", "title_fr", "-version")


def rule_for(user, pk: int) -> RecognitionRule:
    return get_object_or_404(
        _with_details(rules_visible_to(user)).select_related("previous", "created_by", "approved_by"), pk=pk
    )


def rules_using(competency, user) -> QuerySet[RecognitionRule]:
    return (
        rules_visible_to(user)
        .filter(competencies__competency=competency)
        .select_related("activity_type")
        .distinct()
    )


def forces() -> QuerySet[Force]:
    return Force.objects.filter(is_active=True)


def activity_types() -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(is_active=True)


# --- Legal deadline to publish the year's validation rules ----------------------------------------------


@dataclass(frozen=True)
class Deadline:
    academic_year: int
    year_start: date
    due: date
    days_left: int
    warning_days: int
    legal_basis: str
    done_on: date | None = None

    @property
    def is_met(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due

    @property
    def is_late(self) -> bool:
        return (self.done_on is None and self.days_left < 0) or (
            self.done_on is not None and self.done_on > self.due
        )

    @property
    def is_near(self) -> bool:
        return self.done_on is None and 0 <= self.days_left <= self.warning_days

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}-{self.academic_year + 1}"


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def academic_year_start(institution, academic_year: int) -> date:
    month = institution.academic_year_start_month or 9
    day = min(institution.academic_year_start_day or 1, calendar.monthrange(academic_year, month)[1])
    return date(academic_year, month, day)


def current_academic_year(institution, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today >= academic_year_start(institution, today.year) else today.year - 1


def publication_deadline(
    institution, academic_year: int | None = None, *, today: date | None = None, done_on: date | None = None
) -> Deadline | None:
    """When the year's validation rules must be published (D611-7: within N months of the year's start)."""
    today = today or timezone.localdate()
    if academic_year is None:
        academic_year = current_academic_year(institution, today)
    start = academic_year_start(institution, academic_year)
    rule = (
        PublicationDeadline.objects.filter(valid_from__lte=start)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .order_by("-valid_from")
        .first()
    )
    if rule is None:
        return None
    due = _add_months(start, rule.months_after_start)
    return Deadline(
        academic_year=academic_year,
        year_start=start,
        due=due,
        days_left=(due - today).days,
        warning_days=rule.warning_days,
        legal_basis=rule.legal_basis,
        done_on=done_on,
    )


def framework_deadline(framework, *, today: date | None = None) -> Deadline | None:
    """The deadline that applies to a school framework of a given academic year (met once it is published)."""
    if framework.institution_id is None or framework.academic_year is None:
        return None
    published = timezone.localdate(framework.published_at) if framework.published_at else None
    return publication_deadline(
        framework.institution, framework.academic_year, today=today, done_on=published
    )


def institution_deadline(
    institution, academic_year: int | None = None, *, today: date | None = None
) -> Deadline | None:
    """The deadline of the institution's current (or given) academic year, met once its framework is published."""
    from parcours.frameworks.enums import FrameworkKind, FrameworkStatus
    from parcours.frameworks.models import Framework

    today = today or timezone.localdate()
    year = academic_year if academic_year is not None else current_academic_year(institution, today)
    published = (
        Framework.objects.filter(
            institution=institution,
            kind=FrameworkKind.SCHOOL,
            academic_year=year,
            status__in=[FrameworkStatus.PUBLISHED, FrameworkStatus.FROZEN],
            published_at__isnull=False,
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return publication_deadline(
        institution, year, today=today, done_on=timezone.localdate(published) if published else None
    )
