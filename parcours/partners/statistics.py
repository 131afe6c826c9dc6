"""Protected tables: computed over every institution at once, stored as a snapshot, read by scope.

Why every institution at once: a referent who follows several schools sees each school and their sum; the
yearly report shows each school and the national figures. If each view chose its own hidden cells, one
view minus another would give a hidden figure back. So there is one table per report and year, rows =
institutions, with the institutions' totals and the national totals, protected once (``suppression.py``);
every view only reads from it:

- one institution: its row (cells and total);
- every institution: the national totals (or, for programmes, the institutions' totals);
- some institutions: the sum of their rows, hidden as soon as one term is hidden (so it says nothing new).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Institution

from .conf import partners_setting, threshold
from .reports import Facts, Record, Report, available_reports
from .suppression import COMPLEMENTARY, PRIMARY, PUBLISHED, Grid, Protected, protect_linked

#: Pages and the PDF show breakdowns longer than this (one row per school, nationally) by their total only;
#: the CSV and XLSX exports carry every row.
LONG_BREAKDOWN = 25

SMALL = "lt"  # hidden, under the threshold: « < 5 »
HIDDEN = "s"  # hidden for another reason (complementary, or too few people behind a large value)


# --------------------------------------------------------------------------------------------------------
# Computing


def build_grids(
    report: Report, records: Iterable[Record], years: Sequence[int], institution_ids: Sequence[int]
):
    """One grid per year: rows = every institution, columns = the categories met that year.

    Contributors are distinct people. When each person falls in one cell per year, with one record
    (``report.one_cell_per_person``), records count people and the totals' contributors are sums; otherwise
    people are counted apart, for the cells and for the totals.
    """
    cells: dict[int, dict[tuple[int, str], list]] = {y: {} for y in years}
    people: dict[tuple, set] = defaultdict(set)
    apart = not report.one_cell_per_person
    for record in records:
        if record.year not in cells:
            continue
        key = (record.institution_id, record.category)
        if not apart:
            # One record per person and year: counting records counts people.
            cell = cells[record.year].setdefault(key, [0, 0])
            cell[0] += record.value
            cell[1] += 1
            continue
        cell = cells[record.year].setdefault(key, [0, set()])
        cell[0] += record.value
        cell[1].add(record.person)
        if apart:
            people[(record.year, "row", record.institution_id)].add(record.person)
            people[(record.year, "col", record.category)].add(record.person)
            people[(record.year, "grand")].add(record.person)
    grids = {}
    for year in years:
        year_cells = cells[year]
        columns = sorted({category for _inst, category in year_cells})
        margins = {}
        if apart:
            margins = {("row", i): len(people.get((year, "row", i), ())) for i in institution_ids}
            margins.update({("col", c): len(people.get((year, "col", c), ())) for c in columns})
            margins[("grand",)] = len(people.get((year, "grand"), ()))
        grids[year] = Grid(
            rows=list(institution_ids),
            cols=columns,
            cells={
                key: (value, persons if isinstance(persons, int) else len(persons))
                for key, (value, persons) in year_cells.items()
            },
            margin_contributors=margins,
            col_totals=not report.dimension.nested,
            small_floor=1 if report.kind == "count" else 0,
            scale=report.scale,
        )
    return grids


def _label(result: Protected, key) -> list:
    """[published value or None, "" | "lt" | "s"] for storage."""
    state = result.states.get(key, PUBLISHED)
    if not result.withheld and state == PUBLISHED:
        return [result.values.get(key, 0), ""]
    return [None, SMALL if result.is_small(key) else HIDDEN]


def _rows_of(grid: Grid, result: Protected) -> dict[int | None, dict]:
    """Storage form: one dict per institution with a non-zero total, and one national dict (key None)."""
    by_institution: dict[int, dict] = {}
    for inst, category in grid.cells:
        by_institution.setdefault(inst, {"cells": {}, "total": _label(result, ("row", inst))})
        by_institution[inst]["cells"][category] = _label(result, ("cell", inst, category))
    national = {
        "cells": {c: _label(result, ("col", c)) for c in grid.cols} if grid.col_totals else {},
        "total": _label(result, ("grand",)),
        "institutions": {str(i): row["total"] for i, row in by_institution.items()},
        "withheld": result.withheld,
    }
    return {**by_institution, None: national}


@dataclass
class Universe:
    """Protected rows keyed by (report code, year, institution id or None for national)."""

    years: list[int]
    threshold: int
    rows: dict[tuple[str, int, int | None], dict] = field(default_factory=dict)
    computed_at: object = None
    reports: list[str] = field(default_factory=list)
    hidden_counts: dict[str, int] = field(default_factory=dict)
    #: What the dimensions read to order and label categories (forces, programmes), shared by the tables
    #: of one page or export: read once, not once per table.
    lookups: dict = field(default_factory=dict, compare=False, repr=False)

    def row(self, code: str, year: int, institution_id: int | None) -> dict | None:
        return self.rows.get((code, year, institution_id))


def compute(years: Sequence[int], *, reports: Sequence[Report] | None = None) -> Universe:
    """Protect every available report for ``years`` over all institutions."""
    years = sorted(set(years))
    limit = threshold()
    institution_ids = list(Institution.objects.order_by("pk").values_list("pk", flat=True))
    reports = list(reports) if reports is not None else available_reports()
    facts = Facts(years)
    universe = Universe(
        years=years, threshold=limit, computed_at=timezone.now(), reports=[r.code for r in reports]
    )
    by_metric: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        by_metric[report.metric].append(report)
    hidden = {PRIMARY: 0, COMPLEMENTARY: 0}
    for group in by_metric.values():
        grids_by_report = {r.code: build_grids(r, r.records(facts), years, institution_ids) for r in group}
        for year in years:
            grids = {code: grids[year] for code, grids in grids_by_report.items()}
            results = protect_linked(grids, limit)
            for code, result in results.items():
                for state in result.states.values():
                    if state in hidden:
                        hidden[state] += 1
                for inst, data in _rows_of(grids[code], result).items():
                    universe.rows[(code, year, inst)] = data
    universe.hidden_counts = hidden
    return universe


# --------------------------------------------------------------------------------------------------------
# Snapshot


def dashboard_years(today=None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year - partners_setting("DASHBOARD_YEARS") + 1, year + 1))


def snapshot_refresh() -> int:
    """Compute and store a new snapshot of the dashboards' years; drop the older ones. Returns its id."""
    from .models import SnapshotRow, StatisticsSnapshot

    started = time.perf_counter()
    years = dashboard_years()
    universe = compute(years)
    with transaction.atomic():
        snapshot = StatisticsSnapshot.objects.create(threshold=universe.threshold, years=years)
        SnapshotRow.objects.bulk_create(
            [
                SnapshotRow(snapshot=snapshot, report=code, year=year, institution_id=inst, data=data)
                for (code, year, inst), data in universe.rows.items()
            ],
            batch_size=2000,
        )
        snapshot.duration_ms = int((time.perf_counter() - started) * 1000)
        snapshot.save(update_fields=["duration_ms"])
        StatisticsSnapshot.objects.filter(pk__lt=snapshot.pk).delete()
    return snapshot.pk


