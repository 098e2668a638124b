"""A new rule is its class, its choice and a migration (scoring/rubrics/rules/): a percentage rule defined
only here, registered for each test, goes through every place a rule decides without any other file knowing
it — the scoring form and the save, the page's running total, the review, the open check, the carry to the
year-end sheet, the rubric editor and the rubric workbook.

Criterion 4 of Nội dung 1 (50 points) is made a percentage criterion: 80 % typed is 40 points.
"""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from scoring.models import Bloc, Criterion, Rubric, Score, Sheet
from scoring.notation import format_points
from scoring.rubrics import rules
from scoring.rubrics.rounds import mid_year_open
from scoring.rubrics.rules import PointsField, Rule
from scoring.rubrics.services import open_problems, rubric_open
from scoring.rubrics.tree import rubric_tree
from scoring.rubrics.workbook import import_rubric
from scoring.sheets.services import ScoreInput, sheet_save, sheet_submit
from tests.browser import browser_page, wait_until

from ..factories import edit_data, make_workbook

pytestmark = pytest.mark.django_db
KEY = "1:4"
MARK = "(tính theo tỷ lệ %)"
JUNE = datetime.date(2022, 6, 20)


class Percentage(Rule):
    """The points are the maximum times the share typed, in per cent; the rubric workbook marks it."""

    code = "percentage"

    def fields(self, criterion):
        return {f"pc-{criterion.pk}": PointsField(label="Tỷ lệ hoàn thành (%)", maximum=D(100), what="Tỷ lệ")}

    def initial(self, criterion, score, ratings):
        points = score.points
        return {
            f"pc-{criterion.pk}": "" if points is None else format_points(points * 100 / criterion.max_points)
        }

    def read(self, criterion, data, value):
        percent = data.get(f"pc-{criterion.pk}")
        value.points = None if percent is None else criterion.max_points * percent / 100

    def script(self, criterion):
        return {"kind": "typed", "box": f"pc-{criterion.pk}", "scale": str(criterion.max_points / 100)}

    def open_problem(self, criterion):
        return "" if criterion.max_points else "tiêu chí tính theo tỷ lệ cần điểm chuẩn lớn hơn 0"

    def from_workbook(self, text, options):
        return ([], []) if MARK in text else None


@pytest.fixture(autouse=True)
def percentage(monkeypatch):
    """The rule registered and its choice added, as its class, `Criterion.Rule` and the migration would."""
    monkeypatch.setitem(rules.RULES, Percentage.code, Percentage())
    rule = Criterion._meta.get_field("rule")
    monkeypatch.setattr(rule, "choices", [*rule.choices, (Percentage.code, "Theo tỷ lệ hoàn thành (%)")])


def percentage_criterion(rubric) -> Criterion:
    Criterion.objects.filter(rubric=rubric, key=KEY).update(rule=Percentage.code)
    return Criterion.objects.get(rubric=rubric, key=KEY)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_scoring_page_takes_a_share_saves_its_points_and_totals_them(vp_sheet, cast):
    criterion = percentage_criterion(vp_sheet.rubric)
    editor = client_of(cast["editor"])
    page = editor.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    assert "Tỷ lệ hoàn thành (%)" in page.content.decode()
    (node,) = [n for n in page.context["tree_data"]["nodes"] if n["key"] == KEY]
    assert (node["points"]["kind"], node["points"]["box"]) == ("typed", f"pc-{criterion.pk}")
    assert D(node["points"]["scale"]) == D("0.5")  # static/js/rules.js: the share typed times half a point

    name = f"pc-{criterion.pk}"
    response = editor.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: "80"}))
    assert response.status_code == 302
    assert Score.objects.get(sheet=vp_sheet, criterion=criterion).points == D(40)
    page = editor.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    assert page.context["form"].initial[name] == "80"
    assert "40" in page.content.decode().split(f'id="total-{KEY}"')[1][:20]

    too_much = editor.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: "120"}))
    assert "Tỷ lệ tối đa là 100; bạn nhập 120." in too_much.content.decode()
    assert Score.objects.get(sheet=vp_sheet, criterion=criterion).points == D(40)


def test_the_reviewer_types_the_reviewed_points_of_a_share(vp_sheet, cast):
    criterion = percentage_criterion(vp_sheet.rubric)
    sheet_save(sheet=vp_sheet, base_version=1, values={KEY: ScoreInput(points=D(40))}, by=cast["editor"])
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    leader = client_of(cast["reviewer"])
    page = leader.get(reverse("sheet_review", args=[vp_sheet.pk]))
    name = f"rp-{criterion.pk}"
    assert page.context["own_values"][name] == "40"
    assert all(KEY not in json.dumps(group) for group in page.context["rating_groups"])
    form = page.context["form"]
    data = {n: form[n].value() for n in form.fields if form[n].value() not in (None, "")}
    response = leader.post(
        reverse("sheet_review", args=[vp_sheet.pk]), {**data, "action": "save", name: "30"}
    )
    assert response.status_code == 302
    assert Score.objects.get(sheet=vp_sheet, criterion=criterion).reviewed_points == D(30)


