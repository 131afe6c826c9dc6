"""Settings of the partnership features, in one namespace: ``settings.PARTNERS`` overrides these defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, int] = {
    # Any figure about fewer people than this (or under this value) is hidden: shown « < 5 ».
    "SUPPRESSION_THRESHOLD": 5,
    # Interest declarations never confirmed are deleted after this many days.
    "UNCONFIRMED_RETENTION_DAYS": 30,
    # Withdrawn or expired declarations: details are erased at once, the record is deleted after this delay.
    "WITHDRAWN_RETENTION_DAYS": 30,
    # The longest a recruiter share link may live.
    "SHARE_LINK_MAX_DAYS": 365,
    # Dashboards read a statistics snapshot; an older one is refreshed (seconds; 0: on every read).
    "STATISTICS_MAX_AGE": 3600,
    # Calendar years shown in the dashboards' trends, and in the yearly report.
    "DASHBOARD_YEARS": 6,
    "REPORT_YEARS": 3,
}


def partners_setting(name: str) -> int:
    return {**DEFAULTS, **getattr(settings, "PARTNERS", {})}[name]


def threshold() -> int:
    return int(partners_setting("SUPPRESSION_THRESHOLD"))
