"""The criterion rules: one class each, and a new rule needs nothing but its class."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.models import Criterion, Score, Tier
from scoring.notation import format_points
from scoring.rubrics import rules
from scoring.rubrics.rules import PointsField, Rule, rule_of
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.services import ScoreInput

from ..factories import edit_data, field

pytestmark = pytest.mark.django_db


class Percentage(Rule):
    """A rule written the way the module's docstring says: a share of the maximum, typed in per cent."""

    code = "percentage"

    def fields(self, criterion):
        return {f"p-{criterion.pk}": PointsField(label="Tỷ lệ hoàn thành (%)", maximum=D(100), what="Tỷ lệ")}

    def points(self, criterion, value):
        return None if value.points is None else criterion.max_points * value.points / 100

    def initial(self, criterion, score, ratings):
        return {f"p-{criterion.pk}": format_points(score.points * 100 / criterion.max_points)}


def test_every_rule_of_the_model_has_its_class():
    assert set(rules.RULES) == set(Criterion.Rule.values)
    assert all(code == rule.code for code, rule in rules.RULES.items())


def test_the_rule_decides_the_points_of_a_choice(rubric_2022):
    """Tiered: the tier's points; components: Công đoàn 20, Đoàn thanh niên 15, Hội CCB missing → 52,5."""
    by_key = rubric_tree(rubric_2022).by_key()
    tiered, components = by_key["2:6"], by_key["2:7"]
    tier = next(t for t in tiered.tier_list if t.points == 15)
    assert rule_of(tiered).points(tiered, ScoreInput(tier=tier)) == D(15)
    union, youth, veterans = components.component_list
    ratings = {
        union.pk: next(t for t in union.tier_list if t.points == 20),
        youth.pk: next(t for t in youth.tier_list if t.points == 15),
        veterans.pk: None,
    }
    assert rule_of(components).points(components, ScoreInput(ratings=ratings)) == D("52.5")
    assert rule_of(by_key["1:4"]).points(by_key["1:4"], ScoreInput(points=D(7))) == D(7)


def test_a_new_rule_is_one_class_the_page_and_the_save_follow(client, cast, vp_sheet, monkeypatch):
    """Criterion 4 of Nội dung 1 (50 points) made a percentage criterion: 80 % typed → 40 points stored."""
    monkeypatch.setitem(rules.RULES, Percentage.code, Percentage())
    Criterion.objects.filter(rubric=vp_sheet.rubric, key="1:4").update(rule=Percentage.code)
    client.force_login(cast["editor"])
    page = client.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    assert "Tỷ lệ hoàn thành (%)" in page.content.decode()

    name = field(vp_sheet, "p", "1:4")
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: "80"}))
    assert response.status_code == 302
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:4").points == D(40)
    page = client.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    assert page.context["form"].initial[name] == "80"

    too_much = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: "120"}))
    assert "Tỷ lệ tối đa là 100; bạn nhập 120." in too_much.content.decode()
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:4").points == D(40)


def test_a_choice_sets_the_best_score_and_names_what_the_maximum_is_compared_with():
    """Tiers 20/15/10/0 → 20; two organisations of the same name rated up to 10 and 4 → 14, not 20."""
    assert rules.Tiered().node_choice([(None, D(20)), (None, D(15)), (None, D(0))], []) == {
        "choice_max": D(20),
        "choice_words": "điểm chuẩn so với mức cao nhất",
    }
    tiers = [(1, D(10)), (1, D(5)), (2, D(4)), (2, D(2))]
    assert rules.Components().node_choice(tiers, [1, 2]) == {
        "choice_max": D(14),
        "choice_words": "điểm chuẩn so với tổng các tổ chức",
    }
    assert rules.Manual().node_choice([], []) == {"choice_max": None, "choice_words": ""}


def test_organisations_of_the_same_name_keep_their_own_best_tier(rubric_2022):
    """The 2022 components criterion with its last two organisations both named “Chi hội”, the last rated
    at most 10: 20 + 20 + 10 = 50 (not 20 + 20 + 20, as if the two were one)."""
    criterion = rubric_2022.criteria.get(key="2:7")
    criterion.components.exclude(position=1).update(name="Chi hội")
    last = criterion.components.order_by("position").last()
    Tier.objects.filter(component=last).update(points=D(10))
    assert rubric_tree(rubric_2022).tree.node("2:7").choice_max == D(50)


def test_the_reviewers_ratings_give_the_reviewed_points_over_the_agencys(rubric_2022):
    """The agency: Công đoàn 20, Đoàn thanh niên 20, no Hội CCB → 20 + 20 + 20 = 60. The reviewer rates Công
    đoàn 15 only: 15 + 20 + (15 + 20) / 2 = 52,5; and finds a Hội CCB rated 15 as well: 15 + 20 + 15 = 50.
    No reviewed rating: no reviewed points (the agency's own stand)."""
    components = rubric_tree(rubric_2022).by_key()["2:7"]
    union, youth, veterans = components.component_list
    rule = rule_of(components)

    def rated(component, points):
        return next(t for t in component.tier_list if t.points == points)

    own = {union.pk: rated(union, 20), youth.pk: rated(youth, 20), veterans.pk: None}
    assert rule.reviewed_points(components, own, {}) is None
    assert rule.reviewed_points(components, own, {union.pk: rated(union, 15)}) == D("52.5")
    both = {union.pk: rated(union, 15), veterans.pk: rated(veterans, 15)}
    assert rule.reviewed_points(components, own, both) == D(50)
    assert rule_of(rubric_tree(rubric_2022).by_key()["1:4"]).reviewed_points(None, own, both) is None
