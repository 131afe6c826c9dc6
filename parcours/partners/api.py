"""Public face of the partners app for the other apps.

- ``REGISTRY`` / ``Report``: the reports; another app can register one (``register``) with its records.
- ``protected_tables(user, ...)``: the protected tables a user may read (dashboards, API).
- ``yearly_report`` and ``FORMATS``: the yearly report and its renderers.
- ``partners_purge``: the retention sweep (also the ``purge_partners`` task and command).
- ``share_link_live_count(user)``: how many public share links a holder has open.
"""

from __future__ import annotations

from .exports import FORMATS, YearlyReport, yearly_report
from .reports import REGISTRY, Record, Report, available_reports, register
from .selectors import REPORT_ROLES, report_institutions
from .services import partners_purge
from .statistics import Scope, current_snapshot, report_table, universe_from_snapshot


def protected_tables(user, *, institution=None, language: str = "fr"):
    """The protected tables ``user`` may read, over one of their institutions or all of them."""
    institutions = list(report_institutions(user))
    if institution is not None:
        institutions = [i for i in institutions if i.pk == institution.pk]
    scope = Scope.of(institutions)
    snapshot = current_snapshot()
    universe = universe_from_snapshot(snapshot, scope)
    return [report_table(universe, report, scope, language) for report in available_reports()]


def share_link_live_count(user) -> int:
    from .models import ShareLink

    return ShareLink.objects.live().filter(holder=user).count()


__all__ = [
    "FORMATS",
    "REGISTRY",
    "REPORT_ROLES",
    "Record",
    "Report",
    "Scope",
    "YearlyReport",
    "partners_purge",
    "protected_tables",
    "register",
    "report_institutions",
    "share_link_live_count",
    "yearly_report",
]
