"""The bloc leader's review: reviewed numbers and comments, returning, accepting, closing the round."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..models import (
    Component,
    ComponentRating,
    Criterion,
    ReviewedRating,
    RoundEvent,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
)
from ..rubrics.rules import rule_of
from ..rubrics.services import ensure_open
from ..rubrics.tree import rubric_tree
from ..sheets import merge
from ..sheets.changes import ratings_text, shown
from ..sheets.merge import CONFLICT, MINE, Conflict, SaveResult, decide
from ..sheets.services import (
    SheetLocked,
    advance_version,
    bump_version,
    lock_sheet,
    raise_stale,
    record_changes,
    record_transition,
)

SUBMITTED = [Sheet.Status.SUBMITTED]


@dataclass
class ReviewInput:
    """The reviewer's numbers and comment on one criterion (as a base, any of them may be UNKNOWN). Where
    the criterion's rule rates organisations (`Rule.reviewed == "ratings"`), `ratings` (component pk →
    Tier, None for “không có tổ chức này”) are what the reviewer rated, and the points follow from them."""

    points: Decimal | None = None
    bonus: Decimal | None = None
    comment: str = ""
    ratings: dict = field(default_factory=dict)


@dataclass
class Ratings:
    """A sheet's stored ratings as Tier objects, score pk → component pk → Tier or None."""

    own: dict[int, dict]
    reviewed: dict[int, dict]

    def of(self, score: Score) -> tuple[dict, dict]:
        return (self.own.get(score.pk, {}), self.reviewed.get(score.pk, {})) if score.pk else ({}, {})


# ReviewInput attribute → the Score field it is stored in
STORED = {"points": "reviewed_points", "bonus": "reviewed_bonus", "comment": "review_comment"}
RATED = ScoreChange.Field.REVIEWED_RATINGS  # the history's name of the reviewer's ratings


@transaction.atomic
def review_save(
    *,
    sheet: Sheet,
    base_version: int,
    values: dict[str, ReviewInput],
    bases: dict[str, ReviewInput] | None = None,
    by,
) -> SaveResult:
    """The reviewer's numbers and comments, recorded change by change like the agency's own.

    With `bases` (what the reviewer's page showed) the save merges field by field under a lock of the
    sheet, as the agency's does (sheets/merge.py); without, it goes through only if nobody saved since
    `base_version`.
    """
    ensure_open(sheet.rubric)
    if bases is None:
        if not Sheet.objects.filter(pk=sheet.pk, version=base_version).exists():
            raise_stale(sheet, base_version, SUBMITTED)
        version, conflicts = base_version, []
    else:
        version = lock_sheet(sheet, SUBMITTED)
    criteria = {c.key: c for c in Criterion.objects.filter(rubric_id=sheet.rubric_id, key__in=values)}
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    ratings = stored_ratings(sheet, criteria.values())
    if bases is not None:
        values, conflicts = _merge(criteria, scores, ratings, values, bases)
    changes, to_create, to_update, rated = _plan(sheet, criteria, scores, ratings, values)
    if changes:
        if bases is None:
            if not advance_version(sheet, base_version, SUBMITTED):
                raise_stale(sheet, base_version, SUBMITTED)
            sheet.version = base_version + 1
        else:
            bump_version(sheet, version, timezone.now())
        Score.objects.bulk_create(to_create)
        Score.objects.bulk_update(to_update, list(STORED.values()))
        _write_ratings(rated)
        record_changes(sheet=sheet, version=sheet.version, changes=changes, by=by)
    else:
        sheet.version = version
    merge.attribute(sheet, conflicts, upto=version)
    return SaveResult(
        version=sheet.version, conflicts=conflicts, base_version=base_version, found_version=version
    )


def stored_ratings(sheet: Sheet, criteria) -> Ratings:
    """The agency's and the reviewer's ratings of the sheet: two queries, none if no criterion rates."""
    found = Ratings(own={}, reviewed={})
    if any(rule_of(c).reviewed == "ratings" for c in criteria):
        for model, into in ((ComponentRating, found.own), (ReviewedRating, found.reviewed)):
            for rating in model.objects.filter(score__sheet=sheet).select_related("tier"):
                into.setdefault(rating.score_id, {})[rating.component_id] = rating.tier
    return found


def _merge(criteria, scores, ratings: Ratings, values, bases):
    """The values to write: the reviewer's where nobody else changed the box since their page, what is
    stored elsewhere. A box shows the reviewed number, or the agency's own where there is none; so does a
    rating, organisation by organisation (sheets/merge.py)."""
    merged, conflicts = {}, []
    for key, mine in values.items():
        criterion = criteria[key]
        score = scores.get(criterion.pk) or Score(criterion=criterion)
        base = bases.get(key) or ReviewInput()
        on_page = {"points": score.final.points, "bonus": score.final.bonus, "comment": score.review_comment}
        by_ratings = rule_of(criterion).reviewed == "ratings"
        result = ReviewInput(points=score.reviewed_points)  # rated criteria: the points follow the ratings
        for name, stored_as in STORED.items():
            if by_ratings and name == "points":
                continue
            outcome = decide(on_page[name], getattr(base, name), getattr(mine, name))
            setattr(result, name, getattr(mine, name) if outcome == MINE else getattr(score, stored_as))
            if outcome == CONFLICT:
                conflicts.append(Conflict(criterion, stored_as, None, getattr(mine, name), on_page[name]))
        if by_ratings:
            own, reviewed = ratings.of(score)
            result.ratings = merge.merge_ratings(
                criterion, reviewed, base.ratings, mine.ratings, conflicts, shown=own | reviewed, name=RATED
            )
        merged[key] = result
    return merged, conflicts


