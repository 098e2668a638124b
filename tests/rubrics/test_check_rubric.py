from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Criterion


def run(*args) -> str:
    out = StringIO()
    call_command("check_rubric", *args, stdout=out)
    return out.getvalue()


def test_it_prints_950_and_50_and_no_mismatch_for_the_2022_rubric(rubric_2022):
    output = run("--bloc", "TMTH", "--year", "2022")
    assert "Tổng điểm chuẩn: 950\n" in output
    assert "Tổng điểm thưởng: 50\n" in output
    assert "LỆCH" not in output
    assert "Không có chỗ lệch" in output


def test_it_names_every_mismatch_with_both_numbers_and_fails(rubric_2022):
    Criterion.objects.filter(rubric=rubric_2022, key="1:1.2").update(max_points=D(45))
    Criterion.objects.filter(rubric=rubric_2022, key="3:4").update(max_bonus=D(2))
    out = StringIO()
    with pytest.raises(CommandError, match="2 chỗ lệch"):
        call_command("check_rubric", "--bloc", "TMTH", "--year", "2022", stdout=out)
    output = out.getvalue()
    assert "LỆCH  Nội dung 1, tiêu chí 1: điểm chuẩn ghi 400, các phần cộng lại 395" in output
    assert "LỆCH  Nội dung 3: điểm thưởng ghi 10, các phần cộng lại 11" in output
    assert "Tổng điểm chuẩn: 950" in output


def test_it_exits_non_zero_from_the_shell_on_a_mismatch(rubric_2022):
    Criterion.objects.filter(rubric=rubric_2022, key="2:7").update(max_points=D(50))
    with pytest.raises(SystemExit) as exc:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "check_rubric", "--bloc", "TMTH", "--year", "2022"])
    assert exc.value.code == 1


def test_it_says_when_the_rubric_does_not_exist(rubric_2022):
    with pytest.raises(CommandError, match="Khối TMTH chưa có bảng tiêu chí năm 2030"):
        run("--bloc", "TMTH", "--year", "2030")
    with pytest.raises(CommandError, match="Không có khối thi đua mã “XYZ”"):
        run("--bloc", "XYZ", "--year", "2022")
