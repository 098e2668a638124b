from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Rubric, Score, Sheet

from .test_import_rubric import shape


def test_it_copies_the_criteria_to_the_next_year_and_nothing_else(vp_sheet):
    Score.objects.create(sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.get(key="1:1.1"), points=90)
    out = StringIO()
    call_command("copy_rubric", "--bloc", "TMTH", "--from-year", "2022", "--to-year", "2023", stdout=out)
    assert (
        "Đã tạo “Tiêu chí đánh giá thi đua năm 2023 của Khối các cơ quan Tham mưu - Tổng hợp” với 34 tiêu chí."
        in (out.getvalue())
    )
    new = Rubric.objects.get(year=2023)
    assert new.status == Rubric.Status.DRAFT and new.deadline is None
    assert shape(new) == shape(vp_sheet.rubric)
    assert not Sheet.objects.filter(rubric=new).exists()
    assert not Score.objects.filter(criterion__rubric=new).exists()
    new.criteria.filter(key="1:1.1").update(text="Đã sửa cho năm 2023")
    assert vp_sheet.rubric.criteria.get(key="1:1.1").text.startswith("Lãnh đạo, chỉ đạo")


def test_it_refuses_a_year_that_already_has_a_rubric(rubric_2022):
    call_command(
        "copy_rubric", "--bloc", "TMTH", "--from-year", "2022", "--to-year", "2023", stdout=StringIO()
    )
    with pytest.raises(CommandError, match="đã có bảng tiêu chí năm 2023"):
        call_command("copy_rubric", "--bloc", "TMTH", "--from-year", "2022", "--to-year", "2023")
