"""Staff reserve absences counted against the legal quotas, which are dated data (``AbsenceRule``).

Days are working days: Monday to Friday, without French public holidays (the ``holidays`` package,
optionally for a subdivision such as Moselle). A call-up covers the local dates from its start to the
instant before its end. The rule that sets a year's quota is the one in force at the end of a past year,
today for the current year, and at the start of a future year — so 2017 counts 5 days for a private-law
employee, 2022 counts 8, and 2024 counts 10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership

from .enums import BeyondLimit, CallUpStatus, CounterLevel
from .models import AbsenceRule, CallUp, SchedulingSettings


@lru_cache(maxsize=64)
def public_holidays(year: int, subdivision: str = "") -> frozenset[date]:
    calendar = holidays.country_holidays("FR", subdiv=subdivision or None, years=year)
    return frozenset(calendar.keys())


def is_working_day(day: date, subdivision: str = "") -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year, subdivision)


def local_dates(starts_at: datetime, ends_at: datetime) -> list[date]:
    """The local calendar dates a period touches (its end is exclusive)."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at - timedelta(microseconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def working_days(starts_at: datetime, ends_at: datetime, subdivision: str = "") -> list[date]:
    return [d for d in local_dates(starts_at, ends_at) if is_working_day(d, subdivision)]


def rule_for(employment_status: str, on: date) -> AbsenceRule | None:
    return (
        AbsenceRule.objects.filter(employment_status=employment_status, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from")
        .first()
    )


def reference_date(year: int, today: date) -> date:
    if year < today.year:
        return date(year, 12, 31)
    if year > today.year:
        return date(year, 1, 1)
    return today


def settings_for(institution) -> SchedulingSettings:
    found = SchedulingSettings.objects.filter(institution=institution).first()
    return found or SchedulingSettings(institution=institution)


def yearly_limit(rule: AbsenceRule, settings: SchedulingSettings) -> int:
    limit = rule.days_per_year
    if (
        rule.small_employer_days is not None
        and rule.small_employer_threshold is not None
        and settings.employer_headcount < rule.small_employer_threshold
    ):
        limit = rule.small_employer_days
    if rule.beyond_limit == BeyondLimit.EMPLOYER_CONSENT:
        limit += settings.agreement_extra_days
    return limit


def notice_deadline(rule: AbsenceRule, start: date, *, reactivity_clause: bool) -> date:
    """The last day a request may reach HR for an absence starting on ``start``."""
    if reactivity_clause and rule.reactivity_notice_days:
        return start - timedelta(days=rule.reactivity_notice_days)
    return start - relativedelta(months=rule.notice_months)


def employment_status_of(user, institution) -> str:
    membership = (
        Membership.objects.active()
        .filter(user=user, institution=institution, role=Role.STAFF)
        .only("employment_status")
        .first()
    )
    return membership.employment_status if membership else ""


@dataclass
class CountedPeriod:
    call_up: CallUp | None
    days: list[date]

    @property
    def count(self) -> int:
        return len(self.days)


@dataclass
class AbsenceCounter:
    """Where a staff reservist stands in a calendar year."""

    year: int
    employment_status: str
    rule: AbsenceRule | None
    limit: int = 0
    used: int = 0
    planned: int = 0
    extra: int = 0  # days of a period being considered (not recorded yet)
    periods: list[CountedPeriod] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.used + self.planned + self.extra

    @property
    def remaining(self) -> int:
        return max(self.limit - self.total, 0)

    @property
    def beyond(self) -> int:
        return max(self.total - self.limit, 0)

    @property
    def level(self) -> str:
        if self.rule is None:
            return CounterLevel.OK
        if self.total > self.limit:
            return CounterLevel.OVER_LIMIT
        if self.limit - self.total < self.rule.warning_margin_days or self.total == self.limit:
            return CounterLevel.NEAR_LIMIT
        return CounterLevel.OK

    @property
    def is_near_limit(self) -> bool:
        return self.level == CounterLevel.NEAR_LIMIT

    @property
    def is_over_limit(self) -> bool:
        return self.level == CounterLevel.OVER_LIMIT

    @property
    def percent(self) -> int:
        return min(round(100 * self.total / self.limit), 100) if self.limit else 0


def absence_counter(
    *,
    user,
    institution,
    year: int,
    today: date | None = None,
    extra_period: tuple[datetime, datetime] | None = None,
    exclude_call_up_id: int | None = None,
) -> AbsenceCounter:
    """Working days used (up to today) and planned (after today) in ``year``, against the quota.

    ``extra_period`` counts a period not recorded yet (to warn before it is saved).
    """
    today = today or timezone.localdate()
    status = employment_status_of(user, institution)
    rule = rule_for(status, reference_date(year, today)) if status else None
    settings = settings_for(institution)
    subdivision = settings.public_holiday_subdivision
    counter = AbsenceCounter(year=year, employment_status=status, rule=rule)
    if rule is not None:
        counter.limit = yearly_limit(rule, settings)
    zone = timezone.get_current_timezone()
    year_start = datetime(year, 1, 1, tzinfo=zone)
    year_end = datetime(year + 1, 1, 1, tzinfo=zone)
    call_ups = (
        CallUp.objects.filter(
            reservist=user, institution=institution, starts_at__lt=year_end, ends_at__gt=year_start
        )
        .exclude(status=CallUpStatus.CANCELLED)
        .select_related("activity_type")
        .order_by("starts_at")
    )
    if exclude_call_up_id:
        call_ups = call_ups.exclude(pk=exclude_call_up_id)
    for call_up in call_ups:
        days = [d for d in working_days(call_up.starts_at, call_up.ends_at, subdivision) if d.year == year]
        counter.periods.append(CountedPeriod(call_up, days))
        counter.used += sum(1 for d in days if d <= today)
        counter.planned += sum(1 for d in days if d > today)
    if extra_period is not None:
        days = [d for d in working_days(*extra_period, subdivision) if d.year == year]
        counter.extra = len(days)
    return counter
