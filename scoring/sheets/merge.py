"""Merging a save field by field: what the user posted, the values their page started from (its `base`) and
what is stored now. A field the user did not touch keeps what is stored; a field nobody else changed takes
what the user typed; a field both changed is a conflict, reported and not written. Cited documents merge as
sets and never conflict; ratings merge organisation by organisation.

The reviewer's save merges the same way (review/services.py), with `decide` and `Conflict`.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from ..models import Criterion, ScoreChange, Tier
from ..rubrics.rules import rule_of
from .changes import Current


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return self.name


# a base value that did not clean (a deleted tier, a tampered page): the field counts as touched
UNKNOWN = _Marker("UNKNOWN")
# an organisation nobody rated yet, in a merge of ratings
ABSENT = _Marker("ABSENT")

KEEP, MINE, CONFLICT = "keep", "mine", "conflict"
# what a criterion says besides its number; its number is the attribute its rule names (`Rule.entered`)
SCALARS = ("bonus", "explanation", "provisional")


@dataclass
class ScoreInput:
    """What an agency says about one criterion (or, as a base, what its page showed: any field may be
    UNKNOWN, and ratings may hold UNKNOWN for an organisation)."""

    points: Decimal | None = None
    bonus: Decimal | None = None
    explanation: str = ""
    provisional: bool = False
    tier: Tier | None = None
    # component pk → chosen tier, None where the agency has no such organisation
    ratings: dict[int, Tier | None] = field(default_factory=dict)
    # cited documents' pks; None leaves the citations as they are
    documents: list[int] | None = None
    # citations pasted as text: found in the register or entered into it, then cited
    new_citations: list = field(default_factory=list)


@dataclass
class Conflict:
    """One field that the user and somebody else both changed since the user's page: not written."""

    criterion: Criterion
    field: str  # as ScoreChange.field: points, tier, ratings, bonus, explanation, provisional, reviewed_…
    component: int | None  # the organisation, for ratings
    mine: object  # what the user posted
    theirs: object  # what is stored, and stays
    by: object = None  # who stored it (the latest ScoreChange of the field), None if unknown
    at: datetime | None = None


@dataclass
class SaveResult:
    version: int  # the sheet's version after the save
    conflicts: list[Conflict] = field(default_factory=list)
    documents: list = field(default_factory=list)  # register entries the pasted citations resolved to
    base_version: int | None = None  # the version of the user's page
    found_version: int | None = None  # the version the save found, before it wrote

    @property
    def seen_latest(self) -> bool:
        """Nobody saved between the user's page and this save."""
        return self.found_version == self.base_version


def _same(a, b) -> bool:
    if isinstance(a, Tier) or isinstance(b, Tier):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return a == b


def decide(stored, base, mine) -> str:
    """KEEP what is stored, write MINE, or CONFLICT: 3-way, with an UNKNOWN base counting as touched."""
    if _same(mine, stored):
        return KEEP
    if base is not UNKNOWN:
        if _same(mine, base):
            return KEEP
        if _same(stored, base):
            return MINE
    return CONFLICT


def stored_input(current: Current, criterion: Criterion) -> ScoreInput:
    score = current.scores.get(criterion.pk)
    if score is None:
        return ScoreInput(documents=[])
    return ScoreInput(
        points=score.points,
        bonus=score.bonus,
        explanation=score.explanation,
        provisional=score.provisional,
        tier=score.tier,
        ratings=dict(current.ratings.get(score.pk, {})),
        documents=sorted(current.cited.get(score.pk, ())),
    )


def merge_sheet(
    current: Current, values: dict[str, ScoreInput], bases: dict[str, ScoreInput]
) -> tuple[dict[str, ScoreInput], list[Conflict]]:
    """The values to save, criterion by criterion, and the conflicts left out of them."""
    merged, conflicts = {}, []
    for key, mine in values.items():
        criterion = current.criteria[key]
        base = bases.get(key) or ScoreInput(documents=[])
        merged[key] = merge_score(criterion, stored_input(current, criterion), base, mine, conflicts)
    return merged, conflicts


def merge_score(
    criterion: Criterion, stored: ScoreInput, base: ScoreInput, mine: ScoreInput, conflicts: list
) -> ScoreInput:
    """What to save of one criterion; its conflicts are appended to `conflicts`."""
    merged = replace(mine, ratings=dict(mine.ratings))
    entered = rule_of(criterion).entered
    for name in (*SCALARS, entered) if entered != "ratings" else SCALARS:
        outcome = decide(getattr(stored, name), getattr(base, name), getattr(mine, name))
        if outcome != MINE:
            setattr(merged, name, getattr(stored, name))
        if outcome == CONFLICT:
            conflicts.append(Conflict(criterion, name, None, getattr(mine, name), getattr(stored, name)))
    if entered == "ratings":
        merged.ratings = _merge_ratings(criterion, stored.ratings, base.ratings, mine.ratings, conflicts)
    if mine.documents is not None:
        merged.documents = merge_documents(stored.documents or [], base.documents, mine.documents)
    return merged


def _merge_ratings(criterion, stored: dict, base: dict, mine: dict, conflicts: list) -> dict:
    return merge_ratings(criterion, stored, base, mine, conflicts)


def merge_ratings(
    criterion, stored: dict, base: dict, mine: dict, conflicts: list, *, shown=None, name="ratings"
) -> dict:
    """Ratings merged organisation by organisation. `shown` is what the page shows where it is not what is
    stored (a reviewer's page shows the agency's rating of an organisation the reviewer has not rated)."""
    shown = stored if shown is None else shown
    result = {}
    for pk in sorted({*shown, *stored, *base, *mine}):
        s, b, m = (ratings.get(pk, ABSENT) for ratings in (shown, base, mine))
        outcome = decide(s, b, m)
        value = m if outcome == MINE else stored.get(pk, ABSENT)
        if outcome == CONFLICT:
            conflicts.append(Conflict(criterion, name, pk, m, s))
        if value is not ABSENT:
            result[pk] = value
    return result


def merge_documents(stored, base, mine) -> list[int]:
    """What the user cited or un-cited since their page, applied to what is cited now; an unknown base
    leaves the user's list as it stands."""
    if base is UNKNOWN:
        return sorted(set(mine))
    base = set(base or ())
    mine = set(mine)
    return sorted((set(stored) | (mine - base)) - (base - mine))


def attribute(sheet, conflicts: list[Conflict], upto: int | None = None) -> None:
    """Who stored each conflicting value, and when: the latest recorded change of that field (one query)
    up to version `upto`, the one the save found (not the save's own change of another organisation's
    rating, recorded under the same field)."""
    if not conflicts:
        return
    latest: dict[tuple[int, str], ScoreChange] = {}
    found = ScoreChange.objects.filter(
        sheet=sheet,
        criterion_id__in={c.criterion.pk for c in conflicts},
        field__in={c.field for c in conflicts},
    )
    if upto is not None:
        found = found.filter(version__lte=upto)
    for change in found.select_related("by").order_by("version", "pk"):
        latest[change.criterion_id, change.field] = change
    for conflict in conflicts:
        change = latest.get((conflict.criterion.pk, conflict.field))
        if change is not None:
            conflict.by, conflict.at = change.by, change.at
