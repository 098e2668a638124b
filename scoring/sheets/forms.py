"""The agency's scoring form: the whole rubric on one page."""

from crispy_forms.helper import FormHelper
from django import forms

from ..evidence.citations import parse_citation
from ..models import Criterion, Document
from ..notation import format_points
from ..rubrics.rules import NONE, PointsField
from ..rubrics.tree import RubricTree
from .services import ScoreInput


class SheetForm(forms.Form):
    """The whole rubric on one page: one set of fields per criterion that takes input.

    Field names carry the criterion's pk: `p-12` points, `t-12` tier, `c-12-3` rating of component 3,
    `b-12` bonus, `e-12` explanation, `v-12` provisional, `d-12` cited documents, `n-12` pasted citations.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rtree: RubricTree, documents: list[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.tree = rtree.tree
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        document_choices = [(d.pk, d.citation) for d in documents]
        self.rows = []
        for criterion in rtree.criteria:
            row = {
                "criterion": criterion,
                "leaf": not self.tree.children[criterion.key],
                "inputs": [],
                "extra": [],
            }
            pk = criterion.pk
            if row["leaf"]:
                if criterion.rule == Criterion.Rule.TIERED:
                    self.fields[f"t-{pk}"] = forms.TypedChoiceField(
                        label="Mức đạt",
                        required=False,
                        coerce=int,
                        empty_value=None,
                        choices=[("", "— Chọn mức —")]
                        + [
                            (t.pk, f"{t.label} ({format_points(t.points)} điểm)") for t in criterion.tier_list
                        ],
                    )
                    row["inputs"].append(f"t-{pk}")
                elif criterion.rule == Criterion.Rule.COMPONENTS:
                    for component in criterion.component_list:
                        choices = [("", "— Chưa xếp loại —")] + [
                            (str(t.pk), f"{t.label} ({format_points(t.points)} điểm)")
                            for t in component.tier_list
                        ]
                        if component.may_be_missing:
                            choices.append((NONE, "Không có tổ chức này (tính trung bình)"))
                        self.fields[f"c-{pk}-{component.pk}"] = forms.ChoiceField(
                            label=component.name, required=False, choices=choices
                        )
                        row["inputs"].append(f"c-{pk}-{component.pk}")
                else:
                    self.fields[f"p-{pk}"] = PointsField(
                        label="Điểm tự chấm", maximum=criterion.max_points, what="Điểm tự chấm"
                    )
                    row["inputs"].append(f"p-{pk}")
            own_bonus = self.tree.own_bonus_max(self.tree.node(criterion.key))
            if own_bonus:
                self.fields[f"b-{pk}"] = PointsField(
                    label=f"Điểm thưởng tự chấm (tối đa {format_points(own_bonus)})",
                    maximum=own_bonus,
                    what="Điểm thưởng",
                )
                row["inputs"].append(f"b-{pk}")
            if criterion.parent_id is not None:
                self.fields[f"e-{pk}"] = forms.CharField(
                    label="Giải trình", required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
                self.fields[f"d-{pk}"] = forms.TypedMultipleChoiceField(
                    label="Tài liệu kiểm chứng",
                    required=False,
                    coerce=int,
                    choices=document_choices,
                    widget=forms.SelectMultiple(attrs={"size": 3}),
                )
                self.fields[f"n-{pk}"] = forms.CharField(
                    label="Thêm văn bản (dán trích dẫn, mỗi dòng một văn bản)",
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 1, "placeholder": "Kế hoạch số 495/KH-VP ngày 29/3/2022"}
                    ),
                )
                self.fields[f"v-{pk}"] = forms.BooleanField(label="Tạm tính", required=False)
                row["extra"] = [f"e-{pk}", f"d-{pk}", f"n-{pk}", f"v-{pk}"]
            self.rows.append(row)

    def bound_rows(self):
        for row in self.rows:
            yield {
                **row,
                "inputs": [self[name] for name in row["inputs"]],
                "extra": [self[name] for name in row["extra"]],
            }

    def clean(self):
        cleaned = super().clean()
        for name in list(cleaned):
            if name.startswith("n-") and cleaned[name]:
                parsed = []
                for line in cleaned[name].splitlines():
                    if not line.strip():
                        continue
                    citation = parse_citation(line)
                    if citation is None:
                        self.add_error(
                            name,
                            f"Không đọc được “{line.strip()}”: cần dạng “Kế hoạch số 495/KH-VP ngày 29/3/2022”.",
                        )
                    elif not citation.is_valid:
                        self.add_error(
                            name, f"Ngày {citation.written_date} của văn bản {citation.number} không có thật."
                        )
                    else:
                        parsed.append(citation)
                cleaned[name] = parsed
        return cleaned

    def values(self) -> dict[str, ScoreInput]:
        data = self.cleaned_data
        values = {}
        for criterion in self.rtree.criteria:
            pk = criterion.pk
            tiers = {t.pk: t for t in criterion.tier_list}
            for component in criterion.component_list:
                tiers.update({t.pk: t for t in component.tier_list})
            value = ScoreInput(
                points=data.get(f"p-{pk}"),
                bonus=data.get(f"b-{pk}"),
                # Browsers send CRLF from a textarea; what is stored uses LF, so an untouched text stays equal.
                explanation=data.get(f"e-{pk}", "").replace("\r\n", "\n").replace("\r", "\n").strip(),
                provisional=data.get(f"v-{pk}", False),
                tier=tiers.get(data.get(f"t-{pk}")),
                documents=data.get(f"d-{pk}") if f"d-{pk}" in self.fields else None,
                new_citations=data.get(f"n-{pk}") or [],
            )
            if criterion.rule == Criterion.Rule.COMPONENTS and not self.tree.children[criterion.key]:
                chosen = {c.pk: data.get(f"c-{pk}-{c.pk}") for c in criterion.component_list}
                if any(chosen.values()):
                    value.ratings = {
                        cpk: (None if choice == NONE else tiers[int(choice)])
                        for cpk, choice in chosen.items()
                        if choice
                    }
            values[criterion.key] = value
        return values

    @staticmethod
    def initial_from(rtree: RubricTree, version: int, scores: dict, ratings: dict, citations: dict) -> dict:
        """Initial data from stored scores; `ratings` and `citations` are keyed by score pk."""
        initial = {"version": version}
        for criterion in rtree.criteria:
            score = scores.get(criterion.key)
            if score is None:
                continue
            pk = criterion.pk
            initial[f"p-{pk}"] = format_points(score.points) if score.points is not None else ""
            initial[f"b-{pk}"] = format_points(score.bonus) if score.bonus is not None else ""
            initial[f"t-{pk}"] = score.tier_id
            initial[f"e-{pk}"] = score.explanation
            initial[f"v-{pk}"] = score.provisional
            initial[f"d-{pk}"] = sorted(citations.get(score.pk, ()))
            for component_id, tier_id in ratings.get(score.pk, {}).items():
                initial[f"c-{pk}-{component_id}"] = str(tier_id) if tier_id else NONE
        return initial
