"""Two years of Khối Tham mưu - Tổng hợp for comparing: 2021 (VP and TTR, both accepted; its Nội dung 3
worded otherwise) and 2022 (VP, TTR and STC, which joined; VP's sheet still a draft)."""

from decimal import Decimal

import pytest

from scoring.models import BlocMember, BlocYear, Criterion, Rubric, Score, Sheet
from scoring.rubrics.services import rubric_copy

OLD_TITLE = "Nội dung 3: Công tác thi đua, khen thưởng (bảng tiêu chí cũ)"


def fill(sheet: Sheet, *, lose: dict[str, Decimal] | None = None, reviewed: dict[str, Decimal] | None = None):
    """Every leaf at its maximum, less `lose` on the criteria named; `reviewed` numbers written on others."""
    lose, reviewed = lose or {}, reviewed or {}
    criteria = list(Criterion.objects.filter(rubric=sheet.rubric))
    parents = {c.parent_id for c in criteria}
    Score.objects.bulk_create(
        Score(
            sheet=sheet,
            criterion=c,
            points=c.max_points - lose.get(c.key, Decimal(0)),
            reviewed_points=reviewed.get(c.key),
        )
        for c in criteria
        if c.pk not in parents
    )
    return sheet


def add_year(source: Rubric, year: int, agencies: dict, members: list[str], *, leader="TTR", deputy="STC"):
    rubric = rubric_copy(rubric=source, year=year, legal_basis="Quy chế của khối.", deadline=None)
    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.CLOSED)
    bloc_year = BlocYear.objects.create(
        bloc=source.bloc, year=year, leader=agencies[leader], deputy_leader=agencies[deputy]
    )
    for code in members:
        BlocMember.objects.create(bloc_year=bloc_year, agency=agencies[code])
    return rubric


@pytest.fixture
def two_years(rubric_2022, bloc_2022, agencies, vp_sheet):
    """VP 2021: 900 own (50 lost on 1.1), 890 after review (1.1 reviewed 40), rank 2 of 2; TTR 2021 950,
    rank 1. VP 2022: a draft at 950; TTR 2022 950 and STC 930 (20 lost on 1.1), both submitted."""
    old = add_year(rubric_2022, 2021, agencies, ["VP", "TTR"])
    old.criteria.filter(key="3").update(text=OLD_TITLE)
    A = Sheet.Status.ACCEPTED
    fill(
        Sheet.objects.create(rubric=old, agency=agencies["VP"], status=A),
        lose={"1:1.1": 50},
        reviewed={"1:1.1": 40},
    )
    fill(Sheet.objects.create(rubric=old, agency=agencies["TTR"], status=A))
    fill(vp_sheet)
    S = Sheet.Status.SUBMITTED
    fill(Sheet.objects.create(rubric=rubric_2022, agency=agencies["TTR"], status=S))
    fill(Sheet.objects.create(rubric=rubric_2022, agency=agencies["STC"], status=S), lose={"1:1.1": 20})
    return {"2021": old, "2022": rubric_2022, "vp_2022": vp_sheet}