def _plan(sheet, criteria, scores, ratings: Ratings, values):
    """(changes, scores to create, scores to update, {criterion key: (score, reviewed ratings to store)})."""
    changes: list[tuple[Criterion, str, str, str]] = []
    to_create: list[Score] = []
    to_update: list[Score] = []
    rated: dict[str, tuple[Score, dict]] = {}
    names = None
    for key, value in values.items():
        criterion = criteria[key]
        score = scores.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        changed = False
        rule = rule_of(criterion)
        if rule.reviewed == "ratings":
            own, old = ratings.of(score)
            if _chosen(old) != _chosen(value.ratings):
                names = names or dict(
                    Component.objects.filter(criterion__rubric_id=sheet.rubric_id).values_list("pk", "name")
                )
                changes.append(
                    (criterion, RATED, ratings_text(old, names), ratings_text(value.ratings, names))
                )
                rated[key] = (score, value.ratings)
                changed = True
                value.points = rule.reviewed_points(criterion, own, value.ratings)
            elif value.ratings:
                value.points = rule.reviewed_points(criterion, own, value.ratings)
        for name, stored_as in STORED.items():
            old, new = getattr(score, stored_as), getattr(value, name)
            if old != new:
                changes.append((criterion, stored_as, shown(old), shown(new)))
                setattr(score, stored_as, new)
                changed = True
        if changed:
            (to_update if score.pk else to_create).append(score)
    return changes, to_create, to_update, rated


def _chosen(ratings: dict) -> dict:
    return {pk: tier.pk if tier else None for pk, tier in ratings.items()}


def _write_ratings(rated: dict) -> None:
    """Replace the reviewed ratings of the criteria whose ratings the save changes (scores saved first)."""
    if not rated:
        return
    ReviewedRating.objects.filter(score__in=[score for score, _ in rated.values()]).delete()
    ReviewedRating.objects.bulk_create(
        ReviewedRating(score=score, component_id=pk, tier=tier)
        for score, chosen in rated.values()
        for pk, tier in chosen.items()
    )


@transaction.atomic
def sheet_return(*, sheet: Sheet, base_version: int, reason: str, by) -> Sheet:
    """Back to the agency, with the reason; its comments per criterion say what to fix."""
    ensure_open(sheet.rubric)
    if not advance_version(sheet, base_version, SUBMITTED, status=Sheet.Status.RETURNED):
        _raise_stale_or_state(sheet, base_version)
    record_transition(
        sheet=sheet, by=by, from_status=Sheet.Status.SUBMITTED, to_status=Sheet.Status.RETURNED, reason=reason
    )
    sheet.refresh_from_db()
    notifications.sheet_returned(sheet, reason)
    return sheet


@transaction.atomic
def sheet_accept(*, sheet: Sheet, base_version: int, by) -> Sheet:
    """Accept the sheet: where the reviewer wrote nothing, the agency's own number is the reviewed one."""
    ensure_open(sheet.rubric)
    scores = _reviewable(sheet)
    ratings = stored_ratings(sheet, [s.criterion for s in scores.values()])
    values = {}
    for key, score in scores.items():
        values[key] = ReviewInput(
            points=score.final.points, bonus=score.final.bonus, comment=score.review_comment
        )
        if rule_of(score.criterion).reviewed == "ratings":
            own, reviewed = ratings.of(score)
            values[key].ratings = own | reviewed
    version = review_save(sheet=sheet, base_version=base_version, values=values, by=by).version
    if not advance_version(sheet, version, SUBMITTED, status=Sheet.Status.ACCEPTED):
        _raise_stale_or_state(sheet, version)
    record_transition(sheet=sheet, by=by, from_status=Sheet.Status.SUBMITTED, to_status=Sheet.Status.ACCEPTED)
    sheet.refresh_from_db()
    notifications.sheet_accepted(sheet)
    return sheet


def _reviewable(sheet: Sheet) -> dict[str, Score]:
    """Scores that carry the agency's numbers: leaves and the criteria that own a bonus."""
    tree = rubric_tree(sheet.rubric).tree
    scores = {s.criterion.key: s for s in Score.objects.filter(sheet=sheet).select_related("criterion")}
    return {
        key: score for key, score in scores.items() if tree.is_leaf(key) or tree.own_bonus_max(tree.node(key))
    }


def _raise_stale_or_state(sheet: Sheet, base_version: int):
    sheet.refresh_from_db()
    if sheet.version != base_version:
        raise_stale(sheet, base_version, SUBMITTED)
    raise SheetLocked(sheet.get_status_display())


@transaction.atomic
def round_close(*, rubric: Rubric, by, reason: str = "") -> Rubric:
    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.CLOSED)
    RoundEvent.objects.create(rubric=rubric, action=RoundEvent.Action.CLOSE, by=by, reason=reason)
    rubric.refresh_from_db()
    return rubric


@transaction.atomic
def round_reopen(*, rubric: Rubric, by, reason: str) -> Rubric:
    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.OPEN)
    RoundEvent.objects.create(rubric=rubric, action=RoundEvent.Action.REOPEN, by=by, reason=reason)
    rubric.refresh_from_db()
    return rubric
