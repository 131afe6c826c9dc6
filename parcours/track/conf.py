"""Settings of the track app, with their defaults: override any of them in ``settings.TRACK`` (a dict).

Legal figures are defaults the school's legal office may change without a code change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Engagement target (days per academic year) used when the school has not set one for the year.
    "ENGAGEMENT_TARGET_DAYS": 10,
    # Most reserve activity days a reservist may serve in a year (60 usually, 150 for the forces' needs):
    # a rule set asking for more days than the studies allow cannot be satisfied.
    "MAX_RESERVE_DAYS_PER_YEAR": 150,
    # Requests in these states count as "pending" for the competency and ECTS criteria.
    "PENDING_REQUEST_STATES": ("submitted", "under_review", "changes_requested", "in_jury", "appealed"),
    # Function printed under the signature of the diploma supplement.
    "SIGNER_FUNCTION_FR": "Directeur·rice des études",
    "SIGNER_FUNCTION_EN": "Director of Studies",
}


def get(name: str) -> Any:
    return getattr(settings, "TRACK", {}).get(name, DEFAULTS[name])
