"""Public face of the reserve app for the other apps."""

from .enums import ActivityKind, EctsMode, RankBand, RuleStatus
from .models import ActivityType, Force, RecognitionRule, RuleCompetency
from .selectors import (
    current_academic_year,
    publication_deadline,
    rule_for,
    rules_applicable_to,
    rules_visible_to,
)

__all__ = [
    "ActivityKind",
    "ActivityType",
    "EctsMode",
    "Force",
    "RankBand",
    "RecognitionRule",
    "RuleCompetency",
    "RuleStatus",
    "current_academic_year",
    "publication_deadline",
    "rule_for",
    "rules_applicable_to",
    "rules_visible_to",
]
