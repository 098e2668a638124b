"""Excel in: a rubric laid out like the seed table (`TT | Tiêu chí | Điểm chuẩn | Điểm thưởng`).

The whole workbook is read and checked first, then written in one transaction, or not at all.
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
from .rules import rule_from_options, rule_of
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
    table = read_table(path, RUBRIC_COLUMNS)
    problems: list[str] = []
    criteria: list[ParsedCriterion] = []
    section: ParsedCriterion | None = None
    by_code: dict[str, ParsedCriterion] = {}
    last: ParsedCriterion | None = None
    stated_total: tuple[Decimal | None, Decimal | None, Row] | None = None

    for row in table.rows:
        if row.kind == "total":
            stated_total = (row.number("max", problems), row.number("bonus", problems), row)
            continue
        if row.kind == "continuation":
            if last is not None and row.text:
                last.text = join_continued(last.text, row.text)
            continue
        max_points = row.number("max", problems)
        max_bonus = row.number("bonus", problems) or Decimal(0)
        if row.kind == "section":
            if max_points is None:
                problems.append(f"{row.place.cell(row.columns['max'])}: {row.code} thiếu điểm chuẩn.")
            index = sum(1 for c in criteria if c.parent is None) + 1
            section = ParsedCriterion(
                key=str(index),
                code=row.code,
                text=row.text,
                max_points=max_points or Decimal(0),
                max_bonus=max_bonus,
                parent=None,
                position=len(criteria),
                row=row,
                rule=Criterion.Rule.SUM,
            )
            criteria.append(section)
            by_code = {}
            last = section
            continue
        # A criterion row.
        where = row.place.cell(row.columns["tt"])
        if section is None:
            problems.append(f"{where}: tiêu chí {row.code} đứng trước mọi dòng “Nội dung …”/“Phần …”.")
            continue
        if not CODE.match(row.code):
            problems.append(f"{where}: “{row.code}” không phải là mã tiêu chí (ví dụ 1, 1.2, 1.2.1).")
            continue
        if row.code in by_code:
            problems.append(f"{where}: mã {row.code} lặp lại trong {section.code}.")
            continue
        parent_code = row.code.rpartition(".")[0]
        parent = by_code.get(parent_code) if parent_code else section
        if parent is None:
            problems.append(
                f"{where}: mã {row.code} bỏ qua một cấp — chưa có tiêu chí {parent_code} ở trên trong {section.code}."
            )
            continue
        if max_points is None:
            problems.append(f"{row.place.cell(row.columns['max'])}: tiêu chí {row.code} thiếu điểm chuẩn.")
        criterion = ParsedCriterion(
            key=f"{section.key}:{row.code}",
            code=row.code,
            text=row.text,
            max_points=max_points or Decimal(0),
            max_bonus=max_bonus,
            parent=parent,
            position=len(criteria),
            row=row,
        )
        parent.children.append(criterion)
        parent.rule = Criterion.Rule.SUM
        criteria.append(criterion)
        by_code[row.code] = criterion
        last = criterion

    if not any(c.parent is None for c in criteria) and not problems:
        problems.append(
            f"Trang tính “{table.sheet}”: không có dòng “Nội dung …” hay “Phần …” nào sau dòng tiêu đề."
        )
    for criterion in criteria:
        if not criterion.children and criterion.parent is not None:
            _apply_options(criterion)

    tree = rollup.Tree([_node(c) for c in criteria])
    for mismatch in rollup.mismatches(tree):
        criterion = next(c for c in criteria if c.key == mismatch.key)
        problems.append(
            f"{criterion.row.place.cell()}: {mismatch.label} ghi {mismatch.what} "
            f"{format_points(mismatch.stated)}, nhưng các phần cộng lại là {format_points(mismatch.computed)}."
        )
    if stated_total is not None:
        totals = rollup.rubric_totals(tree)
        points, bonus, row = stated_total
        for what, stated, computed, column in (
            ("điểm chuẩn", points, totals.points, "max"),
            ("điểm thưởng", bonus, totals.bonus, "bonus"),
        ):
            if stated is not None and stated != computed:
                problems.append(
                    f"{row.place.cell(row.columns[column])}: dòng TỔNG CỘNG ghi {what} {format_points(stated)}, "
                    f"nhưng các nội dung cộng lại là {format_points(computed)}."
                )
    if problems:
        raise WorkbookError(problems)
    title = next(
        (t for t in table.title_lines if "tiêu chí" in normalize(t) or "chấm điểm" in normalize(t)), ""
    )
    return ParsedRubric(title=title, criteria=criteria, tree=tree)


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
    options = parse_options(criterion.text)
    if options:
        criterion.rule, criterion.components, criterion.tiers = rule_from_options(criterion.text, options)


@transaction.atomic
def import_rubric(
    path: str | Path, *, bloc: Bloc, year: int, title: str = "", replace: bool = False
) -> Rubric:
    parsed = parse_rubric(path)
    rubric = Rubric.objects.filter(bloc=bloc, year=year).first()
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
