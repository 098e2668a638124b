from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from scoring.models import Bloc, Criterion, Rubric, Sheet
from scoring.rubrics.tree import rubric_tree

from ..factories import SEED_SHEET, make_workbook


@pytest.fixture
def bloc(db):
    return Bloc.objects.create(code="TMTH", name="Khối các cơ quan Tham mưu - Tổng hợp")


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_rubric", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def shape(rubric):
    return [
        (
            c.key,
            c.code,
            c.text,
            c.max_points,
            c.max_bonus,
            c.rule,
            [(t.label, t.points) for t in c.tier_list],
            [
                (comp.name, comp.may_be_missing, [(t.label, t.points) for t in comp.tier_list])
                for comp in c.component_list
            ],
        )
        for c in rubric_tree(rubric).criteria
    ]


def test_it_reads_the_seed_table_into_the_same_tree_as_the_2022_fixture(bloc, tmp_path):
    output, _ = run(SEED_SHEET, "--bloc", "TMTH", "--year", "2021")
    assert "3 nội dung, 31 tiêu chí." in output
    assert "Tổng điểm chuẩn: 950\nTổng điểm thưởng: 50\n" in output
    imported = Rubric.objects.get(year=2021)
    assert imported.title == "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022"  # taken from the title rows
    call_command("loaddata", "rubric_tmth_2022", verbosity=0)
    assert shape(imported) == shape(Rubric.objects.get(year=2022))


def test_it_takes_a_rubric_of_another_shape_without_code_changes(bloc, tmp_path):
    """Four parts, three levels below them, half points; codes restart in each part."""
    rows = [
        [None, "Phần I. Công tác chuyên môn", 42.5, 3],
        [1, "Chỉ đạo, điều hành", 22.5, 2],
        ["1.1", "Kế hoạch năm", 12.5, None],
        ["1.1.1", "Ban hành đúng hạn", 7.5, None],
        ["1.1.2", "Tổ chức thực hiện", "5,0", None],
        ["1.2", "Báo cáo", 10, None],
        [2, "Cải cách hành chính", 20, 1],
        [None, "Phần II. Xây dựng Đảng", 20, 2],
        [
            1,
            "Tổ chức cơ sở Đảng: - Đạt “Hoàn thành xuất sắc nhiệm vụ” (20 điểm) - Đạt “Hoàn thành tốt nhiệm vụ” "
            "(15 điểm) - Không hoàn thành nhiệm vụ (0 điểm)",
            20,
            2,
        ],
        [None, "Phần III. Đoàn thể", 30, 0.5],
        [
            1,
            "Đoàn thể: - Tổ chức Công đoàn “Xuất sắc” (15 điểm) - Tổ chức Công đoàn “Tốt” (10 điểm) "
            "- Tổ chức Đoàn thanh niên “Xuất sắc” (15 điểm) *Trường hợp không có tổ chức Đoàn thanh niên thì "
            "được tính bằng trung bình cộng",
            30,
            0.5,
        ],
        ["III", "Phần IV: Thi đua, khen thưởng", 7.5, 0],
        [1, "Phong trào thi đua", 7.5, None],
        [None, "TỔNG CỘNG", 100, 5.5],
    ]
    path = make_workbook(
        tmp_path / "khac.xlsx", rows, titles=["BẢNG TIÊU CHÍ THI ĐUA NĂM 2026", "Khối Kinh tế"]
    )
    output, _ = run(path, "--bloc", "TMTH", "--year", "2026", "--title", "Tiêu chí 2026")
    assert "4 nội dung, 9 tiêu chí." in output
    assert "Tổng điểm chuẩn: 100\nTổng điểm thưởng: 5,5\n" in output
    rtree = rubric_tree(Rubric.objects.get(year=2026))
    by_key = rtree.by_key()
    assert [c.code for c in rtree.criteria if c.parent_id is None] == [
        "Phần I",
        "Phần II",
        "Phần III",
        "Phần IV",
    ]
    assert by_key["1:1.1.2"].parent.key == "1:1.1"
    assert by_key["1:1.1.2"].depth == 3
    assert by_key["1:1.1.1"].max_points == D("7.5")
    assert by_key["1:1.1"].rule == Criterion.Rule.SUM
    assert by_key["2:1"].rule == Criterion.Rule.TIERED
    assert [t.points for t in by_key["2:1"].tier_list] == [20, 15, 0]
    assert by_key["3:1"].rule == Criterion.Rule.COMPONENTS
    assert [(c.name, c.may_be_missing) for c in by_key["3:1"].component_list] == [
        ("Tổ chức Công đoàn", False),
        ("Tổ chức Đoàn thanh niên", True),
    ]
    assert by_key["4:1"].text == "Phong trào thi đua"


