"""The workbooks stay the same cell by cell as the app wrote them before named styles and batched reads
(tests/exports/golden/, written by that code from the demo data as set up here)."""

import os
from pathlib import Path

import pytest

from scoring.exports import sheet_xlsx
from scoring.exports.bloc import bloc_xlsx
from scoring.models import Rubric, Score, Sheet
from scoring.review.services import sheet_accept
from scoring.review.standings import bloc_round

from ..replay import load_demo
from ..workbook_diff import workbook_differences

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def demo(db):
    """The demo round with Sở Tài chính accepted after two reviewed changes; Văn phòng UBND tỉnh a draft."""
    load_demo()
    stc = Sheet.objects.get(agency__code="STC")
    # by key: positions repeat under each parent, so an order by position alone differs between databases
    scores = Score.objects.filter(sheet=stc)
    scores.filter(criterion__key="1:2.1").update(
        reviewed_points=1, review_comment="Thiếu tài liệu kiểm chứng."
    )
    scores.filter(criterion__key="3:1").update(reviewed_bonus=0)
    sheet_accept(sheet=stc, base_version=stc.version, by=None)
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


def documents(rubric: Rubric) -> dict[str, bytes]:
    return {
        "sheet_vp.xlsx": sheet_xlsx(Sheet.objects.get(agency__code="VP")),
        "sheet_stc.xlsx": sheet_xlsx(Sheet.objects.get(agency__code="STC")),
        "bloc_tmth.xlsx": bloc_xlsx(bloc_round(rubric, rubric.bloc.years.get(year=2022))),
    }


def test_the_workbooks_are_the_same_cell_by_cell(demo):
    made = documents(demo)
    if os.environ.get("WRITE_GOLDEN_WORKBOOKS"):
        for name, content in made.items():
            (GOLDEN / name).write_bytes(content)
    for name, content in made.items():
        assert workbook_differences((GOLDEN / name).read_bytes(), content) == [], name


def test_the_diff_names_what_changed(demo):
    golden = (GOLDEN / "sheet_vp.xlsx").read_bytes()
    from io import BytesIO

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(BytesIO(golden))
    ws = wb.active
    ws["B7"].font = Font(name="Arial")
    ws["C7"] = 99
    ws.column_dimensions["B"].width = 3
    out = BytesIO()
    wb.save(out)
    found = workbook_differences(golden, out.getvalue())
    assert any("B7: font" in line for line in found)
    assert any("C7: " in line and "99" in line for line in found)
    assert any("column_dimensions[B].width" in line for line in found)
