"""The rubric editor's writes: add, move, indent, outdent, edit and delete criteria of a rubric's tree.

Keys, codes, positions and parents are derived from the tree's shape after every change, never typed:
the sections are "Nội dung 1, 2 …" (keys "1", "2" …), their criteria "1, 2 …", then "1.1, 1.2 …", each keyed
"<section>:<code>" because numbering restarts in every section. A criterion with children is a sum.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import AwardRule, Component, Criterion, Rubric, Tier
from .rules import rule_of


class EditRefused(Exception):
    """The change cannot be made; the message is Vietnamese and shown as is."""


@dataclass
class ComponentValues:
    name: str
    may_be_missing: bool = False
    tiers: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class CriterionValues:
    """What the editor's form says about a criterion; tiers and components come with it, in one go."""

    text: str
    max_points: Decimal
    max_bonus: Decimal = Decimal(0)
    rule: str = Criterion.Rule.MANUAL
    tiers: list[tuple[str, Decimal]] = field(default_factory=list)
    components: list[ComponentValues] = field(default_factory=list)


# ---------------------------------------------------------------- what may change


def frozen_reason(rubric: Rubric) -> str:
    """Why nothing of the rubric changes any more: the round is closed, or an agency has submitted."""
    if rubric.status == Rubric.Status.CLOSED:
        return f"{rubric.closed_phrase}: không sửa được bảng tiêu chí."
    if rubric.is_locked:
        return "Bảng tiêu chí đã có đơn vị nộp bảng chấm điểm: không sửa được tiêu chí."
    return ""


def started_reason(rubric: Rubric) -> str:
    """Why only the words change: agencies score against the rubric (their drafts)."""
    if rubric.sheets.exists():
        return (
            "Đã có đơn vị chấm điểm theo bảng tiêu chí này: chỉ sửa được nội dung chữ của tiêu chí và tên "
            "các mức; không thêm, xóa, chuyển tiêu chí hay đổi điểm, cách tính."
        )
    return ""


def guard(rubric: Rubric, *, shape: bool) -> None:
    """The locking rules (`shape`: the change touches anything but the words)."""
    reason = frozen_reason(rubric) or (started_reason(rubric) if shape else "")
    if reason:
        raise EditRefused(reason)


def shape_of(criterion: Criterion) -> tuple:
    """Everything of a criterion a score depends on (its words aside)."""
    tiers = [t.points for t in criterion.tier_list]
    components = [(c.may_be_missing, [t.points for t in c.tier_list]) for c in criterion.component_list]
    return criterion.max_points, criterion.max_bonus, criterion.rule, tiers, components


def values_shape(values: CriterionValues) -> tuple:
    tiers = [points for _, points in values.tiers]
    components = [(c.may_be_missing, [p for _, p in c.tiers]) for c in values.components]
    return values.max_points, values.max_bonus, values.rule, tiers, components


# ---------------------------------------------------------------- the tree in memory


