"""The criterion rules, one class each: how a criterion of that kind is entered on the scoring page, checked,
worked out, read from a workbook and made up for the demo.

Adding a rule: a class here (with its code added to `Criterion.Rule` and the migration for the choice), an
entry in `RULES`, and its input in `static/js/sheet.js` (the page's running totals). Nothing else branches on
the rule: the scoring form, the sheet's save, the review form, the rubric tree, both workbook importers and
the demo data ask the criterion's rule.

The scoring form's fields are named after the criterion's pk: `p-12` points, `t-12` tier, `c-12-3` the
rating of component 3 (the form itself adds `b-` bonus, `e-` explanation, `v-` provisional, `d-` and `n-`).
The review form's: `rp-12` the reviewed points, `rr-12-3` the reviewer's rating of component 3 (it adds `rb-`
and `rc-`).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from django import forms

from .. import rollup
from ..models import Criterion
from ..notation import NumberError, format_points, parse_points

NONE = "none"  # the choice "không có tổ chức này"


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

    # ---- read from a filled workbook (sheets.workbook's reader)

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

    def read_row(self, reader, row, where: str, criterion, value) -> None:
        # The workbook's own figure for a parent is only compared with what its children add up to.
        if row.cells.get("self") is not None:
            reader.stated.append((criterion.key, row, row.number("self", []), None))


class Tiered(Rule):
    """Exactly one of the criterion's tiers (Hoàn thành xuất sắc nhiệm vụ = 20, …)."""

    code = Criterion.Rule.TIERED
    choice_words = "điểm chuẩn so với mức cao nhất"
    entered = "tier"

    def choice_max(self, tiers, components):
        return max((points for component, points in tiers if not component), default=None)

    def points(self, criterion, value):
        return value.tier.points if value.tier is not None else value.points

    def fields(self, criterion):
        return {
            f"t-{criterion.pk}": forms.TypedChoiceField(
                label="Mức đạt",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Chưa chọn mức")] + [(t.pk, tier_choice(t)) for t in criterion.tier_list],
            )
        }

    def initial(self, criterion, score, ratings):
        return {f"t-{criterion.pk}": score.tier_id}

    def read(self, criterion, data, value):
        tiers = {t.pk: t for t in criterion.tier_list}
        value.tier = tiers.get(data.get(f"t-{criterion.pk}"))

    def review_errors(self, criterion, cleaned, posted):
        name = f"rp-{criterion.pk}"
        points = cleaned.get(name)
        if points is None or not criterion.tier_list or points in {t.points for t in criterion.tier_list}:
            return {}
        levels = ", ".join(format_points(t.points) for t in criterion.tier_list)
        return {name: f"Tiêu chí chấm theo mức: chỉ nhận {levels}."}

    def read_row(self, reader, row, where, criterion, value):
        super().read_row(reader, row, where, criterion, value)
        if value.points is None:
            return
        value.tier = next((t for t in criterion.tier_list if t.points == value.points), None)
        if value.tier is None:
            levels = ", ".join(f"{t.label} = {format_points(t.points)}" for t in criterion.tier_list)
            reader.problem(
                "error", where, f"{format_points(value.points)} điểm không khớp mức nào ({levels})."
            )

    def sample(self, criterion, value, index, position):
        value.tier = criterion.tier_list[index % 2]


