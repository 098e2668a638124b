"""Reads that assemble a rubric tree or a sheet in a fixed, small number of queries."""

from dataclasses import dataclass

from . import rollup
from .models import Component, Criterion, Rubric, Score, Sheet, Tier


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
            rule=c.rule,
            choice_max=_choice_max(c),
        )
        for c in ordered
    ]
    return RubricTree(rubric=rubric, criteria=ordered, tree=rollup.Tree(nodes))


def _choice_max(criterion: Criterion):
    if criterion.rule == Criterion.Rule.TIERED and criterion.tier_list:
        return max(t.points for t in criterion.tier_list)
    if criterion.rule == Criterion.Rule.COMPONENTS and criterion.component_list:
        return sum(
            (
                max((t.points for t in comp.tier_list), default=rollup.ZERO)
                for comp in criterion.component_list
            ),
            rollup.ZERO,
        )
    return None


@dataclass
class SheetView:
    """A sheet with its rubric tree, its scores by criterion key and every node's totals."""

    sheet: Sheet
    rubric_tree: RubricTree
    scores: dict[str, Score]
    totals: dict[str, rollup.Total]
    grand_total: rollup.Total


def sheet_entries(scores: dict[str, Score]) -> dict[str, rollup.Entry]:
    return {key: rollup.Entry(points=s.points, bonus=s.bonus) for key, s in scores.items()}


def sheet_view(sheet: Sheet, rubric_tree_: RubricTree | None = None) -> SheetView:
    rtree = rubric_tree_ or rubric_tree(sheet.rubric)
    scores = {s.criterion.key: s for s in Score.objects.filter(sheet=sheet).select_related("criterion")}
    totals = rollup.rollup(rtree.tree, sheet_entries(scores))
    return SheetView(
        sheet=sheet,
        rubric_tree=rtree,
        scores=scores,
        totals=totals,
        grand_total=rollup.grand_total(rtree.tree, totals),
    )


@dataclass
class SheetState:
    """What the form needs beyond the scores: component ratings and citations, by score pk."""

    ratings: dict[int, dict[int, int | None]]
    citations: dict[int, set[int]]
    cited: dict[str, list]  # criterion key → cited Document objects


def sheet_state(view: SheetView) -> SheetState:
    """Two queries: every rating and every citation of the sheet."""
    from .models import Citation, ComponentRating

    ratings: dict[int, dict[int, int | None]] = {}
    for score_id, component_id, tier_id in ComponentRating.objects.filter(
        score__sheet=view.sheet
    ).values_list("score_id", "component_id", "tier_id"):
        ratings.setdefault(score_id, {})[component_id] = tier_id
    citations: dict[int, set[int]] = {}
    cited: dict[str, list] = {}
    key_of = {s.pk: key for key, s in view.scores.items()}
    for citation in Citation.objects.filter(score__sheet=view.sheet).select_related("document"):
        citations.setdefault(citation.score_id, set()).add(citation.document_id)
        cited.setdefault(key_of[citation.score_id], []).append(citation.document)
    return SheetState(ratings=ratings, citations=citations, cited=cited)


@dataclass
class Progress:
    scored: int
    total: int
    without_evidence: int
    provisional: int


def sheet_progress(view: SheetView, state: SheetState) -> Progress:
    leaves = [c for c in view.rubric_tree.criteria if not view.rubric_tree.tree.children[c.key]]
    scored = without = provisional = 0
    for criterion in leaves:
        score = view.scores.get(criterion.key)
        if score is None:
            continue
        if score.points is not None:
            scored += 1
            if score.points > 0 and not state.cited.get(criterion.key):
                without += 1
        provisional += score.provisional
    return Progress(scored=scored, total=len(leaves), without_evidence=without, provisional=provisional)
