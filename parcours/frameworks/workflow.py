"""The framework workflow, declared once: draft → published → frozen."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role

from .enums import FrameworkKind, FrameworkStatus


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    roles: tuple[str, ...]
    label: str | Promise
    audit_action: str
    confirm: str | Promise = ""


FRAMEWORK_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "publish",
            FrameworkStatus.DRAFT,
            FrameworkStatus.PUBLISHED,
            (Role.DIRECTOR_OF_STUDIES,),
            _("Publish"),
            "framework.published",
        ),
        Transition(
            "unpublish",
            FrameworkStatus.PUBLISHED,
            FrameworkStatus.DRAFT,
            (Role.DIRECTOR_OF_STUDIES,),
            _("Back to draft"),
            "framework.unpublished",
        ),
        Transition(
            "freeze",
            FrameworkStatus.PUBLISHED,
            FrameworkStatus.FROZEN,
            (Role.DIRECTOR_OF_STUDIES,),
            _("Freeze this version"),
            "framework.frozen",
            _("A frozen version can never be changed again. Changes will need a new version."),
        ),
    )
}


def available_transitions(user, framework) -> list[Transition]:
    if framework.kind != FrameworkKind.SCHOOL or framework.institution_id is None:
        return []
    return [
        t
        for t in FRAMEWORK_TRANSITIONS.values()
        if t.source == framework.status and has_role(user, *t.roles, institution=framework.institution_id)
    ]
