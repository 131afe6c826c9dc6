"""Recognition API: requests, workflow transitions and decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from parcours.portfolio.models import ReservePeriod
from parcours.recognition import selectors, services
from parcours.recognition.enums import Outcome
from parcours.recognition.models import JurySession
from parcours.recognition.proposal import build_proposal

from .schemas import ErrorOut, Id

router = Router(tags=["recognition"])


class RequestIn(Schema):
    title: str
    period_ids: list[Id] = Field(min_length=1, max_length=50)
    message: str = ""


class TransitionIn(Schema):
    comment: str = ""
    version: int | None = None
    session_id: Id | None = None


class RequestOut(Schema):
    id: int
    reference: str
    title: str
    status: str
    outcome: str
    version: int
    period_ids: list[int]
    submitted_at: datetime | None
    decided_at: datetime | None
    appeal_deadline: date | None


class CompetencyDecisionIn(Schema):
    competency_id: Id
    level_id: Id | None = None
    change_reason: str = ""


class ActivityDecisionIn(Schema):
    period_id: Id
    ects: Decimal | None = None
    change_reason: str = ""


class DecisionIn(Schema):
    session_id: Id
    outcome: Outcome
    reason: str = ""
    version: int | None = None
    activities: list[ActivityDecisionIn] | None = None
    competencies: list[CompetencyDecisionIn] | None = None


class DecisionOut(Schema):
    id: int
    outcome: str
    signed_at: datetime
    total_ects: Decimal
    competency_ids: list[int]


def _out(request) -> dict:
    return {
        "id": request.pk,
        "reference": request.reference,
        "title": request.title,
        "status": request.status,
        "outcome": request.outcome,
        "version": request.version,
        "period_ids": list(request.periods.values_list("pk", flat=True)),
        "submitted_at": request.submitted_at,
        "decided_at": request.decided_at,
        "appeal_deadline": request.appeal_deadline,
    }


@router.get(
    "/requests", response={200: list[RequestOut], 401: ErrorOut}, operation_id="recognition_request_list"
)
def recognition_request_list(request: HttpRequest, status: str = ""):
    """Requests the caller holds, and for deciders the submitted requests of their institutions."""
    queryset = selectors.visible_requests(request.auth).prefetch_related("periods")
    if status:
        queryset = queryset.filter(status=status)
    return [_out(r) for r in queryset.order_by("-created_at")[:200]]


@router.post(
    "/requests",
    response={201: RequestOut, 400: ErrorOut, 401: ErrorOut},
    operation_id="recognition_request_create",
)
def recognition_request_create(request: HttpRequest, payload: RequestIn):
    """Create a draft request gathering some of the caller's periods."""
    periods = list(ReservePeriod.objects.filter(pk__in=payload.period_ids, profile__user=request.auth))
    if len(periods) != len(set(payload.period_ids)):
        return Status(400, {"detail": "period_ids: some periods do not exist or are not yours."})
    created = services.request_create(
        holder=request.auth,
        institution=periods[0].profile.institution if periods else None,
        title=payload.title,
        periods=periods,
        message=payload.message,
    )
    return Status(201, _out(created))


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="recognition_request_read",
)
def recognition_request_read(request: HttpRequest, request_id: int):
    return _out(selectors.request_for(request.auth, request_id))


def _transition(request: HttpRequest, request_id: int, name: str, payload: TransitionIn):
    target = selectors.request_for(request.auth, request_id)
    session = None
    if payload.session_id is not None:
        session = selectors.sessions_for(request.auth).filter(pk=payload.session_id).first()
    services.request_transition(
        request=target,
        name=name,
        actor=request.auth,
        comment=payload.comment,
        expected_version=payload.version,
        session=session,
    )
    return _out(target)


TRANSITION_RESPONSES = {200: RequestOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "/requests/{request_id}/submit", response=TRANSITION_RESPONSES, operation_id="recognition_request_submit"
)
def recognition_request_submit(request: HttpRequest, request_id: int, payload: TransitionIn):
    return _transition(request, request_id, "submit", payload)


@router.post(
    "/requests/{request_id}/transitions/{name}",
    response=TRANSITION_RESPONSES,
    operation_id="recognition_request_transition",
)
def recognition_request_transition(request: HttpRequest, request_id: int, name: str, payload: TransitionIn):
    """Apply a workflow transition: start_review, request_changes, send_to_jury, appeal, withdraw."""
    from parcours.recognition.workflow import BY_NAME

    if name not in BY_NAME:
        return Status(400, {"detail": f"name: unknown transition “{name}”."})
    return _transition(request, request_id, name, payload)


@router.post(
    "/requests/{request_id}/decisions",
    response={201: DecisionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="recognition_decision_create",
)
def recognition_decision_create(request: HttpRequest, request_id: int, payload: DecisionIn):
    """Sign a decision. Without ``activities``/``competencies`` the approved rules' proposal is used as is."""
    target = selectors.request_for(request.auth, request_id)
    session = JurySession.objects.filter(pk=payload.session_id, institution=target.institution).first()
    if session is None:
        return Status(400, {"detail": "session_id: no such jury session in the request's institution."})
    proposal = build_proposal(target)
    activities = proposal.activities
    if payload.activities is not None:
        by_period = {line.period.pk: line for line in proposal.activities}
        activities = []
        for item in payload.activities:
            line = by_period.get(item.period_id)
            if line is None:
                return Status(400, {"detail": f"activities: period {item.period_id} is not in the request."})
            if item.ects is not None:
                line.ects = item.ects
            line.change_reason = item.change_reason
            activities.append(line)
    competencies = proposal.competencies
    if payload.competencies is not None:
        from parcours.frameworks.models import Competency, Level

        by_competency = {line.competency.pk: line for line in proposal.competencies}
        competencies = []
        for item in payload.competencies:
            line = by_competency.get(item.competency_id)
            if line is None:
                competency = Competency.objects.filter(pk=item.competency_id).first()
                if competency is None:
                    return Status(400, {"detail": f"competencies: unknown competency {item.competency_id}."})
                line = services.CompetencyLine(competency=competency, level=None)
            if item.level_id is not None:
                line.level = Level.objects.filter(
                    pk=item.level_id, framework=line.competency.framework_id
                ).first()
            line.change_reason = item.change_reason
            competencies.append(line)
    decision = services.decision_sign(
        request=target,
        actor=request.auth,
        session=session,
        outcome=payload.outcome,
        reason=payload.reason,
        competencies=competencies,
        activities=activities,
        expected_version=payload.version,
    )
    return Status(
        201,
        {
            "id": decision.pk,
            "outcome": decision.outcome,
            "signed_at": decision.signed_at,
            "total_ects": selectors.decision_totals(decision)["ects"],
            "competency_ids": list(decision.competencies.values_list("competency_id", flat=True)),
        },
    )
