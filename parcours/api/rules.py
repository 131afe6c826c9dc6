"""Reserve API: the catalogue (forces, activity types) and the recognition rules (read; drafts for the engineer)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from parcours.accounts.permissions import has_role, institutions_with_role
from parcours.api.errors import validation_detail
from parcours.frameworks.enums import FrameworkKind
from parcours.frameworks.models import Competency, Framework, TeachingUnit
from parcours.reserve import services
from parcours.reserve.enums import EctsMode, RankBand
from parcours.reserve.models import ActivityType, Force, RecognitionRule
from parcours.reserve.permissions import RULE_EDITOR_ROLES
from parcours.reserve.selectors import activity_types, forces, rule_list, rules_visible_to

from .schemas import ErrorOut

router = Router(tags=["reserve"])


class ForceOut(Schema):
    code: str
    name_fr: str
    name_en: str


class ActivityTypeOut(Schema):
    code: str
    kind: str
    name_fr: str
    name_en: str
    typical_days: int


class RuleCompetencyOut(Schema):
    competency_id: int
    code: str
    statement_fr: str
    level_rank: int | None


class UnitOut(Schema):
    code: str
    title_fr: str
    ects: Decimal


class RuleOut(Schema):
    id: int
    version: int
    status: str
    title_fr: str
    title_en: str
    framework_id: int
    activity_type: str
    force: str | None
    min_days: int
    rank_band: str
    ects_mode: str
    ects_value: Decimal
    ects_cap: Decimal | None
    competencies: list[RuleCompetencyOut]
    exempted_units: list[UnitOut]
    internship_weeks_exempted: int
    supplement_wording_fr: str
    supplement_wording_en: str
    valid_from: date
    valid_until: date | None
    previous_id: int | None
    approved_at: datetime | None


class RuleCompetencyIn(Schema):
    competency_id: int
    level_rank: int | None = None


class RuleIn(Schema):
    title_fr: str
    title_en: str = ""
    framework_id: int
    activity_type: str
    force: str | None = None
    min_days: int = 0
    rank_band: RankBand = RankBand.ANY
    ects_mode: EctsMode = EctsMode.NONE
    ects_value: Decimal = Decimal("0")
    ects_cap: Decimal | None = None
    competencies: list[RuleCompetencyIn] = []
    exempted_unit_codes: list[str] = []
    internship_weeks_exempted: int = 0
    supplement_wording_fr: str = ""
    supplement_wording_en: str = ""
    valid_from: date
    valid_until: date | None = None


class RulePatch(Schema):
    title_fr: str | None = None
    title_en: str | None = None
    force: str | None = None
    min_days: int | None = None
    rank_band: RankBand | None = None
    ects_mode: EctsMode | None = None
    ects_value: Decimal | None = None
    ects_cap: Decimal | None = None
    competencies: list[RuleCompetencyIn] | None = None
    exempted_unit_codes: list[str] | None = None
    internship_weeks_exempted: int | None = None
    supplement_wording_fr: str | None = None
    supplement_wording_en: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class RuleFilters(Schema):
    status: str = ""
    activity_type: str = ""
    framework: int | None = None


def _rule_out(rule: RecognitionRule) -> dict:
    return {
        "id": rule.pk,
        "version": rule.version,
        "status": rule.status,
        "title_fr": rule.title_fr,
        "title_en": rule.title_en,
        "framework_id": rule.framework_id,
        "activity_type": rule.activity_type.code,
        "force": rule.force.code if rule.force_id else None,
        "min_days": rule.min_days,
        "rank_band": rule.rank_band,
        "ects_mode": rule.ects_mode,
        "ects_value": rule.ects_value,
        "ects_cap": rule.ects_cap,
        "competencies": [
            {
                "competency_id": link.competency_id,
                "code": link.competency.code,
                "statement_fr": link.competency.statement_fr,
                "level_rank": link.level.rank if link.level else None,
            }
            for link in rule.competencies.all()
        ],
        "exempted_units": [
            {"code": u.code, "title_fr": u.title_fr, "ects": u.ects} for u in rule.exempted_units.all()
        ],
        "internship_weeks_exempted": rule.internship_weeks_exempted,
        "supplement_wording_fr": rule.supplement_wording_fr,
        "supplement_wording_en": rule.supplement_wording_en,
        "valid_from": rule.valid_from,
        "valid_until": rule.valid_until,
        "previous_id": rule.previous_id,
        "approved_at": rule.approved_at,
    }


class Refused(Exception):
    pass


def _resolve(framework: Framework, institution, payload: dict) -> dict:
    """Turn codes and ids of the payload into objects; refuse what is unknown."""
    values = dict(payload)
    if "activity_type" in values:
        activity = ActivityType.objects.filter(code=values["activity_type"]).first()
        if activity is None:
            raise Refused(f"activity_type: unknown code “{values['activity_type']}”")
        values["activity_type"] = activity
    if "force" in values and values["force"] is not None:
        force = Force.objects.filter(code=values["force"]).first()
        if force is None:
            raise Refused(f"force: unknown code “{values['force']}”")
        values["force"] = force
    if values.get("competencies") is not None:
        pairs = []
        levels = {level.rank: level for level in framework.levels.all()}
        items = {
            c.pk: c
            for c in Competency.objects.filter(pk__in=[c["competency_id"] for c in values["competencies"]])
        }
        for entry in values["competencies"]:
            competency = items.get(entry["competency_id"])
            if competency is None:
                raise Refused(f"competencies: unknown competency {entry['competency_id']}")
            rank = entry.get("level_rank")
            if rank is not None and rank not in levels:
                raise Refused(f"competencies: no level {rank} in the framework's scale")
            pairs.append((competency, levels.get(rank) if rank is not None else None))
        values["competencies"] = pairs
    else:
        values.pop("competencies", None)
    if values.get("exempted_unit_codes") is not None:
        codes = values.pop("exempted_unit_codes")
        units = list(TeachingUnit.objects.filter(programme__institution=institution, code__in=codes))
        missing = set(codes) - {u.code for u in units}
        if missing:
            raise Refused(f"exempted_unit_codes: unknown teaching units {', '.join(sorted(missing))}")
        values["exempted_units"] = units
    else:
        values.pop("exempted_unit_codes", None)
    return values


@router.get("/forces", response={200: list[ForceOut], 401: ErrorOut}, operation_id="force_list")
def force_list(request: HttpRequest):
    """Forces and services whose reserve a person can serve in."""
    return list(forces())


@router.get(
    "/activity-types", response={200: list[ActivityTypeOut], 401: ErrorOut}, operation_id="activity_type_list"
)
def activity_type_list(request: HttpRequest):
    """Kinds of reserve activity, with their typical duration in days."""
    return list(activity_types())


@router.get("/rules", response={200: list[RuleOut], 401: ErrorOut}, operation_id="rule_list")
def rule_list_view(request: HttpRequest, filters: Query[RuleFilters]):
    """Recognition rules of the caller's institutions (approved ones; drafts for those who manage them)."""
    rules = rule_list(
        request.auth, status=filters.status, activity_type=filters.activity_type, framework=filters.framework
    )
    return [_rule_out(rule) for rule in rules]


