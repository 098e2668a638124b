"""The bloc's year-end tables: summary and ranking, criteria × agencies, and every member's sheet.

A member still typing its draft appears by its status only: no sheet, no numbers (standings.Member.shown).
"""

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import rollup
from ..models import Score, Sheet
from .cells import WRAP, Formula, add_styles, put, table_style
from .pdf import render
from .sheet import sheet_documents
from .templates import render_to_string
from .xlsx import SheetLayout, write_sheet

SUMMARY_COLUMNS = [  # name, heading, width
    ("index", "STT", 5),
    ("agency", "Đơn vị", 38),
    ("status", "Trạng thái", 12),
    ("points", "Điểm tự chấm", 10),
    ("bonus", "Thưởng tự chấm", 10),
    ("total", "Tổng tự chấm", 10),
    ("reviewed_points", "Điểm thẩm định", 11),
    ("reviewed_bonus", "Thưởng thẩm định", 11),
    ("final", "Tổng sau thẩm định", 12),
    ("rank", "Xếp hạng", 9),
    ("award", "Đề nghị khen thưởng", 26),
]
SUMMARY = {name: index for index, (name, _, _) in enumerate(SUMMARY_COLUMNS, start=1)}
SUMMARY_TITLE, MATRIX_TITLE = "Tổng hợp", "Ma trận điểm"
NOT_REVIEWED, PROVISIONAL = "Chưa thẩm định", "tạm tính"
# What Excel refuses in a sheet name; it also takes at most 31 characters, and no two differing only in case.
NOT_IN_TITLE = re.compile(r"[:\\/?*\[\]]")
MAX_TITLE = 31


def sheet_title(code: str, taken: set[str]) -> str:
    """A sheet name Excel takes for an agency's code, unlike every name in `taken` (casefolded; added to)."""
    base = NOT_IN_TITLE.sub("-", code).strip().strip("'")[:MAX_TITLE] or "Đơn vị"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: MAX_TITLE - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _style_row(ws, row: int, columns: int, *, bold: bool = False) -> None:
    text, other = table_style("chữ", bold=bold, points=True), table_style("giữa", bold=bold, points=True)
    for column in range(1, columns + 1):
        ws.cell(row, column).style = text if column == 2 else other


def bloc_xlsx(state) -> bytes:
    buffer = BytesIO()
    bloc_workbook(state).save(buffer)
    return buffer.getvalue()


def bloc_workbook(state) -> Workbook:
    wb = Workbook()
    add_styles(wb)
    summary = wb.active
    summary.title = SUMMARY_TITLE
    matrix = wb.create_sheet(MATRIX_TITLE)
    taken = {SUMMARY_TITLE.casefold(), MATRIX_TITLE.casefold()}
    layouts: dict[
        int, SheetLayout
    ] = {}  # agency pk → where its sheet put things (the summary follows its title)
    shown = [member for member in state.members if member.shown]
    for member in shown:
        member.sheet.rubric, member.sheet.agency = state.rubric, member.agency
    documents = sheet_documents([member.sheet for member in shown], state.rtree)
    for member in shown:
        ws = wb.create_sheet(sheet_title(member.agency.code, taken))
        layouts[member.agency.pk] = write_sheet(ws, documents[member.sheet.pk])
    _summary(summary, state, layouts)
    _matrix(matrix, state)
    return wb


def _summary(ws, state, layouts: dict[int, SheetLayout]) -> None:
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA {state.rubric.period.upper()}"
    for row, value in enumerate([title, state.rubric.bloc.name], start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SUMMARY_COLUMNS))
        put(ws, row, 1, value, "Tiêu đề bảng khối")
    header = 4
    for column, (name, heading, width) in enumerate(SUMMARY_COLUMNS, start=1):
        if name == "award" and not state.rubric.round_kind.proposes_awards:
            heading = "Ghi chú"
        put(ws, header, column, heading)
        ws.column_dimensions[get_column_letter(column)].width = width
    _style_row(ws, header, len(SUMMARY_COLUMNS), bold=True)
    ordered = state.ranked + [m for m in state.members if not m.rank]
    for index, member in enumerate(ordered, start=1):
        _summary_row(
            ws, header + index, index, member, layouts.get(member.agency.pk), state.awards_provisional
        )
    note = header + len(ordered) + 2
    if state.awards_provisional:
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(SUMMARY_COLUMNS))
        put(ws, 3, 1, state.provisional_note, "Tiêu đề bảng khối").alignment = WRAP
        ws.row_dimensions[3].height = 32
    put(
        ws,
        note,
        2,
        "Xếp hạng: tổng điểm sau thẩm định (chuẩn + thưởng) từ cao xuống; bằng nhau thì điểm chuẩn cao "
        "hơn đứng trước, rồi điểm Nội dung 1 cao hơn; vẫn bằng nhau thì cùng hạng.",
    ).alignment = WRAP
    ws.merge_cells(start_row=note, start_column=2, end_row=note, end_column=len(SUMMARY_COLUMNS))
    ws.row_dimensions[note].height = 32
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _summary_row(ws, n: int, index: int, member, layout: SheetLayout | None, provisional: bool) -> None:
    """One member's line; its totals point at the TỔNG CỘNG row of its own sheet."""

    def at(name: str, value) -> None:
        put(ws, n, SUMMARY[name], value)

    def here(name: str) -> str:
        return f"{get_column_letter(SUMMARY[name])}{n}"

    at("index", index)
    at("agency", member.agency.name)
    at("status", member.status)
    if layout is not None:
        at("points", Formula(f"={layout.ref('points')}"))
        at("bonus", Formula(f"={layout.ref('bonus')}"))
        at("total", Formula(f"={here('points')}+{here('bonus')}"))
        if member.reviewed and layout.has("reviewed_points"):
            at("reviewed_points", Formula(f"={layout.ref('reviewed_points')}"))
            at("reviewed_bonus", Formula(f"={layout.ref('reviewed_bonus')}"))
            at("final", Formula(f"={here('reviewed_points')}+{here('reviewed_bonus')}"))
        else:  # nobody reviewed it: no total after review, rather than the agency's own under that heading
            at("final", NOT_REVIEWED)
    at("rank", member.rank)
    at("award", f"{member.award} ({PROVISIONAL})" if member.award and provisional else member.award)
    _style_row(ws, n, len(SUMMARY_COLUMNS))


