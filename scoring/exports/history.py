"""So sánh các năm as documents: an agency's years, or a bloc's, as Excel (the changes as live formulas) and
as PDF (A4 landscape, the documents' font).

Takes the comparisons history/compare.py builds (duck-typed, as province.py takes the blocs' rounds): the
numbers are the page's; the workbook recomputes the changes and the bloc's average from its own cells.
"""

from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .cells import PERCENT_STYLE, WRAP, Formula, add_percent_style, add_styles, put, table_style
from .pdf import render

TOTAL_NOTE = (
    "Tổng điểm: điểm sau thẩm định (chuẩn + thưởng) nếu bảng chấm điểm đã được thẩm định, chưa thì điểm tự "
    "chấm. Thay đổi so với năm liền trước có bảng chấm điểm. Nội dung mà bảng tiêu chí năm trước không có "
    "thì không so sánh được."
)
BLOC_NOTE = (
    "Tổng điểm: sau thẩm định nếu đã thẩm định, chưa thì tự chấm; đơn vị chưa nộp chỉ có trạng thái. "
    "Bình quân khối: trung bình tổng điểm của các đơn vị đã nộp trong năm."
)
POINTS = table_style("giữa", points=True)
TEXT = table_style("chữ")
HEAD = table_style("giữa", bold=True)