@router.get(
    "/rules/{rule_id}", response={200: RuleOut, 401: ErrorOut, 404: ErrorOut}, operation_id="rule_read"
)
def rule_read(request: HttpRequest, rule_id: int):
    """One rule, with its competencies, levels and exemptions."""
    rule = rule_list(request.auth).filter(pk=rule_id).first()
    if rule is None:
        return Status(404, {"detail": "Not found."})
    return _rule_out(rule)


@router.post(
    "/rules",
    response={201: RuleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="rule_create",
)
def rule_create(request: HttpRequest, payload: RuleIn):
    """Write a draft rule (pedagogical engineer). The director of studies approves it in the application."""
    schools = institutions_with_role(request.auth, *RULE_EDITOR_ROLES)
    framework = Framework.objects.filter(
        pk=payload.framework_id, institution__in=schools, kind=FrameworkKind.SCHOOL
    ).first()
    if not schools.exists():
        return Status(403, {"detail": "Only the pedagogical engineer writes recognition rules."})
    if framework is None:
        return Status(404, {"detail": "framework_id: no such framework in your institution."})
    values = payload.dict(exclude={"framework_id"})
    try:
        resolved = _resolve(framework, framework.institution, values)
        rule = services.rule_create(
            institution=framework.institution, actor=request.auth, framework=framework, **resolved
        )
    except Refused as error:
        return Status(422, {"detail": str(error)})
    except ValidationError as error:
        return Status(422, {"detail": validation_detail(error)})
    return Status(201, _rule_out(rule_list(request.auth).get(pk=rule.pk)))


@router.patch(
    "/rules/{rule_id}",
    response={200: RuleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="rule_update",
)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch):
    """Change a draft rule (only the properties given). Approved rules are immutable: 422."""
    rule = (
        rules_visible_to(request.auth).select_related("framework", "institution").filter(pk=rule_id).first()
    )
    if rule is None:
        return Status(404, {"detail": "Not found."})
    if not has_role(request.auth, *RULE_EDITOR_ROLES, institution=rule.institution_id):
        return Status(403, {"detail": "Only the pedagogical engineer writes recognition rules."})
    values = payload.dict(exclude_unset=True)
    try:
        resolved = _resolve(rule.framework, rule.institution, values)
        services.rule_update(rule=rule, actor=request.auth, **resolved)
    except Refused as error:
        return Status(422, {"detail": str(error)})
    except ValidationError as error:
        return Status(422, {"detail": validation_detail(error)})
    return _rule_out(rule_list(request.auth).get(pk=rule.pk))
