"""The bloc workbook follows the sheet's column layout: a new column moves no total, LibreOffice agrees."""

import os
import shutil
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.exports import xlsx
from scoring.exports.bloc import SUMMARY, bloc_xlsx
from scoring.models import Rubric, Score, Sheet
from scoring.review.services import sheet_accept
from scoring.review.standings import bloc_round
from scoring.sheets.services import sheet_submit

from ..factories import recalculated
from ..replay import load_demo

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"
NOTE = xlsx.Column("note", "Ghi chú", 20, "text")


@pytest.fixture
def demo(db):
    load_demo()
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


@pytest.fixture
def note_before_the_points(monkeypatch):
    """A "Ghi chú" column between the standard points and the agency's own points."""
    columns = list(xlsx.COLUMNS)
    columns.insert(next(i for i, c in enumerate(columns) if c.name == "points"), NOTE)
    monkeypatch.setattr(xlsx, "COLUMNS", columns)


@pytest.mark.skipif(not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here")
def test_it_keeps_the_summary_totals_when_the_sheet_gains_a_column(demo, note_before_the_points, tmp_path):
    # Every member submitted (the bloc never sees a draft), two reviewed, so the reviewed columns move too:
    # STC's 1.1 reviewed down to 90.
    vp = Sheet.objects.get(agency__code="VP")
    sheet_submit(sheet=vp, base_version=vp.version, by=None)
    stc = Sheet.objects.get(agency__code="STC")
    Score.objects.filter(sheet=stc, criterion__key="1:1.1").update(reviewed_points=90)
    ttr = Sheet.objects.get(agency__code="TTR")
    sheet_accept(sheet=ttr, base_version=ttr.version, by=None)
    state = bloc_round(demo, demo.bloc.years.get(year=2022))
    content = bloc_xlsx(state)

    vp = load_workbook(BytesIO(content))["VP"]
    assert [vp.cell(5, c).value for c in range(4, 7)] == ["Điểm thưởng", "Ghi chú", "Điểm tự chấm"]
    computed = recalculated(tmp_path, content)
    summary = computed["Tổng hợp"]
    rows = {summary.cell(r, SUMMARY["agency"]).value: r for r in range(5, 5 + len(state.members))}
    members = [m for m in state.members if m.shown]
    assert len(members) == 7
    for member in members:
        got = {name: summary.cell(rows[member.agency.name], c).value for name, c in SUMMARY.items()}
        own, final = member.own, member.final
        expected = {"points": own.points, "bonus": own.bonus, "total": own.points + own.bonus}
        if member.reviewed:
            expected |= {
                "reviewed_points": final.points,
                "reviewed_bonus": final.bonus,
                "final": member.final_total,
            }
        else:  # nobody reviewed it: no total after review
            assert [got["reviewed_points"], got["reviewed_bonus"], got["final"]] == [
                None,
                None,
                "Chưa thẩm định",
            ]
        assert {name: got[name] for name in expected} == pytest.approx(
            {name: float(v) for name, v in expected.items()}
        ), member.agency.name
    assert sum(m.reviewed for m in members) == 2  # STC and TTR
    stc_row = rows["Sở Tài chính"]
    assert summary.cell(stc_row, SUMMARY["reviewed_points"]).value == pytest.approx(
        summary.cell(stc_row, SUMMARY["points"]).value - 10
    )
