"""A bar chart of the members' totals as inline SVG: drawn on the server, crisp when printed."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..notation import format_points

LABEL_WIDTH = 330
BAR_WIDTH = 560
ROW = 34


def totals_chart(members) -> SafeString:
    """Each member's own total (grey) above its total after review (blue)."""
    rows = []
    top = max(
        [m.final_total or Decimal(0) for m in members]
        + [(m.own.points + m.own.bonus) if m.own else Decimal(0) for m in members]
        + [Decimal(1)]
    )
    for i, member in enumerate(members):
        y = i * ROW + 4
        own = (member.own.points + member.own.bonus) if member.own else Decimal(0)
        final = member.final_total
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="13">{escape(member.agency.name)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{float(own / top) * BAR_WIDTH:.1f}" height="11" fill="#adb5bd"/>'
            f'<text x="{LABEL_WIDTH + float(own / top) * BAR_WIDTH + 4:.1f}" y="{y + 10}" font-size="11">'
            f"{format_points(own)}</text>"
        )
        if final is not None:
            width = float(final / top) * BAR_WIDTH
            rows.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 13}" width="{width:.1f}" height="11" fill="#0d6efd"/>'
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 23}" font-size="11">{format_points(final)}</text>'
            )
    height = len(members) * ROW + 30
    legend = (
        f'<rect x="{LABEL_WIDTH}" y="{height - 18}" width="12" height="10" fill="#adb5bd"/>'
        f'<text x="{LABEL_WIDTH + 16}" y="{height - 9}" font-size="12">Tự chấm</text>'
        f'<rect x="{LABEL_WIDTH + 100}" y="{height - 18}" width="12" height="10" fill="#0d6efd"/>'
        f'<text x="{LABEL_WIDTH + 116}" y="{height - 9}" font-size="12">Sau thẩm định</text>'
    )
    return mark_safe(  # noqa: S308 - every text inserted above is escaped
        f'<svg class="chart" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 70} {height}" width="100%" role="img" '
        f'aria-label="Biểu đồ tổng điểm các đơn vị" font-family="sans-serif">{"".join(rows)}{legend}</svg>'
    )
