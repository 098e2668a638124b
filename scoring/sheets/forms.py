"""The agency's scoring form: the whole rubric on one page."""

import functools

from django import forms

from ..evidence.citations import parse_citation
from ..models import Document
from ..notation import format_points
from ..rubrics.rules import PointsField, rule_of
from ..rubrics.tree import RubricTree
from . import bases
from .merge import ScoreInput


def text_box(label: str, **attrs) -> forms.CharField:
    """An optional textarea. Its widget is made from the class and given its attributes after: a widget
    instance would be deep-copied for every box of the page (some sixty), the form's costliest step."""
    field = forms.CharField(label=label, required=False, widget=forms.Textarea)
    field.widget.attrs.update(attrs)
    return field


class SheetForm(bases.MergedForm, forms.Form):
    """The whole rubric on one page: one set of fields per criterion that takes input.

    Field names carry the criterion's pk: `p-12` points, `t-12` tier, `c-12-3` rating of component 3,
    `b-12` bonus, `e-12` explanation, `v-12` provisional, `d-12` cited documents, `n-12` pasted citations;
    `base` holds what the page showed (sheets/bases.py).
    """

    # the ScoreInput attribute of each field prefix (ratings, `c-<pk>-<component>`, go by component)
    ATTRIBUTES = {
        "p": "points",
        "t": "tier",
        "b": "bonus",
        "e": "explanation",
        "v": "provisional",
        "d": "documents",
    }

    version = forms.IntegerField(widget=forms.HiddenInput)
    base = bases.BaseField()

    def __init__(self, *args, rtree: RubricTree, documents: list[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.documents = documents
        self.tree = rtree.tree

        @functools.cache
        def document_choices():
            # Called only to validate a post, and made once: every criterion's field shares one list instead
            # of each normalising its own copy of the register (31 criteria × 50 documents).
            return [(d.pk, d.citation) for d in documents]

        self.rows = [self._criterion_fields(criterion, document_choices) for criterion in rtree.criteria]

    def _criterion_fields(self, criterion, document_choices) -> dict:
        """Add the criterion's fields; its row names them: the numbers (`inputs`) and the rest (`extra`)."""
        pk = criterion.pk
        leaf = self.tree.is_leaf(criterion.key)
        inputs = rule_of(criterion).fields(criterion) if leaf else {}
        own_bonus = self.tree.own_bonus_max(self.tree.node(criterion.key))
        if own_bonus:
            inputs[f"b-{pk}"] = PointsField(
                label=f"Điểm thưởng tự chấm (tối đa {format_points(own_bonus)})",
                maximum=own_bonus,
                what="Điểm thưởng",
            )
        extra = {}
        if criterion.parent_id is not None:
            extra = {
                f"e-{pk}": text_box("Giải trình", rows=2),
                # One checkbox per cited document: adding one never un-cites another (the page shows only
                # the cited ones; the picker adds to them).
                f"d-{pk}": forms.TypedMultipleChoiceField(
                    label="Tài liệu kiểm chứng",
                    required=False,
                    coerce=int,
                    choices=document_choices,
                    widget=forms.CheckboxSelectMultiple,
                ),
                f"n-{pk}": text_box(
                    "Thêm văn bản (dán trích dẫn, mỗi dòng một văn bản)",
                    rows=1,
                    placeholder="Kế hoạch số 495/KH-VP ngày 29/3/2022",
                ),
                f"v-{pk}": forms.BooleanField(label="Tạm tính", required=False),
            }
        self.fields.update(inputs | extra)
        return {"criterion": criterion, "leaf": leaf, "inputs": list(inputs), "extra": list(extra)}

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

    def twin(self, data) -> "SheetForm":
        return SheetForm(data, rtree=self.rtree, documents=self.documents)

    def _inputs(self, data: dict) -> dict[str, ScoreInput]:
        values = {}
        for criterion in self.rtree.criteria:
            pk = criterion.pk
            value = ScoreInput(
                bonus=data.get(f"b-{pk}"),
                # Browsers send CRLF from a textarea; what is stored uses LF, so an untouched text stays equal.
                explanation=data.get(f"e-{pk}", "").replace("\r\n", "\n").replace("\r", "\n").strip(),
                provisional=data.get(f"v-{pk}", False),
                documents=data.get(f"d-{pk}", []) if f"d-{pk}" in self.fields else None,
                new_citations=data.get(f"n-{pk}") or [],
            )
            if self.tree.is_leaf(criterion.key):
                rule_of(criterion).read(criterion, data, value)
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
            if rtree.tree.is_leaf(criterion.key):
                initial |= rule_of(criterion).initial(criterion, score, ratings.get(score.pk, {}))
            initial[f"b-{pk}"] = format_points(score.bonus) if score.bonus is not None else ""
            initial[f"e-{pk}"] = score.explanation
            initial[f"v-{pk}"] = score.provisional
            initial[f"d-{pk}"] = sorted(citations.get(score.pk, ()))
        initial["base"] = bases.encode(initial)
        return initial
