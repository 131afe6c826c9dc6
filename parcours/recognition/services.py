"""Write side of recognition: requests, workflow transitions, jury sessions and signed decisions.

One transaction per service; notifications, documents and credentials happen after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.permissions import has_role
from parcours.audit.services import audit_record
from parcours.notifications.services import notify

from .enums import Outcome, RequestStatus
from .models import (
    Comment,
    Decision,
    DecisionCompetency,
    JurySession,
    RecognitionRequest,
    RequestTransition,
    ValidatedActivity,
)
from .workflow import HOLDER, Transition, transition_for


class RecognitionError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ConcurrentChange(RecognitionError):
    """Someone else changed the request first; nothing was written."""


def may_act(transition: Transition, request: RecognitionRequest, user) -> bool:
    if HOLDER in transition.actors and request.holder_id == user.pk:
        return True
    roles = [a for a in transition.actors if a != HOLDER]
    return bool(roles) and has_role(user, *roles, institution=request.institution_id)


def available_transitions(request: RecognitionRequest, user) -> list[Transition]:
    from .workflow import TRANSITIONS

    return [
        t
        for t in TRANSITIONS
        if request.status in t.sources and not t.via_decision and may_act(t, request, user)
    ]


def _validated_elsewhere(periods) -> list:
    return [p for p in periods if ValidatedActivity.objects.filter(period=p, is_current=True).exists()]


def _check_periods(*, holder, periods, exclude_request=None) -> None:
    if not periods:
        raise RecognitionError(_("Choose at least one reserve period."), field="periods")
    for period in periods:
        if period.profile.user_id != holder.pk:
            raise RecognitionError(_("You can only include your own periods."), field="periods")
    if already := _validated_elsewhere(periods):
        raise RecognitionError(
            _(
                "“%(period)s” has already been validated. The same activity can be validated only once "
                "(Code de l'éducation, D611-7)."
            )
            % {"period": already[0]},
            field="periods",
        )
    busy = RecognitionRequest.objects.filter(periods__in=periods).exclude(
        status__in=[RequestStatus.WITHDRAWN, RequestStatus.DECIDED]
    )
    if exclude_request is not None:
        busy = busy.exclude(pk=exclude_request.pk)
    if other := busy.first():
        raise RecognitionError(
            _("One of these periods is already in request %(ref)s.") % {"ref": other.reference},
            field="periods",
        )


@transaction.atomic
def request_create(*, holder, institution, title: str, periods, message: str = "") -> RecognitionRequest:
    periods = list(periods)
    _check_periods(holder=holder, periods=periods)
    request = RecognitionRequest.objects.create(
        holder=holder, institution=institution, title=title, message=message
    )
    request.periods.set(periods)
    audit_record("recognition.request.created", actor=holder, target=request, institution=institution)
    return request


@transaction.atomic
def request_update(
    *, request: RecognitionRequest, actor, title: str, periods, message: str = ""
) -> RecognitionRequest:
    if request.holder_id != actor.pk or request.status not in (
        RequestStatus.DRAFT,
        RequestStatus.CHANGES_REQUESTED,
    ):
        raise RecognitionError(_("This request can no longer be changed."))
    periods = list(periods)
    _check_periods(holder=request.holder, periods=periods, exclude_request=request)
    request.title, request.message = title, message
    request.save(update_fields=["title", "message", "updated_at"])
    request.periods.set(periods)
    audit_record("recognition.request.updated", actor=actor, target=request, institution=request.institution)
    return request


def _move(
    *,
    request: RecognitionRequest,
    transition: Transition,
    actor,
    comment: str,
    expected_version: int | None,
    **extra,
) -> None:
    """Conditional update: succeeds only if nobody moved the request since it was read."""
    version = request.version if expected_version is None else expected_version
    updated = RecognitionRequest.objects.filter(
        pk=request.pk, status=request.status, version=version, status__in=transition.sources
    ).update(status=transition.target, version=F("version") + 1, updated_at=timezone.now(), **extra)
    if updated != 1:
        current = RecognitionRequest.objects.get(pk=request.pk)
        raise ConcurrentChange(
            _(
                "This request was changed by someone else in the meantime (it is now “%(status)s”). "
                "Nothing was saved: reload the page to see its current state."
            )
            % {"status": current.get_status_display()}
        )
    source = request.status
    request.refresh_from_db()
    RequestTransition.objects.create(
        request=request,
        name=transition.name,
        source=source,
        target=transition.target,
        actor=actor,
        comment=comment,
    )
    audit_record(
        f"recognition.request.{transition.name}",
        actor=actor,
        target=request,
        institution=request.institution,
        data={"from": source, "to": transition.target, "comment": comment},
    )


def _reviewers(request: RecognitionRequest):
    from parcours.accounts.enums import Role
    from parcours.accounts.models import User

    return User.objects.filter(
        memberships__institution=request.institution_id,
        memberships__role__in=[Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES],
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def request_transition(
    *,
    request: RecognitionRequest,
    name: str,
    actor,
    comment: str = "",
    expected_version: int | None = None,
    session: JurySession | None = None,
) -> RecognitionRequest:
    """Apply a workflow transition (not ``decide``: see ``decision_sign``)."""
    transition = transition_for(name)
    if transition.via_decision:
        raise RecognitionError(_("A decision is made by signing it in a jury session."))
    if request.status not in transition.sources:
        raise RecognitionError(
            _("“%(action)s” is not possible while the request is “%(status)s”.")
            % {"action": transition.label, "status": request.get_status_display()}
        )
    if not may_act(transition, request, actor):
        raise RecognitionError(_("You are not allowed to do this on this request."))
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise RecognitionError(_("Say why in the comment."), field="comment")
    extra = {}
    if name == "submit":
        _check_periods(holder=request.holder, periods=list(request.periods.all()), exclude_request=request)
        if request.submitted_at is None:
            extra["submitted_at"] = timezone.now()
    if name == "send_to_jury":
        if session is None or session.institution_id != request.institution_id:
            raise RecognitionError(
                _("Choose the jury session that will examine the request."), field="session"
            )
        extra["session"] = session
    if name == "appeal" and request.appeal_deadline and timezone.localdate() > request.appeal_deadline:
        raise RecognitionError(
            _("The appeal period ended on %(date)s.") % {"date": request.appeal_deadline.strftime("%d/%m/%Y")}
        )
    with transaction.atomic():
        _move(
            request=request,
            transition=transition,
            actor=actor,
            comment=comment,
            expected_version=expected_version,
            **extra,
        )
        if comment:
            Comment.objects.create(request=request, author=actor, body=comment)
        _notify_transition(request, transition, actor)
    return request


MESSAGES = {
    "submit": gettext_lazy("Request %(ref)s was submitted and waits for review."),
    "start_review": gettext_lazy("Your request %(ref)s is being reviewed."),
    "request_changes": gettext_lazy("Changes are requested on request %(ref)s."),
    "send_to_jury": gettext_lazy("Request %(ref)s will be examined by the jury."),
    "decide": gettext_lazy("A decision was signed on request %(ref)s."),
    "appeal": gettext_lazy("Request %(ref)s was appealed: the jury will examine it again."),
    "withdraw": gettext_lazy("Request %(ref)s was withdrawn by its holder."),
}


def _notify_transition(request: RecognitionRequest, transition: Transition, actor) -> None:
    from django.urls import reverse

    ref = request.reference
    recipients = [request.holder] if HOLDER not in transition.actors else list(_reviewers(request))
    if transition.name == "decide":
        recipients = [request.holder]
    notify(
        recipients=[u for u in recipients if u.pk != actor.pk],
        action=f"recognition.request.{transition.name}",
        message=lambda: MESSAGES[transition.name] % {"ref": ref},
        url=reverse("recognition_request_detail", args=[request.pk]),
    )


@transaction.atomic
def comment_add(*, request: RecognitionRequest, actor, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise RecognitionError(_("The comment is empty."), field="body")
    comment = Comment.objects.create(request=request, author=actor, body=body)
    audit_record(
        "recognition.request.commented", actor=actor, target=request, institution=request.institution
    )
    return comment


@transaction.atomic
def session_create(
    *, institution, actor, title: str, date: date, chair, members, place: str = ""
) -> JurySession:
    session = JurySession.objects.create(
        institution=institution, title=title, date=date, chair=chair, place=place
    )
    session.members.set(list(members) or [chair])
    audit_record("recognition.session.created", actor=actor, target=session, institution=institution)
    return session


@dataclass
class CompetencyLine:
    competency: object
    level: object | None
    proposed_level: object | None = None
    from_rule: bool = False
    change_reason: str = ""


@dataclass
class ActivityLine:
    period: object
    rule: object | None = None
    ects: Decimal = Decimal("0")
    proposed_ects: Decimal | None = None
    exempted_units: list = field(default_factory=list)
    internship_weeks_exempted: int = 0
    wording_fr: str = ""
    wording_en: str = ""
    change_reason: str = ""


def decision_sign(
    *,
    request: RecognitionRequest,
    actor,
    session: JurySession,
    outcome: str,
    reason: str = "",
    competencies: list[CompetencyLine] = (),
    activities: list[ActivityLine] = (),
    expected_version: int | None = None,
) -> Decision:
    """Sign a decision: immutable afterwards. On an appealed request, the new decision corrects the old one."""
    transition = transition_for("decide")
    if not may_act(transition, request, actor):
        raise RecognitionError(_("Only the director of studies signs decisions."))
    if request.status not in transition.sources:
        raise RecognitionError(
            _("This request is “%(status)s”: it cannot be decided now.")
            % {"status": request.get_status_display()}
        )
    if session.institution_id != request.institution_id:
        raise RecognitionError(_("Choose a jury session of the request's institution."), field="session")
    reason = reason.strip()
    if outcome == Outcome.REFUSED and not reason:
        raise RecognitionError(_("A refusal must give its reason."), field="reason")
    if outcome != Outcome.REFUSED and not activities:
        raise RecognitionError(_("Validate at least one period, or refuse the request."), field="activities")
    for line in competencies:
        if line.from_rule and line.level != line.proposed_level and not line.change_reason.strip():
            raise RecognitionError(
                _("Give a reason for changing the level proposed by the rule for “%(c)s”.")
                % {"c": line.competency},
                field="competencies",
            )
    for act in activities:
        if act.proposed_ects is not None and act.ects != act.proposed_ects and not act.change_reason.strip():
            raise RecognitionError(
                _("Give a reason for changing the ECTS proposed by the rule for “%(p)s”.")
                % {"p": act.period},
                field="activities",
            )
    request_periods = set(request.periods.values_list("pk", flat=True))
    if any(a.period.pk not in request_periods for a in activities):
        raise RecognitionError(_("Only the periods of the request can be validated."), field="activities")
    now = timezone.now()
    try:
        with transaction.atomic():
            previous = Decision.objects.filter(request=request, is_current=True).first()
            if previous is not None:
                Decision.objects.filter(pk=previous.pk).update(is_current=False)
                ValidatedActivity.objects.filter(decision=previous).update(is_current=False)
            decision = Decision.objects.create(
                request=request,
                session=session,
                outcome=outcome,
                reason=reason,
                corrects=previous,
                signed_by=actor,
                signed_at=now,
            )
            for act in activities if outcome != Outcome.REFUSED else ():
                validated = ValidatedActivity.objects.create(
                    decision=decision,
                    period=act.period,
                    rule=act.rule,
                    ects=act.ects,
                    internship_weeks_exempted=act.internship_weeks_exempted,
                    wording_fr=act.wording_fr,
                    wording_en=act.wording_en,
                )
                validated.exempted_units.set(act.exempted_units)
            for line in competencies if outcome != Outcome.REFUSED else ():
                DecisionCompetency.objects.create(
                    decision=decision,
                    competency=line.competency,
                    level=line.level,
                    proposed_level=line.proposed_level,
                    from_rule=line.from_rule,
                    change_reason=line.change_reason.strip(),
                )
            months = settings.PARCOURS["APPEAL_MONTHS"]
            _move(
                request=request,
                transition=transition,
                actor=actor,
                comment=reason,
                expected_version=expected_version,
                outcome=outcome,
                decided_at=now,
                appeal_deadline=_add_months(timezone.localdate(now), months),
            )
            audit_record(
                "recognition.decision.signed",
                actor=actor,
                target=decision,
                institution=request.institution,
                data={"outcome": outcome, "corrects": previous.pk if previous else None},
            )
            _notify_transition(request, transition, actor)
            transaction.on_commit(lambda: _after_decision(decision.pk), robust=True)
    except IntegrityError as exc:
        if "activity_validated_only_once" in str(exc) or "UNIQUE" in str(exc).upper():
            raise RecognitionError(
                _(
                    "One of these periods has already been validated by another decision. The same activity can "
                    "be validated only once (Code de l'éducation, D611-7)."
                ),
                field="activities",
            ) from exc
        raise
    return decision


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _after_decision(decision_id: int) -> None:
    """Documents and credentials derived from a signed decision (after commit; each step idempotent)."""
    from .tasks import decision_outputs_task

    decision_outputs_task.enqueue(decision_id=decision_id)


@transaction.atomic
def session_close(*, session: JurySession, actor) -> JurySession:
    from .enums import SessionStatus

    if session.status == SessionStatus.CLOSED:
        raise RecognitionError(_("This session is already closed."))
    if not has_role(actor, "director_of_studies", institution=session.institution_id):
        raise RecognitionError(_("Only the director of studies closes a jury session."))
    updated = JurySession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        status=SessionStatus.CLOSED, closed_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentChange(_("This session was closed by someone else in the meantime."))
    session.refresh_from_db()
    audit_record("recognition.session.closed", actor=actor, target=session, institution=session.institution)
    transaction.on_commit(lambda: _after_session(session.pk), robust=True)
    return session


def _after_session(session_id: int) -> None:
    from .tasks import session_outputs_task

    session_outputs_task.enqueue(session_id=session_id)
