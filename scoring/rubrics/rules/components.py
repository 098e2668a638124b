"""The components rule: one rating per organisation, the missing ones averaged."""

from django import forms

from ... import rollup
from ...models import Component, Criterion, Tier
from ...notation import format_points
from ...workbooks import optional_components
from .base import NONE, Rule, tier_choice, tier_points


def per_organisation(options) -> bool:
    """Whether a rubric workbook's options (workbooks.parse_options) rate two organisations or more, each."""
    names = {o.component for o in options if o.component}
    return len(names) >= 2 and all(o.component for o in options)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _by_occurrence(components) -> dict[tuple[str, int], object]:
    """(name, how many of that name came before, in position order) → organisation."""
    seen: dict[str, int] = {}
    keyed = {}
    for component in sorted(components, key=lambda c: c.position):
        name = _plain(component.name)
        keyed[(name, seen.get(name, 0))] = component
        seen[name] = seen.get(name, 0) + 1
    return keyed


class Components(Rule):
    """One rating per organisation (Công đoàn, Đoàn thanh niên, Hội Cựu chiến binh); an organisation the
    agency does not have gets the average of those it has (rollup.component_points)."""

    code = Criterion.Rule.COMPONENTS
    choice_words = "điểm chuẩn so với tổng các tổ chức"
    entered = "ratings"
    editor_label = "Chấm từng tổ chức (thiếu thì lấy trung bình)"
    editor_part = "components"

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

    def missing_parts(self, parts):
        return "" if parts else "Tiêu chí chấm từng tổ chức cần ít nhất một tổ chức."

    def new_parts(self, criterion, values):
        tiers, position = [], 0
        for i, item in enumerate(values.components, start=1):
            component = Component.objects.create(
                criterion=criterion, position=i, name=item.name, may_be_missing=item.may_be_missing
            )
            for label, points in item.tiers:
                position += 1
                tiers.append(
                    Tier(
                        criterion=criterion,
                        component=component,
                        position=position,
                        label=label,
                        points=points,
                    )
                )
        return tiers

    def open_problem(self, criterion):
        return "" if criterion.component_list else "tiêu chí chấm từng tổ chức chưa có tổ chức nào"

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

    def script(self, criterion):
        return {
            "kind": "average",
            "boxes": [f"c-{criterion.pk}-{c.pk}" for c in criterion.component_list],
            "points": tier_points(t for c in criterion.component_list for t in c.tier_list),
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

    def review_script(self, criterion, score, own):
        """Each organisation's box, the points of each of its levels, the agency's own rating of each (which
        stands for a box left unrated), the agency's own points (which stand while nothing is rated) and the
        criterion's maximum (rollup's cap): review.js works them out as `reviewed_points` does."""
        if not criterion.component_list:
            return None
        return {
            "names": [f"rr-{criterion.pk}-{c.pk}" for c in criterion.component_list],
            "points": {str(t.pk): float(t.points) for c in criterion.component_list for t in c.tier_list},
            "agency": {f"rr-{criterion.pk}-{pk}": str(tier) if tier else NONE for pk, tier in own.items()},
            "own": float(score.points) if score and score.points is not None else 0,
            "max": float(criterion.max_points),
        }

    def carry(self, criterion, score, value):
        """The organisations' ratings matched by name (and, for organisations of one name, by their order)
        and tier label; "không có tổ chức này" only where the year-end rubric allows the organisation to be
        missing."""
        targets = _by_occurrence(criterion.component_list)
        source_keys = {
            c.pk: key for key, c in _by_occurrence([r.component for r in score.ratings.all()]).items()
        }
        value.ratings = {}
        for rating in score.ratings.all():
            component = targets.get(source_keys[rating.component_id])
            if component is None:
                continue
            if rating.tier_id is None:
                if component.may_be_missing:
                    value.ratings[component.pk] = None
                continue
            tier = next((t for t in component.tier_list if t.label == rating.tier.label), None)
            if tier is not None:
                value.ratings[component.pk] = tier
        return len(value.ratings) == len(score.ratings.all())

    def from_workbook(self, text, options):
        """Options each naming one of two organisations or more."""
        if not per_organisation(options):
            return None
        names = list(dict.fromkeys(o.component for o in options))
        optional = optional_components(text, names)
        return [(name, name in optional) for name in names], [
            (o.component, o.label, o.points) for o in options
        ]

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
