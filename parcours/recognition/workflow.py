"""The recognition workflow as a table: every allowed transition, who may make it, what it requires.

Services call ``transition_for(name)``; templates ask ``available_transitions(request, user)``. Nobody
compares status strings elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role

from .enums import RequestStatus as S

HOLDER = "holder"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]  # HOLDER, or roles held in the request's institution
    comment_required: bool = False
    via_decision: bool = False  # only reached by signing a decision, not by a button


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", _("Submit"), (S.DRAFT, S.CHANGES_REQUESTED), S.SUBMITTED, (HOLDER,)),
    Transition(
        "start_review", _("Start the review"), (S.SUBMITTED,), S.UNDER_REVIEW, (Role.PEDAGOGICAL_ENGINEER,)
    ),
    Transition(
        "request_changes",
        _("Ask for changes"),
        (S.UNDER_REVIEW,),
        S.CHANGES_REQUESTED,
        (Role.PEDAGOGICAL_ENGINEER,),
        comment_required=True,
    ),
    Transition(
        "send_to_jury",
        _("Send to the jury"),
        (S.UNDER_REVIEW,),
        S.IN_JURY,
        (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES),
    ),
    Transition(
        "decide",
        _("Decide"),
        (S.IN_JURY, S.APPEALED),
        S.DECIDED,
        (Role.DIRECTOR_OF_STUDIES,),
        via_decision=True,
    ),
    Transition(
        "appeal", _("Appeal the decision"), (S.DECIDED,), S.APPEALED, (HOLDER,), comment_required=True
    ),
    Transition(
        "withdraw",
        _("Withdraw the request"),
        (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.IN_JURY),
        S.WITHDRAWN,
        (HOLDER,),
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def transition_for(name: str) -> Transition:
    return BY_NAME[name]
