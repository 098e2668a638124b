"""The rubric editor's forms: a criterion with its tiers and organisations in one go, and the deadline.

Tiers are typed one a line, "Hoàn thành tốt nhiệm vụ = 15"; organisations one a line too,
"Tổ chức Đoàn thanh niên (có thể không có): Xuất sắc = 20; Tốt = 15".
"""

import datetime
import re

from django import forms

from ..models import AwardRule, Component, Criterion, Tier
from ..notation import NumberError, format_points, parse_points
from .editor import AwardValues, ComponentValues, CriterionValues
from .rules import RULES, TIER_EXAMPLE, editor_choices, editor_parts

OPTIONAL = "(có thể không có)"


def format_tiers(tiers) -> str:
    return "\n".join(f"{t.label} = {format_points(t.points)}" for t in tiers)


def format_components(components) -> str:
    lines = []
    for c in components:
        name = f"{c.name} {OPTIONAL}" if c.may_be_missing else c.name
        lines.append(f"{name}: " + "; ".join(f"{t.label} = {format_points(t.points)}" for t in c.tier_list))
    return "\n".join(lines)


def parse_tier(text: str, where: str) -> tuple[str, object]:
    label, sign, points = text.rpartition("=")
    label = label.strip()
    if not sign or not label:
        raise forms.ValidationError(f"{where}: viết “tên mức = điểm”, ví dụ {TIER_EXAMPLE}.")
    _short(label, Tier._meta.get_field("label").max_length, where)
    try:
        number = parse_points(points)
    except NumberError as exc:
        raise forms.ValidationError(f"{where}: {exc}") from None
    if number is None:
        raise forms.ValidationError(f"{where}: thiếu số điểm sau dấu “=”.")
    return label, number


MAX_LINES = 30


def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise forms.ValidationError(f"Nhiều nhất {MAX_LINES} dòng (đã nhập {len(lines)} dòng).")
    return lines


def _short(text: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise forms.ValidationError(f"{where}: tên dài quá, nhiều nhất {limit} ký tự (đã nhập {len(text)}).")


def parse_tiers(text: str) -> list:
    return [parse_tier(line, f"Dòng {n}") for n, line in enumerate(_lines(text), start=1)]


def parse_components(text: str) -> list[ComponentValues]:
    found = []
    for n, line in enumerate(_lines(text), start=1):
        name, colon, rest = line.partition(":")
        if not colon or not name.strip() or not rest.strip():
            raise forms.ValidationError(
                f"Dòng {n}: viết “tên tổ chức: mức = điểm; mức = điểm”, "
                "ví dụ “Tổ chức Công đoàn: Hoàn thành xuất sắc nhiệm vụ = 20; Hoàn thành tốt nhiệm vụ = 15”."
            )
        optional = OPTIONAL in name
        name = re.sub(r"\s+", " ", name.replace(OPTIONAL, "")).strip()
        _short(name, Component._meta.get_field("name").max_length, f"Dòng {n}")
        tiers = [parse_tier(part, f"Dòng {n}, {name}") for part in rest.split(";") if part.strip()]
        found.append(ComponentValues(name=name, may_be_missing=optional, tiers=tiers))
    return found


class PointsInput(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "form-control"})

    def to_python(self, value):
        try:
            return parse_points(super().to_python(value))
        except NumberError as exc:
            raise forms.ValidationError(str(exc)) from None


