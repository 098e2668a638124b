"""The bloc's year-end tables: summary and ranking, criteria × agencies, and every member's sheet."""

from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname

from ..models import Score
from .pdf import render
from .sheet import sheet_document
from .xlsx import BORDER, CENTER, FONT, POINT_FORMAT, WRAP, text, write_sheet

SUMMARY_HEADINGS = [
    "STT",
    "Đơn vị",
    "Trạng thái",
    "Điểm tự chấm",
    "Thưởng tự chấm",
    "Tổng tự chấm",
    "Điểm thẩm định",
    "Thưởng thẩm định",
    "Tổng sau thẩm định",
    "Xếp hạng",
    "Đề nghị khen thưởng",
]


def _style_row(ws, row: int, columns: int, *, bold: bool = False) -> None:
    for column in range(1, columns + 1):
        cell = ws.cell(row, column)
        cell.border = BORDER
        cell.font = Font(name=FONT, size=11, bold=bold)
        cell.alignment = WRAP if column == 2 else CENTER
        cell.number_format = POINT_FORMAT


def bloc_xlsx(state) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    matrix = wb.create_sheet("Ma trận điểm")
    total_cells: dict[int, tuple[str, int, bool]] = {}  # agency pk → (sheet title, TỔNG CỘNG row, reviewed)
    for member in state.members:
        if member.sheet is None:
            continue
        ws = wb.create_sheet(member.agency.code[:31])
        doc = sheet_document(member.sheet, state.rtree)
        layout = write_sheet(ws, doc)
        total_cells[member.agency.pk] = (ws.title, layout.total_row, doc.reviewed)
    _summary(summary, state, total_cells)
    _matrix(matrix, state)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _summary(ws, state, total_cells) -> None:
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {state.rubric.year}"
    for row, value in enumerate([title, state.rubric.bloc.name], start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SUMMARY_HEADINGS))
        cell = ws.cell(row, 1, value)
        cell.font = Font(name=FONT, size=13, bold=True)
        cell.alignment = CENTER
    header = 4
    for column, heading in enumerate(SUMMARY_HEADINGS, start=1):
        ws.cell(header, column, heading)
    _style_row(ws, header, len(SUMMARY_HEADINGS), bold=True)
    for column, width in enumerate([5, 38, 12, 10, 10, 10, 11, 11, 12, 9, 26], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ordered = state.ranked + [m for m in state.members if not m.rank]
    for index, member in enumerate(ordered, start=1):
        n = header + index
        ws.cell(n, 1, index)
        text(ws.cell(n, 2), member.agency.name)
        ws.cell(n, 3, member.status)
        if member.agency.pk in total_cells:
            title, total, reviewed = total_cells[member.agency.pk]
            ref = quote_sheetname(title)
            ws.cell(n, 4, f"={ref}!E{total}")
            ws.cell(n, 5, f"={ref}!F{total}")
            ws.cell(n, 6, f"=D{n}+E{n}")
            ws.cell(n, 7, f"={ref}!H{total}" if reviewed else f"=D{n}")
            ws.cell(n, 8, f"={ref}!I{total}" if reviewed else f"=E{n}")
            ws.cell(n, 9, f"=G{n}+H{n}")
        ws.cell(n, 10, member.rank)
        text(ws.cell(n, 11), member.award)
        _style_row(ws, n, len(SUMMARY_HEADINGS))
    note = header + len(ordered) + 2
    ws.cell(
        note,
        2,
        "Xếp hạng: tổng điểm sau thẩm định (chuẩn + thưởng) từ cao xuống; bằng nhau thì điểm chuẩn cao "
        "hơn đứng trước, rồi điểm Nội dung 1 cao hơn; vẫn bằng nhau thì cùng hạng.",
    )
    ws.cell(note, 2).alignment = WRAP
    ws.merge_cells(start_row=note, start_column=2, end_row=note, end_column=len(SUMMARY_HEADINGS))
    ws.row_dimensions[note].height = 32
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _matrix(ws, state) -> None:
    members = [m for m in state.members if m.sheet is not None]
    tree = state.rtree.tree
    finals = _final_points(state)
    headings = ["TT", "Tiêu chí", "Điểm chuẩn", "Điểm thưởng"] + [m.agency.name for m in members]
    header = 1
    for column, heading in enumerate(headings, start=1):
        ws.cell(header, column, heading)
    _style_row(ws, header, len(headings), bold=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 48
    for column in range(3, len(headings) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 11
    rows = {c.key: header + 1 + i for i, c in enumerate(state.rtree.criteria)}
    for criterion in state.rtree.criteria:
        n = rows[criterion.key]
        kids = [rows[k.key] for k in tree.children[criterion.key]]
        ws.cell(n, 1, criterion.code if criterion.parent_id else None)
        text(ws.cell(n, 2), criterion.text if criterion.parent_id else criterion.text.split(":")[0])
        ws.cell(n, 3, criterion.max_points)
        ws.cell(n, 4, criterion.max_bonus or None)
        for offset, member in enumerate(members):
            letter = get_column_letter(5 + offset)
            if kids:
                ws.cell(n, 5 + offset, "=" + "+".join(f"{letter}{k}" for k in kids))
            else:
                ws.cell(n, 5 + offset, finals[member.sheet.pk].get(criterion.key))
        _style_row(ws, n, len(headings), bold=criterion.parent_id is None)
    sections = [rows[root.key] for root in tree.roots]
    last = header + len(state.rtree.criteria)
    labels = [("Cộng điểm chuẩn", None), ("Điểm thưởng", "bonus"), ("TỔNG CỘNG", "total")]
    for i, (label, kind) in enumerate(labels, start=1):
        n = last + i
        ws.cell(n, 2, label)
        for offset, member in enumerate(members):
            letter = get_column_letter(5 + offset)
            if kind is None:
                value = "=" + "+".join(f"{letter}{s}" for s in sections)
            elif kind == "bonus":
                value = member.final.bonus
            else:
                value = f"={letter}{last + 1}+{letter}{last + 2}"
            ws.cell(n, 5 + offset, value)
        _style_row(ws, n, len(headings), bold=True)
    ws.freeze_panes = ws.cell(header + 1, 5)
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _final_points(state) -> dict[int, dict[str, object]]:
    """Each started sheet's final points per leaf: reviewed where reviewed, else the agency's own."""
    tree = state.rtree.tree
    key_of = {c.pk: c.key for c in state.rtree.criteria}
    finals: dict[int, dict[str, object]] = {}
    for sheet_id, criterion_id, points, reviewed in Score.objects.filter(
        sheet__rubric=state.rubric
    ).values_list("sheet_id", "criterion_id", "points", "reviewed_points"):
        key = key_of[criterion_id]
        if not tree.children[key]:
            finals.setdefault(sheet_id, {})[key] = reviewed if reviewed is not None else points
    for member in state.members:
        if member.sheet is not None:
            finals.setdefault(member.sheet.pk, {})
    return finals


def bloc_html(state) -> str:
    return render_to_string("documents/bloc.html", {"state": state})


def bloc_pdf(state) -> bytes:
    return render(bloc_html(state)).write_pdf()
