"""Reads that assemble a sheet in a fixed, small number of queries."""

from dataclasses import dataclass

from django.db.models import F, Max

from .. import rollup
from ..accounts.access import allowed
from ..evidence.matching import cites_something
from ..evidence.versions import as_submitted
from ..models import (
    Citation,
    ComponentRating,
    Membership,
    ReviewedRating,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
)
from ..rubrics.rules import rule_of
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


def is_reviewed(view: SheetView) -> bool:
    """Accepted, or a reviewer wrote a reviewed number on one of its criteria (review.standings says the
    same of the board's members); a comment alone reviews nothing."""
    return view.sheet.status == Sheet.Status.ACCEPTED or any(
        s.reviewed_points is not None or s.reviewed_bonus is not None for s in view.scores.values()
    )


def reviewed_totals(view: SheetView) -> dict[str, rollup.Total] | None:
    """Every node's totals after review (reviewed where reviewed, else own); None until the sheet is
    reviewed, so that no "Sau thẩm định" figure stands for numbers nobody reviewed."""
    if not is_reviewed(view):
        return None
    return rollup.rollup(view.rubric_tree.tree, {key: s.final for key, s in view.scores.items()})


# what the agency says about a criterion: a change of any of them after a review comment makes it stale
AGENCY_FIELDS = (
    ScoreChange.Field.POINTS,
    ScoreChange.Field.BONUS,
    ScoreChange.Field.TIER,
    ScoreChange.Field.RATINGS,
    ScoreChange.Field.EXPLANATION,
    ScoreChange.Field.PROVISIONAL,
    ScoreChange.Field.DOCUMENTS,
)


STALE_COMMENT = "Nhận xét này viết trước khi đơn vị sửa tiêu chí"


def stale_comments(views: list[SheetView]) -> dict[int, set[str]]:
    """Per sheet pk, the criterion keys whose review comment was written before the agency last changed
    that criterion (by the history's versions, which never tie): "trừ 2,5 điểm" may no longer hold.

    A change of another criterion leaves a comment standing; a comment the reviewer rewrites after the
    change is current again; a comment with no recorded time (set outside the app) is not marked. One query,
    and none when no sheet carries a comment."""
    commented = {
        v.sheet.pk: {s.criterion_id: k for k, s in v.scores.items() if s.review_comment} for v in views
    }
    stale: dict[int, set[str]] = {pk: set() for pk in commented}
    if not any(commented.values()):
        return stale
    latest = (
        ScoreChange.objects.filter(
            sheet_id__in=[pk for pk, found in commented.items() if found],
            field__in=[*AGENCY_FIELDS, ScoreChange.Field.REVIEW_COMMENT],
        )
        .order_by()
        .values_list("sheet_id", "criterion_id", "field")
        .annotate(last=Max("version"))
    )
    written: dict[tuple[int, int], int] = {}
    changed: dict[tuple[int, int], int] = {}
    for sheet_id, criterion_id, name, version in latest:
        into = written if name == ScoreChange.Field.REVIEW_COMMENT else changed
        into[sheet_id, criterion_id] = max(version, into.get((sheet_id, criterion_id), 0))
    for sheet_id, keys in commented.items():
        for criterion_id, key in keys.items():
            at = written.get((sheet_id, criterion_id))
            if at is not None and changed.get((sheet_id, criterion_id), 0) > at:
                stale[sheet_id].add(key)
    return stale


@dataclass
class RatingMaps:
    """A sheet's organisation ratings, score pk → component pk → tier pk (None: no such organisation): the
    agency's own, and the reviewer's (models.ReviewedRating)."""

    own: dict[int, dict[int, int | None]]
    reviewed: dict[int, dict[int, int | None]]


