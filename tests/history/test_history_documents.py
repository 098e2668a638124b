"""So sánh các năm as Excel and PDF: the workbook's changes recomputed by LibreOffice, the PDF read by poppler."""

import os
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports.cells import PERCENT_STYLE

from ..factories import recalculated

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"
NEEDS_SOFFICE = pytest.mark.skipif(
    not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here"
)


def poppler(tool: str, *args) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def download(client, user, name: str, code: str) -> bytes:
    client.force_login(user)
    response = client.get(reverse(name, args=[code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    return response.content


def columns(ws, row: int) -> dict[str, int]:
    return {ws.cell(row, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(row, c).value}


def test_the_agencys_workbook_has_live_changes_in_named_styles(client, cast, two_years):
    content = download(client, cast["head"], "agency_history_xlsx", "VP")
    ws = load_workbook(BytesIO(content)).active
    head = columns(ws, 4)
    total, change, percent = head["Tổng điểm"], head["Thay đổi (điểm)"], head["Thay đổi (%)"]
    assert ws.cell(5, 1).value == 2021 and ws.cell(6, 1).value == 2022
    assert ws.cell(6, change).value.startswith("=") and ws.cell(6, percent).value.startswith("=")
    assert ws.cell(6, total).value.startswith("=IF(")
    assert ws.cell(6, percent).style == PERCENT_STYLE and ws.cell(5, 2).style == "Ô chữ"
    notes = ws.cell(6, head["Ghi chú"]).value
    assert "Bản nháp" in notes and "không so sánh được với năm 2021" in notes
    # 2021's Nội dung 3 is not in 2022's rubric: a dash, not a zero
    assert [ws.cell(6, c).value for c in range(4, 8)] == [650, 200, 100, "—"]


@NEEDS_SOFFICE
def test_libreoffice_computes_the_agencys_changes_as_the_page_does(client, cast, two_years, tmp_path):
    """2021: 890 after review; 2022: the draft's own 950; +60, 60 × 100 / 890 = 6,74 %."""
    content = download(client, cast["head"], "agency_history_xlsx", "VP")
    ws = recalculated(tmp_path, content, "so-sanh.xlsx").active
    head = columns(ws, 4)
    assert ws.cell(5, head["Tổng điểm"]).value == 890 and ws.cell(6, head["Tổng điểm"]).value == 950
    assert ws.cell(6, head["Thay đổi (điểm)"]).value == 60
    assert round(Decimal(str(ws.cell(6, head["Thay đổi (%)"]).value)), 2) == Decimal("6.74")
    assert ws.cell(5, head["Thay đổi (%)"]).value in (None, "")


@NEEDS_SOFFICE
def test_libreoffice_computes_the_blocs_average_and_changes(client, cast, two_years, tmp_path):
    content = download(client, cast["reviewer"], "bloc_history_xlsx", "TMTH")
    ws = recalculated(tmp_path, content, "khoi.xlsx").active
    head = columns(ws, 4)
    names = {ws.cell(r, 2).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value}
    average = names["Bình quân khối"]
    # (890 + 950) / 2 = 920 in 2021; (950 + 930) / 2 = 940 in 2022, VP's draft not counted; +20
    assert ws.cell(average, head["Tổng điểm 2021"]).value == 920
    assert ws.cell(average, head["Tổng điểm 2022"]).value == 940
    assert ws.cell(average, head["Thay đổi 2022 (điểm)"]).value == 20
    ttr = names[cast["reviewer"].memberships.get().agency.name]
    assert ws.cell(ttr, head["Thay đổi 2022 (điểm)"]).value == 0
    text = " ".join(str(ws.cell(r, 1).value) for r in range(average + 1, ws.max_row + 1))
    assert "Năm 2022: vào khối: Cơ quan STC; rời khối: không có." in text


def test_the_pdfs_are_a4_in_the_documents_font(client, cast, two_years, tmp_path):
    for user, name, code, expected in (
        (
            cast["head"],
            "agency_history_pdf",
            "VP",
            ["SO SÁNH KẾT QUẢ CHẤM ĐIỂM THI ĐUA QUA CÁC NĂM", "+60 (+6,7 %)", "2/2", "không so sánh được"],
        ),
        (
            cast["reviewer"],
            "bloc_history_pdf",
            "TMTH",
            ["Bình quân khối", "920", "940", "+20 (+2,2 %)", "vào khối: Cơ quan STC"],
        ),
    ):
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(download(client, user, name, code))
        text = " ".join(poppler("pdftotext", str(path), "-").split())
        for words in expected:
            assert words in text, (code, words)
        fonts = poppler("pdffonts", str(path)).splitlines()[2:]
        assert fonts and all("VPUB-Serif" in line and " yes yes yes " in line for line in fonts), fonts
        assert "Page size:       841.89 x 595.276 pts (A4)" in poppler("pdfinfo", str(path))