class Shape:
    """All criteria of a rubric (one query), their order by parent; `save` derives and writes keys."""

    def __init__(self, rubric: Rubric):
        # One change of a rubric's shape at a time (PostgreSQL; SQLite's writers queue anyway).
        list(Rubric.objects.select_for_update().filter(pk=rubric.pk).values_list("pk"))
        self.rubric = rubric
        self.by_pk = {c.pk: c for c in Criterion.objects.filter(rubric=rubric).order_by("position", "pk")}
        self.parent_was = {pk: c.parent_id for pk, c in self.by_pk.items()}
        self.children: dict[int | None, list[Criterion]] = defaultdict(list)
        for criterion in self.by_pk.values():
            self.children[criterion.parent_id].append(criterion)

    def get(self, pk: int) -> Criterion:
        if pk not in self.by_pk:
            raise EditRefused("Không có tiêu chí này trong bảng tiêu chí (có thể vừa bị xóa).")
        return self.by_pk[pk]

    def siblings(self, criterion: Criterion) -> list[Criterion]:
        return self.children[criterion.parent_id]

    def place(self, criterion: Criterion, parent_id: int | None, index: int) -> None:
        self.siblings(criterion).remove(criterion)
        criterion.parent_id = parent_id
        self.children[parent_id].insert(index, criterion)

    def save(self) -> None:
        """Derive positions, codes and keys from the shape; parents become sums. Changed rows only."""
        changed: list[Criterion] = []
        parents: list[int] = []

        def visit(criterion: Criterion, index: int, parent: Criterion | None, section: Criterion | None):
            if parent is None:
                code, key = f"Nội dung {index}", str(index)
            else:
                code = str(index) if parent.parent_id is None else f"{parent.code}.{index}"
                key = f"{(section or criterion).key}:{code}"
            kids = self.children[criterion.pk]
            rule = Criterion.Rule.SUM if kids else criterion.rule
            new = (index, code, key, rule)
            moved = self.parent_was.get(criterion.pk, "new") != criterion.parent_id
            if moved or new != (criterion.position, criterion.code, criterion.key, criterion.rule):
                criterion.position, criterion.code, criterion.key, criterion.rule = new
                changed.append(criterion)
            if kids:
                parents.append(criterion.pk)
            for i, kid in enumerate(kids, start=1):
                visit(kid, i, criterion, section or criterion)

        for i, root in enumerate(self.children[None], start=1):
            visit(root, i, None, None)
        if changed:
            # Keys are unique per rubric: park the changed ones first, or two that swap would collide.
            finals = [c.key for c in changed]
            for c in changed:
                c.key = f"~{c.pk}"
            Criterion.objects.bulk_update(changed, ["key"])
            for c, key in zip(changed, finals, strict=True):
                c.key = key
            Criterion.objects.bulk_update(changed, ["parent", "position", "code", "key", "rule"])
        # A sum's points come from its children: tiers and organisations no longer apply.
        Tier.objects.filter(criterion_id__in=parents).delete()
        Component.objects.filter(criterion_id__in=parents).delete()


# ---------------------------------------------------------------- the operations


def _write_parts(criterion: Criterion, values: CriterionValues) -> None:
    """The criterion's tiers and organisations, replaced by the form's; each tier checked by Tier.clean."""
    criterion.tiers.all().delete()
    criterion.components.all().delete()
    tiers = rule_of(values).new_parts(criterion, values)
    errors = []
    for tier in tiers:
        try:
            tier.clean()
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise EditRefused(" ".join(errors))
    Tier.objects.bulk_create(tiers)


@transaction.atomic
def criterion_add(
    *, rubric: Rubric, values: CriterionValues, parent_pk: int | None = None, after_pk: int | None = None
) -> Criterion:
    """A new criterion: the last child of `parent_pk`, or right after `after_pk`, or a new last section."""
    guard(rubric, shape=True)
    shape = Shape(rubric)
    if after_pk is not None:
        after = shape.get(after_pk)
        parent_id, index = after.parent_id, shape.siblings(after).index(after) + 1
    else:
        parent_id = shape.get(parent_pk).pk if parent_pk is not None else None
        index = len(shape.children[parent_id])
    criterion = Criterion.objects.create(
        rubric=rubric,
        parent_id=parent_id,
        position=0,
        key=f"~new-{len(shape.by_pk)}",
        code="",
        text=values.text,
        max_points=values.max_points,
        max_bonus=values.max_bonus,
        rule=values.rule,
    )
    shape.by_pk[criterion.pk] = criterion
    shape.children[parent_id].insert(index, criterion)
    shape.save()
    _write_parts(criterion, values)
    return criterion


@transaction.atomic
def criterion_edit(*, criterion: Criterion, values: CriterionValues) -> Criterion:
    """New words, points, rule, tiers and organisations. `criterion` is as rubric_tree reads it (with tier_list
    and component_list): once sheets are started, only the words may differ from it."""
    current = criterion
    rubric = criterion.rubric
    has_children = criterion.children.exists()
    if has_children:
        values.rule, values.tiers, values.components = Criterion.Rule.SUM, [], []
    reshaped = values_shape(values) != shape_of(current)
    guard(rubric, shape=reshaped)
    criterion.text, criterion.max_points, criterion.max_bonus, criterion.rule = (
        values.text,
        values.max_points,
        values.max_bonus,
        values.rule,
    )
    criterion.save(update_fields=["text", "max_points", "max_bonus", "rule"])
    if reshaped:
        _write_parts(criterion, values)
    else:
        _rename_parts(current, values)
    return criterion


