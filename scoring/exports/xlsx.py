"""The Bảng chấm điểm as an Excel workbook: totals are live formulas, it prints on A4 landscape.

The columns are declared once in `COLUMNS`; every position and formula letter is derived from it, and
`write_sheet` hands back a `SheetLayout` so other sheets (the bloc's summary) can point at its cells.
"""

import math
from dataclasses import dataclass
from io import BytesIO
from typing import Literal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.properties import PageSetupProperties

from ..models import Sheet
from .cells import BORDER, CENTER, FONT, POINT_FORMAT, WRAP, Formula, add_styles, put, table_style
from .sheet import Row, SheetDocument, sheet_document

__all__ = ["BORDER", "CENTER", "FONT", "POINT_FORMAT", "WRAP", "Formula", "put"]  # what bloc.py shares
LINE_HEIGHT = 15  # points per line of 11-point text
HEADER_ROW = 5
# before a comment written before the agency last changed the criterion: not printed as current
STALE_COMMENT = "Nhận xét cũ, viết trước khi đơn vị sửa tiêu chí"


@dataclass(frozen=True)
class Column:
    name: str
    heading: str
    width: float
    # "text": user text, wrapped, counted for the row height; "center": centered;
    # "points": a number, centered, formatted as points and summed in the TỔNG CỘNG row.
    style: Literal["text", "center", "points"]
    reviewed: bool = False  # only on a sheet the bloc has reviewed


COLUMNS = [
    Column("code", "TT", 6, "center"),
    Column("text", "Tiêu chí", 50, "text"),
    Column("max_points", "Điểm chuẩn", 9, "points"),
    Column("max_bonus", "Điểm thưởng", 9, "points"),
    Column("points", "Điểm tự chấm", 9, "points"),
    Column("bonus", "Điểm thưởng tự chấm", 11, "points"),
    Column("explanation", "Giải trình/ tài liệu kiểm chứng", 50, "text"),
    Column("reviewed_points", "Điểm thẩm định", 10, "points", reviewed=True),
    Column("reviewed_bonus", "Điểm thưởng thẩm định", 11, "points", reviewed=True),
    Column("comment", "Nhận xét của khối", 30, "text", reviewed=True),
]
# The headings of an agency's own sheet, which the sheet import reads back.
HEADINGS = [c.heading for c in COLUMNS if not c.reviewed]


@dataclass(frozen=True)
class SheetLayout:
    """Where `write_sheet` put things: the row of each criterion key ("" for TỔNG CỘNG), each column."""

    title: str
    columns: tuple[Column, ...]
    rows: dict[str, int]

    @property
    def total_row(self) -> int:
        return self.rows[""]

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def column(self, name: str) -> int:
        return [c.name for c in self.columns].index(name) + 1  # ValueError names a missing column

    def letter(self, name: str) -> str:
        return get_column_letter(self.column(name))

    def cell(self, name: str, key: str = "") -> str:
        """cell("points") → "E45", the agency's own points in the TỔNG CỘNG row."""
        return f"{self.letter(name)}{self.rows[key]}"

    def ref(self, name: str, key: str = "") -> str:
        """The same cell seen from another sheet of the workbook: "'VP'!E45"."""
        return f"{quote_sheetname(self.title)}!{self.cell(name, key)}"

    def sum(self, name: str, keys: list[str]) -> Formula:
        return Formula("=" + "+".join(self.cell(name, key) for key in keys))


def _lines(value: str, width: float) -> int:
    chars = max(int(width * 1.15), 1)
    return sum(max(1, math.ceil(len(line) / chars)) for line in (value or "").splitlines() or [""])


def sheet_xlsx(sheet: Sheet) -> bytes:
    return workbook_bytes(sheet_document(sheet))


def workbook_bytes(doc: SheetDocument) -> bytes:
    buffer = BytesIO()
    sheet_workbook(doc).save(buffer)
    return buffer.getvalue()


def sheet_workbook(doc: SheetDocument) -> Workbook:
    wb = Workbook()
    ws = wb.active
    rubric = doc.sheet.rubric
    ws.title = " ".join(filter(None, [f"Bảng chấm điểm {rubric.year}", rubric.round_kind.short_tag]))
    write_sheet(ws, doc)
    return wb


