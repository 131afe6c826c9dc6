"""Suggestions API: competencies of a framework for a free text, and feedback that the engine learns from."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from parcours.frameworks.models import Competency
from parcours.frameworks.selectors import frameworks_visible_to
from parcours.matching.services import EmptyQueryError, feedback_record, suggest

from .schemas import ErrorOut, Id

router = Router(tags=["matching"])


class SuggestIn(Schema):
    text: str = Field(max_length=100_000)
    framework: Id
    top: int = Field(default=8, ge=1, le=50)


class SuggestionOut(Schema):
    competency_id: int
    code: str
    statement: str
    score: float
    reasons: str


class FeedbackIn(Schema):
    framework: Id
    competency_id: Id
    text: str = Field(min_length=1, max_length=100_000)
    accepted: bool


@router.get(
    "/suggest",
    response={200: list[SuggestionOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="suggestion_list",
)
def suggestion_list(request: HttpRequest, params: Query[SuggestIn]):
    """Ranked competencies for ``text`` with the words that justify each. Texts over 100 KB are refused;
    long texts are cut to their first words (see docs/matching.md)."""
    framework = get_object_or_404(frameworks_visible_to(request.auth), pk=params.framework)
    try:
        return [s.__dict__ for s in suggest(framework=framework, text=params.text, top=params.top)]
    except EmptyQueryError as exc:
        return Status(422, {"detail": f"text: {exc}"})


@router.post(
    "/feedback",
    response={201: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="suggestion_feedback_create",
)
def suggestion_feedback_create(request: HttpRequest, payload: FeedbackIn):
    """Record that a suggestion was accepted or rejected; the engine learns it in the background."""
    framework = get_object_or_404(frameworks_visible_to(request.auth), pk=payload.framework)
    competency = get_object_or_404(Competency.objects.filter(framework=framework), pk=payload.competency_id)
    feedback_record(
        framework=framework,
        competency=competency,
        text=payload.text,
        accepted=payload.accepted,
        author=request.auth,
    )
    return Status(201, {"detail": "recorded"})
