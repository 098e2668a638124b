"""Reading a table out of a workbook costs what the table holds, not what the file claims.

Before the bounds, one cell at XFD1048576 made the import build every cell up to it: 2.7 GB and 48 s.
"""

import resource
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from scoring import workbooks
from scoring.models import Bloc, Rubric
from scoring.workbooks import RUBRIC_COLUMNS, WorkbookError, read_table

from .factories import make_workbook

ROWS = [[None, "Nội dung 1: Chuyên môn", 30, 0], [1, "Kế hoạch năm", 10, None], [2, "Báo cáo", 20, None]]
TOTAL = [None, "TỔNG CỘNG", 30, 0]


@contextmanager
def bounded(*, seconds: float, megabytes: int):
    """Asserts the block's time and peak Python memory; a regression fails with MemoryError at 1 GB more
    address space instead of swapping the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 2**30, hard))
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert elapsed < seconds
    assert peak < megabytes * 2**20


def far_cell(path: Path) -> Path:
    """The table, and one cell at the last row of the last column Excel has."""
    make_workbook(path, [*ROWS, TOTAL])
    wb = load_workbook(path)
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    return path


def claimed_dimension(path: Path) -> Path:
    """The table, with a <dimension> that claims the whole grid."""
    make_workbook(path, ROWS)  # no TỔNG CỘNG row either: the end of the data ends the table
    patched = path.with_name("patched-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:D4"/>' in data
                data = data.replace(b'<dimension ref="A1:D4"/>', b'<dimension ref="A1:XFD1048576"/>')
            target.writestr(item, data)
    return patched


@pytest.mark.parametrize("build", [far_cell, claimed_dimension])
def test_a_workbook_claiming_the_whole_grid_is_read_in_bounded_time_and_memory(tmp_path, build):
    path = build(tmp_path / "rong.xlsx")
    with bounded(seconds=2, megabytes=50):
        table = read_table(path, RUBRIC_COLUMNS)
    assert [(r.kind, r.place.row, r.code, r.text) for r in table.rows][:3] == [
        ("section", 2, "Nội dung 1", "Nội dung 1: Chuyên môn"),
        ("criterion", 3, "1", "Kế hoạch năm"),
        ("criterion", 4, "2", "Báo cáo"),
    ]


@pytest.mark.django_db
def test_the_rubric_import_takes_such_a_workbook_as_the_table_it_holds(tmp_path):
    Bloc.objects.create(code="TMTH", name="Khối các cơ quan Tham mưu - Tổng hợp")
    path = far_cell(tmp_path / "rong.xlsx")
    with bounded(seconds=5, megabytes=100):
        call_command("import_rubric", str(path), "--bloc", "TMTH", "--year", "2023", stdout=StringIO())
    rubric = Rubric.objects.get(year=2023)
    assert list(rubric.criteria.order_by("position", "pk").values_list("code", "max_points")) == [
        ("Nội dung 1", 30),
        ("1", 10),
        ("2", 20),
    ]


def test_rows_after_a_long_empty_gap_are_not_part_of_the_table(tmp_path):
    gap = [[None, None, None, None]] * workbooks.END_GAP
    path = make_workbook(
        tmp_path / "khoang-trong.xlsx", [*ROWS, *gap, [3, "Ghi chú lạc xuống dưới", 5, None]]
    )
    assert [r.code for r in read_table(path, RUBRIC_COLUMNS).rows] == ["Nội dung 1", "1", "2"]


def test_a_table_longer_than_the_limit_is_refused_naming_the_sheet(tmp_path):
    rows = [ROWS[0]] + [[n, f"Tiêu chí {n}", 1, None] for n in range(1, workbooks.MAX_ROWS + 1)]
    path = make_workbook(tmp_path / "dai.xlsx", rows)
    with pytest.raises(WorkbookError) as refused:
        read_table(path, RUBRIC_COLUMNS)
    assert refused.value.problems == [
        f"Trang tính “Tiêu chí” có bảng dài hơn {workbooks.MAX_ROWS} dòng (còn dữ liệu ở dòng"
        f" {workbooks.MAX_ROWS + 2}): một bảng tiêu chí không dài như vậy. Hãy xóa các dòng thừa bên dưới"
        " bảng rồi nhập lại."
    ]


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened(tmp_path):
    """A million shared strings (66 MB) in a file of a few hundred KB: openpyxl keeps every one in memory."""
    path = make_workbook(tmp_path / "bom.xlsx", [*ROWS, TOTAL])
    bomb = tmp_path / "bom-nen.xlsx"
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += (b"<si><t>" + b"a" * 50 + b"</t></si>") * 1_000_000 + b"</sst>"
    relationship = (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
        b' Target="sharedStrings.xml" Id="rId9"/></Relationships>'
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", relationship)
            target.writestr(item.filename, data)
        target.writestr("xl/sharedStrings.xml", strings)
    assert bomb.stat().st_size < 1024 * 1024
    with bounded(seconds=2, megabytes=100), pytest.raises(WorkbookError) as refused:
        read_table(bomb, RUBRIC_COLUMNS)
    assert refused.value.problems == [
        "Tệp Excel bom-nen.xlsx quá lớn (62 MB khi giải nén, tối đa 50 MB): hãy chép riêng bảng cần nhập"
        " sang một tệp mới."
    ]
