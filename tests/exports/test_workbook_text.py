"""Text in an exported workbook stays text whoever typed it: a name set in the admin never runs as a formula.

Before the one writer (scoring/exports/cells.py) only user-typed text was protected; an agency, a bloc or a
criterion code named `=HYPERLINK(…)` in the admin became a live formula in the bloc's workbook.
"""

import ast
import os
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from scoring.exports import cells, xlsx
from scoring.exports.bloc import SUMMARY, bloc_xlsx
from scoring.models import Agency, AwardRule, Bloc, Criterion, Rubric, Score, Sheet
from scoring.review.services import sheet_accept
from scoring.review.standings import bloc_round

from ..factories import recalculated
from ..replay import load_demo

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"
needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here"
)
PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)"]
EXPORTS = Path(cells.__file__).parent


@pytest.fixture
def hostile(db):
    """The demo round, with the admin's names all looking like formulas."""
    load_demo()
    rubric = Rubric.objects.get(bloc__code="TMTH", year=2022)
    for code, payload in zip(["TTR", "STC", "SNV", "STP"], PAYLOADS, strict=True):
        Agency.objects.filter(code=code).update(name=payload)
    Bloc.objects.filter(code="TMTH").update(name=PAYLOADS[0])
    for key, payload in zip(["1:1.1", "1:1.2", "2:1", "2:2"], PAYLOADS, strict=True):
        Criterion.objects.filter(rubric=rubric, key=key).update(code=payload)
    AwardRule.objects.filter(rubric=rubric, position=1).update(award='=HYPERLINK("http://x","award")')
    for code in ("TTR", "STC"):
        sheet = Sheet.objects.get(agency__code=code)
        sheet_accept(sheet=sheet, base_version=sheet.version, by=None)
    # A vertical tab pasted from Word is not allowed in a workbook's XML at all.
    Score.objects.filter(sheet__agency__code="STC", criterion__key="1:1.1").update(
        explanation="Dòng 1\x0bdòng 2"
    )
    return Rubric.objects.get(pk=rubric.pk)


def exported(tmp_path, content: bytes, name: str):
    """(values as LibreOffice computes them, the same file read for its formulas)."""
    values = recalculated(tmp_path, content, name)
    return values, load_workbook(tmp_path / "recalculated" / name)


def assert_text(values, formulas, sheet: str, where: list[tuple[int, int]], expected: set[str]):
    got = {values[sheet].cell(r, c).value for r, c in where}
    assert expected <= got, sheet
    for r, c in where:
        if values[sheet].cell(r, c).value in expected:
            assert formulas[sheet].cell(r, c).data_type == "s", (sheet, r, c)


def assert_no_formula_of_theirs(formulas):
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value and "SUM(1)" not in cell.value, (ws.title, cell)


@needs_libreoffice
def test_names_set_in_the_admin_stay_text_in_the_bloc_workbook(hostile, tmp_path):
    state = bloc_round(hostile, hostile.bloc.years.get(year=2022))
    values, formulas = exported(tmp_path, bloc_xlsx(state), "khoi.xlsx")
    summary, matrix = values["Tổng hợp"], values["Ma trận điểm"]
    members = range(5, 5 + len(state.members))
    assert_text(values, formulas, "Tổng hợp", [(2, 1)], {PAYLOADS[0]})
    assert_text(values, formulas, "Tổng hợp", [(r, SUMMARY["agency"]) for r in members], set(PAYLOADS))
    assert_text(
        values,
        formulas,
        "Tổng hợp",
        [(r, SUMMARY["award"]) for r in members],
        {'=HYPERLINK("http://x","award") (tạm tính)'},  # two of seven accepted: provisional
    )
    headings = [(1, c) for c in range(1, matrix.max_column + 1)]
    assert_text(values, formulas, "Ma trận điểm", headings, set(PAYLOADS))
    codes = [(r, 1) for r in range(2, matrix.max_row + 1)]
    assert_text(values, formulas, "Ma trận điểm", codes, set(PAYLOADS))
    for code in ("TTR", "STC", "SNV", "STP"):
        assert_text(
            values, formulas, code, [(r, 1) for r in range(6, values[code].max_row + 1)], set(PAYLOADS)
        )
    assert_no_formula_of_theirs(formulas)
    # Our own formulas still compute: STC's total on the summary is its sheet's TỔNG CỘNG.
    stc = next(r for r in members if summary.cell(r, SUMMARY["agency"]).value == "+1")
    assert isinstance(summary.cell(stc, SUMMARY["final"]).value, float)
    assert formulas["Tổng hợp"].cell(stc, SUMMARY["final"]).data_type == "f"


@needs_libreoffice
def test_criterion_codes_stay_text_in_the_sheet_workbook(hostile, tmp_path):
    sheet = Sheet.objects.get(agency__code="STC")
    values, formulas = exported(tmp_path, xlsx.sheet_xlsx(sheet), "bang.xlsx")
    title = values.worksheets[0].title
    ws = values[title]
    assert_text(values, formulas, title, [(r, 1) for r in range(6, ws.max_row + 1)], set(PAYLOADS))
    assert ws.cell(2, 1).value == "Đơn vị: +1"
    assert "Dòng 1dòng 2" in [ws.cell(r, 7).value for r in range(6, ws.max_row + 1)]
    assert_no_formula_of_theirs(formulas)


@pytest.mark.parametrize(
    "typed",
    [*PAYLOADS, '=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", '=WEBSERVICE("http://x")', "\x0b=1"],
)
def test_the_writer_writes_every_str_as_text_and_only_a_formula_as_a_formula(typed):
    ws = Workbook().active
    cell = cells.put(ws, 1, 1, typed)
    assert cell.value == typed.replace("\x0b", "") and cell.data_type == "s"
    assert cells.put(ws, 1, 2, cells.Formula("=A1&A1")).data_type == "f"
    assert load_workbook(BytesIO(_saved(ws.parent)))["Sheet"]["A1"].data_type == "s"


def _saved(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _writes(node) -> bool:
    """`x.value = …`, `ws.cell(row, column, value)` or `ws.append(row)`."""
    if isinstance(node, ast.Assign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, ast.Attribute) and t.attr == "value" for t in targets)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "cell":
            return len(node.args) > 2 or any(k.arg == "value" for k in node.keywords)
        return (
            node.func.attr == "append"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "ws"
        )
    return False


def test_every_export_writes_its_cells_through_the_one_writer():
    offenders = [
        (path.name, node.lineno)
        for path in sorted(EXPORTS.glob("*.py"))
        if path.name != "cells.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if _writes(node)
    ]
    assert offenders == []
