"""The province's table of a year: every bloc's members with their totals, rank in the bloc and proposed
award, as the blocs' own year-end tables write them (bloc.py, documents/bloc.html).

Takes the blocs' rounds as review/standings.py makes them (one per bloc, each with its own rubric); a
member still typing its draft appears by its status only, as on its bloc's tables.
"""

from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .bloc import PROVISIONAL
from .cells import WRAP, Formula, add_styles, put, table_style
from .pdf import render
from .templates import render_to_string

COLUMNS = [  # name, heading, width
    ("index", "STT", 5),
    ("agency", "Đơn vị", 40),
    ("status", "Trạng thái", 12),
    ("points", "Điểm tự chấm", 10),
    ("bonus", "Thưởng tự chấm", 10),
    ("total", "Tổng tự chấm", 10),
    ("reviewed_points", "Điểm sau thẩm định", 11),
    ("reviewed_bonus", "Thưởng sau thẩm định", 11),
    ("final", "Tổng sau thẩm định", 12),
    ("rank", "Xếp hạng trong khối", 10),
    ("award", "Đề nghị khen thưởng", 26),
]
COLUMN = {name: index for index, (name, _, _) in enumerate(COLUMNS, start=1)}
TITLE = "Toàn tỉnh"
NOTE = (
    "Xếp hạng trong từng khối: tổng điểm sau thẩm định (chuẩn + thưởng) từ cao xuống; bằng nhau thì điểm "
    "chuẩn cao hơn đứng trước, rồi điểm Nội dung 1 cao hơn; vẫn bằng nhau thì cùng hạng. Đơn vị chưa nộp "
    "chỉ có trạng thái."
)


@dataclass
class ProvinceTable:
    year: int
    rounds: list  # standings.BlocRound, one per bloc, by bloc name

    @property
    def members(self) -> int:
        return sum(len(r.members) for r in self.rounds)


def ordered(state) -> list:
    """A bloc's members as its tables list them: the ranked by rank, then the others by name."""
    return state.ranked + [m for m in state.members if not m.rank]


def province_xlsx(table: ProvinceTable) -> bytes:
    buffer = BytesIO()
    province_workbook(table).save(buffer)
    return buffer.getvalue()


def province_workbook(table: ProvinceTable) -> Workbook:
    wb = Workbook()
    add_styles(wb)
    ws = wb.active
    ws.title = TITLE
    width = len(COLUMNS)
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {table.year} CỦA CÁC KHỐI THI ĐUA"
    for row, value in enumerate([title, f"{len(table.rounds)} khối, {table.members} đơn vị"], start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        put(ws, row, 1, value, "Tiêu đề bảng khối")
    header = 4
    for column, (_, heading, size) in enumerate(COLUMNS, start=1):
        put(ws, header, column, heading, table_style("giữa", bold=True))
        ws.column_dimensions[get_column_letter(column)].width = size
    ws.row_dimensions[header].height = 45
    n = header
    for state in table.rounds:
        n += 1
        _bloc_row(ws, n, state)
        for index, member in enumerate(ordered(state), start=1):
            n += 1
            _member_row(ws, n, index, member, state.awards_provisional)
    note = n + 2
    put(ws, note, 2, NOTE).alignment = WRAP
    ws.merge_cells(start_row=note, start_column=2, end_row=note, end_column=width)
    ws.row_dimensions[note].height = 45
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = f"C{header + 1}"
    return wb


def bloc_heading(state) -> str:
    """The bloc's row; while its round is incomplete, its awards are said to be provisional (standings)."""
    leader = state.bloc_year.leader.name if state.bloc_year.leader else "—"
    heading = f"{state.rubric.bloc.name} (khối trưởng: {leader})"
    return f"{heading}. {state.provisional_note}" if state.awards_provisional else heading


def _bloc_row(ws, n: int, state) -> None:
    put(ws, n, 1, None, table_style("chữ", bold=True))
    put(ws, n, 2, bloc_heading(state), table_style("chữ", bold=True))
    ws.merge_cells(start_row=n, start_column=2, end_row=n, end_column=len(COLUMNS))
    ws.row_dimensions[n].height = 18


def _member_row(ws, n: int, index: int, member, provisional: bool) -> None:
    def at(name: str, value, align: str = "giữa") -> None:
        put(ws, n, COLUMN[name], value, table_style(align, points=name not in ("status", "award")))

    def here(name: str) -> str:
        return f"{get_column_letter(COLUMN[name])}{n}"

    at("index", index)
    at("agency", member.agency.name, "chữ")
    at("status", member.status)
    shown = member.own is not None
    at("points", member.own.points if shown else None)
    at("bonus", member.own.bonus if shown else None)
    at("total", Formula(f"={here('points')}+{here('bonus')}") if shown else None)
    # "Sau thẩm định" stays empty until somebody reviewed the sheet (standings.Member.reviewed)
    reviewed = member.reviewed
    at("reviewed_points", member.final.points if reviewed else None)
    at("reviewed_bonus", member.final.bonus if reviewed else None)
    at("final", Formula(f"={here('reviewed_points')}+{here('reviewed_bonus')}") if reviewed else None)
    at("rank", member.rank)
    award = f"{member.award} ({PROVISIONAL})" if member.award and provisional else member.award
    at("award", award, "chữ")
    lines = max(1, len(member.agency.name) // 38 + 1, len(award) // 24 + 1)
    ws.row_dimensions[n].height = 15 * lines + 3


def province_html(table: ProvinceTable) -> str:
    blocs = [
        {"state": state, "heading": bloc_heading(state), "members": ordered(state)} for state in table.rounds
    ]
    return render_to_string("documents/province.html", {"table": table, "blocs": blocs, "note": NOTE})


def province_pdf(table: ProvinceTable) -> bytes:
    return render(province_html(table)).write_pdf()
