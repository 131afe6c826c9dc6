"""Checks on a rule set: can it be satisfied, does it contradict itself? One clear message per problem.

``rule_set_problems`` returns every problem at once; the approval refuses a rule set that has a blocking
one. Warnings (for instance: no elective course open for the year yet) are shown but do not block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _

from . import conf
from .enums import SINGLE_KINDS, CriterionKind
from .models import Course, TrackCriterion, TrackRuleSet


@dataclass(frozen=True)
class Problem:
    message: str
    criterion_id: int | None = None
    blocking: bool = True


def describe_criterion(criterion: TrackCriterion) -> str:
    """A sentence saying what the criterion asks, in the active language."""
    kind = criterion.kind
    if kind == CriterionKind.COMPETENCIES:
        blocks = [b.code or b.statement_fr for b in criterion.blocks.all()]
        text = _("At least %(count)s competencies validated") % {"count": criterion.count}
        if criterion.min_level_id:
            text += " " + _("at level “%(level)s” or above") % {"level": level_label(criterion.min_level)}
        if blocks:
            text += " " + _("within the blocks %(blocks)s") % {"blocks": ", ".join(blocks)}
        return text
    if kind == CriterionKind.RESERVE_ECTS:
        return _("At least %(ects)s ECTS recognised from reserve activity") % {
            "ects": _number(criterion.ects)
        }
    if kind == CriterionKind.ELECTIVE_PASSED:
        return _("The elective course “Compétences de la défense nationale pour l'ingénieur” passed")
    if kind == CriterionKind.ESR_MONTHS:
        return _("An engagement (ESR) active for at least %(months)s months during studies") % {
            "months": criterion.count
        }
    return _("At least %(days)s days of reserve activity") % {"days": criterion.count}


def level_label(level) -> str:
    from django.utils.translation import get_language

    if (get_language() or "fr").startswith("en") and level.label_en:
        return f"{level.rank}. {level.label_en}"
    return f"{level.rank}. {level.label_fr}"


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))


def _descendant_counts(framework_id: int, block_ids: set[int]) -> dict[int, int]:
    """For each block, how many competencies of the framework sit anywhere beneath it (one query)."""
    from parcours.frameworks.models import Competency

    items = list(
        Competency.objects.filter(framework_id=framework_id).values_list("pk", "parent_id", "item_type")
    )
    parents = {pk: parent for pk, parent, _type in items}
    counts: dict[int, int] = defaultdict(int)
    for pk, _parent, item_type in items:
        if item_type != "competency":
            continue
        seen = 0
        current = parents.get(pk)
        while current is not None and seen < 50:
            if current in block_ids:
                counts[current] += 1
            current = parents.get(current)
            seen += 1
    return counts


def rule_set_problems(rule_set: TrackRuleSet) -> list[Problem]:
    """Every reason why ``rule_set`` cannot be satisfied or contradicts itself (and a few warnings)."""
    from parcours.accounts.models import Programme
    from parcours.frameworks.models import Competency

    criteria = list(rule_set.criteria.select_related("min_level").prefetch_related("blocks"))
    problems: list[Problem] = []
    if rule_set.framework.institution_id not in (None, rule_set.institution_id):
        problems.append(Problem(_("The competency framework belongs to another institution.")))
    if not criteria:
        problems.append(Problem(_("The rule set has no criterion: add at least one.")))
        return problems

    by_kind: dict[str, list[TrackCriterion]] = defaultdict(list)
    for criterion in criteria:
        by_kind[criterion.kind].append(criterion)
    labels = dict(CriterionKind.choices)
    for kind in SINGLE_KINDS:
        rows = by_kind.get(kind, [])
        if len(rows) > 1:
            problems.append(
                Problem(
                    _(
                        "%(n)s criteria measure “%(kind)s” (%(values)s): they contradict each other. "
                        "Keep only one."
                    )
                    % {
                        "n": len(rows),
                        "kind": labels[kind],
                        "values": "; ".join(describe_criterion(c) for c in rows),
                    },
                    rows[1].pk,
                )
            )

    scale = rule_set.framework.levels.aggregate(top=Max("rank"))["top"]
    competency_rows = by_kind.get(CriterionKind.COMPETENCIES, [])
    all_block_ids = {b.pk for c in competency_rows for b in c.blocks.all()}
    block_counts = _descendant_counts(rule_set.framework_id, all_block_ids) if all_block_ids else {}
    total_competencies = Competency.objects.filter(
        framework_id=rule_set.framework_id, item_type="competency"
    ).count()
    seen_signatures: dict[tuple, TrackCriterion] = {}
    for criterion in competency_rows:
        blocks = list(criterion.blocks.all())
        level = criterion.min_level
        if level is not None and level.framework_id != rule_set.framework_id:
            problems.append(
                Problem(
                    _("“%(criterion)s”: the level belongs to another framework than the rule set's.")
                    % {"criterion": describe_criterion(criterion)},
                    criterion.pk,
                )
            )
        elif level is not None and scale is not None and level.rank > scale:
            problems.append(
                Problem(
                    _("“%(criterion)s”: the scale of the framework stops at level %(top)s.")
                    % {"criterion": describe_criterion(criterion), "top": scale},
                    criterion.pk,
                )
            )
        wrong_blocks = [
            b for b in blocks if b.framework_id != rule_set.framework_id or b.item_type != "block"
        ]
        if wrong_blocks:
            problems.append(
                Problem(
                    _("“%(criterion)s”: %(items)s is not a block of the rule set's framework.")
                    % {
                        "criterion": describe_criterion(criterion),
                        "items": ", ".join(b.code or b.statement_fr for b in wrong_blocks),
                    },
                    criterion.pk,
                )
            )
            continue
        available = sum(block_counts.get(b.pk, 0) for b in blocks) if blocks else total_competencies
        if criterion.count and criterion.count > available:
            problems.append(
                Problem(
                    _(
                        "“%(criterion)s” cannot be satisfied: the framework holds only %(available)s "
                        "competencies there."
                    )
                    % {"criterion": describe_criterion(criterion), "available": available},
                    criterion.pk,
                )
            )
        signature = (criterion.min_level_id, frozenset(b.pk for b in blocks))
        if signature in seen_signatures:
            other = seen_signatures[signature]
            problems.append(
                Problem(
                    _(
                        "Two competency criteria cover the same blocks at the same level with different "
                        "numbers (%(a)s and %(b)s): they contradict each other. Keep one."
                    )
                    % {"a": other.count, "b": criterion.count}
                    if other.count != criterion.count
                    else _("Two competency criteria are identical: remove one."),
                    criterion.pk,
                )
            )
        else:
            seen_signatures[signature] = criterion

    for criterion in by_kind.get(CriterionKind.RESERVE_ECTS, []):
        largest = Programme.objects.filter(institution=rule_set.institution_id).aggregate(
            top=Max("ects_total")
        )["top"]
        if largest is not None and criterion.ects and criterion.ects > largest:
            problems.append(
                Problem(
                    _("“%(criterion)s” cannot be satisfied: the longest programme carries %(ects)s ECTS.")
                    % {"criterion": describe_criterion(criterion), "ects": largest},
                    criterion.pk,
                )
            )
    months_available = rule_set.study_years * 12
    for criterion in by_kind.get(CriterionKind.ESR_MONTHS, []):
        if criterion.count and criterion.count > months_available:
            problems.append(
                Problem(
                    _(
                        "“%(criterion)s” cannot be satisfied: studies last %(years)s years "
                        "(%(months)s months)."
                    )
                    % {
                        "criterion": describe_criterion(criterion),
                        "years": rule_set.study_years,
                        "months": months_available,
                    },
                    criterion.pk,
                )
            )
    days_available = rule_set.study_years * conf.get("MAX_RESERVE_DAYS_PER_YEAR")
    for criterion in by_kind.get(CriterionKind.RESERVE_DAYS, []):
        if criterion.count and criterion.count > days_available:
            problems.append(
                Problem(
                    _(
                        "“%(criterion)s” cannot be satisfied: a reservist serves at most %(per_year)s days a "
                        "year, %(days)s days over %(years)s years of studies."
                    )
                    % {
                        "criterion": describe_criterion(criterion),
                        "per_year": conf.get("MAX_RESERVE_DAYS_PER_YEAR"),
                        "days": days_available,
                        "years": rule_set.study_years,
                    },
                    criterion.pk,
                )
            )
    if (
        by_kind.get(CriterionKind.ELECTIVE_PASSED)
        and not Course.objects.filter(
            institution=rule_set.institution_id, academic_year=rule_set.academic_year
        ).exists()
    ):
        problems.append(
            Problem(
                _(
                    "No elective course is set up for %(year)s-%(next)s yet: students cannot pass it until one is."
                )
                % {"year": rule_set.academic_year, "next": rule_set.academic_year + 1},
                by_kind[CriterionKind.ELECTIVE_PASSED][0].pk,
                blocking=False,
            )
        )
    return problems


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]
