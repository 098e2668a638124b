"""A rubric's tree, read in three queries whatever its size."""

from dataclasses import dataclass
from decimal import Decimal

from .. import rollup
from ..models import Component, Criterion, Rubric, Tier
from .rules import rule_of


@dataclass
class RubricTree:
    """A rubric's criteria in document order, each with `depth`, `label`, `tier_list`, `component_list`."""

    rubric: Rubric
    criteria: list[Criterion]
    tree: rollup.Tree

    def by_key(self) -> dict[str, Criterion]:
        return {c.key: c for c in self.criteria}


def criterion_label(criterion: Criterion, section: Criterion | None) -> str:
    if section is None or section.pk == criterion.pk:
        return criterion.code
    return f"{section.code}, tiêu chí {criterion.code}"


def rubric_tree(rubric: Rubric) -> RubricTree:
    """Three queries, whatever the rubric's size."""
    rows = list(Criterion.objects.filter(rubric=rubric).order_by("position", "pk"))
    tiers: dict[int, list[Tier]] = {}
    for tier in Tier.objects.filter(criterion__rubric=rubric).order_by("position"):
        tiers.setdefault(tier.criterion_id, []).append(tier)
    components: dict[int, list[Component]] = {}
    for component in Component.objects.filter(criterion__rubric=rubric).order_by("position"):
        components.setdefault(component.criterion_id, []).append(component)

    children: dict[int | None, list[Criterion]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    ordered: list[Criterion] = []

    def visit(criterion: Criterion, depth: int, section: Criterion | None) -> None:
        section = section or criterion
        criterion.depth = depth
        criterion.section = section
        criterion.label = criterion_label(criterion, section)
        criterion.tier_list = [t for t in tiers.get(criterion.pk, []) if t.component_id is None]
        criterion.component_list = components.get(criterion.pk, [])
        for component in criterion.component_list:
            component.tier_list = [t for t in tiers.get(criterion.pk, []) if t.component_id == component.pk]
        ordered.append(criterion)
        for child in children.get(criterion.pk, []):
            visit(child, depth + 1, section)

    for root in children.get(None, []):
        visit(root, 0, None)

    by_pk = {c.pk: c for c in ordered}
    nodes = [
        rollup.Node(
            key=c.key,
            parent=by_pk[c.parent_id].key if c.parent_id else None,
            label=c.label,
            max_points=c.max_points,
            max_bonus=c.max_bonus,
            **rule_of(c).node_choice(*choice_parts(c)),
        )
        for c in ordered
    ]
    return RubricTree(rubric=rubric, criteria=ordered, tree=rollup.Tree(nodes))


def choice_parts(criterion: Criterion) -> tuple[list[tuple[int | None, Decimal]], list[int]]:
    """The criterion's tiers as (component pk, or None for its own tiers; points), and its components' pks:
    pks, because two organisations of one criterion may carry the same name."""
    tiers = [(None, t.points) for t in criterion.tier_list]
    tiers += [(comp.pk, t.points) for comp in criterion.component_list for t in comp.tier_list]
    return tiers, [comp.pk for comp in criterion.component_list]
