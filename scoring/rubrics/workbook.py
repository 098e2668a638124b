"""Excel in: a rubric laid out like the seed table (`TT | Tiêu chí | Điểm chuẩn | Điểm thưởng`).

The whole workbook is read and checked first, outside any transaction (on SQLite a transaction takes the
database's write lock); then it is written in one transaction, or not at all.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .. import rollup
from ..models import Bloc, Criterion, Rubric
from ..notation import format_points
from ..workbooks import (
    CODE,
    RUBRIC_COLUMNS,
    Row,
    WorkbookError,
    join_continued,
    normalize,
    parse_options,
    read_table,
)
from .rules import from_workbook, rule_of
from .services import rubric_write_criteria


@dataclass
class ParsedCriterion:
    key: str
    code: str
    text: str
    max_points: Decimal
    max_bonus: Decimal
    parent: "ParsedCriterion | None"
    position: int
    row: Row
    children: list["ParsedCriterion"] = field(default_factory=list)
    rule: str = Criterion.Rule.MANUAL
    components: list[tuple[str, bool]] = field(default_factory=list)  # (name, may_be_missing)
    tiers: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (component name, label, points)


@dataclass
class ParsedRubric:
    title: str
    criteria: list[ParsedCriterion]
    tree: rollup.Tree


def parse_rubric(path: str | Path) -> ParsedRubric:
    """The rubric in the workbook at `path`; raises WorkbookError naming every problem found in it."""
    table = read_table(path, RUBRIC_COLUMNS)
    reader = _RubricReader()
    for row in table.rows:
        reader.read(row)
    problems, criteria = reader.problems, reader.criteria
    if not any(c.parent is None for c in criteria) and not problems:
        problems.append(
            f"Trang tính “{table.sheet}”: không có dòng “Nội dung …” hay “Phần …” nào sau dòng tiêu đề."
        )
    for criterion in criteria:
        if not criterion.children and criterion.parent is not None:
            _apply_options(criterion)

    tree = rollup.Tree([_node(c) for c in criteria])
    problems += _mismatch_problems(criteria, tree)
    if reader.stated_total is not None:
        problems += _stated_total_problems(tree, *reader.stated_total)
    if problems:
        raise WorkbookError(problems)
    title = next(
        (t for t in table.title_lines if "tiêu chí" in normalize(t) or "chấm điểm" in normalize(t)), ""
    )
    return ParsedRubric(title=title, criteria=criteria, tree=tree)


class _RubricReader:
    """Reads the table's rows in order into criteria, noting each row's problems in the order met."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.criteria: list[ParsedCriterion] = []
        self.stated_total: tuple[Decimal | None, Decimal | None, Row] | None = None  # the TỔNG CỘNG row
        self.section: ParsedCriterion | None = None
        self.by_code: dict[str, ParsedCriterion] = {}  # the current section's criteria
        self.last: ParsedCriterion | None = None  # what a continuation row continues

    def read(self, row: Row) -> None:
        if row.kind == "total":
            self.stated_total = (row.number("max", self.problems), row.number("bonus", self.problems), row)
        elif row.kind == "continuation":
            if self.last is not None and row.text:
                self.last.text = join_continued(self.last.text, row.text)
        else:
            max_points = row.number("max", self.problems)
            max_bonus = row.number("bonus", self.problems) or Decimal(0)
            if row.kind == "section":
                self.read_section(row, max_points, max_bonus)
            else:
                self.read_criterion(row, max_points, max_bonus)

    def read_section(self, row: Row, max_points: Decimal | None, max_bonus: Decimal) -> None:
        if max_points is None:
            self.problems.append(f"{row.place.cell(row.columns['max'])}: {row.code} thiếu điểm chuẩn.")
        index = sum(1 for c in self.criteria if c.parent is None) + 1
        section = ParsedCriterion(
            key=str(index),
            code=row.code,
            text=row.text,
            max_points=max_points or Decimal(0),
            max_bonus=max_bonus,
            parent=None,
            position=len(self.criteria),
            row=row,
            rule=Criterion.Rule.SUM,
        )
        self.criteria.append(section)
        self.section = section
        self.by_code = {}
        self.last = section

    def read_criterion(self, row: Row, max_points: Decimal | None, max_bonus: Decimal) -> None:
        parent = self.parent_of(row)
        if parent is None:
            return
        if max_points is None:
            self.problems.append(
                f"{row.place.cell(row.columns['max'])}: tiêu chí {row.code} thiếu điểm chuẩn."
            )
        criterion = ParsedCriterion(
            key=f"{self.section.key}:{row.code}",
            code=row.code,
            text=row.text,
            max_points=max_points or Decimal(0),
            max_bonus=max_bonus,
            parent=parent,
            position=len(self.criteria),
            row=row,
        )
        parent.children.append(criterion)
        parent.rule = Criterion.Rule.SUM
        self.criteria.append(criterion)
        self.by_code[row.code] = criterion
        self.last = criterion

    def parent_of(self, row: Row) -> ParsedCriterion | None:
        """Where the criterion row's code hangs; None, with the problem noted, when it cannot be placed."""
        where = row.place.cell(row.columns["tt"])
        section = self.section
        if section is None:
            self.problems.append(f"{where}: tiêu chí {row.code} đứng trước mọi dòng “Nội dung …”/“Phần …”.")
            return None
        if not CODE.match(row.code):
            self.problems.append(f"{where}: “{row.code}” không phải là mã tiêu chí (ví dụ 1, 1.2, 1.2.1).")
            return None
        if row.code in self.by_code:
            self.problems.append(f"{where}: mã {row.code} lặp lại trong {section.code}.")
            return None
        parent_code = row.code.rpartition(".")[0]
        parent = self.by_code.get(parent_code) if parent_code else section
        if parent is None:
            self.problems.append(
                f"{where}: mã {row.code} bỏ qua một cấp — chưa có tiêu chí {parent_code} ở trên trong {section.code}."
            )
        return parent


