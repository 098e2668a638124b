from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.exports.xlsx import HEADINGS
from scoring.models import Score, Sheet
from scoring.sheets.queries import sheet_view

from ..factories import SEED_SHEET, make_workbook

SHEET_HEADER = HEADINGS  # the filled sheet's columns are the ones the app exports


def run(path, *args) -> tuple[str, str, str | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_sheet", str(path), "--agency", "VP", "--year", "2022", *args, stdout=out, stderr=err
        )
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


def test_dry_run_on_the_seed_table_finds_its_errors_and_prints_945_48(bloc_2022):
    output, _, failure = run(SEED_SHEET, "--dry-run")
    lines = output.splitlines()
    assert (
        "[CẢNH BÁO] Nội dung 2 (trang tính “Bảng chấm điểm”, dòng 26): dòng tiêu đề ghi điểm tự chấm 200, "
        "nhưng các tiêu chí cộng lại là 195."
    ) in lines
    assert (
        "[LỖI] Nội dung 2, tiêu chí 3 (trang tính “Bảng chấm điểm”, dòng 29): điểm thưởng tự chấm 10 "
        "vượt mức tối đa 1."
    ) in lines
    assert any("Nội dung 2, tiêu chí 6" in line and "tạm tính" in line for line in lines)
    assert "Tổng cộng: điểm tự chấm 945, điểm thưởng tự chấm 48" in output
    assert failure.startswith("Có 1 lỗi: không ghi gì")
    assert not Sheet.objects.exists()


def test_without_clamp_an_over_maximum_value_writes_nothing(bloc_2022):
    _, _, failure = run(SEED_SHEET)
    assert "Có 1 lỗi" in failure
    assert not Sheet.objects.exists() and not Score.objects.exists()


def test_with_clamp_it_writes_the_seed_sheet_and_totals_945_48(bloc_2022, agencies):
    output, _, failure = run(SEED_SHEET, "--clamp")
    assert failure is None
    assert "tính bằng 1 (--clamp)" in output
    assert "Đã ghi vào bảng chấm điểm năm 2022 của Cơ quan VP." in output
    sheet = Sheet.objects.get(agency=agencies["VP"])
    assert sheet.status == Sheet.Status.DRAFT
    assert sheet.transitions.get().to_status == Sheet.Status.DRAFT
    view = sheet_view(sheet)
    assert (view.grand_total.points, view.grand_total.bonus) == (D(945), D(48))
    assert view.totals["2"].points == D(195)
    scores = view.scores
    assert scores["2:3"].bonus == D(1)
    assert scores["2:6"].tier.label == "Hoàn thành tốt nhiệm vụ" and scores["2:6"].provisional
    assert [r.tier.points for r in scores["2:7"].ratings.order_by("component__position")] == [20, 20, 20]
    assert scores["2:7"].points == D(60)
    assert scores["1:1.2"].explanation.startswith("- Tham mưu UBND tỉnh")
    assert "\n- Chủ trì, phối hợp" in scores["1:1.2"].explanation  # the continuation row's bullet
    assert scores["1:2.4"].explanation.endswith("tại Văn phòng UBND tỉnh.")
    assert "1:1" in scores and scores["1:1"].bonus == D(20) and scores["1:1"].points is None


def test_it_reports_criteria_missing_on_either_side_and_wrong_stated_totals(bloc_2022, tmp_path):
    rows = [
        [None, "Nội dung 1: Kinh tế", 650, 30, 640, 30, None],
        ["1.1", "Lãnh đạo", 100, None, 90, None, "Quyết định số 02/QĐ-VP ngày 04/01/2022"],
        ["9", "Tiêu chí lạ", 5, None, 5, None, None],
        [None, "TỔNG CỘNG", 950, 50, 900, 40, None],
    ]
    path = make_workbook(tmp_path / "thieu.xlsx", rows, header=SHEET_HEADER)
    output, _, failure = run(path)
    assert failure is None
    assert (
        "[CẢNH BÁO] Nội dung 1, tiêu chí 9 (trang tính “Tiêu chí”, dòng 4): bảng tiêu chí không có tiêu chí này"
        in output
    )
    assert "[CẢNH BÁO] Nội dung 3, tiêu chí 8: tệp không có tiêu chí này." in output
    assert "dòng tiêu đề ghi điểm tự chấm 640, nhưng các tiêu chí cộng lại là 90." in output
    assert "[CẢNH BÁO] TỔNG CỘNG (trang tính “Tiêu chí”, dòng 5): dòng ghi điểm tự chấm 900" in output
    assert "Tổng cộng: điểm tự chấm 90, điểm thưởng tự chấm 0" in output
    score = Score.objects.get(criterion__key="1:1.1")
    assert score.points == D(90)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["1.1", "Lãnh đạo", 100, None, "chín mươi", None, None], "cột E: “chín mươi” không phải là số."),
        (["1.1", "Lãnh đạo", 100, None, 120, None, None], "điểm tự chấm 120 vượt mức tối đa 100."),
        (["1.1", "Lãnh đạo", 100, None, -5, None, None], "cột E: Điểm không được âm (-5)."),
        (
            ["1.1", "Lãnh đạo", 100, None, 90, 2, None],
            "tiêu chí này không có điểm thưởng riêng, nhưng ghi 2.",
        ),
    ],
)
def test_it_refuses_bad_values_and_writes_nothing(bloc_2022, tmp_path, row, message):
    path = make_workbook(
        tmp_path / "sai.xlsx",
        [[None, "Nội dung 1: Kinh tế", 650, 30, None, None, None], row],
        header=SHEET_HEADER,
    )
    output, _, failure = run(path)
    assert message in output
    assert failure.startswith("Có 1 lỗi")
    assert not Score.objects.exists()


def test_it_refuses_a_tier_that_the_criterion_does_not_have(bloc_2022, tmp_path):
    rows = [[None, "Nội dung 2", 200, 10, None, None, None], [6, "Tổ chức Đảng", 20, 2, 12, None, None]]
    path = make_workbook(tmp_path / "muc.xlsx", rows, header=SHEET_HEADER)
    output, _, failure = run(path)
    assert "12 điểm không khớp mức nào (Hoàn thành xuất sắc nhiệm vụ = 20" in output
    assert failure is not None


def test_it_never_overwrites_a_submitted_sheet(bloc_2022, vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    _, err, failure = run(SEED_SHEET, "--clamp")
    assert "đang ở trạng thái “Đã nộp”: không nhập đè được." in err
    assert failure == "Không nhập gì."
    assert not Score.objects.exists()


def test_it_says_when_the_agency_is_in_no_bloc_that_year(bloc_2022):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_sheet", str(SEED_SHEET), "--agency", "OTHER", "--year", "2022", stdout=out, stderr=err
        )
    assert "Cơ quan OTHER không thuộc khối thi đua nào có bảng tiêu chí năm 2022." in err.getvalue()
