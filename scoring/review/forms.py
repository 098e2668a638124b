"""The reviewer's form: reviewed points, bonus and a comment per criterion."""

from django import forms

from ..notation import format_points
from ..rubrics.rules import PointsField, rule_of
from ..rubrics.tree import RubricTree
from ..sheets import bases
from ..sheets.forms import text_box
from ..sheets.queries import RatingMaps
from .services import ReviewInput


class ReviewForm(bases.MergedForm, forms.Form):
    """Reviewed points (or, where the rule rates organisations, a rating per organisation), bonus and a
    comment per criterion; empty boxes start from the agency's numbers. `ratings` are the sheet's own and
    reviewed ratings (sheets.queries.rating_maps)."""

    # the ReviewInput attribute of each prefix (ratings, `rr-<pk>-<component>`, go by component)
    ATTRIBUTES = {"rp": "points", "rb": "bonus", "rc": "comment"}

    version = forms.IntegerField(widget=forms.HiddenInput)
    base = bases.BaseField()  # what the page showed (sheets/bases.py)
    reason = forms.CharField(
        label="Lý do trả lại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi trả lại; nhận xét từng tiêu chí ở trên cũng được gửi cho đơn vị.",
    )

    def __init__(self, *args, rtree: RubricTree, scores: dict, ratings: RatingMaps, **kwargs):
        super().__init__(*args, **kwargs)
        self.rtree = rtree
        self.tree = rtree.tree
        self.scores = scores
        self.ratings = ratings
        self.rows = []
        for criterion in rtree.criteria:
            node = self.tree.node(criterion.key)
            leaf = self.tree.is_leaf(criterion.key)
            own_bonus = self.tree.own_bonus_max(node)
            names = []
            if leaf and criterion.parent_id is not None:
                score = scores.get(criterion.key)
                own = ratings.own.get(score.pk, {}) if score else {}
                inputs = rule_of(criterion).review_fields(criterion, own)
                self.fields.update(inputs)
                names.extend(inputs)
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
    def initial_from(rtree: RubricTree, version: int, scores: dict, ratings: RatingMaps) -> dict:
        initial = {"version": version}
        for criterion in rtree.criteria:
            score = scores.get(criterion.key)
            if score is None:
                continue
            final = score.final
            if rtree.tree.is_leaf(criterion.key):
                own, reviewed = ratings.own.get(score.pk, {}), ratings.reviewed.get(score.pk, {})
                initial |= rule_of(criterion).review_initial(criterion, score, own, reviewed)
            initial[f"rb-{criterion.pk}"] = format_points(final.bonus) if final.bonus is not None else ""
            initial[f"rc-{criterion.pk}"] = score.review_comment
        initial["base"] = bases.encode(initial)
        return initial

    def clean(self):
        cleaned = super().clean()
        for criterion in self.rtree.criteria:
            if self.tree.is_leaf(criterion.key):
                errors = rule_of(criterion).review_errors(criterion, cleaned, self.data)
                for name, error in errors.items():
                    if name not in self.errors:
                        self.add_error(name, error)
        return cleaned

    def twin(self, data) -> "ReviewForm":
        return ReviewForm(data, rtree=self.rtree, scores=self.scores, ratings=self.ratings)

    def _inputs(self, data: dict) -> dict[str, ReviewInput]:
        values = {}
        for row in self.rows:
            criterion = row["criterion"]
            if not row["names"]:
                continue
            comment = data.get(f"rc-{criterion.pk}", "").replace("\r\n", "\n").strip()
            value = ReviewInput(bonus=data.get(f"rb-{criterion.pk}"), comment=comment)
            if row["leaf"]:
                rule_of(criterion).review_read(criterion, data, value)
            values[criterion.key] = value
        return values
