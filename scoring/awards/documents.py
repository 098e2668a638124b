"""The dossier as documents: the tờ trình with its list attached (PDF, Nghị định 30/2020) and the list as a
workbook (named styles, counts as formulas)."""

from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from django.template.loader import render_to_string

from ..exports.cells import Formula, add_styles, put, table_style
from ..exports.pdf import PX_TO_PT, SIGNATURE_BOX_ID, dateline, render
from ..models import Dossier, DossierLine
from ..notation import format_date


@dataclass
class DossierDocument:
    dossier: Dossier
    collectives: list[DossierLine]
    individuals: list[DossierLine]

    @property
    def leader(self):
        return self.dossier.bloc_year.leader

    @property
    def year(self) -> int:
        return self.dossier.bloc_year.year

    @property
    def subject(self) -> str:
        return (
            f"Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi "
            f"đua năm {self.year} của {self.dossier.bloc_year.bloc.name}"
        )

    @property
    def attached_to(self) -> str:
        """ "(Kèm theo Tờ trình số 12/TTr-TTR ngày 20/12/2022 của Thanh tra tỉnh)"."""
        day = f" ngày {format_date(self.dossier.issued_on)}" if self.dossier.issued_on else ""
        return f"(Kèm theo Tờ trình số {self.dossier.reference}{day} của {self.leader.name})"

    def award_counts(self) -> list[tuple[str, int, int]]:
        """(award, collectives, individuals) in the order the awards first appear."""
        collectives = Counter(line.award for line in self.collectives)
        individuals = Counter(line.award for line in self.individuals)
        awards = dict.fromkeys(line.award for line in [*self.collectives, *self.individuals])
        return [(award, collectives[award], individuals[award]) for award in awards]


def dossier_document(dossier: Dossier) -> DossierDocument:
    lines = list(dossier.lines.select_related("agency", "decided_by").order_by("kind", "order", "pk"))
    return DossierDocument(
        dossier=dossier,
        collectives=[line for line in lines if line.kind == DossierLine.Kind.COLLECTIVE],
        individuals=[line for line in lines if line.kind == DossierLine.Kind.INDIVIDUAL],
    )


