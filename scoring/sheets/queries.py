"""Reads that assemble a sheet in a fixed, small number of queries."""

from dataclasses import dataclass

from django.db.models import F

from .. import rollup
from ..accounts.access import allowed
from ..evidence.versions import as_submitted
from ..models import Citation, ComponentRating, Membership, Rubric, Score, Sheet
from ..rubrics.tree import RubricTree, rubric_tree


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
    return _view(sheet, rtree, Score.objects.filter(sheet=sheet))


def sheet_views(sheets: list[Sheet], rtree: RubricTree) -> dict[int, SheetView]:
    """The views of many sheets of one rubric, by sheet pk: one query for all their scores."""
    scores: dict[int, list[Score]] = {sheet.pk: [] for sheet in sheets}
    for score in Score.objects.filter(sheet_id__in=list(scores)):
        scores[score.sheet_id].append(score)
    return {sheet.pk: _view(sheet, rtree, scores[sheet.pk]) for sheet in sheets}


def _view(sheet: Sheet, rtree: RubricTree, rows) -> SheetView:
    criteria = {c.pk: c for c in rtree.criteria}
    scores = {}
    for score in rows:
        score.criterion = criteria[score.criterion_id]  # the tree's own criteria: no join, no second copy
        scores[score.criterion.key] = score
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


def sheet_state(view: SheetView, *, documents: bool = True, with_ratings: bool = True) -> SheetState:
    """Two queries (three for a sheet locked for its agency: the versions it was submitted with): every
    rating and every citation of the sheet; without `documents`, the citations' pks
    only (what the scoring form needs) and `cited` left empty; without `with_ratings` (the documents show the
    criterion's points, not each organisation's rating), no ratings and one query less."""
    ratings: dict[int, dict[int, int | None]] = {}
    rated = ComponentRating.objects.filter(score__sheet=view.sheet).values_list(
        "score_id", "component_id", "tier_id"
    )
    for score_id, component_id, tier_id in rated if with_ratings else []:
        ratings.setdefault(score_id, {})[component_id] = tier_id
    citations: dict[int, set[int]] = {}
    cited: dict[str, list] = {}
    if not documents:
        for score_id, document_id in Citation.objects.filter(score__sheet=view.sheet).values_list(
            "score_id", "document_id"
        ):
            citations.setdefault(score_id, set()).add(document_id)
        return SheetState(ratings=ratings, citations=citations, cited=cited)
    key_of = {s.pk: key for key, s in view.scores.items()}
    for citation in Citation.objects.filter(score__sheet=view.sheet).select_related("document"):
        citations.setdefault(citation.score_id, set()).add(citation.document_id)
        cited.setdefault(key_of[citation.score_id], []).append(citation.document)
    # a sheet locked for its agency shows the versions it was submitted with, not today's register
    return SheetState(ratings=ratings, citations=citations, cited=as_submitted(view.sheet, cited))


@dataclass
class Progress:
    scored: int
    total: int
    without_evidence: int
    provisional: int


def sheet_progress(view: SheetView, state: SheetState) -> Progress:
    leaves = [c for c in view.rubric_tree.criteria if view.rubric_tree.tree.is_leaf(c.key)]
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


def agency_card(agency, roles: frozenset[str]) -> dict:
    """The home page's card of one of the user's agencies: its current sheet with its progress, whether a
    newly opened rubric's sheet can be started, and last year's sheet for reference."""
    sheets = list(
        Sheet.objects.filter(agency=agency).select_related("rubric__bloc").order_by("-rubric__year")
    )
    rubric = (
        Rubric.objects.filter(
            bloc__years__memberships__agency=agency,
            bloc__years__year=F("year"),
            status__in=[Rubric.Status.OPEN, Rubric.Status.CLOSED],
        )
        .select_related("bloc")
        .order_by("-year")
        .first()
    )
    current = next((s for s in sheets if rubric and s.rubric_id == rubric.pk), None)
    if rubric is None and sheets:
        current, rubric = sheets[0], sheets[0].rubric
    summary = None
    if current is not None:
        view = sheet_view(current)
        summary = {"view": view, "progress": sheet_progress(view, sheet_state(view))}
    older = [s for s in sheets if s is not current]
    return {
        "agency": agency,
        "roles": [Membership.Role(r).label for r in sorted(roles)],
        "rubric": rubric,
        "sheet": current,
        "summary": summary,
        "previous": [(s, sheet_view(s).grand_total) for s in older[:1]],
        "can_start": current is None and rubric is not None and allowed("sheet.edit", roles),
    }
