"""Excel in: an agency's filled sheet, matched to its rubric, every problem reported.

The whole workbook is read and checked first, outside any transaction (on SQLite a transaction takes the
database's write lock, and a long parse would hold every user's saves); then it is written in one transaction,
or not at all. A dry run opens none.
"""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .. import rollup
from ..models import Agency, Criterion, Round, Rubric
from ..notation import format_points
from ..rubrics.rules import rule_of
from ..rubrics.tree import RubricTree, rubric_tree
from ..workbooks import SHEET_COLUMNS, Row, WorkbookError, clean_text, join_continued, normalize, read_table
from . import services


@dataclass
class Problem:
    level: str  # "error" blocks the write; "warning" is reported only
    where: str
    message: str
    row: int = 0

    def __str__(self):
        tag = "LỖI" if self.level == "error" else "CẢNH BÁO"
        return f"[{tag}] {self.where}: {self.message}"


@dataclass
class SheetImport:
    agency: Agency
    rubric: Rubric
    values: dict[str, services.ScoreInput]
    problems: list[Problem]
    total: rollup.Total
    written: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def rubric_for(agency: Agency, year: int, round: str = Round.YEAR_END) -> Rubric:
    rubric = (
        Rubric.objects.filter(
            bloc__years__year=year, bloc__years__memberships__agency=agency, year=year, round=round
        )
        .select_related("bloc")
        .first()
    )
    if rubric is None:
        raise WorkbookError(
            [f"{agency.name} không thuộc khối thi đua nào có bảng tiêu chí {Round.of_year(round)} {year}."]
        )
    return rubric


def read_sheet(
    path: str | Path, *, agency: Agency, year: int, clamp: bool = False, round: str = Round.YEAR_END
) -> SheetImport:
    rubric = rubric_for(agency, year, round)
    rtree = rubric_tree(rubric)
    table = read_table(path, SHEET_COLUMNS)
    reader = _SheetReader(rtree, clamp)
    reader.read(table.rows)
    return SheetImport(
        agency=agency, rubric=rubric, values=reader.values, problems=reader.problems, total=reader.finish()
    )


def import_sheet(
    path: str | Path,
    *,
    agency: Agency,
    year: int,
    clamp: bool = False,
    dry_run: bool = False,
    by=None,
    round: str = Round.YEAR_END,
) -> SheetImport:
    result = read_sheet(path, agency=agency, year=year, clamp=clamp, round=round)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        write_sheet(result, by=by)
    return result


def write_sheet(result: SheetImport, *, by) -> None:
    """The read values written into the agency's draft sheet, in the caller's transaction (import_sheet's,
    or an import job's); raises WorkbookError if the sheet is no longer open for them."""
    sheet = services.sheet_for(rubric=result.rubric, agency=result.agency, by=by)
    if not sheet.is_editable:
        raise WorkbookError(
            [
                f"Bảng chấm điểm của {result.agency.name} đang ở trạng thái “{sheet.get_status_display()}”: "
                "không nhập đè được."
            ]
        )
    services.scores_import(sheet=sheet, values=result.values, by=by)
    result.written = True