def _split(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _grounded(line: str) -> str:
    """A legal basis line as a tờ trình opens with it: "Căn cứ Quyết định số …"."""
    return line if line.lower().startswith("căn cứ") else f"Căn cứ {line[0].lower()}{line[1:]}"


def dossier_html(dossier: Dossier) -> str:
    doc = dossier_document(dossier)
    rubric = dossier.bloc_year.bloc.rubrics.year_end().filter(year=doc.year).first()
    context = {
        "doc": doc,
        "dossier": dossier,
        "leader": doc.leader,
        "dateline": dateline(doc.leader.place, dossier.issued_on, doc.year),
        "recipients": _split(dossier.recipients),
        "distribution": _split(dossier.distribution),
        "legal_basis": [_grounded(line) for line in _split(rubric.legal_basis)] if rubric else [],
    }
    return render_to_string("documents/award_dossier.html", context)


def dossier_pdf(dossier: Dossier) -> bytes:
    return render(dossier_html(dossier)).write_pdf()


def dossier_pdf_with_signature_box(dossier: Dossier) -> tuple[bytes, int, tuple[float, float, float, float]]:
    """The tờ trình and where its signature block's empty space is: (page index, box in PDF points)."""
    document = render(dossier_html(dossier))
    for index, page in enumerate(document.pages):
        if SIGNATURE_BOX_ID in page.anchors:
            x1, y1, x2, y2 = (value * PX_TO_PT for value in page.anchors[SIGNATURE_BOX_ID])
            height, inset = page.height * PX_TO_PT, 4
            box = (x1 + inset, height - y2 + inset, x2 - inset, height - y1 - inset)
            return document.write_pdf(), index, box
    raise LookupError("the tờ trình has no signature block")


# ---------------------------------------------------------------- the list as a workbook

COLLECTIVE_HEADER = ["TT", "Tên tập thể", "Hạng", "Tổng điểm", "Hình thức đề nghị", "Thành tích"]
INDIVIDUAL_HEADER = ["TT", "Họ và tên", "Chức vụ", "Đơn vị", "Hình thức đề nghị", "Thành tích"]
WIDTHS = {"A": 6, "B": 32, "C": 20, "D": 28, "E": 30, "F": 48}


def _table(ws, row: int, title: str, header: list[str], rows: list[list]) -> tuple[int, int, int]:
    """A titled, bordered table from `row`; (first data row, last data row, next free row)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(header))
    put(ws, row, 1, title, "Tên đơn vị")
    row += 1
    for column, label in enumerate(header, start=1):
        put(ws, row, column, label, table_style("giữa", bold=True))
    first = row + 1
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            points = column in (3, 4) and not isinstance(value, str)
            put(ws, row, column, value, table_style("giữa" if column == 1 else "chữ", points=points))
        ws.row_dimensions[row].height = 15 * max(1, len(str(values[-1] or "")) // 55 + 1)
    return first, row, row + 2


def dossier_xlsx(dossier: Dossier) -> bytes:
    from openpyxl import Workbook

    doc = dossier_document(dossier)
    wb = Workbook()
    add_styles(wb)
    ws = wb.active
    ws.title = "Danh sách đề nghị"
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    for row, (text, style) in enumerate(
        [
            (f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {doc.year}", "Tiêu đề"),
            (dossier.bloc_year.bloc.name, "Tên đơn vị"),
            (doc.attached_to, "Dòng ban hành"),
        ],
        start=1,
    ):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        put(ws, row, 1, text, style)
    collective_rows = [
        [i, line.agency.name, line.rank, line.points, line.award, line.achievement]
        for i, line in enumerate(doc.collectives, start=1)
    ]
    c_first, c_last, row = _table(ws, 5, "I. TẬP THỂ", COLLECTIVE_HEADER, collective_rows)
    individual_rows = [
        [i, line.full_name, line.position, line.agency.name, line.award, line.achievement]
        for i, line in enumerate(doc.individuals, start=1)
    ]
    i_first, i_last, row = _table(ws, row, "II. CÁ NHÂN", INDIVIDUAL_HEADER, individual_rows)
    _summary(ws, row, doc, (c_first, c_last), (i_first, i_last))
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary(ws, row: int, doc: DossierDocument, collectives: tuple[int, int], individuals: tuple[int, int]):
    """Counts per award as COUNTIF formulas over the two tables, and the totals as their sums."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    put(ws, row, 1, "III. TỔNG HỢP", "Tên đơn vị")
    row += 1
    for column, label in enumerate(["TT", "Hình thức khen thưởng", "Tập thể", "Cá nhân"], start=1):
        put(ws, row, column, label, table_style("giữa", bold=True))
    first = row + 1
    (c1, c2), (i1, i2) = collectives, individuals

    def count(first_row: int, last_row: int, criterion: str) -> Formula | int:
        return Formula(f"=COUNTIF(E{first_row}:E{last_row},{criterion})") if last_row >= first_row else 0

    for i, (award, _, _) in enumerate(doc.award_counts(), start=1):
        row += 1
        put(ws, row, 1, i, table_style("giữa"))
        put(ws, row, 2, award, table_style("chữ"))
        put(ws, row, 3, count(c1, c2, f"B{row}"), table_style("giữa", points=True))
        put(ws, row, 4, count(i1, i2, f"B{row}"), table_style("giữa", points=True))
    row += 1
    put(ws, row, 1, "", table_style("giữa", bold=True))
    put(ws, row, 2, "Tổng cộng", table_style("chữ", bold=True))
    for column, letter in ((3, "C"), (4, "D")):
        total = Formula(f"=SUM({letter}{first}:{letter}{row - 1})") if row > first else 0
        put(ws, row, column, total, table_style("giữa", bold=True, points=True))
    return row
