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

from django.contrib import messages
from django.db import transaction

from ..models import Criterion, Round, RoundKind, Rubric, Score, Sheet
from ..rubrics.rules import rule_of
from ..rubrics.tree import RubricTree, rubric_tree
from .merge import ScoreInput
from .services import record_transition, sheet_save


def started_from(source: RoundKind) -> str:
    """The new sheet's first history line: "Bắt đầu từ bảng sơ kết 6 tháng"."""
    return f"Bắt đầu từ bảng {source.named}"


FROM_MID_YEAR = started_from(Round.kind(Round.MID_YEAR))


@dataclass
class Carried:
    sheet: Sheet
    source: RoundKind | None = None  # the round of the sheet it started from, where anything was read
    copied: int = 0  # criteria with something copied
    left_out: list[str] = field(default_factory=list)  # year-end criteria whose numbers did not all carry
    unmatched: list[str] = field(default_factory=list)  # six-month criteria the year-end rubric lacks

    def messages(self) -> list[tuple[int, str]]:
        """What the agency is told, as (django.contrib.messages level, text)."""
        said: list[tuple[int, str]] = []
        if self.source is None:
            return said
        rubric, source, into = self.sheet.rubric, self.source, self.sheet.rubric.round_kind
        if self.copied:
            said.append(
                (
                    messages.SUCCESS,
                    f"Đã chép {self.copied} tiêu chí từ bảng {source.named}: xem lại từng tiêu chí cho "
                    f"{rubric.period} trước khi nộp.",
                )
            )
        if self.left_out:
            said.append(
                (
                    messages.WARNING,
                    f"Bảng tiêu chí {into.report_word} chấm khác bảng {source.report_word} ở: "
                    f"{'; '.join(self.left_out)}. Điểm không còn "
                    "hợp lệ chưa được chép (giải trình và tài liệu đã chép), xin xem lại và chấm.",
                )
            )
        if self.unmatched:
            said.append(
                (
                    messages.WARNING,
                    f"Không tìm thấy trong bảng tiêu chí {into.report_word}, nên chưa chép gì (cả giải trình và "
                    f"tài liệu) của: {'; '.join(self.unmatched)} – theo bảng {source.report_word}.",
                )
            )
        return said


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _signatures(rtree: RubricTree) -> dict[Criterion, tuple[str, ...]]:
    """Each criterion's texts from its section down to itself, as plain lower-case words."""
    by_pk = {c.pk: c for c in rtree.criteria}
    signatures = {}
    for criterion in rtree.criteria:
        chain, node = [], criterion
        while node is not None:
            chain.append(_plain(node.text))
            node = by_pk.get(node.parent_id)
        signatures[criterion] = tuple(reversed(chain))
    return signatures


class Matcher:
    """The year-end criterion a six-month criterion stands for, each at most once. Keys follow positions
    (the rubric editor renumbers them when a criterion is added, moved or deleted), so a key counts only
    where the texts from the section down are the same; otherwise the one criterion with those texts."""

    def __init__(self, target: RubricTree, source: RubricTree):
        self.by_key = target.by_key()
        self.target = _signatures(target)
        self.by_text: dict[tuple[str, ...], list[Criterion]] = {}
        for criterion, signature in self.target.items():
            self.by_text.setdefault(signature, []).append(criterion)
        self.source = _signatures(source)
        self.used: set[int] = set()

    def __call__(self, criterion: Criterion) -> Criterion | None:
        signature = self.source[criterion]
        same_key = self.by_key.get(criterion.key)
        if same_key is not None and self.target[same_key] == signature:
            found = same_key
        else:
            candidates = self.by_text.get(signature, [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is None or found.pk in self.used:
            return None
        self.used.add(found.pk)
        return found


def _numbers(score: Score) -> bool:
    """Whether the six-month score was scored: points, a tier or an organisation's rating."""
    return (
        score.points is not None or score.tier_id is not None or any(r.tier_id for r in score.ratings.all())
    )


def _value(criterion: Criterion, score: Score, own_bonus_max) -> tuple[ScoreInput, bool]:
    """What of `score` (the six-month sheet's) fits `criterion` (the year-end rubric's); whether it all did
    as it was (a number under another maximum is copied, and named)."""
    value = ScoreInput(
        explanation=score.explanation,
        provisional=score.provisional,
        documents=[d.pk for d in score.documents.all()],
    )
    if score.bonus is not None and score.bonus <= own_bonus_max:
        value.bonus = score.bonus
    if criterion.rule == score.criterion.rule:
        numbers_fit = rule_of(criterion).carry(criterion, score, value)
    else:  # scored another way: only the bonus, the words and the documents carry
        numbers_fit = not _numbers(score)
    fits = [
        score.bonus is None or value.bonus is not None,
        numbers_fit,
        # the same number out of another maximum: copied, but the agency should look at it again
        value.points is None or criterion.max_points == score.criterion.max_points,
    ]
    return value, all(fits)


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


def _said(score: Score) -> bool:
    """Whether the agency said anything on the six-month criterion."""
    return bool(
        _numbers(score)
        or score.bonus is not None
        or score.explanation
        or score.provisional
        or score.documents.all()
    )


@transaction.atomic
def sheet_from_mid_year(*, rubric: Rubric, agency, source: Sheet, by) -> Carried:
    """The agency's new sheet of `rubric`, with what `source` says: its sheet of the round the rubric's round
    starts from (the year-end sheet from the six-month one of that year). An agency that already has the
    sheet gets it as it is: nothing is copied over its own work."""
    assert rubric.round_kind.starts_from == source.rubric.round and source.agency_id == agency.pk
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if not created:
        return Carried(sheet)
    source_kind = source.rubric.round_kind
    reason = started_from(source_kind)
    record_transition(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT, reason=reason)
    rtree, source_tree = rubric_tree(rubric), rubric_tree(source.rubric)
    match = Matcher(rtree, source_tree)
    source_criteria = {c.pk: c for c in source_tree.criteria}
    scores = (
        Score.objects.filter(sheet=source)
        .select_related("tier")
        .prefetch_related("documents", "ratings__component", "ratings__tier")
    )
    carried = Carried(sheet, source_kind)
    values = {}
    order = {c.pk: i for i, c in enumerate(source_tree.criteria)}
    for score in sorted(scores, key=lambda s: order[s.criterion_id]):
        score.criterion = source_criteria[score.criterion_id]
        criterion = match(score.criterion)
        if criterion is None:
            if _said(score):
                carried.unmatched.append(f"{score.criterion.label} (“{score.criterion.text[:60]}”)")
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