def current_snapshot():
    """The latest snapshot, refreshed first when missing, stale, or made with another threshold."""
    from .models import StatisticsSnapshot
    from .tasks import refresh_statistics

    snapshot = StatisticsSnapshot.objects.first()
    max_age = partners_setting("STATISTICS_MAX_AGE")
    stale = (
        snapshot is None
        or snapshot.threshold != threshold()
        or snapshot.years != dashboard_years()
        or (timezone.now() - snapshot.created_at).total_seconds() >= max_age
    )
    if stale:
        if snapshot is None:
            snapshot_refresh()
        else:
            # With the immediate backend this runs now; with a worker, the stale snapshot serves meanwhile.
            refresh_statistics.enqueue()
        snapshot = StatisticsSnapshot.objects.first()
    return snapshot


def universe_from_snapshot(snapshot, scope: Scope, years: Sequence[int] | None = None) -> Universe:
    """The rows a scope needs, read from a snapshot (``years``: a subset of the snapshot's)."""
    from .models import SnapshotRow

    years = list(years or snapshot.years)
    universe = Universe(years=years, threshold=snapshot.threshold, computed_at=snapshot.created_at)
    rows = SnapshotRow.objects.filter(snapshot=snapshot, year__in=years)
    if scope.national:
        rows = rows.filter(institution__isnull=True)
        if len(scope.institutions) == 1:
            rows = rows | SnapshotRow.objects.filter(
                snapshot=snapshot, year__in=years, institution__in=scope.institutions
            )
    else:
        rows = rows.filter(institution__in=scope.institutions)
    for report, year, inst, data in rows.values_list("report", "year", "institution_id", "data"):
        universe.rows[(report, year, inst)] = data
    universe.reports = sorted({key[0] for key in universe.rows})
    return universe


# --------------------------------------------------------------------------------------------------------
# Views over a scope


@dataclass
class Scope:
    institutions: list[Institution]
    national: bool = False  # every institution of the platform

    @classmethod
    def of(cls, institutions: Iterable[Institution]) -> Scope:
        institutions = sorted(institutions, key=lambda i: i.name)
        total = Institution.objects.count()
        return cls(institutions=institutions, national=bool(institutions) and len(institutions) == total)

    @property
    def single(self) -> Institution | None:
        return self.institutions[0] if len(self.institutions) == 1 else None


