"""The year-end sheet started from the same year's six-month sheet (sơ kết 6 tháng → tổng kết năm).

What the agency said in the six-month round — its own points, chosen tier, organisations' ratings, bonus,
explanation, "tạm tính" and cited documents — is copied criterion by criterion (matched by key) onto the new
year-end sheet, as one recorded save: the sheet's history shows where every number came from. A criterion
the year-end rubric scores differently (a different maximum, no such tier or organisation) keeps only what
still fits, and is listed so the agency looks at it again. The reviewer's numbers stay with the six-month
sheet: the year-end round is reviewed afresh.
"""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import Criterion, Rubric, Score, Sheet
from ..rubrics.tree import rubric_tree
from .merge import ScoreInput
from .services import record_transition, sheet_save

FROM_MID_YEAR = "Bắt đầu từ bảng sơ kết 6 tháng"


@dataclass
class Carried:
    sheet: Sheet
    copied: int = 0  # criteria with something copied
    left_out: list[str] = field(default_factory=list)  # labels of criteria whose numbers did not fit


def _value(criterion: Criterion, score: Score, own_bonus_max) -> tuple[ScoreInput, bool]:
    """What of `score` (the six-month sheet's) fits `criterion` (the year-end rubric's); whether it all did."""
    value = ScoreInput(
        explanation=score.explanation,
        provisional=score.provisional,
        documents=[d.pk for d in score.documents.all()],
    )
    fits = True
    if score.bonus is not None:
        fits &= score.bonus <= own_bonus_max
        value.bonus = score.bonus if score.bonus <= own_bonus_max else None
    rule = criterion.rule
    if rule == Criterion.Rule.MANUAL and score.points is not None:
        fits &= score.points <= criterion.max_points
        value.points = score.points if score.points <= criterion.max_points else None
    elif rule == Criterion.Rule.TIERED and score.tier_id:
        value.tier = next((t for t in criterion.tier_list if t.label == score.tier.label), None)
        fits &= value.tier is not None
    elif rule == Criterion.Rule.COMPONENTS:
        components = {c.name: c for c in criterion.component_list}
        for rating in score.ratings.all():
            component = components.get(rating.component.name)
            tier = None
            if component is not None and rating.tier_id:
                tier = next((t for t in component.tier_list if t.label == rating.tier.label), None)
            if component is None or (rating.tier_id and tier is None):
                fits = False
                continue
            value.ratings[component.pk] = tier
    return value, fits


@transaction.atomic
def sheet_from_mid_year(*, rubric: Rubric, agency, source: Sheet, by) -> Carried:
    """The agency's new year-end sheet of `rubric`, with what `source` (its six-month sheet of that year)
    says. An agency that already has the sheet gets it as it is: nothing is copied over its own work."""
    assert (
        rubric.round == Rubric.Round.YEAR_END and source.rubric.is_mid_year and source.agency_id == agency.pk
    )
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if not created:
        return Carried(sheet)
    record_transition(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT, reason=FROM_MID_YEAR)
    rtree = rubric_tree(rubric)
    criteria = rtree.by_key()
    scores = (
        Score.objects.filter(sheet=source)
        .select_related("criterion", "tier")
        .prefetch_related("documents", "ratings__component", "ratings__tier")
    )
    carried = Carried(sheet)
    values = {}
    for score in scores:
        criterion = criteria.get(score.criterion.key)
        if criterion is None:
            continue
        own_bonus = rtree.tree.own_bonus_max(rtree.tree.node(criterion.key))
        value, fits = _value(criterion, score, own_bonus)
        values[criterion.key] = value
        if not fits:
            carried.left_out.append(criterion.label)
    if values:  # the sheet is this transaction's own: nobody else can have saved it yet
        sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by)
    carried.copied = len(values)
    return carried
