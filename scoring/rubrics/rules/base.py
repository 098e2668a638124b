"""The manual rule, which every rule starts from, and the parent's (a sum); what the rules share."""

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from django import forms

from ...models import Criterion, Tier
from ...notation import NumberError, format_points, parse_points

NONE = "none"  # the choice "không có tổ chức này"
TIER_EXAMPLE = "“Hoàn thành tốt nhiệm vụ = 15”"


class PointsField(forms.CharField):
    """A score typed the Vietnamese way or not ("2,5" or "2.5"), from 0 to its maximum."""

    def __init__(self, *, maximum: Decimal, what: str = "Điểm", **kwargs):
        self.maximum = maximum
        self.what = what
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "data-max": str(maximum)})

    def to_python(self, value):
        text = super().to_python(value)
        try:
            number = parse_points(text)
        except NumberError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if number is not None and number > self.maximum:
            raise forms.ValidationError(
                f"{self.what} tối đa là {format_points(self.maximum)}; bạn nhập {format_points(number)}.",
                code="max_value",
            )
        return number


def tier_choice(tier) -> str:
    return f"{tier.label} ({format_points(tier.points)} điểm)"


def tier_points(tiers) -> dict[str, str]:
    """Tier pk → its points, as the page scripts read them."""
    return {str(t.pk): str(t.points) for t in tiers}


