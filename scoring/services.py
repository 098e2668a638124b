"""Writes that touch several rows or change a status. Each runs in one transaction."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from . import rollup
from .models import Component, ComponentRating, Criterion, Rubric, Score, Sheet, SheetTransition, Tier


class RubricLocked(Exception):
    """The rubric has sheets that were submitted; its criteria no longer change."""


@dataclass
class ScoreInput:
    """What an agency says about one criterion."""

    points: Decimal | None = None
    bonus: Decimal | None = None
    explanation: str = ""
    provisional: bool = False
    tier: Tier | None = None
    # component pk → chosen tier, None where the agency has no such organisation
    ratings: dict[int, Tier | None] = field(default_factory=dict)


@transaction.atomic
def rubric_write_criteria(*, rubric: Rubric, criteria) -> None:
    """Create a rubric's tree from parsed criteria (parents before children, in document order).

    Each item has key, code, text, max_points, max_bonus, rule, parent (an item or None), children,
    components [(name, may_be_missing)] and tiers [(component name or "", label, points)].
    """
    if rubric.is_locked:
        raise RubricLocked(str(rubric))
    created: dict[str, Criterion] = {}
    positions: dict[str | None, int] = {}
    for item in criteria:
        parent_key = item.parent.key if item.parent else None
        positions[parent_key] = positions.get(parent_key, 0) + 1
        criterion = Criterion.objects.create(
            rubric=rubric,
            parent=created[parent_key] if parent_key else None,
            position=positions[parent_key],
            key=item.key,
            code=item.code,
            text=item.text,
            max_points=item.max_points,
            max_bonus=item.max_bonus,
            rule=item.rule,
        )
        created[item.key] = criterion
        components = {
            name: Component.objects.create(
                criterion=criterion, position=i, name=name, may_be_missing=optional
            )
            for i, (name, optional) in enumerate(item.components, start=1)
        }
        Tier.objects.bulk_create(
            Tier(criterion=criterion, component=components.get(comp), position=i, label=label, points=points)
            for i, (comp, label, points) in enumerate(item.tiers, start=1)
        )


@transaction.atomic
def rubric_copy(*, rubric: Rubric, year: int, title: str = "") -> Rubric:
    """The same criteria for another year: no scores, statuses or evidence come along."""
    new = Rubric.objects.create(
        bloc=rubric.bloc,
        year=year,
        title=title or rubric.title.replace(str(rubric.year), str(year)),
        legal_basis=rubric.legal_basis,
        status=Rubric.Status.DRAFT,
    )
    criteria = list(rubric.criteria.order_by("parent_id", "position"))
    old_to_new: dict[int, Criterion] = {}
    pending = criteria
    while pending:  # parents first, whatever the depth
        ready = [c for c in pending if c.parent_id is None or c.parent_id in old_to_new]
        for c in ready:
            old_to_new[c.pk] = Criterion.objects.create(
                rubric=new,
                parent=old_to_new.get(c.parent_id),
                position=c.position,
                key=c.key,
                code=c.code,
                text=c.text,
                max_points=c.max_points,
                max_bonus=c.max_bonus,
                rule=c.rule,
            )
        pending = [c for c in pending if c.pk not in old_to_new]
    components = {}
    for comp in Component.objects.filter(criterion__rubric=rubric):
        components[comp.pk] = Component.objects.create(
            criterion=old_to_new[comp.criterion_id],
            position=comp.position,
            name=comp.name,
            may_be_missing=comp.may_be_missing,
        )
    Tier.objects.bulk_create(
        Tier(
            criterion=old_to_new[t.criterion_id],
            component=components.get(t.component_id),
            position=t.position,
            label=t.label,
            points=t.points,
        )
        for t in Tier.objects.filter(criterion__rubric=rubric)
    )
    return new


@transaction.atomic
def sheet_for(*, rubric: Rubric, agency, by=None) -> Sheet:
    """The agency's sheet for the rubric, created as a draft the first time."""
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if created:
        SheetTransition.objects.create(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT)
    return sheet


@transaction.atomic
def sheet_transition(*, sheet: Sheet, to_status: str, by=None, reason: str = "") -> Sheet:
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=sheet.status, to_status=to_status, reason=reason
    )
    sheet.status = to_status
    sheet.save(update_fields=["status", "updated_at"])
    return sheet


def derived_points(criterion: Criterion, value: ScoreInput) -> Decimal | None:
    """A choice decides the points: the tier's, or the component ratings with the average rule."""
    if criterion.rule == Criterion.Rule.TIERED and value.tier is not None:
        return value.tier.points
    if criterion.rule == Criterion.Rule.COMPONENTS and value.ratings:
        return rollup.component_points([tier.points if tier else None for tier in value.ratings.values()])
    return value.points


@transaction.atomic
def scores_import(*, sheet: Sheet, values: dict[str, ScoreInput], by=None) -> None:
    """Put imported self-scores on a sheet, criterion by criterion (keys as in Criterion.key)."""
    criteria = {c.key: c for c in Criterion.objects.filter(rubric=sheet.rubric, key__in=values)}
    existing = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet, criterion__in=criteria.values())}
    for key, value in values.items():
        criterion = criteria[key]
        score = existing.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        score.points = derived_points(criterion, value)
        score.bonus = value.bonus
        score.tier = value.tier
        score.explanation = value.explanation
        score.provisional = value.provisional
        score.save()
        if value.ratings:
            score.ratings.all().delete()
            ComponentRating.objects.bulk_create(
                ComponentRating(score=score, component_id=component_id, tier=tier)
                for component_id, tier in value.ratings.items()
            )
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
