"""Year-by-year bar charts as inline SVG, drawn on the server like the board's (review/charts.py).

Each chart carries its own text alternative (<title> and <desc> naming every number it draws); the table
beside it on the page holds the same numbers.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..notation import format_points

LABEL_WIDTH = 90
BAR_WIDTH = 300
ROW = 34
GREY, BLUE = "#6c757d", "#0d6efd"  # both at least 3:1 against white (WCAG 1.4.11)


def _bar(x: float, y: float, value: Decimal, top: Decimal, colour: str) -> str:
    width = float(value / top) * BAR_WIDTH if top else 0.0
    return (
        f'<rect x="{x}" y="{y}" width="{width:.1f}" height="11" fill="{colour}"/>'
        f'<text x="{x + width + 4:.1f}" y="{y + 10}" font-size="11">{format_points(value)}</text>'
    )


def years_chart(rows, *, title: str, first: str, second: str, chart_id: str) -> SafeString:
    """`rows`: (label, first value or None, second value or None) per year, oldest first; the first bar
    grey, the second blue."""
    values = [v for _, a, b in rows for v in (a, b) if v is not None]
    top = max([*values, Decimal(1)])
    parts, described = [], []
    for i, (label, a, b) in enumerate(rows):
        y = i * ROW + 4
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>')
        if a is not None:
            parts.append(_bar(LABEL_WIDTH, y, a, top, GREY))
        if b is not None:
            parts.append(_bar(LABEL_WIDTH, y + 13, b, top, BLUE))
        said = [f"{first} {format_points(a)}" if a is not None else f"{first}: chưa có"]
        said.append(f"{second} {format_points(b)}" if b is not None else f"{second}: chưa có")
        described.append(f"{label}: {', '.join(said)}")
    height = len(rows) * ROW + 30
    legend = (
        f'<rect x="{LABEL_WIDTH}" y="{height - 18}" width="12" height="10" fill="{GREY}"/>'
        f'<text x="{LABEL_WIDTH + 16}" y="{height - 9}" font-size="12">{escape(first)}</text>'
        f'<rect x="{LABEL_WIDTH + 150}" y="{height - 18}" width="12" height="10" fill="{BLUE}"/>'
        f'<text x="{LABEL_WIDTH + 166}" y="{height - 9}" font-size="12">{escape(second)}</text>'
    )
    return mark_safe(  # noqa: S308 - every text inserted above is escaped
        f'<svg class="chart chart-years" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 80} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape("; ".join(described))}.</desc>'
        f"{''.join(parts)}{legend}</svg>"
    )


def agency_chart(comparison) -> SafeString:
    rows = [(f"Năm {y.year}", y.own, y.reviewed) for y in comparison.years]
    return years_chart(
        rows,
        title=f"Tổng điểm qua các năm của {comparison.agency.name}",
        first="Tự chấm",
        second="Sau thẩm định",
        chart_id="bieu-do-don-vi",
    )


def bloc_chart(comparison) -> SafeString:
    rows = []
    for index, summary in enumerate(comparison.years):
        totals = [line.cells[index].total for line in comparison.lines if line.cells[index].total is not None]
        rows.append((f"Năm {summary.year}", summary.average, max(totals, default=None)))
    return years_chart(
        rows,
        title=f"Điểm bình quân và cao nhất của {comparison.bloc.name} qua các năm",
        first="Bình quân khối",
        second="Cao nhất",
        chart_id="bieu-do-khoi",
    )
