"""Writes on recognition rules: drafts by the pedagogical engineer, approval and retirement by the director.

Approved rules are immutable; a change is a new version. Every transition is logged twice: in the rule's
own history (``RuleTransition``, shown on the rule page) and in the audit chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.permissions import has_role
from parcours.audit.services import audit_record
from parcours.frameworks.enums import FrameworkKind, FrameworkStatus
from parcours.frameworks.models import Competency, Level, TeachingUnit

from .enums import EctsMode, RuleStatus
from .models import RecognitionRule, RuleCompetency, RuleTransition
from .permissions import RULE_EDITOR_ROLES
from .workflow import RULE_TRANSITIONS

RULE_FIELDS = (
    "framework",
    "activity_type",
    "force",
    "min_days",
    "rank_band",
    "title_fr",
    "title_en",
    "ects_mode",
    "ects_value",
    "ects_cap",
    "internship_weeks_exempted",
    "supplement_wording_fr",
    "supplement_wording_en",
    "valid_from",
    "valid_until",
)

CompetencyLevels = Iterable[tuple[Competency, Level | None]]


def rule_snapshot(rule: RecognitionRule) -> dict[str, Any]:
    """What the rule says, as stored in its history and the audit trail (who approved what)."""
    return {
        "title_fr": rule.title_fr,
        "title_en": rule.title_en,
        "version": rule.version,
        "framework": rule.framework_id,
        "activity_type": rule.activity_type.code,
        "force": rule.force.code if rule.force_id else None,
        "min_days": rule.min_days,
        "rank_band": rule.rank_band,
        "ects_mode": rule.ects_mode,
        "ects_value": str(rule.ects_value),
        "ects_cap": str(rule.ects_cap) if rule.ects_cap is not None else None,
        "competencies": [
            {
                "code": link.competency.code,
                "identifier": link.competency.identifier,
                "level": link.level.rank if link.level else None,
            }
            for link in rule.competencies.select_related("competency", "level").order_by(
                "competency__position"
            )
        ],
        "exempted_units": sorted(unit.code for unit in rule.exempted_units.all()),
        "internship_weeks_exempted": rule.internship_weeks_exempted,
        "supplement_wording_fr": rule.supplement_wording_fr,
        "supplement_wording_en": rule.supplement_wording_en,
        "valid_from": rule.valid_from.isoformat(),
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
    }


def _validate(
    rule: RecognitionRule, competencies: list[tuple[Competency, Level | None]] | None, units
) -> None:
    errors: dict[str, list[str]] = {}
    framework = rule.framework
    if framework.kind != FrameworkKind.SCHOOL or framework.institution_id != rule.institution_id:
        errors.setdefault("framework", []).append(_("Choose a framework of your institution."))
    if rule.valid_until and rule.valid_until < rule.valid_from:
        errors.setdefault("valid_until", []).append(_("The end of validity must come after its start."))
    if rule.ects_value is None or rule.ects_value < 0:
        errors.setdefault("ects_value", []).append(_("ECTS cannot be negative."))
    if rule.ects_mode == EctsMode.NONE:
        rule.ects_value, rule.ects_cap = Decimal("0"), None
    elif rule.ects_mode == EctsMode.FIXED:
        rule.ects_cap = None
        if not rule.ects_value:
            errors.setdefault("ects_value", []).append(_("Give the number of ECTS credits."))
    elif rule.ects_mode == EctsMode.PER_DAY:
        if not rule.ects_value:
            errors.setdefault("ects_value", []).append(_("Give the ECTS credits per day."))
        if rule.ects_cap is not None and rule.ects_cap < 0:
            errors.setdefault("ects_cap", []).append(_("ECTS cannot be negative."))
    if competencies is not None:
        seen = set()
        for competency, level in competencies:
            if competency.framework_id != framework.pk:
                errors.setdefault("competencies", []).append(
                    _("“%(item)s” does not belong to the rule's framework.") % {"item": competency}
                )
            if level is not None and level.framework_id != framework.pk:
                errors.setdefault("competencies", []).append(
                    _("The level must come from the rule's framework scale.")
                )
            if competency.pk in seen:
                errors.setdefault("competencies", []).append(
                    _("“%(item)s” is listed twice.") % {"item": competency}
                )
            seen.add(competency.pk)
    if units is not None:
        for unit in units:
            if unit.programme.institution_id != rule.institution_id:
                errors.setdefault("exempted_units", []).append(
                    _("Choose teaching units of your institution.")
                )
                break
    if errors:
        raise ValidationError(errors)


def _set_links(rule: RecognitionRule, competencies, units) -> None:
    if competencies is not None:
        rule.competencies.all().delete()
        RuleCompetency.objects.bulk_create(
            [
                RuleCompetency(rule=rule, competency=competency, level=level)
                for competency, level in competencies
            ]
        )
    if units is not None:
        rule.exempted_units.set(units)


@transaction.atomic
def rule_create(
    *,
    institution,
    actor,
    competencies: CompetencyLevels = (),
    exempted_units: Iterable[TeachingUnit] = (),
    **values: Any,
) -> RecognitionRule:
    if not has_role(actor, *RULE_EDITOR_ROLES, institution=institution):
        raise PermissionDenied
    competencies = list(competencies)
    units = list(exempted_units)
    rule = RecognitionRule(
        institution=institution, created_by=actor, **{k: v for k, v in values.items() if k in RULE_FIELDS}
    )
    _validate(rule, competencies, units)
    rule.save()
    _set_links(rule, competencies, units)
    RuleTransition.objects.create(rule=rule, from_status="", to_status=RuleStatus.DRAFT, actor=actor)
    audit_record(
        "recognition_rule.created",
        actor=actor,
        target=rule,
        institution=institution,
        data={"title": rule.title_fr},
    )
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: RecognitionRule,
    actor,
    competencies: CompetencyLevels | None = None,
    exempted_units: Iterable[TeachingUnit] | None = None,
    **values: Any,
) -> RecognitionRule:
    """Change a draft rule. Approved and retired rules are immutable: make a new version instead."""
    rule = RecognitionRule.objects.select_for_update().get(pk=rule.pk)
    if rule.status != RuleStatus.DRAFT:
        raise ValidationError(_("Only a draft rule can be changed: create a new version of this rule."))
    if not has_role(actor, *RULE_EDITOR_ROLES, institution=rule.institution_id):
        raise PermissionDenied
    competencies = list(competencies) if competencies is not None else None
    units = list(exempted_units) if exempted_units is not None else None
    for name, value in values.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    _validate(rule, competencies, units)
    rule.save()
    _set_links(rule, competencies, units)
    audit_record(
        "recognition_rule.updated",
        actor=actor,
        target=rule,
        institution=rule.institution,
        data={"fields": sorted(k for k in values if k in RULE_FIELDS)},
    )
    return rule


@transaction.atomic
def rule_transition(*, rule: RecognitionRule, actor, name: str, note: str = "") -> RecognitionRule:
    """Approve or retire a rule (director of studies). Approving a new version retires the one it replaces."""
    transition = RULE_TRANSITIONS.get(name)
    rule = (
        RecognitionRule.objects.select_for_update(of=("self",))
        .select_related("framework", "activity_type", "force")
        .get(pk=rule.pk)
    )
    if transition is None or transition.source != rule.status:
        raise ValidationError(_("This action is not available for a rule in this state."))
    if not has_role(actor, *transition.roles, institution=rule.institution_id):
        raise PermissionDenied
    if transition.target == RuleStatus.APPROVED:
        if rule.framework.status == FrameworkStatus.DRAFT:
            raise ValidationError(_("Publish the framework before approving rules that use it."))
        if not (
            rule.competencies.exists()
            or rule.ects_mode != EctsMode.NONE
            or rule.internship_weeks_exempted
            or rule.exempted_units.exists()
        ):
            raise ValidationError(
                _("The rule recognises nothing yet: add competencies, ECTS or an exemption.")
            )
        rule.approved_by = actor
        rule.approved_at = timezone.now()
    previous_status = rule.status
    rule.status = transition.target
    rule.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    snapshot = rule_snapshot(rule)
    RuleTransition.objects.create(
        rule=rule,
        from_status=previous_status,
        to_status=rule.status,
        actor=actor,
        comment=note,
        snapshot=snapshot,
    )
    audit_record(
        transition.audit_action,
        actor=actor,
        target=rule,
        institution=rule.institution,
        data={"from": previous_status, "to": rule.status, "note": note, "rule": snapshot},
    )
    if transition.target == RuleStatus.APPROVED and rule.previous_id:
        previous = RecognitionRule.objects.select_for_update().get(pk=rule.previous_id)
        if previous.status == RuleStatus.APPROVED:
            previous.status = RuleStatus.RETIRED
            previous.save(update_fields=["status", "updated_at"])
            RuleTransition.objects.create(
                rule=previous,
                from_status=RuleStatus.APPROVED,
                to_status=RuleStatus.RETIRED,
                actor=actor,
                comment=_("Replaced by version %(version)d.") % {"version": rule.version},
            )
            audit_record(
                "recognition_rule.retired",
                actor=actor,
                target=previous,
                institution=rule.institution,
                data={"replaced_by": rule.pk},
            )
    return rule


@transaction.atomic
def rule_new_version(*, rule: RecognitionRule, actor) -> RecognitionRule:
    """Start a draft copy of an approved (or retired) rule; it replaces it once approved."""
    rule = RecognitionRule.objects.select_for_update().get(pk=rule.pk)
    if rule.status == RuleStatus.DRAFT:
        raise ValidationError(_("This rule is still a draft: change it directly."))
    if not has_role(actor, *RULE_EDITOR_ROLES, institution=rule.institution_id):
        raise PermissionDenied
    if RecognitionRule.objects.filter(previous=rule).exists():
        raise ValidationError(_("A new version of this rule already exists."))
    copy = RecognitionRule.objects.create(
        institution=rule.institution,
        previous=rule,
        version=rule.version + 1,
        created_by=actor,
        **{name: getattr(rule, name) for name in RULE_FIELDS},
    )
    RuleCompetency.objects.bulk_create(
        [
            RuleCompetency(rule=copy, competency_id=link.competency_id, level_id=link.level_id)
            for link in rule.competencies.all()
        ]
    )
    copy.exempted_units.set(rule.exempted_units.all())
    RuleTransition.objects.create(
        rule=copy,
        from_status="",
        to_status=RuleStatus.DRAFT,
        actor=actor,
        comment=_("New version of version %(v)d.") % {"v": rule.version},
    )
    audit_record(
        "recognition_rule.version_created",
        actor=actor,
        target=copy,
        institution=rule.institution,
        data={"previous": rule.pk, "version": copy.version},
    )
    return copy


@transaction.atomic
def rule_delete(*, rule: RecognitionRule, actor) -> None:
    """Delete a draft (an approved rule is never deleted: it is retired)."""
    if rule.status != RuleStatus.DRAFT:
        raise ValidationError(_("Only a draft rule can be deleted."))
    if not has_role(actor, *RULE_EDITOR_ROLES, institution=rule.institution_id):
        raise PermissionDenied
    audit_record(
        "recognition_rule.deleted",
        actor=actor,
        target=rule,
        institution=rule.institution,
        data={"title": rule.title_fr, "version": rule.version},
    )
    rule.delete()