class Components(Rule):
    """One rating per organisation (Công đoàn, Đoàn thanh niên, Hội Cựu chiến binh); an organisation the
    agency does not have gets the average of those it has (rollup.component_points)."""

    code = Criterion.Rule.COMPONENTS
    choice_words = "điểm chuẩn so với tổng các tổ chức"
    entered = "ratings"

    def choice_max(self, tiers, components):
        if not components:
            return None
        best = (max((p for c, p in tiers if c == component), default=rollup.ZERO) for component in components)
        return sum(best, rollup.ZERO)

    def points(self, criterion, value):
        if not value.ratings:
            return value.points
        return rollup.component_points([tier.points if tier else None for tier in value.ratings.values()])

    def ratings(self, value):
        return value.ratings

    def fields(self, criterion):
        fields = {}
        for component in criterion.component_list:
            choices = [("", "Chưa xếp loại")] + [(str(t.pk), tier_choice(t)) for t in component.tier_list]
            if component.may_be_missing:
                choices.append((NONE, "Không có tổ chức này (tính trung bình)"))
            fields[f"c-{criterion.pk}-{component.pk}"] = forms.ChoiceField(
                label=component.name, required=False, choices=choices
            )
        return fields

    def initial(self, criterion, score, ratings):
        return {
            f"c-{criterion.pk}-{component_id}": str(tier_id) if tier_id else NONE
            for component_id, tier_id in ratings.items()
        }

    def read(self, criterion, data, value):
        tiers = {t.pk: t for component in criterion.component_list for t in component.tier_list}
        chosen = {c.pk: data.get(f"c-{criterion.pk}-{c.pk}") for c in criterion.component_list}
        if any(chosen.values()):
            value.ratings = {
                pk: (None if choice == NONE else tiers[int(choice)])
                for pk, choice in chosen.items()
                if choice
            }

    # ---- at review: one rating per organisation, as the agency rates them; the points follow from them

    reviewed = "ratings"

    def review_fields(self, criterion, own):
        fields = {}
        for component in criterion.component_list:
            mine = own.get(component.pk, "")
            choices = [("", "Chưa xếp loại")] + [
                (str(t.pk), tier_choice(t) + (" – đơn vị tự chấm" if t.pk == mine else ""))
                for t in component.tier_list
            ]
            if component.may_be_missing:
                label = "Không có tổ chức này (tính trung bình)"
                choices.append((NONE, label + (" – đơn vị tự chấm" if mine is None else "")))
            levels = "; ".join(label for value, label in choices[1:])
            fields[f"rr-{criterion.pk}-{component.pk}"] = forms.ChoiceField(
                label=f"{component.name} (thẩm định)",
                required=False,
                choices=choices,
                error_messages={"invalid_choice": f"{component.name}: chỉ chọn một trong các mức: {levels}."},
            )
        return fields

    def review_initial(self, criterion, score, own, reviewed):
        final = own | reviewed
        return {
            f"rr-{criterion.pk}-{component_id}": str(tier_id) if tier_id else NONE
            for component_id, tier_id in final.items()
        }

    def review_read(self, criterion, data, value):
        tiers = {t.pk: t for component in criterion.component_list for t in component.tier_list}
        value.ratings = {}
        for component in criterion.component_list:
            choice = data.get(f"rr-{criterion.pk}-{component.pk}")
            if choice:
                value.ratings[component.pk] = None if choice == NONE else tiers[int(choice)]

    def review_errors(self, criterion, cleaned, posted):
        names = [f"rr-{criterion.pk}-{c.pk}" for c in criterion.component_list]
        if not names:
            return {}
        typed = (posted.get(f"rp-{criterion.pk}") or "").strip()
        if typed:  # an old page or a script still sending a free number: never stored as such
            return {
                names[0]: f"Tiêu chí chấm theo xếp loại từng tổ chức: không nhận điểm nhập tay ({typed}); "
                "chọn mức cho từng tổ chức, điểm thẩm định được tính từ các mức đó."
            }
        missing = [
            c for c, name in zip(criterion.component_list, names, strict=True) if not cleaned.get(name)
        ]
        if missing and len(missing) < len(names):
            text = ", ".join(c.name for c in missing)
            return {f"rr-{criterion.pk}-{missing[0].pk}": f"Chọn mức cho từng tổ chức: còn thiếu {text}."}
        return {}

    def reviewed_points(self, criterion, own, reviewed):
        """Each organisation as the reviewer rated it, else as the agency did; the average rule applies."""
        final = own | reviewed
        if not reviewed or not final:
            return None
        return rollup.component_points([tier.points if tier else None for tier in final.values()])

    def read_row(self, reader, row, where, criterion, value):
        # The total comes first; the organisations' points follow, on this row or the rows under it.
        numbers = reader.numbers_list(row)
        value.points = reader.within_maximum(where, criterion, numbers[0] if numbers else None)
        reader.extra_numbers[criterion.key] = numbers[1:]

    def read_continuation(self, reader, row, criterion):
        reader.extra_numbers[criterion.key].extend(reader.numbers_list(row))

    def finish_reading(self, reader, criterion, value):
        numbers = reader.extra_numbers.get(criterion.key)
        if not numbers:
            return
        components = criterion.component_list
        if len(numbers) != len(components):
            reader.problem(
                "warning",
                criterion.label,
                f"ghi {len(numbers)} điểm thành phần cho {len(components)} tổ chức; chưa xếp loại từng tổ chức.",
            )
            return
        ratings = {}
        for component, points in zip(components, numbers, strict=True):
            tier = next((t for t in component.tier_list if t.points == points), None)
            if tier is None:
                reader.problem(
                    "error",
                    criterion.label,
                    f"{component.name}: {format_points(points)} điểm không khớp mức nào.",
                )
            ratings[component.pk] = tier
        value.ratings = ratings
        computed = self.points(criterion, value)
        if value.points is not None and computed != value.points:
            reader.problem(
                "warning",
                criterion.label,
                f"ghi tổng {format_points(value.points)}, các tổ chức cộng lại là "
                f"{format_points(computed)}; lấy {format_points(computed)}.",
            )
        value.points = computed

    def sample(self, criterion, value, index, position):
        value.ratings = {c.pk: c.tier_list[(index + i) % 2] for i, c in enumerate(criterion.component_list)}


RULES: dict[str, Rule] = {rule.code: rule for rule in (Sum(), Manual(), Tiered(), Components())}


def rule_of(criterion) -> Rule:
    """The rule of a criterion (a model instance or anything with a `rule` code)."""
    return RULES[criterion.rule]