class Rule:
    """A manual criterion: a number from 0 to its maximum. The other rules change what differs.

    `value` below is what the agency says about one criterion (`sheets.services.ScoreInput`: points,
    bonus, tier, ratings, explanation …); `criterion` is a Criterion as `rubrics.tree.rubric_tree` gives it,
    with `tier_list` and `component_list`.
    """

    code: ClassVar[str] = Criterion.Rule.MANUAL
    # what the stated maximum is compared with when the choices set the best score ("" when they do not)
    choice_words: ClassVar[str] = ""
    # the ScoreInput attribute the agency enters the criterion's number by; the others follow from it, so a
    # merge of two saves (sheets/merge.py) compares this one
    entered: ClassVar[str] = "points"

    # ---- worked out

    def choice_max(self, tiers: Sequence[tuple[object, Decimal]], components: Sequence) -> Decimal | None:
        """The best score the criterion's choices give. `tiers` are (component, points) with a false component
        for the criterion's own tiers; `components` name each component the same way (pk or unique name)."""
        return None

    def node_choice(self, tiers: Sequence[tuple[object, Decimal]], components: Sequence) -> dict:
        """The `choice_max` and `choice_words` of the criterion's rollup.Node."""
        best = self.choice_max(tiers, components)
        return {"choice_max": best, "choice_words": self.choice_words if best is not None else ""}

    def points(self, criterion, value) -> Decimal | None:
        """The criterion's points from what the agency said."""
        return value.points

    def ratings(self, value) -> dict:
        """Per-organisation ratings to store (component pk → tier, None for “không có tổ chức này”)."""
        return {}

    # ---- set up in the rubric editor (rubrics.editor_forms, rubrics.editor) and checked before it opens

    # whether the editor offers the rule for a criterion without children (a parent is always a sum)
    chosen_in_editor: ClassVar[bool] = True
    # the words the editor offers it by; "" for the choice's own (Criterion.Rule)
    editor_label: ClassVar[str] = ""
    # the editor's box the rule's parts are typed in: "tiers", "components" or "" for none
    editor_part: ClassVar[str] = ""

    def label(self) -> str:
        return self.editor_label or dict(Criterion._meta.get_field("rule").flatchoices)[self.code]

    def missing_parts(self, parts: list) -> str:
        """Why the parts typed in the rule's box (parsed) are too few for it; "" when they will do."""
        return ""

    def new_parts(self, criterion, values) -> list[Tier]:
        """The criterion's tiers from the editor's `values` (rubrics.editor.CriterionValues), not yet saved;
        the organisations they belong to are created."""
        return []

    def open_problem(self, criterion) -> str:
        """Why the criterion keeps its rubric from opening for scoring; "" when nothing does."""
        return ""

    # ---- entered on the scoring page

    def fields(self, criterion) -> dict[str, forms.Field]:
        return {
            f"p-{criterion.pk}": PointsField(
                label="Điểm tự chấm", maximum=criterion.max_points, what="Điểm tự chấm"
            )
        }

    def initial(self, criterion, score, ratings: dict[int, int | None]) -> dict:
        points = score.points
        return {f"p-{criterion.pk}": format_points(points) if points is not None else ""}

    def read(self, criterion, data: dict, value) -> None:
        """Put the form's cleaned data for this criterion on `value`."""
        value.points = data.get(f"p-{criterion.pk}")

    def script(self, criterion) -> dict:
        """How the page's script works the criterion's points out as people type, as one of the kinds of
        static/js/rules.js: "typed" (a box's number times `scale`), "chosen" (the points of the tier chosen
        in a box), "average" (the organisations' ratings, rollup.component_points)."""
        return {"kind": "typed", "box": f"p-{criterion.pk}", "scale": 1}

    # ---- entered and checked at review (review.forms.ReviewForm; `value` is a review.services.ReviewInput)

    # the ReviewInput attribute the reviewer enters the criterion's number by: typed points, or ratings
    # from which the reviewed points are worked out (`reviewed_points`)
    reviewed: ClassVar[str] = "points"

    def review_fields(self, criterion, own: dict) -> dict[str, forms.Field]:
        """The reviewer's inputs for the criterion's number; `own` are the agency's ratings (component pk →
        tier pk or None), for the rules that rate organisations."""
        return {
            f"rp-{criterion.pk}": PointsField(
                label="Điểm thẩm định", maximum=criterion.max_points, what="Điểm thẩm định"
            )
        }

    def review_initial(self, criterion, score, own: dict, reviewed: dict) -> dict:
        """What the boxes start from: the reviewed number, else the agency's own (ratings as in `own`)."""
        points = score.final.points
        return {f"rp-{criterion.pk}": format_points(points) if points is not None else ""}

    def review_read(self, criterion, data: dict, value) -> None:
        value.points = data.get(f"rp-{criterion.pk}")

    def review_errors(self, criterion, cleaned: dict, posted) -> dict[str, str]:
        """Why what the reviewer entered cannot stand, by field name; `posted` is the raw post."""
        return {}

    def reviewed_points(self, criterion, own: dict, reviewed: dict) -> Decimal | None:
        """The points the reviewer's ratings give (component pk → Tier or None), over the agency's own."""
        return None

    def review_script(self, criterion, score, own: dict) -> dict | None:
        """What review.js works the reviewed points out from as the reviewer rates (`own`: the agency's
        ratings, component pk → tier pk or None); None where the reviewer types them (the rp- box, which
        the script adds up as it is)."""
        return None

    # ---- carried from the six-month sheet to the year-end one (sheets.carry)

    def carry(self, criterion, score, value) -> bool:
        """Put on `value` what of `score` (the six-month sheet's, scored by this rule too) fits `criterion`
        (the year-end rubric's); whether all its numbers did."""
        if score.points is not None and score.points <= criterion.max_points:
            value.points = score.points
        return score.points is None or value.points is not None

    # ---- read from a workbook: a rubric's (rubrics.workbook) and a filled sheet's (sheets.workbook)

    def from_workbook(self, text: str, options: list) -> tuple[list, list] | None:
        """A rubric workbook's criterion without children whose text (its `options` parsed by
        workbooks.parse_options) makes it one of this rule: its components [(name, may be missing)] and
        tiers [(component name or "", label, points)]. None when not; a criterion no rule takes is manual."""
        return None

    def read_row(self, reader, row, where: str, criterion, value) -> None:
        value.points = reader.within_maximum(where, criterion, reader.numbers(row, "self"))

    def read_continuation(self, reader, row, criterion) -> None:
        """A row with no TT under this criterion: its explanation is appended by the reader."""

    def finish_reading(self, reader, criterion, value) -> None:
        """Once every row is read."""

    # ---- made up for the demo round

    def sample(self, criterion, value, index: int, position: int) -> None:
        """Plausible numbers for the demo's other agencies: each loses a little on a few criteria."""
        loss = Decimal((index + position) % 3) * Decimal("0.5") if position % (index + 2) == 0 else 0
        value.points = criterion.max_points - loss


class Manual(Rule):
    pass


class Sum(Rule):
    """A parent: its points are its children's, nobody types them. A sum with no children yet (a rubric
    being edited) is typed like a manual one."""

    code = Criterion.Rule.SUM
    chosen_in_editor = False

    def carry(self, criterion, score, value):
        return True  # a parent's points are its children's: only its bonus and words carry

    def read_row(self, reader, row, where: str, criterion, value) -> None:
        # The workbook's own figure for a parent is only compared with what its children add up to.
        if row.cells.get("self") is not None:
            reader.stated.append((criterion.key, row, row.number("self", []), None))
