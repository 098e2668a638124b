"""The bloc leader's review: reviewed numbers and comments, returning, accepting, closing the round."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from .. import notifications
from ..models import Criterion, RoundEvent, Rubric, Score, Sheet
from ..rubrics.services import ensure_open
from ..rubrics.tree import rubric_tree
from ..sheets.changes import shown
from ..sheets.services import SheetLocked, advance_version, raise_stale, record_changes, record_transition

SUBMITTED = [Sheet.Status.SUBMITTED]


@dataclass
class ReviewInput:
    points: Decimal | None = None
    bonus: Decimal | None = None
    comment: str = ""


@transaction.atomic
def review_save(*, sheet: Sheet, base_version: int, values: dict[str, ReviewInput], by) -> int:
    """The reviewer's numbers and comments, recorded change by change like the agency's own."""
    ensure_open(sheet.rubric)
    criteria = {c.key: c for c in Criterion.objects.filter(rubric_id=sheet.rubric_id, key__in=values)}
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    changes, to_create, to_update = [], [], []
    for key, value in values.items():
        criterion = criteria[key]
        score = scores.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        changed = False
        for name, new in (
            ("reviewed_points", value.points),
            ("reviewed_bonus", value.bonus),
            ("review_comment", value.comment),
        ):
            old = getattr(score, name)
            if old != new:
                changes.append((criterion, name, shown(old), shown(new)))
                setattr(score, name, new)
                changed = True
        if changed:
            (to_update if score.pk else to_create).append(score)
    stale = not Sheet.objects.filter(pk=sheet.pk, version=base_version).exists()
    if stale or not changes:
        if stale:
            raise_stale(sheet, base_version, SUBMITTED)
        return base_version
    if not advance_version(sheet, base_version, SUBMITTED):
        raise_stale(sheet, base_version, SUBMITTED)
    version = base_version + 1
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["reviewed_points", "reviewed_bonus", "review_comment"])
    record_changes(sheet=sheet, version=version, changes=changes, by=by)
    sheet.version = version
    return version


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
    values = {
        key: ReviewInput(points=score.final.points, bonus=score.final.bonus, comment=score.review_comment)
        for key, score in _reviewable(sheet).items()
    }
    version = review_save(sheet=sheet, base_version=base_version, values=values, by=by)
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
