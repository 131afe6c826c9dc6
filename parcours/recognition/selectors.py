"""Read side of recognition, scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.permissions import institutions_with_role

from .enums import RequestStatus
from .models import JurySession, RecognitionRequest

DECIDER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


def requests_of(user) -> QuerySet[RecognitionRequest]:
    return (
        RecognitionRequest.objects.filter(holder=user)
        .annotate(n_periods=Count("periods"))
        .order_by("-created_at")
    )


def visible_requests(user) -> QuerySet[RecognitionRequest]:
    """The holder's own requests, and for deciders the submitted requests of their institutions."""
    institutions = institutions_with_role(user, *DECIDER_ROLES)
    return RecognitionRequest.objects.filter(
        Q(holder=user) | (Q(institution__in=institutions) & ~Q(status=RequestStatus.DRAFT))
    ).select_related("holder", "institution", "session")


def request_for(user, pk: int) -> RecognitionRequest:
    return get_object_or_404(visible_requests(user), pk=pk)


def is_decider(user, request: RecognitionRequest) -> bool:
    return institutions_with_role(user, *DECIDER_ROLES).filter(pk=request.institution_id).exists()


@dataclass
class QueueFilters:
    status: str = ""
    force: str = ""
    programme: str = ""
    min_days_waiting: int | None = None
    institutions: list = field(default_factory=list)


def _period_count():
    """Number of periods per request as a correlated subquery: evaluated only for the rows of the page."""
    through = RecognitionRequest.periods.through
    return Subquery(
        through.objects.filter(recognitionrequest_id=OuterRef("pk"))
        .order_by()
        .values("recognitionrequest_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


def review_queue(user, filters: QueueFilters) -> QuerySet[RecognitionRequest]:
    """Requests waiting for the school, longest waiting first; a bounded number of queries per page."""
    institutions = institutions_with_role(user, *DECIDER_ROLES)
    queryset = (
        RecognitionRequest.objects.filter(institution__in=institutions)
        .exclude(status__in=[RequestStatus.DRAFT, RequestStatus.WITHDRAWN])
        .select_related("holder", "holder__reservist_profile__force", "institution", "session")
        .annotate(n_periods=_period_count())
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.exclude(status=RequestStatus.DECIDED)
    if filters.force:
        queryset = queryset.filter(holder__reservist_profile__force__code=filters.force)
    if filters.programme:
        queryset = queryset.filter(holder__memberships__cohort__programme__code=filters.programme).distinct()
    if filters.min_days_waiting:
        queryset = queryset.filter(
            submitted_at__lte=timezone.now() - timedelta(days=filters.min_days_waiting)
        )
    return queryset.order_by("submitted_at", "pk")


def sessions_for(user) -> QuerySet[JurySession]:
    return (
        JurySession.objects.filter(institution__in=institutions_with_role(user, *DECIDER_ROLES))
        .select_related("chair", "institution")
        .annotate(n_requests=Count("requests"))
    )


def session_for(user, pk: int) -> JurySession:
    return get_object_or_404(sessions_for(user), pk=pk)


def decision_totals(decision) -> dict:
    activities = list(decision.validated_activities.all())
    return {
        "ects": sum((a.ects for a in activities), Decimal("0")),
        "weeks": sum(a.internship_weeks_exempted for a in activities),
        "units": [u for a in activities for u in a.exempted_units.all()],
    }
