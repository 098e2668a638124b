"""The bloc workbook names one sheet per agency after its code: a name Excel takes, whatever the code.

Codes holding `:` or `[` broke the workbook; a long code was cut to 31 characters, and two codes equal once cut
gave two sheets of one name."""

import os
import shutil
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.exports.bloc import SUMMARY, bloc_xlsx, sheet_title
from scoring.models import Rubric
from scoring.review.standings import bloc_round

from ..factories import recalculated
from ..replay import load_demo

CI = os.environ.get("CI") == "true"
LONG = "SO-NONG-NGHIEP-VA-PHAT-TRIEN-NONG-THON-QN"  # 40 characters
CODES = ["A:B", "A[1]", LONG, LONG[:31] + "-1", LONG[:31] + "-2", "a:b"]


def test_each_name_is_one_excel_takes_and_unlike_the_others():
    taken = {"tổng hợp", "ma trận điểm"}
    titles = [sheet_title(code, taken) for code in [*CODES, "Tổng hợp", "x/y\\z*?", "'VP'"]]
    assert titles == [
        "A-B",
        "A-1-",
        LONG[:31],
        LONG[:27] + " (2)",
        LONG[:27] + " (3)",
        "a-b (2)",
        "Tổng hợp (2)",
        "x-y-z--",
        "VP",
    ]
    assert all(len(t) <= 31 for t in titles)


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here")
def test_the_bloc_workbook_opens_and_its_summary_follows_each_sheet(tmp_path):
    load_demo()
    rubric = Rubric.objects.get(bloc__code="TMTH", year=2022)
    state = bloc_round(rubric, rubric.bloc.years.get(year=2022))
    members = [m for m in state.members if m.shown]
    assert len(members) >= len(CODES)
    for member, code in zip(members, CODES, strict=False):
        member.agency.code = code  # in memory only: the database takes at most 20 characters
    content = bloc_xlsx(state)

    names = load_workbook(BytesIO(content), read_only=True).sheetnames
    assert names[:8] == ["Tổng hợp", "Ma trận điểm", "A-B", "A-1-", LONG[:31], *names[5:8]]
    assert names[5:8] == [LONG[:27] + " (2)", LONG[:27] + " (3)", "a-b (2)"]
    summary = recalculated(tmp_path, content)["Tổng hợp"]
    rows = {summary.cell(r, SUMMARY["agency"]).value: r for r in range(5, 5 + len(state.members))}
    for member in members:
        row = rows[member.agency.name]
        got = [summary.cell(row, SUMMARY[name]).value for name in ("points", "bonus")]
        assert got == pytest.approx([float(member.own.points), float(member.own.bonus)]), member.agency.code
        # nobody reviewed the demo's sheets: no total after review
        assert summary.cell(row, SUMMARY["final"]).value == "Chưa thẩm định", member.agency.code