class _SheetReader:
    """Walks the rows of a filled sheet, matching them to the rubric and collecting problems."""

    def __init__(self, rtree: RubricTree, clamp: bool):
        self.rtree = rtree
        self.tree = rtree.tree
        self.by_key = rtree.by_key()
        self.sections = [c for c in rtree.criteria if c.parent_id is None]
        self.clamp = clamp
        self.values: dict[str, services.ScoreInput] = {}
        self.problems: list[Problem] = []
        self.stated: list[
            tuple[str, Row, Decimal | None, Decimal | None]
        ] = []  # (node key or "", row, pts, bonus)
        self.section: Criterion | None = None
        self.section_count = 0
        self.current: services.ScoreInput | None = None
        self.current_criterion: Criterion | None = None
        self.extra_numbers: dict[str, list[Decimal]] = {}
        self.seen: set[str] = set()
        self.row = 0

    def problem(self, level: str, where: str, message: str, row: int = 0) -> None:
        self.problems.append(Problem(level, where, message, row or self.row))

    def report_errors(self, errors: list[str]) -> None:
        """Row's messages read "<place>: <text>"; each becomes an error at its place."""
        for message in errors:
            where, _, text = message.rpartition(": ")
            self.problem("error", where, text)

    def numbers(self, row: Row, column: str) -> Decimal | None:
        errors: list[str] = []
        value = row.number(column, errors)
        self.report_errors(errors)
        return value

    def numbers_list(self, row: Row) -> list[Decimal]:
        errors: list[str] = []
        numbers = row.numbers("self", errors)
        self.report_errors(errors)
        return numbers

    def read(self, rows: list[Row]) -> None:
        for row in rows:
            self.row = row.place.row
            handler = getattr(self, f"_{row.kind}")
            handler(row)

    def _section(self, row: Row) -> None:
        wanted = normalize(row.code)
        match = next((s for s in self.sections if normalize(s.code) == wanted), None)
        if match is None and self.section_count < len(self.sections):
            match = self.sections[self.section_count]
        self.section_count += 1
        self.section = match
        self.current = self.current_criterion = None
        if match is None:
            self.problem(
                "warning", f"{row.code} ({row.place.cell()})", "bảng tiêu chí không có nội dung này."
            )
            return
        self.stated.append((match.key, row, self.numbers(row, "self"), self.numbers(row, "self_bonus")))

    def _total(self, row: Row) -> None:
        self.stated.append(("", row, self.numbers(row, "self"), self.numbers(row, "self_bonus")))

    def _continuation(self, row: Row) -> None:
        if self.current is None:
            return
        extra = row.cells.get("explanation")
        if extra:
            self.current.explanation = join_continued(self.current.explanation, clean_text(extra))
        if self.current_criterion is not None:
            rule_of(self.current_criterion).read_continuation(self, row, self.current_criterion)

    def _criterion(self, row: Row) -> None:
        self.current = self.current_criterion = None
        if self.section is None:
            self.problem("warning", row.place.cell(), f"tiêu chí {row.code} nằm ngoài mọi nội dung; bỏ qua.")
            return
        key = f"{self.section.key}:{row.code}"
        criterion = self.by_key.get(key)
        where = f"{self.section.code}, tiêu chí {row.code} ({row.place.cell()})"
        if criterion is None:
            self.problem("warning", where, "bảng tiêu chí không có tiêu chí này; bỏ qua.")
            return
        self.seen.add(key)
        explanation = clean_text(row.cells.get("explanation"))
        value = services.ScoreInput(explanation=explanation, provisional="tạm tính" in normalize(explanation))
        value.bonus = self._bonus(row, where, self.tree.own_bonus_max(self.tree.node(key)))
        rule_of(criterion).read_row(self, row, where, criterion, value)
        if value.provisional:
            self.problem("warning", where, "điểm tạm tính: cần cập nhật khi có kết quả xếp loại.")
        self.values[key] = value
        self.current, self.current_criterion = value, criterion

    def _bonus(self, row: Row, where: str, own_bonus: Decimal) -> Decimal | None:
        bonus = self.numbers(row, "self_bonus")
        if bonus is None or bonus <= own_bonus:
            return bonus
        if own_bonus == 0:
            self.problem(
                "error", where, f"tiêu chí này không có điểm thưởng riêng, nhưng ghi {format_points(bonus)}."
            )
            return bonus
        self._over(where, "điểm thưởng tự chấm", bonus, own_bonus)
        return own_bonus if self.clamp else bonus

    def within_maximum(self, where: str, criterion: Criterion, points: Decimal | None) -> Decimal | None:
        """The points as counted: above the maximum is an error, or the maximum with --clamp."""
        if points is None or points <= criterion.max_points:
            return points
        self._over(where, "điểm tự chấm", points, criterion.max_points)
        return criterion.max_points if self.clamp else points

    def _over(self, where: str, what: str, value: Decimal, maximum: Decimal) -> None:
        if self.clamp:
            self.problem(
                "warning",
                where,
                f"{what} {format_points(value)} vượt mức tối đa {format_points(maximum)}; "
                f"tính bằng {format_points(maximum)} (--clamp).",
            )
        else:
            self.problem(
                "error", where, f"{what} {format_points(value)} vượt mức tối đa {format_points(maximum)}."
            )

    def finish(self) -> rollup.Total:
        for key, value in self.values.items():
            rule_of(self.by_key[key]).finish_reading(self, self.by_key[key], value)
        for criterion in self.rtree.criteria:
            if criterion.parent_id is not None and criterion.key not in self.seen:
                self.problem("warning", criterion.label, "tệp không có tiêu chí này.")
        entries = {k: rollup.Entry(points=v.points, bonus=v.bonus) for k, v in self.values.items()}
        totals = rollup.rollup(self.tree, entries)
        grand = rollup.grand_total(self.tree, totals)
        for key, row, points, bonus in self.stated:
            total = totals[key] if key else grand
            name = self.by_key[key].label if key else "TỔNG CỘNG"
            heading = "dòng tiêu đề" if key and ":" not in key else "dòng"
            for what, stated, computed in (
                ("điểm tự chấm", points, total.points),
                ("điểm thưởng tự chấm", bonus, total.bonus),
            ):
                if stated is not None and stated != computed:
                    self.problem(
                        "warning",
                        f"{name} ({row.place.cell()})",
                        f"{heading} ghi {what} {format_points(stated)}, nhưng các tiêu chí cộng lại là "
                        f"{format_points(computed)}.",
                        row.place.row,
                    )
        self.problems.sort(key=lambda p: (p.row, p.level != "error"))
        return grand
