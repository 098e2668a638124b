"""Writes of a rubric: its criteria from a parsed workbook, a copy for another year or bloc, its round's state."""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .. import rollup
from ..models import AwardRule, Bloc, Component, Criterion, Rubric, Tier
from ..notation import format_points
from .rules import rule_of
from .tree import rubric_tree


class RubricLocked(Exception):
    """The rubric has sheets that were submitted; its criteria no longer change."""


class RoundClosed(Exception):
    """The year's round is closed: nothing changes until an administrator reopens it."""


def ensure_open(rubric: Rubric) -> None:
    if rubric.status == Rubric.Status.CLOSED:
        raise RoundClosed(str(rubric))


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


@dataclass
class CriterionSpec:
    """A criterion to write, as the importer reads it or as an existing rubric has it."""

    key: str
    code: str
    text: str
    max_points: Decimal
    max_bonus: Decimal
    rule: str
    parent: "CriterionSpec | None"
    components: list[tuple[str, bool]] = field(default_factory=list)
    tiers: list[tuple[str, str, Decimal]] = field(default_factory=list)


def criterion_specs(rtree) -> list[CriterionSpec]:
    """An existing rubric's tree (rubrics.tree.rubric_tree) as specs, parents first."""
    specs: dict[int, CriterionSpec] = {}
    for c in rtree.criteria:
        specs[c.pk] = CriterionSpec(
            key=c.key,
            code=c.code,
            text=c.text,
            max_points=c.max_points,
            max_bonus=c.max_bonus,
            rule=c.rule,
            parent=specs[c.parent_id] if c.parent_id else None,
            components=[(comp.name, comp.may_be_missing) for comp in c.component_list],
            tiers=[("", t.label, t.points) for t in c.tier_list]
            + [(comp.name, t.label, t.points) for comp in c.component_list for t in comp.tier_list],
        )
    return list(specs.values())


@dataclass(frozen=True)
class AwardSpec:
    """An award rule to write: the award, at most N agencies and/or N % of members, a minimum total."""

    award: str
    max_count: int | None = None
    max_percent: Decimal | None = None
    min_total: Decimal | None = None


def award_specs(rubric: Rubric) -> list[AwardSpec]:
    return [
        AwardSpec(rule.award, rule.max_count, rule.max_percent, rule.min_total)
        for rule in AwardRule.objects.filter(rubric=rubric).order_by("position")
    ]


def shifted(day: datetime.date | None, years: int) -> datetime.date | None:
    """The same day so many years later (29 February becomes the 28th)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def copied_title(rubric: Rubric, bloc: Bloc, year: int) -> str:
    """ "Tiêu chí … năm 2022 của Khối A" becomes "… năm 2023 của Khối B"."""
    return rubric.title.replace(str(rubric.year), str(year)).replace(rubric.bloc.name, bloc.name)


@transaction.atomic
def rubric_copy(
    *,
    rubric: Rubric,
    year: int,
    legal_basis: str,
    bloc: Bloc | None = None,
    title: str = "",
    deadline: datetime.date | None,
    award_rules: list[AwardSpec] | None = None,
    round: str = Rubric.Round.YEAR_END,
) -> Rubric:
    """The same criteria, tiers and components for another year, bloc or round, as a draft: no scores,
    statuses or evidence come along. The legal basis and the deadline are always given (last year's decrees
    may no longer stand; `shifted` proposes the deadline); the award rules are copied unless given."""
    bloc = bloc or rubric.bloc
    new = Rubric.objects.create(
        bloc=bloc,
        year=year,
        round=round,
        title=title or copied_title(rubric, bloc, year),
        legal_basis=legal_basis,
        deadline=deadline,
        status=Rubric.Status.DRAFT,
    )
    rubric_write_criteria(rubric=new, criteria=criterion_specs(rubric_tree(rubric)))
    AwardRule.objects.bulk_create(
        AwardRule(rubric=new, position=i, **dataclasses.asdict(spec))
        for i, spec in enumerate(award_specs(rubric) if award_rules is None else award_rules, start=1)
    )
    return new


# ---------------------------------------------------------------- opening a rubric for scoring


class RubricNotReady(Exception):
    """The rubric cannot open for scoring; `reasons` says why, in Vietnamese, one line each."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def mismatch_text(mismatch: rollup.Mismatch) -> str:
    """A mismatch as the row where it is shows it: "Tổng các tiêu chí con 390, tiêu chí cha 400"."""
    stated, computed = format_points(mismatch.stated), format_points(mismatch.computed)
    if mismatch.what == "điểm chuẩn":
        return f"Tổng các tiêu chí con {computed}, tiêu chí cha {stated}"
    if mismatch.what == "điểm thưởng":
        return f"Tổng điểm thưởng các tiêu chí con {computed}, tiêu chí cha {stated}"
    return f"Điểm chuẩn {stated}, các mức cho tối đa {computed}"


def open_problems(rubric: Rubric, rtree=None, award_rules=None) -> list[str]:
    """Why the rubric cannot open for scoring: an empty or inconsistent tree, no deadline, no award rules.
    (`rtree` and `award_rules`, when the caller has read them already.)"""
    rtree = rtree or rubric_tree(rubric)
    reasons = []
    if rubric.status != Rubric.Status.DRAFT:
        reasons.append(
            f"Bảng tiêu chí đang ở trạng thái “{rubric.get_status_display()}”, không phải đang soạn."
        )
    if not rtree.criteria:
        reasons.append("Bảng tiêu chí chưa có tiêu chí nào.")
    reasons += [f"{m.label}: {mismatch_text(m)}." for m in rollup.mismatches(rtree.tree)]
    problems = ((c, rule_of(c).open_problem(c)) for c in rtree.criteria)
    reasons += [f"{c.label}: {problem}." for c, problem in problems if problem]
    if rubric.deadline is None:
        reasons.append("Chưa đặt hạn nộp bảng chấm điểm.")
    # awards are proposed from the year-end ranking: the six-month round ranks, it proposes nothing
    if rubric.round_kind.proposes_awards and not (
        award_rules if award_rules is not None else rubric.award_rules.exists()
    ):
        reasons.append("Chưa có đề nghị khen thưởng theo thứ hạng (Cờ thi đua, Bằng khen …).")
    return reasons


@transaction.atomic
def rubric_open(*, rubric: Rubric) -> Rubric:
    """Open a draft rubric for the agencies to score: every way of opening one goes through here."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    reasons = open_problems(rubric)
    if reasons:
        raise RubricNotReady(reasons)
    Rubric.objects.filter(pk=rubric.pk, status=Rubric.Status.DRAFT).update(status=Rubric.Status.OPEN)
    rubric.refresh_from_db()
    return rubric
