"""The rule-set workflow as a table: every allowed transition, who may make it, what it requires.

Services call ``transition_for(name)``; templates ask ``available_transitions(rule_set, user)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role

from .enums import RuleSetStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]  # roles held in the rule set's institution
    comment_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("approve", _("Approve the rules"), (S.DRAFT,), S.APPROVED, (Role.DIRECTOR_OF_STUDIES,)),
    Transition(
        "retire",
        _("Retire the rules"),
        (S.APPROVED,),
        S.RETIRED,
        (Role.DIRECTOR_OF_STUDIES,),
        comment_required=True,
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def transition_for(name: str) -> Transition:
    return BY_NAME[name]
