"""Prefill a decision from the approved recognition rules: what the jury sees before it decides."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import RecognitionRequest
from .services import ActivityLine, CompetencyLine


@dataclass
class Proposal:
    activities: list[ActivityLine] = field(default_factory=list)
    competencies: list[CompetencyLine] = field(default_factory=list)
    periods_without_rule: list = field(default_factory=list)
    claimed_only: list = field(default_factory=list)  # claims that no rule covers: the jury may add them


def build_proposal(request: RecognitionRequest, on=None) -> Proposal:
    """Apply the rules in force on ``on`` (default today: the rules the school published for this year)."""
    from django.utils import timezone

    from parcours.reserve.selectors import rules_applicable_to

    on = on or timezone.localdate()
    proposal = Proposal()
    by_competency: dict[int, CompetencyLine] = {}
    periods = request.periods.select_related("activity_type", "force", "profile").prefetch_related(
        "claims__competency", "claims__self_level"
    )
    for period in periods:
        rule = (
            rules_applicable_to(
                institution=request.institution,
                activity_type=period.activity_type,
                force=period.force,
                days=period.days,
                on=on,
            )
            .order_by("-min_days", "-version")
            .first()
        )
        if rule is None:
            proposal.periods_without_rule.append(period)
            proposal.activities.append(ActivityLine(period=period))
        else:
            ects = rule.ects_for(period.days)
            proposal.activities.append(
                ActivityLine(
                    period=period,
                    rule=rule,
                    ects=ects,
                    proposed_ects=ects,
                    exempted_units=list(rule.exempted_units.all()),
                    internship_weeks_exempted=rule.internship_weeks_exempted,
                    wording_fr=rule.supplement_wording_fr,
                    wording_en=rule.supplement_wording_en,
                )
            )
            for link in rule.competencies.all():
                current = by_competency.get(link.competency_id)
                if current is None or (
                    link.level and (current.level is None or link.level.rank > current.level.rank)
                ):
                    by_competency[link.competency_id] = CompetencyLine(
                        competency=link.competency,
                        level=link.level,
                        proposed_level=link.level,
                        from_rule=True,
                    )
        for claim in period.claims.all():
            if claim.competency_id not in by_competency:
                proposal.claimed_only.append(claim)
    proposal.competencies = list(by_competency.values())
    return proposal
