"""The Bảng chấm điểm and the report as documents: checked with poppler and recomputed by LibreOffice."""

import datetime
import os
import shutil
import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scoring.exports import report_pdf, sheet_pdf, sheet_xlsx
from scoring.exports.sheet import sheet_document
from scoring.exports.xlsx import write_sheet
from scoring.models import Criterion, Score, Sheet
from scoring.reports.services import report_for

from ..factories import recalculated
from ..replay import load_demo

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"


@pytest.fixture
def demo(db):
    load_demo()
    sheet = Sheet.objects.select_related("agency", "rubric").get(agency__code="VP")
    report = report_for(sheet=sheet)
    report.number, report.issued_on = "25", datetime.date(2022, 12, 12)
    report.situation = "Văn phòng có chức năng **tham mưu, tổng hợp**.\n\n- Một ý\n- Hai ý"
    report.save()
    return sheet


def poppler(tool: str, *args) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_sheet_pdf_has_every_criterion_and_only_embedded_fonts(demo, tmp_path):
    pdf = write(tmp_path, "bang.pdf", sheet_pdf(demo))
    text = flat(poppler("pdftotext", pdf, "-"))
    assert "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022" in text
    assert "Đơn vị: Văn phòng UBND tỉnh" in text
    assert "(Ban hành kèm theo Báo cáo số 25/BC-VP ngày 12/12/2022 của Văn phòng UBND tỉnh)" in text
    for criterion in Criterion.objects.filter(rubric=demo.rubric):
        assert flat(criterion.text) in text, criterion.key
    assert "TỔNG CỘNG 950 50 945 48" in text
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts
    assert all("VPUB-Serif" in line for line in fonts)
    assert "Page size:       841.89 x 595.276 pts (A4)" in poppler("pdfinfo", pdf)  # landscape


def pgm(path: str) -> tuple[int, int, bytes]:
    data = Path(path).read_bytes()
    parts = data.split(maxsplit=4)  # P5 width height maxval pixels
    return int(parts[1]), int(parts[2]), parts[4]


def ink(pixels: bytes, width: int, x0: float, x1: float, y0: float, y1: float, height: int) -> int:
    """Dark pixels in the box given as fractions of the page."""
    count = 0
    for y in range(int(y0 * height), int(y1 * height)):
        row = pixels[y * width : (y + 1) * width]
        count += sum(1 for value in row[int(x0 * width) : int(x1 * width)] if value < 128)
    return count


def test_the_report_pdf_follows_the_official_layout(demo, tmp_path):
    pdf = write(tmp_path, "bao-cao.pdf", report_pdf(demo.report))
    first = poppler("pdftotext", "-f", "1", "-l", "1", pdf, "-")
    for line in [
        "UBND TỈNH QUẢNG NGÃI",
        "VĂN PHÒNG",
        "Số: 25/BC-VP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 12 tháng 12 năm 2022",
        "BÁO CÁO",
        "Nơi nhận:",
        "CHÁNH VĂN PHÒNG",
        "Vũ Minh Tâm",
    ]:
        assert line in first, line
    assert "<strong>" not in first and "tham mưu, tổng hợp" in flat(first)
    info = poppler("pdfinfo", "-f", "1", "-l", "2", pdf)
    assert "Page    1 size:  595.276 x 841.89 pts (A4)" in info
    assert "Page    2 size:  841.89 x 595.276 pts (A4)" in info  # the sheet attached, landscape
    whole = flat(poppler("pdftotext", pdf, "-"))
    assert "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022" in whole and "TỔNG CỘNG 950 50 945 48" in whole
    assert all(" yes yes yes " in line for line in poppler("pdffonts", pdf).splitlines()[2:])

    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", pdf, str(tmp_path / "p")], check=True
    )
    width, height, pixels = pgm(str(next(tmp_path.glob("p*.pgm"))))
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    margin_left = 30 / 210
    assert ink(pixels, width, 0, margin_left - 0.01, 0, 1, height) == 0  # the 30 mm left margin is empty
    assert ink(pixels, width, 0, 1, 0, 19 / 297, height) == 0  # nothing above the 20 mm top margin
    assert ink(pixels, width, margin_left, 0.5, 0.06, 0.16, height) > 50  # the agency block, left
    assert ink(pixels, width, 0.5, 0.93, 0.06, 0.16, height) > 50  # the Quốc hiệu, right


