"""The recognition-rule workflow, declared once: draft → approved → retired."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role

from .enums import RuleStatus


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    roles: tuple[str, ...]
    label: str | Promise
    audit_action: str
    confirm: str | Promise = ""


RULE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "approve",
            RuleStatus.DRAFT,
            RuleStatus.APPROVED,
            (Role.DIRECTOR_OF_STUDIES,),
            _("Approve"),
            "recognition_rule.approved",
            _("An approved rule can no longer be changed: a change will need a new version."),
        ),
        Transition(
            "retire",
            RuleStatus.APPROVED,
            RuleStatus.RETIRED,
            (Role.DIRECTOR_OF_STUDIES,),
            _("Retire"),
            "recognition_rule.retired",
            _("A retired rule no longer applies to new requests."),
        ),
    )
}


def available_transitions(user, rule) -> list[Transition]:
    return [
        t
        for t in RULE_TRANSITIONS.values()
        if t.source == rule.status and has_role(user, *t.roles, institution=rule.institution_id)
    ]
