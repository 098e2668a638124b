"""Cells that hold something other than a plain value: formulas with and without a computed value.

An openpyxl-written (or never-opened) workbook holds formulas with no computed value; read as values they were
empty cells, and `import_sheet` exited 0 with VP's 945 points become 60.
"""

import re
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from scoring.exports.xlsx import HEADINGS
from scoring.models import Score, Sheet
from scoring.workbooks import RUBRIC_COLUMNS, clean_text, read_table

from .factories import SEED_SHEET, make_workbook, recalculated
from .sheets.test_import_sheet import run
from .test_workbooks import bounded

ROWS = [
    [None, "Nội dung 1: Kinh tế", 650, 30, None, None, None],
    ["1", "Chỉ tiêu kinh tế", 200, 20, None, "=1+1", None],
    ["1.1", "Lãnh đạo", 100, None, "=10+5", None, None],
    ["1.2", "Tham mưu", 100, None, 20, None, None],
]


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


def merged_with_copies(path, merges: dict[str, object], source=SEED_SHEET):
    """The seed sheet with `merges` added, each range's hidden cells holding a copy of its top-left value
    (as exporters that fill every cell of a merge write them)."""
    wb = load_workbook(source)
    ws = wb.active
    for ref in merges:
        first, _, last = ref.partition(":")
        for row in ws[ref]:
            for cell in row:
                cell.value = ws[first].value
    wb.save(path)
    patched = path.with_name("gop-" + path.name)
    added = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges).encode()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(patched, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<mergeCells count="\d+">', b"<mergeCells>" + added, data)
            zout.writestr(item, data)
    return patched


def test_a_score_merged_over_two_rows_is_read_once_for_the_first_row(bloc_2022, tmp_path):
    """Nội dung 3, criterion 2 (row 38) continues on row 39; its TT, score and bonus cells are merged over both
    rows, the hidden cells holding copies. The copies are not a second criterion 2 wiping the first's
    explanation; the totals stay 945 / 48."""
    explanation = load_workbook(SEED_SHEET).active["G38"].value
    path = merged_with_copies(tmp_path / "gop.xlsx", {"A38:A39": 2, "E38:E39": 20, "F38:F39": 2})
    output, err, failure = run(path, "--clamp")
    assert failure is None, err
    assert "Tổng cộng: điểm tự chấm 945, điểm thưởng tự chấm 48" in output
    score = Score.objects.get(criterion__key="3:2")
    assert (score.points, score.bonus) == (D(20), D(2))
    assert score.explanation == clean_text(explanation)


def test_a_merge_over_the_whole_grid_costs_what_a_small_one_does(tmp_path):
    """Criterion 1's max-points cell merged down to the last row Excel has, plus 2,000 small merges to the
    right of the table: row 4's cell is hidden (read as empty), and reading stays bounded."""
    rows = [[None, "Nội dung 1: Chuyên môn", 30, 0], [1, "Kế hoạch năm", 10, None], [2, "Báo cáo", 20, None]]
    path = make_workbook(tmp_path / "gop-rong.xlsx", rows)
    patched = tmp_path / "gop-rong-2.xlsx"
    merges = b'<mergeCell ref="C3:C1048576"/>' + b"".join(
        f'<mergeCell ref="H{n}:I{n}"/>'.encode() for n in range(1, 2_001)
    )
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(patched, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>")
            zout.writestr(item, data)
    with bounded(seconds=2, megabytes=50):
        table = read_table(patched, RUBRIC_COLUMNS)
    assert [(r.code, r.cells["max"]) for r in table.rows] == [("Nội dung 1", 30), ("1", 10), ("2", None)]
