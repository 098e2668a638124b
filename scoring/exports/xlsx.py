"""The Bảng chấm điểm as an Excel workbook: totals are live formulas, it prints on A4 landscape."""

import math
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..models import Sheet
from .sheet import SheetDocument, sheet_document

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEADINGS = [
    "TT",
    "Tiêu chí",
    "Điểm chuẩn",
    "Điểm thưởng",
    "Điểm tự chấm",
    "Điểm thưởng tự chấm",
    "Giải trình/ tài liệu kiểm chứng",
]
REVIEW_HEADINGS = ["Điểm thẩm định", "Điểm thưởng thẩm định", "Nhận xét của khối"]
WIDTHS = [6, 50, 9, 9, 9, 11, 50]
REVIEW_WIDTHS = [10, 11, 30]
POINT_FORMAT = "0.##"
LINE_HEIGHT = 15  # points per line of 11-point text


def text(cell, value: str) -> None:
    """User text is always text: a cell that begins with =, +, - or @ never becomes a formula."""
    cell.value = value or None
    if value:
        cell.data_type = "s"


def _lines(value: str, width: float) -> int:
    chars = max(int(width * 1.15), 1)
    return sum(max(1, math.ceil(len(line) / chars)) for line in (value or "").splitlines() or [""])


def sheet_xlsx(sheet: Sheet) -> bytes:
    return workbook_bytes(sheet_document(sheet))


def workbook_bytes(doc: SheetDocument) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Bảng chấm điểm {doc.sheet.rubric.year}"
    write_sheet(ws, doc)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_sheet(ws, doc: SheetDocument) -> dict[str, int]:
    """Write the table on `ws`; returns the row number of each criterion key ("" for TỔNG CỘNG)."""
    headings = HEADINGS + (REVIEW_HEADINGS if doc.reviewed else [])
    widths = WIDTHS + (REVIEW_WIDTHS if doc.reviewed else [])
    last = get_column_letter(len(headings))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    for row, (value, font) in enumerate(
        [
            (doc.title, Font(name=FONT, size=13, bold=True)),
            (f"Đơn vị: {doc.sheet.agency.name}", Font(name=FONT, size=12, bold=True)),
            (doc.issued_with, Font(name=FONT, size=12, italic=True)),
        ],
        start=1,
    ):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row, 1, value)
        cell.font, cell.alignment = font, Alignment(horizontal="center", wrap_text=True)
    header = 5
    for column, heading in enumerate(headings, start=1):
        cell = ws.cell(header, column, heading)
        cell.font, cell.alignment, cell.border = Font(name=FONT, size=11, bold=True), CENTER, BORDER
    ws.row_dimensions[header].height = 3 * LINE_HEIGHT

    rows = {r.key: header + 1 + i for i, r in enumerate(doc.rows)}
    total_row = header + 1 + len(doc.rows)
    for r in doc.rows:
        n = rows[r.key]
        bold = r.depth == 0
        kids = [rows[k] for k in r.children]

        def formula(column: str, kids=kids) -> str:
            return "=" + "+".join(f"{column}{k}" for k in kids)

        ws.cell(n, 1, r.code or None)
        text(ws.cell(n, 2), r.text)
        ws.cell(n, 3, r.max_points)
        ws.cell(n, 4, r.max_bonus or None)
        ws.cell(n, 5, formula("E") if kids else r.points)
        ws.cell(n, 6, r.bonus if r.own_bonus or not kids else (formula("F") if r.bonus is not None else None))
        explanation = "\n".join(
            filter(None, ["Tạm tính." if r.provisional else "", r.explanation, *r.documents])
        )
        text(ws.cell(n, 7), explanation)
        if doc.reviewed:
            ws.cell(n, 8, formula("H") if kids else r.reviewed_points)
            ws.cell(
                n,
                9,
                r.reviewed_bonus
                if r.own_bonus or not kids
                else (formula("I") if r.reviewed_bonus is not None else None),
            )
            text(ws.cell(n, 10), r.comment)
        for column in range(1, len(headings) + 1):
            cell = ws.cell(n, column)
            cell.border = BORDER
            cell.font = Font(name=FONT, size=11, bold=bold)
            cell.alignment = WRAP if column in (2, 7, 10) else CENTER
            if column in (3, 4, 5, 6, 8, 9):
                cell.number_format = POINT_FORMAT
        ws.row_dimensions[n].height = (
            LINE_HEIGHT
            * max(
                _lines(r.text, widths[1]),
                _lines(explanation, widths[6]),
                _lines(r.comment, widths[9]) if doc.reviewed else 1,
            )
            + 4
        )

    sections = [rows[r.key] for r in doc.rows if r.parent is None]
    ws.cell(total_row, 2, "TỔNG CỘNG")
    totals = {3: "C", 4: "D", 5: "E", 6: "F"} | ({8: "H", 9: "I"} if doc.reviewed else {})
    for column, letter in totals.items():
        ws.cell(total_row, column, "=" + "+".join(f"{letter}{s}" for s in sections))
    for column in range(1, len(headings) + 1):
        cell = ws.cell(total_row, column)
        cell.border, cell.font = BORDER, Font(name=FONT, size=11, bold=True)
        cell.alignment = CENTER if column != 2 else WRAP
        cell.number_format = POINT_FORMAT
    ws.row_dimensions[total_row].height = LINE_HEIGHT + 4

    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.freeze_panes = ws.cell(header + 1, 3)
    return rows | {"": total_row}