def _mismatch_problems(criteria: list[ParsedCriterion], tree: rollup.Tree) -> list[str]:
    """Each row whose stated points differ from what its parts add up to."""
    problems = []
    for mismatch in rollup.mismatches(tree):
        criterion = next(c for c in criteria if c.key == mismatch.key)
        problems.append(
            f"{criterion.row.place.cell()}: {mismatch.label} ghi {mismatch.what} "
            f"{format_points(mismatch.stated)}, nhưng các phần cộng lại là {format_points(mismatch.computed)}."
        )
    return problems


def _stated_total_problems(
    tree: rollup.Tree, points: Decimal | None, bonus: Decimal | None, row: Row
) -> list[str]:
    """The figures of the TỔNG CỘNG row that differ from what the sections add up to."""
    totals = rollup.rubric_totals(tree)
    problems = []
    for what, stated, computed, column in (
        ("điểm chuẩn", points, totals.points, "max"),
        ("điểm thưởng", bonus, totals.bonus, "bonus"),
    ):
        if stated is not None and stated != computed:
            problems.append(
                f"{row.place.cell(row.columns[column])}: dòng TỔNG CỘNG ghi {what} {format_points(stated)}, "
                f"nhưng các nội dung cộng lại là {format_points(computed)}."
            )
    return problems


def _label(criterion: ParsedCriterion) -> str:
    section = criterion
    while section.parent is not None:
        section = section.parent
    return criterion.code if section is criterion else f"{section.code}, tiêu chí {criterion.code}"


def _node(criterion: ParsedCriterion) -> rollup.Node:
    tiers = [(component, points) for component, _, points in criterion.tiers]
    return rollup.Node(
        key=criterion.key,
        parent=criterion.parent.key if criterion.parent else None,
        label=_label(criterion),
        max_points=criterion.max_points,
        max_bonus=criterion.max_bonus,
        **rule_of(criterion).node_choice(tiers, [name for name, _ in criterion.components]),
    )


def _apply_options(criterion: ParsedCriterion) -> None:
    """The rule the criterion's text makes it of (options listed: `- Đạt “…” (15 điểm)`), with its parts."""
    found = from_workbook(criterion.text, parse_options(criterion.text))
    if found is not None:
        criterion.rule, criterion.components, criterion.tiers = found


def import_rubric(
    path: str | Path, *, bloc: Bloc, year: int, title: str = "", replace: bool = False
) -> Rubric:
    parsed = parse_rubric(path)
    with transaction.atomic():
        return write_rubric(parsed, bloc=bloc, year=year, title=title, replace=replace)


def write_rubric(parsed: ParsedRubric, *, bloc: Bloc, year: int, title: str, replace: bool) -> Rubric:
    """The parsed rubric written, in the caller's transaction (import_rubric's, or an import job's)."""
    rubric = Rubric.objects.year_end().filter(bloc=bloc, year=year).first()
    if rubric is not None:
        if rubric.is_locked:
            raise WorkbookError(
                [f"Bảng tiêu chí {bloc.code} năm {year} đã có đơn vị nộp bảng chấm điểm: không thay được."]
            )
        if rubric.criteria.exists() and not replace:
            raise WorkbookError(
                [f"Khối {bloc.code} đã có bảng tiêu chí năm {year}; dùng --replace để thay bằng tệp này."]
            )
        rubric.sheets.all().delete()
        rubric.criteria.all().delete()
        rubric.title = title or parsed.title or rubric.title
        rubric.save()
    else:
        rubric = Rubric.objects.create(
            bloc=bloc, year=year, title=title or parsed.title or f"Bảng tiêu chí chấm điểm thi đua năm {year}"
        )
    rubric_write_criteria(rubric=rubric, criteria=parsed.criteria)
    return rubric
