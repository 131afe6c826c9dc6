"""The yearly report to the Garde nationale, and its formats (one class per format, registered by code).

``yearly_report`` computes the protected tables afresh for the year and the years before it (over every
institution, like the dashboards), then keeps what the scope may see. Every format renders the same
``YearlyReport``; none of them ever sees a hidden value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.pdf import html_to_pdf

from .charts import bar_chart, trend_chart
from .conf import partners_setting
from .reports import REGISTRY, SECTIONS, Report, available_reports
from .statistics import (
    LONG_BREAKDOWN,
    ReportTable,
    Scope,
    compute,
    current_snapshot,
    report_table,
    universe_from_snapshot,
)


@dataclass
class YearlyReport:
    year: int
    scope: Scope
    language: str
    generated_at: datetime
    threshold: int
    tables: list[ReportTable]
    unavailable: list[Report] = field(default_factory=list)
    figures_as_of: datetime | None = None

    @property
    def scope_label(self) -> str:
        if self.scope.national:
            return _("All institutions")
        return ", ".join(i.name for i in self.scope.institutions)

    @property
    def is_empty(self) -> bool:
        """No figure at all for the year (hidden figures count as data)."""
        return all(t.total.figures[-1].value == 0 for t in self.tables)

    @property
    def title(self) -> str:
        return _("Garde nationale partnership — report %(year)s") % {"year": self.year}

    def sections(self) -> list[tuple[str, list[ReportTable]]]:
        out = []
        for code, label in SECTIONS:
            tables = [t for t in self.tables if t.report.section == code]
            if tables:
                out.append((str(label), tables))
        return out

    @property
    def legend(self) -> str:
        return _(
            "“< %(t)s”: fewer than %(t)s, hidden to protect small groups. “s”: hidden so that a small figure "
            "cannot be recovered from the totals, or because fewer than %(t)s people contribute to it."
        ) % {"t": self.threshold}


def yearly_report(year: int, scope: Scope, language: str, *, fresh: bool = False) -> YearlyReport:
    """The report for ``year`` and the years before it.

    Read from the statistics snapshot when it covers those years (the same protected tables as the
    dashboards: a report and a dashboard never disagree); computed afresh otherwise, or when ``fresh``.
    """
    years = list(range(year - partners_setting("REPORT_YEARS") + 1, year + 1))
    reports = available_reports()
    with translation.override(language):
        snapshot = None if fresh else current_snapshot()
        if snapshot is not None and set(years) <= set(snapshot.years):
            universe = universe_from_snapshot(snapshot, scope, years)
        else:
            universe = compute(years, reports=reports)
        tables = [report_table(universe, report, scope, language) for report in reports]
        return YearlyReport(
            year=year,
            scope=scope,
            language=language,
            generated_at=timezone.now(),
            threshold=universe.threshold,
            tables=tables,
            unavailable=[r for r in REGISTRY.values() if r not in reports],
            figures_as_of=universe.computed_at,
        )


class Format:
    code: ClassVar[str]
    content_type: ClassVar[str]
    extension: ClassVar[str]

    def render(self, report: YearlyReport) -> bytes:
        raise NotImplementedError


FORMATS: dict[str, Format] = {}


def register_format(cls: type[Format]) -> type[Format]:
    FORMATS[cls.code] = cls()
    return cls


@register_format
class CsvFormat(Format):
    """One line per figure (tidy data): report, title, unit, breakdown, category, year, value."""

    code = "csv"
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def render(self, report: YearlyReport) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        with translation.override(report.language):
            writer.writerow(["report", "title", "unit", "breakdown", "category", "year", "value"])
            if report.is_empty:
                writer.writerow(
                    [
                        "",
                        _("No data for %(year)s in this scope.") % {"year": report.year},
                        "",
                        "",
                        "",
                        report.year,
                        "",
                    ]
                )
                return out.getvalue().encode("utf-8")
            for table in report.tables:
                unit, title = str(table.report.unit), str(table.report.title)
                for row in [*table.rows, table.total]:
                    label = row.label or _("Total")
                    for year, figure in zip(table.years, row.figures, strict=True):
                        number = table.number(figure)
                        value = table.text(figure) if number is None else str(number)
                        writer.writerow([table.report.code, title, unit, table.row_title, label, year, value])
        return out.getvalue().encode("utf-8")


@register_format
class XlsxFormat(Format):
    """A workbook: a cover sheet (scope, year, legend) and one sheet with every table."""

    code = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, report: YearlyReport) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        bold = Font(bold=True)
        right = Alignment(horizontal="right")
        workbook = Workbook()
        with translation.override(report.language):
            cover = workbook.active
            cover.title = _("Report")[:31]
            cover.append([report.title])
            cover["A1"].font = Font(bold=True, size=14)
            cover.append([_("Scope"), report.scope_label])
            cover.append([_("Year"), report.year])
            cover.append([_("Generated on"), report.generated_at.strftime("%Y-%m-%d %H:%M")])
            if report.figures_as_of:
                as_of = timezone.localtime(report.figures_as_of).strftime("%Y-%m-%d %H:%M")
                cover.append([_("Figures as of %(when)s.") % {"when": as_of}])
            cover.append([_("Legend"), report.legend])
            if report.is_empty:
                cover.append([])
                cover.append([_("No data for %(year)s in this scope.") % {"year": report.year}])
            for report_missing in report.unavailable:
                cover.append([_("Not available yet"), str(report_missing.title)])
            sheet = workbook.create_sheet(_("Figures")[:31])
            sheet.column_dimensions["A"].width = 42
            if not report.is_empty:
                for table in report.tables:
                    sheet.append([f"{table.report.title} ({table.report.unit})"])
                    sheet.cell(row=sheet.max_row, column=1).font = bold
                    sheet.append([table.row_title, *table.years])
                    for cell in sheet[sheet.max_row]:
                        cell.font = bold
                    for row in [*table.rows, table.total]:
                        values = []
                        for figure in row.figures:
                            number = table.number(figure)
                            values.append(table.text(figure) if number is None else number)
                        sheet.append([row.label or _("Total"), *values])
                        for cell in sheet[sheet.max_row][1:]:
                            cell.alignment = right
                        if not row.label:
                            for cell in sheet[sheet.max_row]:
                                cell.font = bold
                    sheet.append([])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@register_format
class PdfFormat(Format):
    """A readable document: a table and its charts per report. Breakdowns longer than ``MAX_ROWS`` rows
    (one row per school over many schools) keep their total only; the CSV and XLSX carry every row."""

    MAX_ROWS = LONG_BREAKDOWN
    code = "pdf"
    content_type = "application/pdf"
    extension = "pdf"

    def html(self, report: YearlyReport) -> str:
        with translation.override(report.language):
            sections = []
            for label, tables in report.sections():
                items = []
                for n, table in enumerate(tables):
                    chart_id = f"{table.report.code}-{n}"
                    long = len(table.rows) > self.MAX_ROWS
                    items.append(
                        {
                            "table": table,
                            "bar": bar_chart(table, len(table.years) - 1, chart_id + "-bar")
                            if table.rows and not long
                            else "",
                            "trend": trend_chart(table, chart_id + "-trend"),
                            "rows": []
                            if long
                            else [(row, [table.text(f) for f in row.figures]) for row in table.rows],
                            "omitted": len(table.rows) if long else 0,
                            "total": [table.text(f) for f in table.total.figures],
                        }
                    )
                sections.append((label, items))
            return render_to_string(
                "partners/pdf/yearly_report.html",
                {"report": report, "sections": sections, "language": report.language},
            )

    def render(self, report: YearlyReport) -> bytes:
        return html_to_pdf(self.html(report))