def rating_maps(view: SheetView) -> RatingMaps:
    """Two queries, none for a rubric whose criteria rate no organisation."""
    maps = RatingMaps(own={}, reviewed={})
    if not any(rule_of(c).reviewed == "ratings" for c in view.rubric_tree.criteria):
        return maps
    for model, into in ((ComponentRating, maps.own), (ReviewedRating, maps.reviewed)):
        rated = model.objects.filter(score__sheet=view.sheet).values_list(
            "score_id", "component_id", "tier_id"
        )
        for score_id, component_id, tier_id in rated:
            into.setdefault(score_id, {})[component_id] = tier_id
    return maps


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
    if with_ratings:
        rated = ComponentRating.objects.filter(score__sheet=view.sheet).values_list(
            "score_id", "component_id", "tier_id"
        )
        for score_id, component_id, tier_id in rated:
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
            if (
                score.points > 0
                and not state.cited.get(criterion.key)
                and not cites_something(score.explanation)
            ):
                without += 1
        provisional += score.provisional
    return Progress(scored=scored, total=len(leaves), without_evidence=without, provisional=provisional)


def agency_card(agency, roles: frozenset[str]) -> dict:
    """The home page's card of one of the user's agencies: the rounds of its latest year (the six-month round
    first, while any round of the year is open; else the latest round), each with its sheet
    and progress, or whether it can be started (and from the same year's six-month sheet); and the sheet
    before them for reference."""
    sheets = sorted(  # newest first: the year-end round's before the six-month round's
        Sheet.objects.filter(agency=agency).select_related("rubric__bloc").order_by("-rubric__year"),
        key=lambda s: (-s.rubric.year, -s.rubric.round_kind.order),
    )
    rubrics = sorted(  # within a year, the six-month round first
        Rubric.objects.filter(
            bloc__years__memberships__agency=agency,
            bloc__years__year=F("year"),
            status__in=[Rubric.Status.OPEN, Rubric.Status.CLOSED],
        ).select_related("bloc"),
        key=lambda r: (-r.year, r.round_kind.order),
    )
    of_year = [r for r in rubrics if r.year == rubrics[0].year] if rubrics else []
    # while a round of the year is open, every round of the year shows (a closed six-month round with its
    # ranking beside the open year-end one); once none is, the latest
    shown = of_year if any(r.status == Rubric.Status.OPEN for r in of_year) else of_year[-1:]
    if not shown and sheets:
        shown = [sheets[0].rubric]
    may_start = allowed("sheet.edit", roles)
    rounds = [_round_entry(rubric, sheets, may_start) for rubric in shown]
    current = {entry["sheet"].pk for entry in rounds if entry["sheet"]}
    older = [s for s in sheets if s.pk not in current]
    return {
        "agency": agency,
        "roles": [Membership.Role(r).label for r in sorted(roles)],
        "rounds": rounds,
        "rubric": shown[0] if shown else None,
        "previous": [(s, sheet_view(s).grand_total) for s in older[:1]],
    }


def _round_entry(rubric: Rubric, sheets: list[Sheet], may_start: bool) -> dict:
    sheet = next((s for s in sheets if s.rubric_id == rubric.pk), None)
    summary = None
    if sheet is not None:
        view = sheet_view(sheet)
        summary = {"view": view, "progress": sheet_progress(view, sheet_state(view))}
    return {
        "rubric": rubric,
        "sheet": sheet,
        "summary": summary,
        "can_start": sheet is None and may_start and rubric.status == Rubric.Status.OPEN,
        "start_from": mid_year_sheet(rubric, sheets) if sheet is None else None,
    }


def mid_year_sheet(rubric, sheets: list[Sheet]) -> Sheet | None:
    """The agency's sheet (in `sheets`, the agency's) that a new sheet of `rubric` may start from: the
    six-month one of a year-end rubric's bloc and year."""
    starts_from = rubric.round_kind.starts_from if rubric is not None else None
    if starts_from is None:
        return None
    return next(
        (
            s
            for s in sheets
            if s.rubric.round == starts_from
            and s.rubric.year == rubric.year
            and s.rubric.bloc_id == rubric.bloc_id
        ),
        None,
    )