@pytest.mark.skipif(not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here")
def test_the_excel_totals_recompute_to_the_apps_numbers_in_libreoffice(demo, tmp_path):
    Score.objects.filter(sheet=demo, criterion__key="1:1.1").update(points="97.5", explanation="=1+1 gõ nhầm")
    doc = sheet_document(demo)
    wb = Workbook()
    rows = write_sheet(wb.active, doc).rows
    source = tmp_path / "bang.xlsx"
    wb.save(source)
    assert source.read_bytes()[:2] == sheet_xlsx(demo)[:2]
    ws = recalculated(tmp_path, source.read_bytes(), "bang.xlsx").active
    formulas = load_workbook(source).active
    checked = 0
    for row in doc.rows:
        n = rows[row.key]
        if row.children:
            assert str(formulas.cell(n, 5).value).startswith("="), row.key
            assert ws.cell(n, 5).value == pytest.approx(float(row.points)), row.key
            if row.bonus is not None:
                assert ws.cell(n, 6).value == pytest.approx(float(row.bonus)), row.key
            checked += 1
    total = rows[""]
    assert (ws.cell(total, 3).value, ws.cell(total, 4).value) == (950, 50)
    assert (ws.cell(total, 5).value, ws.cell(total, 6).value) == (pytest.approx(942.5), 48)
    assert checked == 6  # three sections and criteria 1, 2, 3 of Nội dung 1
    injected = ws.cell(rows["1:1.1"], 7).value
    assert injected.startswith("=1+1 gõ nhầm")  # text, never a formula


def test_the_excel_file_prints_on_a4_landscape_with_the_header_repeated(demo):
    ws = load_workbook(BytesIO(sheet_xlsx(demo))).active
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.print_title_rows == "$5:$5"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert [ws.cell(5, c).value for c in range(1, 8)] == [
        "TT", "Tiêu chí", "Điểm chuẩn", "Điểm thưởng", "Điểm tự chấm", "Điểm thưởng tự chấm",
        "Giải trình/ tài liệu kiểm chứng",
    ]  # fmt: skip
    assert all(ws.row_dimensions[r].height for r in range(6, ws.max_row + 1))
    assert ws.cell(6, 2).font.bold and not ws.cell(8, 2).font.bold
    assert ws["A1"].value == "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022"


def test_export_sheet_command_writes_both_formats(demo, tmp_path):
    for fmt in ("pdf", "xlsx"):
        target = tmp_path / f"bang.{fmt}"
        out = StringIO()
        call_command(
            "export_sheet", "--agency", "VP", "--year", "2022", "--format", fmt, "-o", str(target), stdout=out
        )
        assert target.read_bytes()[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
        assert f"Đã ghi {target}" in out.getvalue()


def test_downloads_from_the_sheet_page(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="vp.bientap"))
    page = client.get(reverse("sheet_detail", args=[demo.pk])).content.decode()
    assert reverse("sheet_pdf", args=[demo.pk]) in page and reverse("sheet_xlsx", args=[demo.pk]) in page
    response = client.get(reverse("sheet_pdf", args=[demo.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="bang-cham-diem-2022-VP.pdf"'
    response = client.get(reverse("sheet_xlsx", args=[demo.pk]))
    assert response.content.startswith(b"PK") and "no-store" in response["Cache-Control"]


def test_the_report_is_written_in_the_app_and_escapes_what_it_should(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="vp.bientap"))
    url = reverse("report_edit", args=[demo.pk])
    response = client.post(
        url, {"number": "2x", "issued_on": "31/02/2022", "subject": "S", "situation": "giữ lại"}
    )
    page = response.content.decode()
    assert (
        "Số báo cáo chỉ gồm chữ số" in page
        and "Ngày cần có dạng ngày/tháng/năm" in page
        and "giữ lại" in page
    )
    response = client.post(
        url,
        {
            "number": "30",
            "issued_on": "15/12/2022",
            "subject": "Tổng kết",
            "recipients": "Thanh tra tỉnh",
            "situation": "<script>x</script> **đậm**",
        },
    )
    assert response.status_code == 302
    demo.report.refresh_from_db()
    assert demo.report.reference == "30/BC-VP"
    from scoring.exports.pdf import report_html

    html = report_html(demo.report)
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html


def test_downloads_cost_a_fixed_number_of_queries(client, demo, django_user_model, django_assert_num_queries):
    client.force_login(django_user_model.objects.get(username="vp.bientap"))
    # 13: the report, read with its sheet in hand, no longer fetched that sheet and its agency again for its
    # number (15 before); the PDF's header names the titles the agency pledged for the year: one query more
    for name, expected in (("sheet_pdf", 14), ("sheet_xlsx", 13)):
        with django_assert_num_queries(expected):
            assert client.get(reverse(name, args=[demo.pk])).status_code == 200


def test_the_sheet_workbook_reads_the_sheet_in_six_queries(demo, django_assert_num_queries):
    """The rubric tree (criteria, tiers, organisations), the scores, the citations with their documents and
    the report, with a numbered report, which names the agency; a submitted sheet one more: the versions of
    the documents it was submitted with."""
    from scoring.exports.sheet import sheet_document
    from scoring.exports.xlsx import sheet_workbook

    for code, expected in (("VP", 6), ("STC", 7)):
        sheet = Sheet.objects.select_related("agency", "rubric").get(agency__code=code)
        with django_assert_num_queries(expected):
            wb = sheet_workbook(sheet_document(sheet))
        assert wb.active["A2"].value == f"Đơn vị: {sheet.agency.name}"
    assert "Báo cáo số 25/BC-VP ngày 12/12/2022" in sheet_document(demo).issued_with
