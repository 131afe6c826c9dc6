"""Partnership API: protected aggregates only (small groups suppressed). No person is ever listed here."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from parcours.accounts.permissions import has_role
from parcours.partners.reports import REGISTRY, SECTIONS, available_reports
from parcours.partners.selectors import REPORT_ROLES, report_institutions
from parcours.partners.statistics import Scope, current_snapshot, report_table, universe_from_snapshot

from .schemas import ErrorOut

router = Router(tags=["partners"])


class ReportOut(Schema):
    code: str
    title: str
    description: str
    unit: str
    section: str
    breakdown: str
    available: bool


class FigureOut(Schema):
    value: float | None  # None when hidden
    display: str  # the number, « < 5 » or « s »


class RowOut(Schema):
    key: str
    label: str
    figures: list[FigureOut]


class TableOut(Schema):
    code: str
    title: str
    unit: str
    threshold: int
    years: list[int]
    row_title: str
    rows: list[RowOut]
    total: list[FigureOut]
    institutions: list[str]
    as_of: datetime


def _allowed(request: HttpRequest) -> bool:
    return has_role(request.auth, *REPORT_ROLES)


@router.get(
    "/reports", response={200: list[ReportOut], 401: ErrorOut, 403: ErrorOut}, operation_id="report_list"
)
def report_list(request: HttpRequest):
    """The partnership reports (referents and the school's leadership)."""
    if not _allowed(request):
        return Status(403, {"detail": "Reserved to Garde nationale referents and the school's leadership."})
    available = set(available_reports())
    sections = dict(SECTIONS)
    return [
        {
            "code": r.code,
            "title": str(r.title),
            "description": str(r.description),
            "unit": str(r.unit),
            "section": str(sections.get(r.section, r.section)),
            "breakdown": r.dimension.code,
            "available": r in available,
        }
        for r in REGISTRY.values()
    ]


@router.get(
    "/reports/{code}",
    response={200: TableOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="report_read",
)
def report_read(request: HttpRequest, code: str, institution: str = ""):
    """One protected table over the caller's institutions (or one of them, by short name), for every year."""
    if not _allowed(request):
        return Status(403, {"detail": "Reserved to Garde nationale referents and the school's leadership."})
    report = REGISTRY.get(code)
    if report is None or not report.available():
        return Status(404, {"detail": f"No report {code!r}."})
    institutions = list(report_institutions(request.auth))
    if institution:
        institutions = [i for i in institutions if i.slug == institution]
        if not institutions:
            return Status(404, {"detail": f"No institution {institution!r} among those you follow."})
    scope = Scope.of(institutions)
    snapshot = current_snapshot()
    language = (getattr(request, "LANGUAGE_CODE", "") or "fr")[:2]
    table = report_table(universe_from_snapshot(snapshot, scope), report, scope, language)

    def figures(items):
        out = []
        for figure in items:
            number = table.number(figure)
            out.append({"value": None if number is None else float(number), "display": table.text(figure)})
        return out

    return {
        "code": report.code,
        "title": str(report.title),
        "unit": str(report.unit),
        "threshold": table.threshold,
        "years": table.years,
        "row_title": table.row_title,
        "rows": [{"key": r.key, "label": r.label, "figures": figures(r.figures)} for r in table.rows],
        "total": figures(table.total.figures),
        "institutions": [i.slug for i in scope.institutions],
        "as_of": snapshot.created_at,
    }