@dataclass
class Figure:
    value: int | None  # in the report's units × scale; None when hidden
    hidden: str = ""  # "", "lt" or "s"

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden)


@dataclass
class ReportRow:
    key: str
    label: str
    figures: list[Figure]


@dataclass
class ReportTable:
    report: Report
    years: list[int]
    row_title: str
    rows: list[ReportRow]
    total: ReportRow
    threshold: int

    @property
    def is_empty(self) -> bool:
        return all(f.value == 0 for f in self.total.figures)

    def text(self, figure: Figure) -> str:
        """What a reader sees for a figure: the number, « < 5 », or « s »."""
        if figure.hidden == SMALL:
            return f"< {self.threshold}"
        if figure.hidden:
            return "s"
        return format_value(self.report, figure.value)

    def number(self, figure: Figure) -> int | Decimal | None:
        if figure.is_hidden or figure.value is None:
            return None
        if self.report.scale == 1:
            return figure.value
        return (Decimal(figure.value) / self.report.scale).quantize(Decimal(1).scaleb(-self.report.decimals))


def format_value(report: Report, value: int | None) -> str:
    if value is None:
        return ""
    if report.scale == 1:
        return number_format(value, force_grouping=True)
    return number_format(Decimal(value) / report.scale, decimal_pos=report.decimals, force_grouping=True)


def _figure(stored: list | None) -> Figure:
    if stored is None:
        return Figure(0)
    value, hidden = stored
    return Figure(value, hidden)


def _sum(figures: Iterable[Figure]) -> Figure:
    """A sum of protected figures: hidden (« s », with no bound) as soon as one term is hidden."""
    total = 0
    for figure in figures:
        if figure.is_hidden:
            return Figure(None, HIDDEN)
        total += figure.value or 0
    return Figure(total)


def report_table(universe: Universe, report: Report, scope: Scope, language: str) -> ReportTable:
    """The table a scope may see for ``report``: rows × the universe's years, with a total row."""
    years = universe.years
    ids = [i.pk for i in scope.institutions]
    names = {i.pk: i.name for i in scope.institutions}
    dimension = report.dimension

    def stored(year, inst):
        return universe.row(report.code, year, inst) or {}

    if scope.single is not None:
        inst = scope.single.pk
        keys = {k for y in years for k in stored(y, inst).get("cells", {})}
        ordered = dimension.order(keys, universe.lookups)
        labels = dimension.labels(ordered, language, universe.lookups)
        rows = [
            ReportRow(k, labels[k], [_figure(stored(y, inst).get("cells", {}).get(k)) for y in years])
            for k in ordered
        ]
        total = [_figure(stored(y, inst).get("total")) for y in years]
        row_title = str(dimension.title)
    elif dimension.nested or not scope.national:
        if dimension.nested:
            if scope.national:
                by_year = [stored(y, None).get("institutions", {}) for y in years]
                figures = {i: [_figure(totals.get(str(i))) for totals in by_year] for i in ids}
                total = [_figure(stored(y, None).get("total")) for y in years]
            else:
                figures = {i: [_figure(stored(y, i).get("total")) for y in years] for i in ids}
                total = [_sum(figures[i][n] for i in ids) for n in range(len(years))]
            rows = [
                ReportRow(str(i), names[i], figures[i]) for i in ids if any(f.value != 0 for f in figures[i])
            ]
            row_title = str(_("Institution"))
        else:
            keys = {k for i in ids for y in years for k in stored(y, i).get("cells", {})}
            ordered = dimension.order(keys, universe.lookups)
            labels = dimension.labels(ordered, language, universe.lookups)
            rows = [
                ReportRow(
                    k,
                    labels[k],
                    [_sum(_figure(stored(y, i).get("cells", {}).get(k)) for i in ids) for y in years],
                )
                for k in ordered
            ]
            total = [_sum(_figure(stored(y, i).get("total")) for i in ids) for y in years]
            row_title = str(dimension.title)
    else:
        keys = {k for y in years for k in stored(y, None).get("cells", {})}
        ordered = dimension.order(keys, universe.lookups)
        labels = dimension.labels(ordered, language, universe.lookups)
        rows = [
            ReportRow(k, labels[k], [_figure(stored(y, None).get("cells", {}).get(k)) for y in years])
            for k in ordered
        ]
        total = [_figure(stored(y, None).get("total")) for y in years]
        row_title = str(dimension.title)
    return ReportTable(
        report=report,
        years=list(years),
        row_title=row_title,
        rows=rows,
        total=ReportRow("total", "", total),
        threshold=universe.threshold,
    )