def write_sheet(ws, doc: SheetDocument) -> SheetLayout:
    """Write the table on `ws`; returns where each criterion and column went."""
    add_styles(ws.parent)
    rows = {r.key: HEADER_ROW + 1 + i for i, r in enumerate(doc.rows)}
    layout = SheetLayout(
        title=ws.title,
        columns=tuple(c for c in COLUMNS if doc.reviewed or not c.reviewed),
        rows=rows | {"": HEADER_ROW + 1 + len(doc.rows)},
    )
    _write_titles(ws, doc, layout)
    _write_header(ws, layout)
    for row in doc.rows:
        _write_row(ws, row, layout)
    _write_total(ws, doc, layout)
    _set_up_pages(ws, layout)
    return layout


def _write_titles(ws, doc: SheetDocument, layout: SheetLayout) -> None:
    last = get_column_letter(len(layout.columns))
    for row, (value, style) in enumerate(
        [
            (doc.title, "Tiêu đề"),
            (f"Đơn vị: {doc.sheet.agency.name}", "Tên đơn vị"),
            (doc.issued_with, "Dòng ban hành"),
        ],
        start=1,
    ):
        ws.merge_cells(f"A{row}:{last}{row}")
        put(ws, row, 1, value, style)


def _write_header(ws, layout: SheetLayout) -> None:
    for index, column in enumerate(layout.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        put(ws, HEADER_ROW, index, column.heading, table_style("giữa", bold=True))
    ws.row_dimensions[HEADER_ROW].height = 3 * LINE_HEIGHT


def _row_values(r: Row, layout: SheetLayout) -> dict[str, object]:
    """What each named column shows on the row of `r`."""

    def summed(name: str, value, *, bonus: bool = False):
        """A parent sums its children, except a bonus it awards itself or that nobody claimed."""
        if not r.children or not layout.has(name) or (bonus and (r.own_bonus or value is None)):
            return value
        return layout.sum(name, r.children)

    return {
        "code": r.code or None,
        "text": r.text,
        "max_points": r.max_points,
        "max_bonus": r.max_bonus or None,
        "points": summed("points", r.points),
        "bonus": summed("bonus", r.bonus, bonus=True),
        "explanation": "\n".join(
            filter(None, ["Tạm tính." if r.provisional else "", r.explanation, *r.documents])
        ),
        "reviewed_points": summed("reviewed_points", r.reviewed_points),
        "reviewed_bonus": summed("reviewed_bonus", r.reviewed_bonus, bonus=True),
        "comment": "\n".join(
            filter(
                None, [r.reviewed_ratings, f"{STALE_COMMENT}: {r.comment}" if r.comment_stale else r.comment]
            )
        ),
    }


def _write_row(ws, r: Row, layout: SheetLayout) -> None:
    n = layout.rows[r.key]
    values = _row_values(r, layout)
    lines = 1
    bold = r.depth == 0
    for index, column in enumerate(layout.columns, start=1):
        value = values.get(column.name)
        if column.style == "text":
            lines = max(lines, _lines(value, column.width))
        style = table_style(
            "chữ" if column.style == "text" else "giữa", bold=bold, points=column.style == "points"
        )
        put(ws, n, index, value, style)
    ws.row_dimensions[n].height = LINE_HEIGHT * lines + 4


def _write_total(ws, doc: SheetDocument, layout: SheetLayout) -> None:
    n = layout.total_row
    sections = [r.key for r in doc.rows if r.parent is None]
    for index, column in enumerate(layout.columns, start=1):
        if column.style == "points":
            value = layout.sum(column.name, sections)
        else:
            value = "TỔNG CỘNG" if column.name == "text" else None
        put(
            ws,
            n,
            index,
            value,
            table_style("chữ" if column.name == "text" else "giữa", bold=True, points=True),
        )
    ws.row_dimensions[n].height = LINE_HEIGHT + 4


def _set_up_pages(ws, layout: SheetLayout) -> None:
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # Code and text stay in view while scrolling across the numbers.
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, layout.column("text") + 1)
