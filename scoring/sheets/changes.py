"""What a save changes on a sheet, worked out before anything is written: every field's old and new value as
the history shows them, the scores to create or update, and the ratings and citations to replace."""

from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Criterion, Score, Tier
from ..notation import format_points
from ..rubrics.rules import rule_of

SCORE_FIELDS = ("points", "bonus", "tier", "explanation", "provisional")
# changing one of these clears the criterion's review: an old review never stands for new numbers
NUMBER_FIELDS = frozenset({"points", "bonus", "tier"})
REVIEW_FIELDS = ("reviewed_points", "reviewed_bonus")


def shown(value) -> str:
    """A stored value as the history shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return format_points(value)
    return str(value)


def ratings_text(ratings: dict[int, Tier | None], names: dict[int, str]) -> str:
    return "; ".join(
        f"{names.get(pk, pk)}: {tier.label if tier else 'không có tổ chức này'}"
        for pk, tier in sorted(ratings.items())
    )


def documents_text(pks, citations: dict[int, str]) -> str:
    return "; ".join(sorted(citations.get(pk, str(pk)) for pk in pks))


@dataclass
class Current:
    """The sheet as stored: what the save compares with."""

    criteria: dict[str, Criterion]  # the criteria being saved, by key
    scores: dict[int, Score]  # by criterion pk
    ratings: dict[int, dict[int, Tier | None]]  # score pk → component pk → tier
    cited: dict[int, set[int]]  # score pk → cited document pks
    citations: dict[int, str]  # document pk → its citation, for the history
    names: dict[int, str]  # component pk → its name, for the history


@dataclass
class Plan:
    changes: list[tuple[Criterion, str, str, str]] = field(default_factory=list)  # criterion, field, old, new
    to_create: list[Score] = field(default_factory=list)
    to_update: list[Score] = field(default_factory=list)
    ratings: dict[Criterion, dict[int, Tier | None]] = field(default_factory=dict)
    citations: dict[Criterion, set[int]] = field(default_factory=dict)
    # scores whose reviewed ratings (if any) go with the rest of their review
    cleared: list[tuple[Criterion, Score]] = field(default_factory=list)

    def note(self, criterion: Criterion, name: str, old: str, new: str) -> None:
        self.changes.append((criterion, name, old, new))


def plan(current: Current, sheet, values: dict) -> Plan:
    """`values` are `ScoreInput`s by criterion key."""
    result = Plan()
    for key, value in values.items():
        _plan_criterion(result, current, sheet, current.criteria[key], value)
    return result


def _plan_criterion(result: Plan, current: Current, sheet, criterion: Criterion, value) -> None:
    score = current.scores.get(criterion.pk)
    is_new = score is None
    if is_new:
        score = Score(sheet=sheet, criterion=criterion)
    changed = _set_fields(result, criterion, score, value)
    old_ratings = {} if is_new else current.ratings.get(score.pk, {})
    _plan_ratings(result, current, criterion, old_ratings, rule_of(criterion).ratings(value))
    if changed & NUMBER_FIELDS or criterion in result.ratings:
        _clear_review(result, criterion, score)
    if value.documents is not None:
        old_documents = set() if is_new else current.cited.get(score.pk, set())
        _plan_citations(result, current, criterion, old_documents, set(value.documents))
    if is_new and (changed or criterion in result.ratings or criterion in result.citations):
        result.to_create.append(score)
    elif changed:
        result.to_update.append(score)


def _set_fields(result: Plan, criterion: Criterion, score: Score, value) -> set[str]:
    """Put the new values on the score; the names of the fields that changed."""
    fields = {
        "points": rule_of(criterion).points(criterion, value),
        "bonus": value.bonus,
        "tier": value.tier,
        "explanation": value.explanation,
        "provisional": value.provisional,
    }
    changed = set()
    for name, new in fields.items():
        old = getattr(score, name)
        if (old.pk if isinstance(old, Tier) else old) != (new.pk if isinstance(new, Tier) else new):
            result.note(criterion, name, shown(old), shown(new))
            setattr(score, name, new)
            changed.add(name)
    return changed


def _clear_review(result: Plan, criterion: Criterion, score: Score) -> None:
    """The reviewer scores this criterion again (their ratings of its organisations go too: see
    sheets.services, which reads them only then)."""
    for name in REVIEW_FIELDS:
        if getattr(score, name) is not None:
            result.note(criterion, name, shown(getattr(score, name)), "")
            setattr(score, name, None)
    if not score._state.adding and rule_of(criterion).reviewed == "ratings":
        result.cleared.append((criterion, score))


def _plan_ratings(result: Plan, current: Current, criterion: Criterion, old: dict, new: dict) -> None:
    def chosen(ratings):
        return {pk: tier.pk if tier else None for pk, tier in ratings.items()}

    if chosen(old) != chosen(new):
        result.note(criterion, "ratings", ratings_text(old, current.names), ratings_text(new, current.names))
        result.ratings[criterion] = new


def _plan_citations(result: Plan, current: Current, criterion: Criterion, old: set, new: set) -> None:
    if old != new:
        result.note(
            criterion,
            "documents",
            documents_text(old, current.citations),
            documents_text(new, current.citations),
        )
        result.citations[criterion] = new