def _workbook(title: str, subtitle: str, width: int) -> tuple[Workbook, object]:
    wb = Workbook()
    add_styles(wb)
    add_percent_style(wb)
    ws = wb.active
    ws.title = "So sánh các năm"
    for row, value in enumerate([title, subtitle], start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        put(ws, row, 1, value, "Tiêu đề bảng khối")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return wb, ws


def _headings(ws, row: int, headings: list[tuple[str, int]]) -> None:
    for column, (heading, size) in enumerate(headings, start=1):
        put(ws, row, column, heading, HEAD)
        ws.column_dimensions[get_column_letter(column)].width = size
    ws.row_dimensions[row].height = 48
    ws.print_title_rows = f"{row}:{row}"


def _note(ws, row: int, width: int, text: str) -> None:
    put(ws, row, 1, text).alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 48


def _save(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- one agency


def agency_headings(comparison) -> list[tuple[str, int]]:
    sections = [(c.section.label[:80], 16) for c in comparison.columns]
    return [
        ("Năm", 7),
        ("Khối thi đua", 26),
        ("Trạng thái", 12),
        *sections,
        ("Điểm thưởng", 10),
        ("Tổng tự chấm", 10),
        ("Tổng sau thẩm định", 11),
        ("Tổng điểm", 10),
        ("Thay đổi (điểm)", 10),
        ("Thay đổi (%)", 10),
        ("Xếp hạng trong khối", 10),
        ("Đề nghị khen thưởng", 24),
        ("Ghi chú", 28),
    ]


def agency_history_workbook(comparison) -> Workbook:
    headings = agency_headings(comparison)
    width = len(headings)
    wb, ws = _workbook("SO SÁNH KẾT QUẢ CHẤM ĐIỂM THI ĐUA QUA CÁC NĂM", comparison.agency.name, width)
    header = 4
    _headings(ws, header, headings)
    first_section = 4
    col = {
        name: first_section + len(comparison.columns) + i
        for i, name in enumerate(
            ["bonus", "own", "reviewed", "total", "change", "percent", "rank", "award", "note"]
        )
    }
    letter = {name: get_column_letter(c) for name, c in col.items()}
    for offset, year in enumerate(comparison.years):
        n = header + 1 + offset
        put(ws, n, 1, year.year, table_style("giữa"))
        put(ws, n, 2, year.bloc.name, TEXT)
        put(ws, n, 3, year.status, table_style("giữa"))
        for i, cell in enumerate(year.sections):
            put(ws, n, first_section + i, cell.points if cell.present else "—", POINTS)
        put(ws, n, col["bonus"], year.bonus, POINTS)
        put(ws, n, col["own"], year.own, POINTS)
        put(ws, n, col["reviewed"], year.reviewed, POINTS)
        r, o = f"{letter['reviewed']}{n}", f"{letter['own']}{n}"
        put(ws, n, col["total"], Formula(f'=IF({r}="",{o},{r})'), table_style("giữa", bold=True, points=True))
        if offset:
            now, before = f"{letter['total']}{n}", f"{letter['total']}{n - 1}"
            put(ws, n, col["change"], Formula(f"={now}-{before}"), POINTS)
            put(
                ws,
                n,
                col["percent"],
                Formula(f'=IF({before}=0,"",({now}-{before})*100/{before})'),
                PERCENT_STYLE,
            )
        else:
            put(ws, n, col["change"], None, POINTS)
            put(ws, n, col["percent"], None, PERCENT_STYLE)
        put(ws, n, col["rank"], year.rank_text, table_style("giữa"))
        award = f"{year.award} (tạm tính)" if year.award_provisional else year.award
        put(ws, n, col["award"], award, TEXT)
        put(ws, n, col["note"], agency_note(year), TEXT)
        ws.row_dimensions[n].height = (
            15 * max(2, len(year.bloc.name) // 24 + 1, len(agency_note(year)) // 26 + 1) + 3
        )
    _note(ws, header + len(comparison.years) + 2, width, TOTAL_NOTE)
    ws.freeze_panes = f"B{header + 1}"
    return wb


def agency_note(year) -> str:
    parts = []
    if year.draft:
        parts.append("Bản nháp: chỉ đơn vị xem được, chưa xếp hạng")
    for title in year.incomparable:
        parts.append(f"{title}: không so sánh được với năm {year.change.since}")
    return "; ".join(parts)


def agency_history_xlsx(comparison) -> bytes:
    return _save(agency_history_workbook(comparison))


def agency_history_html(comparison) -> str:
    return render_to_string(
        "documents/history.html",
        {
            "agency": comparison,
            "notes": [(y.year, n) for y in comparison.years if (n := agency_note(y))],
            "note": TOTAL_NOTE,
        },
    )


def agency_history_pdf(comparison) -> bytes:
    return render(agency_history_html(comparison)).write_pdf()


# ---------------------------------------------------------------- one bloc


def bloc_history_workbook(comparison) -> Workbook:
    years = comparison.years
    # per year: total, rank, and from the second year on the change in points
    per_year = [(y, 2 if i == 0 else 3) for i, y in enumerate(years)]
    width = 2 + sum(k for _, k in per_year)
    wb, ws = _workbook("SO SÁNH KẾT QUẢ CHẤM ĐIỂM THI ĐUA QUA CÁC NĂM", comparison.bloc.name, width)
    header = 4
    headings = [("STT", 5), ("Đơn vị", 34)]
    start: list[int] = []
    for summary, k in per_year:
        start.append(len(headings) + 1)
        headings += [(f"Tổng điểm {summary.year}", 10), (f"Xếp hạng {summary.year}", 9)]
        if k == 3:
            headings.append((f"Thay đổi {summary.year} (điểm)", 10))
    _headings(ws, header, headings)
    first = header + 1
    for index, line in enumerate(comparison.lines):
        n = first + index
        put(ws, n, 1, index + 1, table_style("giữa"))
        put(ws, n, 2, line.agency.name, TEXT)
        for i, cell in enumerate(line.cells):
            c = start[i]
            shown = cell.total if cell.member else None
            put(ws, n, c, shown, POINTS)
            rank = cell.rank if cell.rank else ("không là thành viên" if not cell.member else cell.status)
            put(ws, n, c + 1, rank, table_style("giữa"))
            if i:
                now, before = f"{get_column_letter(c)}{n}", f"{get_column_letter(start[i - 1])}{n}"
                both = cell.member and line.cells[i - 1].member
                formula = Formula(f'=IF(OR({now}="",{before}=""),"",{now}-{before})') if both else None
                put(ws, n, c + 2, formula, POINTS)
        ws.row_dimensions[n].height = 15 * max(1, len(line.agency.name) // 32 + 1) + 3
    last = first + len(comparison.lines) - 1
    average = last + 1
    _average_row(ws, average, first, last, start, years)
    n = average + 2
    for line in bloc_changes(comparison):
        put(ws, n, 1, line).alignment = WRAP
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)
        ws.row_dimensions[n].height = 18 * (len(line) // 120 + 1)
        n += 1
    _note(ws, n + 1, width, BLOC_NOTE)
    ws.freeze_panes = f"C{first}"
    return wb


def _average_row(ws, average: int, first: int, last: int, start: list[int], years) -> None:
    """The bloc's average per year over the members' totals, and its change, as formulas."""
    put(ws, average, 1, None, table_style("chữ", bold=True))
    put(ws, average, 2, "Bình quân khối", table_style("chữ", bold=True))
    for i, summary in enumerate(years):
        column = get_column_letter(start[i])
        formula = Formula(
            f'=IF(COUNT({column}{first}:{column}{last})=0,"",AVERAGE({column}{first}:{column}{last}))'
        )
        put(ws, average, start[i], formula, table_style("giữa", bold=True, points=True))
        put(
            ws,
            average,
            start[i] + 1,
            f"{summary.counted}/{len(summary.state.members)} đã nộp",
            table_style("giữa"),
        )
        if i:
            before = f"{get_column_letter(start[i - 1])}{average}"
            now = f"{column}{average}"
            put(
                ws, average, start[i] + 2, Formula(f'=IF(OR({now}="",{before}=""),"",{now}-{before})'), POINTS
            )


def bloc_changes(comparison) -> list[str]:
    """Who joined and who left, year by year, in words."""
    lines = []
    for summary in comparison.years[1:]:
        joined = ", ".join(a.name for a in summary.joined) or "không có"
        left = ", ".join(a.name for a in summary.left) or "không có"
        lines.append(f"Năm {summary.year}: vào khối: {joined}; rời khối: {left}.")
    return lines


def bloc_history_xlsx(comparison) -> bytes:
    return _save(bloc_history_workbook(comparison))


def bloc_history_html(comparison) -> str:
    return render_to_string(
        "documents/history.html", {"bloc": comparison, "changes": bloc_changes(comparison), "note": BLOC_NOTE}
    )


def bloc_history_pdf(comparison) -> bytes:
    return render(bloc_history_html(comparison)).write_pdf()
