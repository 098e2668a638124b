"""Cells that hold something other than a plain value: formulas with and without a computed value.

An openpyxl-written (or never-opened) workbook holds formulas with no computed value; read as values they were
empty cells, and `import_sheet` exited 0 with VP's 945 points become 60.
"""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.exports.xlsx import HEADINGS
from scoring.models import Score, Sheet

from .conftest import make_workbook, recalculated

ROWS = [
    [None, "Nội dung 1: Kinh tế", 650, 30, None, None, None],
    ["1", "Chỉ tiêu kinh tế", 200, 20, None, "=1+1", None],
    ["1.1", "Lãnh đạo", 100, None, "=10+5", None, None],
    ["1.2", "Tham mưu", 100, None, 20, None, None],
]


def run(path, *args) -> tuple[str, str, str | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_sheet", str(path), "--agency", "VP", "--year", "2022", *args, stdout=out, stderr=err
        )
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


@pytest.mark.parametrize("dry_run", [False, True])
def test_formulas_never_computed_are_refused_naming_each_cell(bloc_2022, tmp_path, dry_run):
    path = make_workbook(tmp_path / "cong-thuc.xlsx", ROWS, header=HEADINGS)
    _, err, failure = run(path, *(["--dry-run"] if dry_run else []))
    assert failure == "Không nhập gì."
    assert (
        "LỖI  Trang tính “Tiêu chí” có công thức chưa được tính ở 'Tiêu chí'!F3, 'Tiêu chí'!E4: tệp chưa từng"
        " được mở bằng Excel hay LibreOffice nên không có giá trị của công thức."
    ) in err
    assert not Sheet.objects.exists() and not Score.objects.exists()


def test_the_same_file_saved_by_libreoffice_is_read_as_its_values(bloc_2022, tmp_path):
    path = make_workbook(tmp_path / "cong-thuc.xlsx", ROWS, header=HEADINGS)
    (tmp_path / "lo").mkdir()
    recalculated(tmp_path / "lo", path.read_bytes(), "cong-thuc.xlsx")
    output, err, failure = run(tmp_path / "lo" / "recalculated" / "cong-thuc.xlsx")
    assert failure is None, err
    assert "Tổng cộng: điểm tự chấm 35, điểm thưởng tự chấm 2" in output
    scores = {s.criterion.key: s for s in Score.objects.select_related("criterion")}
    assert (scores["1:1.1"].points, scores["1:1.2"].points, scores["1:1"].bonus) == (D(15), D(20), D(2))