def _rename_parts(current: Criterion, values: CriterionValues) -> None:
    """Same points, new words: the tiers and organisations keep their rows (scores point at them)."""
    renamed: list[Tier] = []
    for tier, (label, _) in zip(current.tier_list, values.tiers, strict=True):
        tier.label = label
        renamed.append(tier)
    for component, item in zip(current.component_list, values.components, strict=True):
        if component.name != item.name:
            Component.objects.filter(pk=component.pk).update(name=item.name)
        for tier, (label, _) in zip(component.tier_list, item.tiers, strict=True):
            tier.label = label
            renamed.append(tier)
    Tier.objects.bulk_update(renamed, ["label"])


@transaction.atomic
def criterion_move(*, rubric: Rubric, pk: int, step: int) -> None:
    """One place up (step -1) or down (+1) among its siblings."""
    guard(rubric, shape=True)
    shape = Shape(rubric)
    criterion = shape.get(pk)
    siblings = shape.siblings(criterion)
    index = siblings.index(criterion) + step
    if not 0 <= index < len(siblings):
        raise EditRefused(f"Tiêu chí {criterion.code} đã ở {'đầu' if step < 0 else 'cuối'} nhóm của nó.")
    shape.place(criterion, criterion.parent_id, index)
    shape.save()


@transaction.atomic
def criterion_indent(*, rubric: Rubric, pk: int) -> None:
    """Becomes the last child of the criterion above it (which becomes a sum)."""
    guard(rubric, shape=True)
    shape = Shape(rubric)
    criterion = shape.get(pk)
    siblings = shape.siblings(criterion)
    index = siblings.index(criterion)
    if index == 0:
        raise EditRefused(
            f"Tiêu chí {criterion.code} đứng đầu nhóm: không có tiêu chí nào ở trên để thụt vào."
        )
    above = siblings[index - 1]
    shape.place(criterion, above.pk, len(shape.children[above.pk]))
    shape.save()


@transaction.atomic
def criterion_outdent(*, rubric: Rubric, pk: int) -> None:
    """Becomes the sibling right after its parent."""
    guard(rubric, shape=True)
    shape = Shape(rubric)
    criterion = shape.get(pk)
    if criterion.parent_id is None:
        raise EditRefused(f"{criterion.code} đã ở cấp ngoài cùng.")
    parent = shape.get(criterion.parent_id)
    shape.place(criterion, parent.parent_id, shape.siblings(parent).index(parent) + 1)
    shape.save()


@transaction.atomic
def criterion_delete(*, rubric: Rubric, pk: int) -> str:
    """The criterion and everything under it; the others renumbered. Returns what was deleted, in words."""
    guard(rubric, shape=True)
    shape = Shape(rubric)
    criterion = shape.get(pk)
    what = f"{criterion.code}: {criterion.text[:60]}"
    shape.siblings(criterion).remove(criterion)
    del shape.by_pk[criterion.pk]
    criterion.delete()
    _forget_subtree(shape, pk)
    shape.save()
    return what


def _forget_subtree(shape: Shape, pk: int) -> None:
    for child in shape.children.pop(pk, []):
        shape.by_pk.pop(child.pk, None)
        _forget_subtree(shape, child.pk)


@transaction.atomic
def rubric_set_deadline(*, rubric: Rubric, deadline: datetime.date | None) -> Rubric:
    if rubric.status == Rubric.Status.CLOSED:
        raise EditRefused(f"{rubric.closed_phrase}: không đổi được hạn nộp.")
    Rubric.objects.filter(pk=rubric.pk).update(deadline=deadline)
    rubric.refresh_from_db()
    return rubric


@dataclass
class AwardValues:
    award: str
    max_count: int | None = None
    max_percent: Decimal | None = None
    min_total: Decimal | None = None


@transaction.atomic
def rubric_set_award_rules(*, rubric: Rubric, rules: list[AwardValues]) -> None:
    """What the ranking proposes, in rank order, replaced whole; they count at the ranking, not before."""
    if rubric.status == Rubric.Status.CLOSED:
        raise EditRefused(f"{rubric.closed_phrase}: không đổi được đề nghị khen thưởng.")
    if not rubric.round_kind.proposes_awards:
        raise EditRefused(rubric.round_kind.refuses_awards)
    AwardRule.objects.filter(rubric=rubric).delete()
    AwardRule.objects.bulk_create(
        AwardRule(rubric=rubric, position=i, **vars(rule)) for i, rule in enumerate(rules, start=1)
    )
