"""Read side of the portfolio, scoped to what the asking user may see."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from parcours.accounts.enums import Role
from parcours.accounts.permissions import institutions_with_role

from .enums import SensitiveVisibility, Visibility
from .models import CompetencyClaim, Evidence, ReservePeriod, ReservistProfile

#: Roles that decide on recognition and may see what holders shared or submitted.
DECIDER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


def periods_of(profile: ReservistProfile) -> QuerySet[ReservePeriod]:
    return (
        profile.periods.select_related("activity_type", "force")
        .prefetch_related(
            Prefetch("claims", queryset=CompetencyClaim.objects.select_related("competency", "self_level")),
            "evidence",
        )
        .order_by("-start_date")
    )


def days_per_year(periods) -> list[tuple[int, int]]:
    totals: dict[int, int] = defaultdict(int)
    for period in periods:
        totals[period.start_date.year] += period.days
    return sorted(totals.items(), reverse=True)


def own_period(user, pk: int) -> ReservePeriod:
    return get_object_or_404(ReservePeriod.objects.select_related("profile"), pk=pk, profile__user=user)


def _submitted_periods():
    from parcours.recognition.models import RecognitionRequest

    return RecognitionRequest.objects.filter(periods=OuterRef("period_id")).exclude(
        status__in=["draft", "withdrawn"]
    )


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence the user may open: their own; for deciders of the institution, files they shared or submitted."""
    institutions = institutions_with_role(user, *DECIDER_ROLES)
    return (
        Evidence.objects.select_related("profile__user", "profile__institution", "period")
        .annotate(submitted=Exists(_submitted_periods()))
        .filter(
            Q(profile__user=user)
            | (
                Q(profile__institution__in=institutions)
                & (Q(visibility=SensitiveVisibility.JURY) | Q(submitted=True))
            )
        )
    )


def evidence_for(user, pk: int) -> Evidence:
    return get_object_or_404(evidence_visible_to(user), pk=pk)


def can_see_sensitive(user, profile: ReservistProfile) -> bool:
    """Unit and rank: the holder, and deciders of the institution when the holder shared them with the jury."""
    if profile.user_id == user.pk:
        return True
    return (
        profile.sensitive_visibility == SensitiveVisibility.JURY
        and institutions_with_role(user, *DECIDER_ROLES).filter(pk=profile.institution_id).exists()
    )


def shared_with_recruiters(period: ReservePeriod) -> bool:
    return period.visibility == Visibility.RECRUITERS