def assert_refused(path, *messages, year="2030"):
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập gì"):
        call_command(
            "import_rubric", str(path), "--bloc", "TMTH", "--year", year, stdout=StringIO(), stderr=err
        )
    for message in messages:
        assert message in err.getvalue()
    assert not Rubric.objects.filter(year=int(year)).exists()
    assert not Criterion.objects.filter(rubric__year=int(year)).exists()


def test_it_names_the_sheets_it_searched_when_there_is_no_header_row(bloc, tmp_path):
    wb = Workbook()
    wb.active.title = "Trang 1"
    wb.active.append(["Số", "Nội dung", "Điểm"])
    wb.save(tmp_path / "khong-tieu-de.xlsx")
    assert_refused(
        tmp_path / "khong-tieu-de.xlsx",
        "Không tìm thấy dòng tiêu đề (TT | Tiêu chí | Điểm chuẩn | Điểm thưởng)",
        "“Trang 1”",
    )


def test_it_names_sheet_row_and_column_of_a_number_that_is_not_a_number(bloc, tmp_path):
    rows = [[None, "Nội dung 1: A", 10, 0], [1, "Tiêu chí một", "mười", None], [None, "TỔNG CỘNG", 10, 0]]
    path = make_workbook(tmp_path / "chu.xlsx", rows, titles=["BẢNG"])
    assert_refused(path, "trang tính “Tiêu chí”, dòng 5, cột C: “mười” không phải là số.")


def test_it_refuses_a_code_that_skips_a_level(bloc, tmp_path):
    rows = [[None, "Nội dung 1: A", 10, 0], [1, "Một", 10, None], ["1.2.1", "Cháu", 10, None]]
    path = make_workbook(tmp_path / "bo-cap.xlsx", rows)
    assert_refused(
        path, "dòng 4, cột A: mã 1.2.1 bỏ qua một cấp — chưa có tiêu chí 1.2 ở trên trong Nội dung 1."
    )


def test_it_refuses_a_total_row_or_a_parent_that_disagrees(bloc, tmp_path):
    rows = [
        [None, "Nội dung 1: A", 30, 2],
        [1, "Một", 20, 2],
        ["1.1", "Một một", 15, None],
        [2, "Hai", 10, None],
        [None, "TỔNG CỘNG", 35, 2],
    ]
    path = make_workbook(tmp_path / "lech.xlsx", rows)
    assert_refused(
        path,
        "dòng 3: Nội dung 1, tiêu chí 1 ghi điểm chuẩn 20, nhưng các phần cộng lại là 15.",
        "dòng 6, cột C: dòng TỔNG CỘNG ghi điểm chuẩn 35, nhưng các nội dung cộng lại là 30.",
    )


def test_it_refuses_what_is_not_a_workbook(bloc, tmp_path):
    path = tmp_path / "gia.xlsx"
    path.write_text("không phải Excel")
    assert_refused(path, "Không đọc được tệp Excel gia.xlsx")


def test_it_replaces_a_rubric_only_when_asked_and_never_once_submitted(bloc, tmp_path, agencies):
    run(SEED_SHEET, "--bloc", "TMTH", "--year", "2024")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_rubric", str(SEED_SHEET), "--bloc", "TMTH", "--year", "2024", stderr=err)
    assert "dùng --replace" in err.getvalue()
    run(SEED_SHEET, "--bloc", "TMTH", "--year", "2024", "--replace")
    rubric = Rubric.objects.get(year=2024)
    assert rubric.criteria.count() == 34
    Sheet.objects.create(rubric=rubric, agency=agencies["VP"], status=Sheet.Status.SUBMITTED)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_rubric", str(SEED_SHEET), "--bloc", "TMTH", "--year", "2024", "--replace", stderr=err
        )
    assert "đã có đơn vị nộp bảng chấm điểm" in err.getvalue()
    assert rubric.criteria.count() == 34