class CriterionForm(forms.Form):
    """A criterion as the editor types it; a parent (`is_parent`) is a sum and has no rule to choose."""

    text = forms.CharField(
        label="Nội dung tiêu chí",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Nhập nội dung tiêu chí."},
    )
    max_points = PointsInput(label="Điểm chuẩn", error_messages={"required": "Nhập điểm chuẩn."})
    max_bonus = PointsInput(label="Điểm thưởng", required=False)
    rule = forms.ChoiceField(
        label="Cách tính", choices=editor_choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    tiers = forms.CharField(
        label="Các mức (mỗi dòng một mức: tên mức = điểm)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    components = forms.CharField(
        label=f"Các tổ chức (mỗi dòng: tên: mức = điểm; mức = điểm; thêm “{OPTIONAL}” sau tên nếu cần)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, is_parent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_parent = is_parent
        self.parts = editor_parts()  # which rules each box is for (the page shows only the chosen rule's)
        if is_parent:
            for name in ("rule", "tiers", "components"):
                del self.fields[name]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    @classmethod
    def initial_of(cls, criterion) -> dict:
        return {
            "text": criterion.text,
            "max_points": format_points(criterion.max_points),
            "max_bonus": format_points(criterion.max_bonus),
            "rule": criterion.rule,
            "tiers": format_tiers(criterion.tier_list),
            "components": format_components(criterion.component_list),
        }

    def clean(self):
        """Only the chosen rule's box is read: the other may still hold lines from before the rule changed."""
        data = super().clean()
        part = self._part(data)
        for name, parse in (("tiers", parse_tiers), ("components", parse_components)):
            if name not in self.fields:
                continue
            try:
                data[name] = parse(data.get(name, "")) if name == part else []
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        if part in self.fields and part not in self.errors:
            problem = RULES[data["rule"]].missing_parts(data.get(part) or [])
            if problem:
                self.add_error(part, problem)
        return data

    def _part(self, data) -> str:
        """The box the chosen rule's parts are typed in ("" for a parent, a rule without parts, or none)."""
        rule = RULES.get(data.get("rule", Criterion.Rule.SUM))
        return rule.editor_part if rule else ""

    def values(self) -> CriterionValues:
        data = self.cleaned_data
        part = self._part(data)
        # the box of the other rule may still hold lines (the rule was changed): only the rule's own count
        return CriterionValues(
            text=data["text"].strip(),
            max_points=data["max_points"],
            max_bonus=data.get("max_bonus") or parse_points("0"),
            rule=data.get("rule", Criterion.Rule.SUM),
            tiers=data.get("tiers", []) if part == "tiers" else [],
            components=data.get("components", []) if part == "components" else [],
        )


class DeadlineForm(forms.Form):
    deadline = forms.CharField(
        label="Hạn nộp (ngày/tháng/năm, ví dụ 15/12/2023)",
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_deadline(self) -> datetime.date | None:
        text = self.cleaned_data["deadline"].strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if not match:
                raise ValueError
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise forms.ValidationError(
                f"“{text[:20]}” không phải ngày theo kiểu ngày/tháng/năm, ví dụ 15/12/2023."
            ) from None


AWARD_PARTS = [
    ("max_count", re.compile(r"tối đa (\d+) đơn vị")),
    ("max_percent", re.compile(r"tối đa ([0-9]+(?:[.,][0-9]+)?) ?%")),
    ("min_total", re.compile(r"từ ([0-9]+(?:[.,][0-9]+)?) điểm")),
]
AWARD_EXAMPLE = "“Bằng khen của Chủ tịch UBND tỉnh; tối đa 20 %; từ 900 điểm”"


def format_award_rules(rules) -> str:
    lines = []
    for rule in rules:
        parts = [rule.award]
        if rule.max_count is not None:
            parts.append(f"tối đa {rule.max_count} đơn vị")
        if rule.max_percent is not None:
            parts.append(f"tối đa {format_points(rule.max_percent)} %")
        if rule.min_total is not None:
            parts.append(f"từ {format_points(rule.min_total)} điểm")
        lines.append("; ".join(parts))
    return "\n".join(lines)


def parse_award_rule(line: str, n: int) -> AwardValues:
    award, *parts = [part.strip() for part in line.split(";")]
    _short(award, AwardRule._meta.get_field("award").max_length, f"Dòng {n}")
    rule = AwardValues(award=award)
    for part in filter(None, parts):
        for name, pattern in AWARD_PARTS:
            match = pattern.fullmatch(part)
            if match:
                number = int(match[1]) if name == "max_count" else parse_points(match[1])
                if name == "max_percent" and number > 100:
                    raise forms.ValidationError(f"Dòng {n}: tỉ lệ tối đa là 100 %.")
                setattr(rule, name, number)
                break
        else:
            raise forms.ValidationError(
                f"Dòng {n}: không hiểu “{part[:40]}”; viết “tối đa 1 đơn vị”, “tối đa 20 %” hoặc “từ 900 điểm”, "
                f"ví dụ {AWARD_EXAMPLE}."
            )
    return rule


class AwardRulesForm(forms.Form):
    rules = forms.CharField(
        label="Đề nghị khen thưởng theo thứ hạng (mỗi dòng một hình thức, theo thứ tự xét)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def clean_rules(self) -> list[AwardValues]:
        return [
            parse_award_rule(line, n) for n, line in enumerate(_lines(self.cleaned_data["rules"]), start=1)
        ]