def _matrix(ws, state) -> None:
    members = [m for m in state.members if m.shown]
    tree = state.rtree.tree
    finals = _final_points(state)
    headings = ["TT", "Tiêu chí", "Điểm chuẩn", "Điểm thưởng"] + [m.agency.name for m in members]
    header = 1
    for column, heading in enumerate(headings, start=1):
        put(ws, header, column, heading)
    _style_row(ws, header, len(headings), bold=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 48
    for column in range(3, len(headings) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 11
    rows = {c.key: header + 1 + i for i, c in enumerate(state.rtree.criteria)}
    for criterion in state.rtree.criteria:
        n = rows[criterion.key]
        kids = [rows[k.key] for k in tree.children[criterion.key]]
        put(ws, n, 1, criterion.code if criterion.parent_id else None)
        put(ws, n, 2, criterion.text if criterion.parent_id else criterion.text.split(":")[0])
        put(ws, n, 3, criterion.max_points)
        put(ws, n, 4, criterion.max_bonus or None)
        for offset, member in enumerate(members):
            letter = get_column_letter(5 + offset)
            if kids:
                put(ws, n, 5 + offset, Formula("=" + "+".join(f"{letter}{k}" for k in kids)))
            else:
                put(ws, n, 5 + offset, finals[member.sheet.pk].get(criterion.key))
        _style_row(ws, n, len(headings), bold=criterion.parent_id is None)
    sections = [rows[root.key] for root in tree.roots]
    last = header + len(state.rtree.criteria)
    labels = [("Cộng điểm chuẩn", None), ("Điểm thưởng", "bonus"), ("TỔNG CỘNG", "total")]
    for i, (label, kind) in enumerate(labels, start=1):
        n = last + i
        put(ws, n, 2, label)
        for offset, member in enumerate(members):
            letter = get_column_letter(5 + offset)
            if kind is None:
                value = Formula("=" + "+".join(f"{letter}{s}" for s in sections))
            elif kind == "bonus":
                value = member.final.bonus  # reviewed where reviewed, else own, as every cell above
            else:
                value = Formula(f"={letter}{last + 1}+{letter}{last + 2}")
            put(ws, n, 5 + offset, value)
        _style_row(ws, n, len(headings), bold=True)
    ws.freeze_panes = ws.cell(header + 1, 5)
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _final_points(state) -> dict[int, dict[str, object]]:
    """Each sheet the bloc sees, its final points per leaf: reviewed where reviewed, else the agency's own."""
    tree = state.rtree.tree
    key_of = {c.pk: c.key for c in state.rtree.criteria}
    finals: dict[int, dict[str, object]] = {}
    for sheet_id, criterion_id, points, reviewed in Score.objects.filter(
        sheet__rubric=state.rubric, sheet__status__in=Sheet.SEEN_BY_BLOC
    ).values_list("sheet_id", "criterion_id", "points", "reviewed_points"):
        key = key_of[criterion_id]
        if not tree.children[key]:
            finals.setdefault(sheet_id, {})[key] = rollup.reviewed_or_own(points, reviewed)
    for member in state.members:
        if member.shown:
            finals.setdefault(member.sheet.pk, {})
    return finals


def bloc_html(state) -> str:
    return render_to_string("documents/bloc.html", {"state": state})


def bloc_pdf(state) -> bytes:
    return render(bloc_html(state)).write_pdf()
