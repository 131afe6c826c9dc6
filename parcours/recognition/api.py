"""Public face of the recognition app for the other apps."""

from __future__ import annotations

from .enums import Outcome, RequestStatus
from .models import Decision, DecisionCompetency, RecognitionRequest, ValidatedActivity

#: States in which the periods of a request are frozen for their holder.
LOCKING_STATES = (
    RequestStatus.SUBMITTED,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.IN_JURY,
    RequestStatus.DECIDED,
    RequestStatus.APPEALED,
)


def period_locked(period) -> bool:
    return (
        ValidatedActivity.objects.filter(period=period, is_current=True).exists()
        or RecognitionRequest.objects.filter(periods=period, status__in=LOCKING_STATES).exists()
    )


def current_decisions_of(user):
    """Signed, current decisions on a holder's requests (for the track, the supplement and reports)."""
    return (
        Decision.objects.filter(request__holder=user, is_current=True)
        .select_related("request", "session")
        .prefetch_related(
            "competencies__competency", "competencies__level", "validated_activities__exempted_units"
        )
    )


__all__ = [
    "Decision",
    "DecisionCompetency",
    "LOCKING_STATES",
    "Outcome",
    "RecognitionRequest",
    "RequestStatus",
    "ValidatedActivity",
    "current_decisions_of",
    "period_locked",
]
