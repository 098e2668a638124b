"""The tờ trình with its list (PDF, Nghị định 30/2020) and the list as a workbook, checked like the report."""

import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from scoring.awards.documents import dossier_pdf, dossier_xlsx
from scoring.models import Dossier

from ..exports.test_sheet_documents import flat, ink, pgm, poppler, write
from ..factories import recalculated
from .conftest import add_individual, number, start

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"


@pytest.fixture
def dossier(client, cast, closed_round, agencies):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    add_individual(client, dossier, agencies["VP"])
    add_individual(
        client,
        dossier,
        agencies["STC"],
        full_name="Trần Văn Bình",
        position="Chánh Thanh tra",
        award="Chiến sĩ thi đua cấp tỉnh",
    )
    number(client, dossier)
    return Dossier.objects.select_related("bloc_year__leader", "bloc_year__bloc").get()


def test_the_pdf_is_the_official_to_trinh_with_the_list_attached(dossier, tmp_path):
    pdf = write(tmp_path, "to-trinh.pdf", dossier_pdf(dossier))
    first = poppler("pdftotext", "-f", "1", "-l", "1", pdf, "-")
    for line in [
        "UBND TỈNH QUẢNG NGÃI",
        "TTR",
        "Số: 12/TTr-TTR",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 20 tháng 12 năm 2022",
        "TỜ TRÌNH",
        "Nơi nhận:",
        "KHỐI TRƯỞNG",
        "Nguyễn Văn A",
    ]:
        assert line in first, line
    text = flat(first)
    assert "Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi; Cơ quan BTDKT." in text
    assert "khen thưởng cho 2 tập thể và 2 cá nhân" in text
    assert "Bằng khen của Chủ tịch UBND tỉnh: 1 tập thể và 1 cá nhân." in text
    whole = flat(poppler("pdftotext", pdf, "-"))
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2022" in whole
    assert "(Kèm theo Tờ trình số 12/TTr-TTR ngày 20/12/2022 của Cơ quan TTR)" in whole
    assert "1 Cơ quan VP 1 50 Cờ thi đua của UBND tỉnh" in whole
    assert "Nguyễn Thị Hoa Phó Chánh Văn phòng Cơ quan VP Bằng khen của Chủ tịch UBND tỉnh" in whole
    assert "Tổng cộng 2 2" in whole
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(" yes yes yes " in line and "VPUB-Serif" in line for line in fonts), fonts
    info = poppler("pdfinfo", "-f", "1", "-l", "2", pdf)
    assert "Page    1 size:  595.276 x 841.89 pts (A4)" in info
    assert "Page    2 size:  841.89 x 595.276 pts (A4)" in info  # the list, landscape

    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", pdf, str(tmp_path / "p")], check=True
    )
    width, height, pixels = pgm(str(next(tmp_path.glob("p*.pgm"))))
    assert abs(width / height - 210 / 297) < 0.01
    margin_left, margin_right = 30 / 210, 15 / 210
    assert ink(pixels, width, 0, margin_left - 0.01, 0, 1, height) == 0  # 30 mm left
    assert ink(pixels, width, 1 - margin_right + 0.01, 1, 0, 1, height) == 0  # 15 mm right
    assert ink(pixels, width, 0, 1, 0, 19 / 297, height) == 0  # 20 mm top
    assert ink(pixels, width, 0, 1, 1 - 19 / 297, 1, height) == 0  # 20 mm bottom (no page number on page 1)
    assert ink(pixels, width, margin_left, 0.5, 0.06, 0.16, height) > 50  # the leader's block, left
    assert ink(pixels, width, 0.5, 0.93, 0.06, 0.16, height) > 50  # the Quốc hiệu, right


def test_text_typed_as_a_formula_or_markup_stays_text(client, dossier, agencies, tmp_path):
    add_individual(client, dossier, agencies["VP"], full_name='=HYPERLINK("x")', achievement="<b>đậm</b>")
    ws = load_workbook(__import__("io").BytesIO(dossier_xlsx(dossier))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert '=HYPERLINK("x")' in values
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s"
    whole = flat(poppler("pdftotext", write(tmp_path, "t.pdf", dossier_pdf(dossier)), "-"))
    assert "<b>đậm</b>" in whole


@pytest.mark.skipif(not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here")
def test_the_list_workbook_counts_recompute_in_libreoffice(dossier, tmp_path):
    content = dossier_xlsx(dossier)
    formulas = load_workbook(__import__("io").BytesIO(content)).active
    styles = {c.style for row in formulas.iter_rows() for c in row if c.value is not None}
    assert {"Tiêu đề", "Ô giữa đậm", "Ô chữ"} <= styles
    assert formulas.page_setup.orientation == "landscape"
    ws = recalculated(tmp_path, content, "danh-sach.xlsx").active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    after = next(i for i, row in enumerate(rows) if row[0] == "III. TỔNG HỢP")
    summary = {row[1]: (row[2], row[3]) for row in rows[after + 2 :] if row[0] in (1, 2, 3)}
    assert summary == {
        "Cờ thi đua của UBND tỉnh": (1, 0),
        "Bằng khen của Chủ tịch UBND tỉnh": (1, 1),
        "Chiến sĩ thi đua cấp tỉnh": (0, 1),
    }
    total = next(row for row in rows if row[1] == "Tổng cộng")
    assert total[2:4] == [2, 2]
    formula_cells = [c.value for row in formulas.iter_rows() for c in row if str(c.value).startswith("=")]
    assert any(v.startswith("=COUNTIF(") for v in formula_cells) and any(
        v.startswith("=SUM(") for v in formula_cells
    )
