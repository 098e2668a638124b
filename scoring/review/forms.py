"""The reviewer's form: reviewed points, bonus and a comment per criterion."""

from django import forms

from ..notation import format_points
from ..rubrics.rules import PointsField, rule_of
from ..rubrics.tree import RubricTree
from ..sheets import bases
from ..sheets.forms import text_box
from .services import ReviewInput


class ReviewForm(bases.MergedForm, forms.Form):
    """Reviewed points, bonus and a comment per criterion; empty boxes start from the agency's numbers."""

    ATTRIBUTES = {"rp": "points", "rb": "bonus", "rc": "comment"}  # the ReviewInput attribute of each prefix

    version = forms.IntegerField(widget=forms.HiddenInput)
    base = bases.BaseField()  # what the page showed (sheets/bases.py)
    reason = forms.CharField(
        label="Lý do trả lại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi trả lại; nhận xét từng tiêu chí ở trên cũng được gửi cho đơn vị.",
    )

    def __init__(self, *args, rtree: RubricTree, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.tree = rtree.tree
        self.scores = scores
        self.rows = []
        for criterion in rtree.criteria:
            node = self.tree.node(criterion.key)
            leaf = self.tree.is_leaf(criterion.key)
            own_bonus = self.tree.own_bonus_max(node)
            names = []
            if leaf and criterion.parent_id is not None:
                self.fields[f"rp-{criterion.pk}"] = PointsField(
                    label="Điểm thẩm định", maximum=criterion.max_points, what="Điểm thẩm định"
                )
                names.append(f"rp-{criterion.pk}")
            if own_bonus:
                self.fields[f"rb-{criterion.pk}"] = PointsField(
                    label=f"Thưởng thẩm định (tối đa {format_points(own_bonus)})",
                    maximum=own_bonus,
                    what="Điểm thưởng",
                )
                names.append(f"rb-{criterion.pk}")
            if criterion.parent_id is not None:
                self.fields[f"rc-{criterion.pk}"] = text_box("Nhận xét", rows=1)
                names.append(f"rc-{criterion.pk}")
            self.rows.append(
                {"criterion": criterion, "leaf": leaf, "score": scores.get(criterion.key), "names": names}
            )

    @staticmethod
    def initial_from(rtree: RubricTree, version: int, scores: dict) -> dict:
        initial = {"version": version}
        for criterion in rtree.criteria:
            score = scores.get(criterion.key)
            if score is None:
                continue
            final = score.final
            initial[f"rp-{criterion.pk}"] = format_points(final.points) if final.points is not None else ""
            initial[f"rb-{criterion.pk}"] = format_points(final.bonus) if final.bonus is not None else ""
            initial[f"rc-{criterion.pk}"] = score.review_comment
        initial["base"] = bases.encode(initial)
        return initial

    def clean(self):
        cleaned = super().clean()
        for criterion in self.rtree.criteria:
            name = f"rp-{criterion.pk}"
            error = rule_of(criterion).review_error(criterion, cleaned.get(name))
            if error:
                self.add_error(name, error)
        return cleaned

    def twin(self, data) -> "ReviewForm":
        return ReviewForm(data, rtree=self.rtree, scores=self.scores)

    def _inputs(self, data: dict) -> dict[str, ReviewInput]:
        values = {}
        for row in self.rows:
            criterion = row["criterion"]
            if not row["names"]:
                continue
            comment = data.get(f"rc-{criterion.pk}", "").replace("\r\n", "\n").strip()
            values[criterion.key] = ReviewInput(
                points=data.get(f"rp-{criterion.pk}"), bonus=data.get(f"rb-{criterion.pk}"), comment=comment
            )
        return values
