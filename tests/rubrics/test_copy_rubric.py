import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import AwardRule, Bloc, Rubric, Score, Sheet
from scoring.rubrics.services import AwardSpec, rubric_copy, shifted

from .test_import_rubric import shape

NEW_BASIS = "Quyết định số 12/QĐ-TMTH ngày 10/01/2023 của Khối về Quy chế hoạt động năm 2023."


def with_awards(rubric: Rubric) -> Rubric:
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    AwardRule.objects.create(
        rubric=rubric, position=2, award="Bằng khen của Chủ tịch UBND tỉnh", max_percent=Decimal("20")
    )
    return rubric


def copy(*args) -> str:
    out = StringIO()
    call_command(
        "copy_rubric", "--bloc", "TMTH", "--from-year", "2022", "--to-year", "2023", *args, stdout=out
    )
    return out.getvalue()


def test_it_copies_the_criteria_to_the_next_year_and_nothing_else(vp_sheet):
    Score.objects.create(sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.get(key="1:1.1"), points=90)
    out = copy("--legal-basis", NEW_BASIS)
    assert (
        "Đã tạo “Tiêu chí đánh giá thi đua năm 2023 của Khối các cơ quan Tham mưu - Tổng hợp” với 34 tiêu chí"
        in out
    )
    new = Rubric.objects.get(year=2023)
    assert new.status == Rubric.Status.DRAFT
    assert shape(new) == shape(vp_sheet.rubric)
    assert not Sheet.objects.filter(rubric=new).exists()
    assert not Score.objects.filter(criterion__rubric=new).exists()
    new.criteria.filter(key="1:1.1").update(text="Đã sửa cho năm 2023")
    assert vp_sheet.rubric.criteria.get(key="1:1.1").text.startswith("Lãnh đạo, chỉ đạo")


def test_it_keeps_the_deadline_a_year_later_and_the_award_rules(rubric_2022):
    """15/12/2022 becomes 15/12/2023; the award rules come along, in their order."""
    with_awards(rubric_2022)
    out = copy("--legal-basis", NEW_BASIS)
    new = Rubric.objects.get(year=2023)
    assert new.deadline == datetime.date(2023, 12, 15)
    assert "Hạn nộp: 15/12/2023." in out
    assert "Quy tắc khen thưởng: Cờ thi đua của UBND tỉnh; Bằng khen của Chủ tịch UBND tỉnh." in out
    assert list(new.award_rules.values_list("position", "award", "max_count", "max_percent")) == [
        (1, "Cờ thi đua của UBND tỉnh", 1, None),
        (2, "Bằng khen của Chủ tịch UBND tỉnh", None, Decimal("20.00")),
    ]
    assert rubric_2022.award_rules.count() == 2  # the old year keeps its own


def test_it_takes_another_deadline_typed_day_first(rubric_2022):
    copy("--legal-basis", NEW_BASIS, "--deadline", "01/12/2023")
    assert Rubric.objects.get(year=2023).deadline == datetime.date(2023, 12, 1)
    with pytest.raises(CommandError, match="ngày/tháng/năm"):
        copy("--legal-basis", NEW_BASIS, "--deadline", "2023-12-32")


def test_it_asks_for_the_legal_basis_and_never_keeps_the_old_one_silently(rubric_2022):
    with pytest.raises(CommandError, match="Cho biết căn cứ của bảng tiêu chí năm 2023"):
        copy()
    assert not Rubric.objects.filter(year=2023).exists()
    copy("--legal-basis", NEW_BASIS)
    assert Rubric.objects.get(year=2023).legal_basis == NEW_BASIS
    Rubric.objects.filter(year=2023).delete()
    copy("--keep-legal-basis")
    assert Rubric.objects.get(year=2023).legal_basis == rubric_2022.legal_basis


def test_it_copies_a_rubric_to_another_bloc(rubric_2022):
    Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    out = copy("--to-bloc", "VX", "--legal-basis", NEW_BASIS)
    new = Rubric.objects.get(bloc__code="VX")
    assert new.year == 2023 and new.title == "Tiêu chí đánh giá thi đua năm 2023 của Khối Văn hóa - Xã hội"
    assert "Khối Văn hóa - Xã hội” với 34 tiêu chí" in out
    assert shape(new) == shape(rubric_2022)
    same_year = rubric_copy(
        rubric=rubric_2022,
        bloc=Bloc.objects.get(code="VX"),
        year=2022,
        legal_basis=NEW_BASIS,
        deadline=None,
        award_rules=[AwardSpec("Giấy khen", max_count=2)],
    )
    assert same_year.deadline is None and list(same_year.award_rules.values_list("award", flat=True)) == [
        "Giấy khen"
    ]


def test_it_refuses_a_year_that_already_has_a_rubric(rubric_2022):
    copy("--legal-basis", NEW_BASIS)
    with pytest.raises(CommandError, match="đã có bảng tiêu chí năm 2023"):
        copy("--legal-basis", NEW_BASIS)


def test_a_deadline_on_29_february_moves_to_the_28th():
    assert shifted(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert shifted(None, 1) is None
