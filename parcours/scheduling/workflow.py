"""The three workflows of the app, each declared as one table: states (TextChoices) and transitions.

A transition names the states it leaves from, the state it leads to, who may take it and whether a
comment is required. Services apply transitions through ``apply_transition``, which checks the table,
writes the app's own transition log and the audit trail. Templates ask ``available_transitions``; they
never compare status strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role
from parcours.audit.services import audit_record

from .enums import AbsenceRequestStatus as AR
from .enums import ArrangementStatus as AS
from .enums import CallUpStatus as CS


class Actor(StrEnum):
    """Who takes a transition, relative to the object."""

    OWNER = "owner"  # the reservist (call-up, absence request) or the student (arrangement)
    TEACHER = "teacher"  # the teacher the arrangement is addressed to
    DIRECTOR = "director"  # a director of studies of the institution
    HR = "hr"  # HR of the institution


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: Actor
    label: str | Promise
    requires_comment: bool = False
    style: str = "primary"  # how the button looks: primary, secondary, tertiary


def _t(name, sources, target, actor, label, **kwargs) -> tuple[str, Transition]:
    return name, Transition(name, frozenset(sources), target, actor, label, **kwargs)


CALL_UP_TRANSITIONS: dict[str, Transition] = dict(
    [
        _t("confirm", {CS.PLANNED}, CS.CONFIRMED, Actor.OWNER, _("Mark as confirmed")),
        _t(
            "cancel",
            {CS.PLANNED, CS.CONFIRMED},
            CS.CANCELLED,
            Actor.OWNER,
            _("Cancel the call-up"),
            style="secondary",
        ),
    ]
)

ARRANGEMENT_TRANSITIONS: dict[str, Transition] = dict(
    [
        _t("propose", {AS.REQUESTED}, AS.PROPOSED, Actor.TEACHER, _("Propose a solution")),
        _t("approve", {AS.PROPOSED}, AS.APPROVED, Actor.DIRECTOR, _("Approve")),
        _t(
            "refuse",
            {AS.REQUESTED, AS.PROPOSED},
            AS.REFUSED,
            Actor.DIRECTOR,
            _("Refuse"),
            requires_comment=True,
            style="secondary",
        ),
        _t(
            "withdraw",
            {AS.REQUESTED, AS.PROPOSED},
            AS.WITHDRAWN,
            Actor.OWNER,
            _("Withdraw the request"),
            style="tertiary",
        ),
    ]
)

ABSENCE_TRANSITIONS: dict[str, Transition] = dict(
    [
        _t("submit", {AR.DRAFT}, AR.SUBMITTED, Actor.OWNER, _("Send to HR")),
        _t("approve", {AR.SUBMITTED}, AR.APPROVED, Actor.HR, _("Approve")),
        _t(
            "refuse",
            {AR.SUBMITTED},
            AR.REFUSED,
            Actor.HR,
            _("Refuse"),
            requires_comment=True,
            style="secondary",
        ),
        _t(
            "withdraw",
            {AR.DRAFT, AR.SUBMITTED, AR.APPROVED},
            AR.WITHDRAWN,
            Actor.OWNER,
            _("Withdraw the request"),
            style="tertiary",
        ),
    ]
)


def actors_for_call_up(call_up, user) -> set[Actor]:
    return {Actor.OWNER} if call_up.reservist_id == user.pk else set()


def actors_for_arrangement(arrangement, user) -> set[Actor]:
    actors = set()
    if arrangement.student_id == user.pk:
        actors.add(Actor.OWNER)
    if arrangement.teacher_id == user.pk and has_role(
        user, Role.TEACHER, institution=arrangement.institution_id
    ):
        actors.add(Actor.TEACHER)
    if has_role(user, Role.DIRECTOR_OF_STUDIES, institution=arrangement.institution_id):
        actors.add(Actor.DIRECTOR)
    return actors


def actors_for_absence_request(request, user) -> set[Actor]:
    actors = set()
    if request.requester_id == user.pk:
        actors.add(Actor.OWNER)
    if has_role(user, Role.HR, institution=request.institution_id):
        actors.add(Actor.HR)
    return actors


def available_transitions(table: dict[str, Transition], obj, actors: set[Actor]) -> list[Transition]:
    return [t for t in table.values() if obj.status in t.sources and t.actor in actors]


def apply_transition(
    table: dict[str, Transition],
    name: str,
    obj,
    *,
    actor,
    actors: set[Actor],
    log_model,
    log_field: str,
    audit_prefix: str,
    comment: str = "",
    audit_data: dict | None = None,
    extra_fields: tuple[str, ...] = (),
) -> Transition:
    """Take transition ``name`` on ``obj`` (call inside the service's transaction).

    Raises ``ValidationError`` with a message for the user when the transition does not exist, is not
    available from the current state, is not the actor's, or lacks its required comment.
    """
    transition = table.get(name)
    if transition is None:
        raise ValidationError(_("Unknown action."))
    if transition.actor not in actors:
        raise ValidationError(_("You cannot take this action on this file."))
    if obj.status not in transition.sources:
        raise ValidationError(
            _("This action is not available any more: the file is now “%(status)s”.")
            % {"status": obj.get_status_display()}
        )
    comment = (comment or "").strip()
    if transition.requires_comment and not comment:
        raise ValidationError(_("A reason is required."))
    previous = obj.status
    obj.status = transition.target
    obj.save(update_fields=["status", "updated_at", *extra_fields])
    log_kwargs = {
        log_field: obj,
        "actor": actor,
        "from_status": previous,
        "to_status": transition.target,
        "comment": comment,
    }
    if any(f.name == "action" for f in log_model._meta.fields):
        log_kwargs["action"] = transition.name
    log_model.objects.create(**log_kwargs)
    audit_record(
        f"{audit_prefix}.{transition.target}",
        actor=actor,
        target=obj,
        institution=obj.institution,
        data={"from": previous, "to": transition.target, **(audit_data or {})},
    )
    return transition