def test_a_share_of_nothing_keeps_the_rubric_from_opening(rubric_2022):
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.DRAFT)
    rubric_2022.refresh_from_db()
    percentage_criterion(rubric_2022)
    assert not [r for r in open_problems(rubric_2022) if "tỷ lệ" in r]
    Criterion.objects.filter(rubric=rubric_2022, key=KEY).update(max_points=0)
    label = rubric_tree(rubric_2022).by_key()[KEY].label
    assert f"{label}: tiêu chí tính theo tỷ lệ cần điểm chuẩn lớn hơn 0." in open_problems(rubric_2022)


def test_the_year_end_sheet_starts_from_the_six_month_share(bloc_2022, cast, agencies):
    year_end = bloc_2022.bloc.rubrics.get(year=2022, round="year")
    percentage_criterion(year_end)
    mid = rubric_open(rubric=mid_year_open(year_end=year_end, deadline=JUNE))
    assert Criterion.objects.get(rubric=mid, key=KEY).rule == Percentage.code
    source = Sheet.objects.create(rubric=mid, agency=agencies["VP"])
    sheet_save(sheet=source, base_version=1, values={KEY: ScoreInput(points=D(40))}, by=cast["editor"])
    editor = client_of(cast["editor"])
    response = editor.post(reverse("sheet_start", args=[year_end.pk]), {"from_sheet": source.pk}, follow=True)
    assert "chấm khác bảng sơ kết" not in response.content.decode()
    sheet = Sheet.objects.get(rubric=year_end, agency=agencies["VP"])
    assert Score.objects.get(sheet=sheet, criterion__key=KEY).points == D(40)
    pk = Criterion.objects.get(rubric=year_end, key=KEY).pk
    assert response.context["form"].initial[f"pc-{pk}"] == "80"


def test_the_rubric_editor_offers_the_rule_and_adds_a_criterion_of_it(client, cast, rubric_2022):
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.DRAFT)
    client.force_login(cast["admin"])
    url = reverse("rubric_editor", args=[rubric_2022.pk])
    target = Criterion.objects.get(rubric=rubric_2022, key="1:3").pk
    offered = client.get(f"{url}?them={target}").content.decode()
    assert f'<option value="{Percentage.code}">Theo tỷ lệ hoàn thành (%)</option>' in offered
    fields = {"text": "Tỷ lệ văn bản đúng hạn", "max_points": "10", "max_bonus": "0", "rule": Percentage.code}
    typed = {f"a{target}-{name}": value for name, value in fields.items()}
    response = client.post(url, {"op": "add", "criterion": target, **typed})
    assert response.status_code == 302
    new = Criterion.objects.get(rubric=rubric_2022, text="Tỷ lệ văn bản đúng hạn")
    assert new.rule == Percentage.code and not new.tiers.exists() and not new.components.exists()
    page = client.get(f"{url}?sua={new.pk}").content.decode()
    assert f'<option value="{Percentage.code}" selected>' in page
    # neither box is the new rule's: rubric-editor.js hides both while it is chosen
    assert 'data-rule-part="tiered"' in page and 'data-rule-part="components"' in page
    assert '<td class="small rule">Theo tỷ lệ hoàn thành (%)</td>' in page


def test_the_rubric_workbook_marks_a_share_and_the_rest_stay_manual(db, tmp_path):
    bloc = Bloc.objects.create(code="TMTH", name="Khối các cơ quan Tham mưu - Tổng hợp")
    rows = [
        [None, "Phần I. Công tác chuyên môn", 30, 0],
        [1, f"Tỷ lệ văn bản ban hành đúng hạn {MARK}", 20, None],
        [2, "Báo cáo", 10, None],
    ]
    rubric = import_rubric(make_workbook(tmp_path / "ty-le.xlsx", rows), bloc=bloc, year=2026)
    by_key = rubric_tree(rubric).by_key()
    assert (by_key["1:1"].rule, by_key["1:2"].rule) == (Percentage.code, Criterion.Rule.MANUAL)


@pytest.mark.django_db(transaction=True)
def test_the_page_adds_up_the_share_as_it_is_typed(browser, server, vp_sheet, cast):
    """static/js/rules.js's "typed" kind: 80 % of 50 shows 40 at the criterion and in the grand total."""
    criterion = percentage_criterion(vp_sheet.rubric)
    with browser_page(browser, server, cast["editor"]) as page:
        page.goto(f"{server.url}{reverse('sheet_edit', args=[vp_sheet.pk])}")
        before = page.inner_text("#grand-points")
        page.fill(f"[name='pc-{criterion.pk}']", "80")
        total = page.locator(f'[id="total-{KEY}"]')
        wait_until(page, lambda: total.inner_text() == "40", "the share's 40 at the criterion")
        assert page.inner_text("#grand-points") != before
    connections.close_all()  # the greenlet Playwright runs the test in has its own connection
