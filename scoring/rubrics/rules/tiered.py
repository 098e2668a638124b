"""The tiered rule: exactly one of the criterion's tiers."""

from django import forms

from ...models import Criterion, Tier
from ...notation import format_points
from .base import TIER_EXAMPLE, Rule, tier_choice, tier_points
from .components import per_organisation


class Tiered(Rule):
    """Exactly one of the criterion's tiers (Hoàn thành xuất sắc nhiệm vụ = 20, …)."""

    code = Criterion.Rule.TIERED
    choice_words = "điểm chuẩn so với mức cao nhất"
    entered = "tier"
    editor_part = "tiers"

    def choice_max(self, tiers, components):
        return max((points for component, points in tiers if not component), default=None)

    def points(self, criterion, value):
        return value.tier.points if value.tier is not None else value.points

    def missing_parts(self, parts):
        if len(parts) >= 2:
            return ""
        return f"Tiêu chí chọn một mức cần ít nhất hai mức, mỗi dòng một mức, ví dụ {TIER_EXAMPLE}."

    def new_parts(self, criterion, values):
        return [
            Tier(criterion=criterion, position=i, label=label, points=points)
            for i, (label, points) in enumerate(values.tiers, start=1)
        ]

    def open_problem(self, criterion):
        return "" if criterion.tier_list else "tiêu chí chọn một mức chưa có mức nào"

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

    def script(self, criterion):
        return {"kind": "chosen", "box": f"t-{criterion.pk}", "points": tier_points(criterion.tier_list)}

    def review_errors(self, criterion, cleaned, posted):
        name = f"rp-{criterion.pk}"
        points = cleaned.get(name)
        if points is None or not criterion.tier_list or points in {t.points for t in criterion.tier_list}:
            return {}
        levels = ", ".join(format_points(t.points) for t in criterion.tier_list)
        return {name: f"Tiêu chí chấm theo mức: chỉ nhận {levels}."}

    def carry(self, criterion, score, value):
        """The tier of the same label."""
        if score.tier_id:
            value.tier = next((t for t in criterion.tier_list if t.label == score.tier.label), None)
        return not score.tier_id or value.tier is not None

    def from_workbook(self, text, options):
        """Options that do not rate organisations, one by one."""
        if not options or per_organisation(options):
            return None
        return [], [("", o.label, o.points) for o in options]

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
