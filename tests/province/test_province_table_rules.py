"""The province's table says what the blocs' own tables say: no total after review for a sheet nobody
reviewed, and a bloc's awards provisional ("tạm tính") until every member is accepted."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.exports.province import COLUMN, province_html, province_xlsx
from scoring.models import AwardRule, Sheet
from scoring.province.jobs import province_table

pytestmark = pytest.mark.django_db


def cells(table) -> dict[str, dict[str, object]]:
    """Each row of the workbook by its second column (a bloc's heading or a member's name)."""
    ws = load_workbook(BytesIO(province_xlsx(table))).active
    return {
        row[COLUMN["agency"] - 1].value: {key: row[column - 1].value for key, column in COLUMN.items()}
        for row in ws.iter_rows()
        if isinstance(row[COLUMN["agency"] - 1].value, str)
    }


def vhxh_with_one_sheet_submitted(province) -> None:
    """Sở Giáo dục's 95,5 is submitted, not accepted; Sở Y tế's 80 is accepted: only accepted sheets are
    ranked, so the one Cờ thi đua goes to Sở Y tế for now."""
    rubric = province["VHXH"].bloc.rubrics.get(year=2022)
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    Sheet.objects.filter(rubric=rubric, agency__code="SGD").update(status=Sheet.Status.SUBMITTED)


def test_a_blocs_awards_are_provisional_until_every_member_is_accepted(province):
    vhxh_with_one_sheet_submitted(province)
    table = province_table(2022)
    rows = cells(table)
    heading = next(text for text in rows if text.startswith("Khối Văn hóa - Xã hội"))
    assert "Đề nghị khen thưởng còn tạm tính: 1/2 thành viên chưa được duyệt" in heading
    assert rows["Sở Y tế"]["award"] == "Cờ thi đua của UBND tỉnh (tạm tính)"
    assert "(tạm tính)" in province_html(table)
    Sheet.objects.filter(agency__code="SGD").update(status=Sheet.Status.ACCEPTED)
    rows = cells(province_table(2022))
    assert rows["Sở Giáo dục và Đào tạo"]["award"] == "Cờ thi đua của UBND tỉnh"  # 95,5 > 80
    assert not any("tạm tính" in text for text in rows)


def test_a_sheet_nobody_reviewed_has_no_total_after_review(province):
    vhxh_with_one_sheet_submitted(province)
    table = province_table(2022)
    rows = cells(table)
    assert rows["Sở Y tế"]["reviewed_points"] == 80 and rows["Sở Y tế"]["final"] is not None
    submitted = rows["Sở Giáo dục và Đào tạo"]
    assert submitted["points"] == 95.5
    assert submitted["reviewed_points"] is None and submitted["final"] is None
    assert "chưa thẩm định" in province_html(table)
