"""Charts drawn on the server as SVG: no script, no external asset, readable in a PDF.

Each chart is an image with a ``<title>`` and a ``<desc>`` (``role="img"``, ``aria-labelledby``), and is
always shown beside the table that holds its figures. A hidden figure draws no bar: its label (« < 5 » or
« s ») is written instead.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .statistics import ReportTable

BAR = "#000091"  # DSFR blue France
TREND = "#6a6af4"
MUTED = "#666666"
FONT = "Marianne, Arial, sans-serif"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="partners-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _short(text: str, length: int = 28) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(table: ReportTable, year_index: int, chart_id: str) -> SafeString:
    """Horizontal bars: one per row of ``table`` for one year."""
    year = table.years[year_index]
    rows = table.rows
    title = _("%(report)s, %(year)s") % {"report": table.report.title, "year": year}
    desc = _("Bar chart of %(count)s categories; the figures are in the table beside it.") % {
        "count": len(rows)
    }
    label_width, bar_width, value_width, line = 190, 260, 70, 24
    width, height = label_width + bar_width + value_width, max(line * len(rows) + 10, 40)
    parts = _open(chart_id, width, height, title, desc)
    values = [table.number(row.figures[year_index]) for row in rows]
    top = max((float(v) for v in values if v is not None), default=0) or 1
    if not rows:
        parts.append(f'<text x="0" y="24" fill="{MUTED}">{escape(_("No data"))}</text>')
    for n, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = 5 + n * line
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(_short(row.label))}</text>'
        )
        text = table.text(row.figures[year_index])
        if value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 15}" fill="{MUTED}" font-style="italic">{escape(text)}</text>'
            )
            continue
        length = 0 if not value else max(2.0, bar_width * float(value) / top)
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{line - 8}" fill="{BAR}"/>'
        )
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text went through escape()


def trend_chart(table: ReportTable, chart_id: str) -> SafeString:
    """Columns: the total of ``table`` for each year."""
    title = _("%(report)s: trend over the years") % {"report": table.report.title}
    desc = _(
        "Column chart of the total for each year from %(first)s to %(last)s; the figures are in the table's total row."
    ) % {
        "first": table.years[0],
        "last": table.years[-1],
    }
    column, gap, chart_height, base = 48, 16, 140, 30
    width = len(table.years) * (column + gap) + gap
    height = chart_height + base + 20
    parts = _open(chart_id, width, height, title, desc)
    values = [table.number(f) for f in table.total.figures]
    top = max((float(v) for v in values if v is not None), default=0) or 1
    parts.append(
        f'<line x1="0" y1="{chart_height + 10}" x2="{width}" y2="{chart_height + 10}" stroke="{MUTED}"/>'
    )
    for n, (year, figure, value) in enumerate(zip(table.years, table.total.figures, values, strict=True)):
        x = gap + n * (column + gap)
        text = table.text(figure)
        if value is None:
            parts.append(
                f'<text x="{x + column / 2}" y="{chart_height}" text-anchor="middle" fill="{MUTED}" font-style="italic">{escape(text)}</text>'
            )
        else:
            h = 0 if not value else max(2.0, chart_height * 0.85 * float(value) / top)
            y = chart_height + 10 - h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{column}" height="{h:.1f}" fill="{TREND}"/>')
            parts.append(
                f'<text x="{x + column / 2}" y="{y - 4:.1f}" text-anchor="middle">{escape(text)}</text>'
            )
        parts.append(f'<text x="{x + column / 2}" y="{chart_height + 28}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text went through escape()
