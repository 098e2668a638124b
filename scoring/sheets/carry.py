"""The year-end sheet started from the same year's six-month sheet (sơ kết 6 tháng → tổng kết năm).

What the agency said in the six-month round — its own points, chosen tier, organisations' ratings, bonus,
explanation, "tạm tính" and cited documents — is copied criterion by criterion onto the new
year-end sheet, as one recorded save: the sheet's history shows where every number came from. A criterion
is matched by its key and text, or by its text where the editor renumbered it (`Matcher`). A criterion the
year-end rubric scores differently (another rule, a lower maximum, no such tier or organisation) keeps only
what still fits, and is listed so the agency looks at it again. The reviewer's numbers stay with the six-month
sheet: the year-end round is reviewed afresh.
"""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import Criterion, Rubric, Score, Sheet
from ..rubrics.tree import RubricTree, rubric_tree
from .merge import ScoreInput
from .services import record_transition, sheet_save

FROM_MID_YEAR = "Bắt đầu từ bảng sơ kết 6 tháng"


@dataclass
class Carried:
    sheet: Sheet
    copied: int = 0  # criteria with something copied
    left_out: list[str] = field(default_factory=list)  # labels of criteria whose numbers did not fit


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


class Matcher:
    """The year-end criterion a six-month criterion stands for. Keys follow positions (the rubric editor
    renumbers them when a criterion is added, moved or deleted), so a key counts only with the same text;
    otherwise the one criterion with the same text in a section of the same text."""

    def __init__(self, target: RubricTree, source: RubricTree):
        self.by_key = target.by_key()
        self.by_text: dict[tuple[str, str], list[Criterion]] = {}
        for criterion, signature in _signatures(target).items():
            self.by_text.setdefault(signature, []).append(criterion)
        self.source = _signatures(source)

    def __call__(self, criterion: Criterion) -> Criterion | None:
        same_key = self.by_key.get(criterion.key)
        if same_key is not None and _plain(same_key.text) == _plain(criterion.text):
            return same_key
        found = self.by_text.get(self.source[criterion], [])
        return found[0] if len(found) == 1 else None


def _signatures(rtree: RubricTree) -> dict[Criterion, tuple[str, str]]:
    """Each criterion's (its section's text, its own text), as plain lower-case words."""
    by_pk = {c.pk: c for c in rtree.criteria}
    signatures = {}
    for criterion in rtree.criteria:
        section = criterion
        while section.parent_id is not None:
            section = by_pk[section.parent_id]
        signatures[criterion] = (_plain(section.text), _plain(criterion.text))
    return signatures


def _numbers(score: Score) -> bool:
    """Whether the six-month score has a number of its own: points, a tier, a rating, a bonus."""
    return (
        score.points is not None
        or score.bonus is not None
        or score.tier_id is not None
        or any(r.tier_id for r in score.ratings.all())
    )


def _value(criterion: Criterion, score: Score, own_bonus_max) -> tuple[ScoreInput, bool]:
    """What of `score` (the six-month sheet's) fits `criterion` (the year-end rubric's); whether every number
    it had did."""
    value = ScoreInput(
        explanation=score.explanation,
        provisional=score.provisional,
        documents=[d.pk for d in score.documents.all()],
    )
    if score.bonus is not None and score.bonus <= own_bonus_max:
        value.bonus = score.bonus
    rule = criterion.rule
    if rule != score.criterion.rule:  # scored another way: only the words and the documents carry
        pass
    elif rule == Criterion.Rule.MANUAL and score.points is not None and score.points <= criterion.max_points:
        value.points = score.points
    elif rule == Criterion.Rule.TIERED and score.tier_id:
        value.tier = next((t for t in criterion.tier_list if t.label == score.tier.label), None)
    elif rule == Criterion.Rule.COMPONENTS:
        value.ratings = _ratings(criterion, score)
    carried = {
        "points": value.points is not None or score.points is None or rule != Criterion.Rule.MANUAL,
        "bonus": score.bonus is None or value.bonus is not None,
        "tier": not score.tier_id or value.tier is not None,
        "ratings": len(value.ratings) == len(score.ratings.all()) or rule != Criterion.Rule.COMPONENTS,
    }
    fits = all(carried.values()) and (rule == score.criterion.rule or not _numbers(score))
    return value, fits


def _ratings(criterion: Criterion, score: Score) -> dict:
    """The organisations' ratings matched by name and tier label; "không có tổ chức này" only where the
    year-end rubric allows the organisation to be missing."""
    components = {c.name: c for c in criterion.component_list}
    ratings = {}
    for rating in score.ratings.all():
        component = components.get(rating.component.name)
        if component is None:
            continue
        if rating.tier_id is None:
            if component.may_be_missing:
                ratings[component.pk] = None
            continue
        tier = next((t for t in component.tier_list if t.label == rating.tier.label), None)
        if tier is not None:
            ratings[component.pk] = tier
    return ratings


def _anything(value: ScoreInput) -> bool:
    return bool(
        value.points is not None
        or value.bonus is not None
        or value.tier is not None
        or value.ratings
        or value.explanation
        or value.provisional
        or value.documents
    )


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
    rtree, source_tree = rubric_tree(rubric), rubric_tree(source.rubric)
    match = Matcher(rtree, source_tree)
    source_criteria = {c.pk: c for c in source_tree.criteria}
    scores = (
        Score.objects.filter(sheet=source)
        .select_related("tier")
        .prefetch_related("documents", "ratings__component", "ratings__tier")
    )
    carried = Carried(sheet)
    values = {}
    for score in scores:
        score.criterion = source_criteria[score.criterion_id]
        criterion = match(score.criterion)
        if criterion is None:
            if _numbers(score) or score.explanation:
                carried.left_out.append(score.criterion.label)
            continue
        value, fits = _value(criterion, score, rtree.tree.own_bonus_max(rtree.tree.node(criterion.key)))
        if _anything(value):
            values[criterion.key] = value
        if not fits:
            carried.left_out.append(criterion.label)
    if values:  # the sheet is this transaction's own: nobody else can have saved it yet
        sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by)
    carried.copied = len(values)
    return carried
