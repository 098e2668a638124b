"""The one writer of every cell an export puts in a workbook, and the named styles it puts them in.

Text is a string cell whoever typed it: an agency's or a bloc's name, a criterion's code, an award, an
explanation. `=HYPERLINK(…)` set as a name in the admin would otherwise be a live formula when the bloc opens
its workbook. The only formulas are `Formula`s, which our code builds from cell references.

Styles are named and registered once per workbook (`add_styles`): a cell then takes a style by its name,
where a `Font`, `Border` and `Alignment` of its own would be built and hashed again for every cell. The
names are Vietnamese because Excel lists them to the user under Cell Styles.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.borders import DEFAULT_BORDER

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
TITLE_ALIGNMENT = Alignment(horizontal="center", wrap_text=True)
POINT_FORMAT = "0.##"

# The titles above a table: name → (size, bold, italic, alignment).
TITLES = {
    "Tiêu đề": (13, True, False, TITLE_ALIGNMENT),
    "Tên đơn vị": (12, True, False, TITLE_ALIGNMENT),
    "Dòng ban hành": (12, False, True, TITLE_ALIGNMENT),
    "Tiêu đề bảng khối": (13, True, False, CENTER),
}
# A table's cells, bordered, in 11 points: how each is aligned and whether it shows points.
ALIGNMENTS = {"chữ": WRAP, "giữa": CENTER}


def table_style(align: str, *, bold: bool = False, points: bool = False) -> str:
    """The name of a table cell's style: table_style("giữa", bold=True, points=True) → "Ô giữa đậm, điểm"."""
    return f"Ô {align}{' đậm' if bold else ''}{', điểm' if points else ''}"


def _styles() -> list[NamedStyle]:
    styles = [
        NamedStyle(
            name,
            font=Font(name=FONT, size=size, bold=bold, italic=italic),
            border=DEFAULT_BORDER,  # a title has the workbook's own (empty) border, as an unstyled cell has
            alignment=alignment,
        )
        for name, (size, bold, italic, alignment) in TITLES.items()
    ]
    for align, alignment in ALIGNMENTS.items():
        for bold in (False, True):
            for points in (False, True):
                styles.append(
                    NamedStyle(
                        table_style(align, bold=bold, points=points),
                        font=Font(name=FONT, size=11, bold=bold),
                        border=BORDER,
                        alignment=alignment,
                        number_format=POINT_FORMAT if points else "General",
                    )
                )
    return styles


def add_styles(wb) -> None:
    """Register the styles in `wb`, once: a workbook that has them already is left as it is."""
    if TITLES.keys() & set(wb.named_styles):
        return
    for style in _styles():
        wb.add_named_style(style)


# A year's change as a share of the year before: Excel and LibreOffice write the decimal separator of the
# reader's locale ("+25,0 %" in Vietnamese). Only the workbooks that compare years register it.
PERCENT_STYLE = "Ô giữa, phần trăm"
PERCENT_FORMAT = '+0.0" %";-0.0" %";0.0" %"'


def add_percent_style(wb) -> None:
    if PERCENT_STYLE in wb.named_styles:
        return
    wb.add_named_style(
        NamedStyle(
            PERCENT_STYLE,
            font=Font(name=FONT, size=11),
            border=BORDER,
            alignment=CENTER,
            number_format=PERCENT_FORMAT,
        )
    )


class Formula(str):
    """A formula built by our code ("=E12+E30"); every other str is written as text."""


def put(ws, row: int, column: int, value=None, style: str | None = None):
    """Write `value` at (row, column), in the named `style` if given, and return the cell."""
    cell = ws.cell(row, column)
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        # Control characters (a vertical tab pasted from Word) are not allowed in a workbook's XML.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value or None
        if value:
            cell.data_type = "s"  # set after the value: openpyxl makes any "=…" a formula
    else:
        cell.value = value
    if style is not None:
        cell.style = style
    return cell
