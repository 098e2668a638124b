"""The reviewer rates a components criterion (Nội dung 2, criterion 7) as the agency does, one rating per
organisation; the reviewed points follow from the ratings, never from a typed number.

Văn phòng rated Công đoàn and Đoàn thanh niên “Hoàn thành xuất sắc nhiệm vụ” (20 each) and has no Hội Cựu
chiến binh (the average of the others): 20 + 20 + 20 = 60.
"""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import ComponentRating, Criterion, ReviewedRating, Score, ScoreChange, Sheet
from scoring.review.services import ReviewInput, review_save, sheet_accept, sheet_return
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.services import ScoreInput, sheet_save, sheet_submit

from ..factories import edit_data
from ..html import page_of

pytestmark = pytest.mark.django_db
KEY = "2:7"


@pytest.fixture
def seven(vp_sheet):
    """Criterion 2.7 of the tree, with its organisations and their tiers."""
    return rubric_tree(vp_sheet.rubric).by_key()[KEY]


def tier(component, points):
    return next(t for t in component.tier_list if t.points == points)


@pytest.fixture
def submitted(vp_sheet, seven, cast):
    union, youth, veterans = seven.component_list
    ratings = {union.pk: tier(union, 20), youth.pk: tier(youth, 20), veterans.pk: None}
    sheet_save(sheet=vp_sheet, base_version=1, values={KEY: ScoreInput(ratings=ratings)}, by=cast["editor"])
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    vp_sheet.refresh_from_db()
    assert Score.objects.get(sheet=vp_sheet, criterion__key=KEY).points == 60
    return vp_sheet


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader(cast):
    return client_of(cast["reviewer"])


def page(client, sheet, **typed) -> dict:
    form = client.get(reverse("sheet_review", args=[sheet.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return {"action": "save", **data, **typed}


def name(seven, component) -> str:
    return f"rr-{seven.pk}-{component.pk}"


def stored(sheet):
    score = Score.objects.get(sheet=sheet, criterion__key=KEY)
    return score.reviewed_points, {
        r.component_id: r.tier_id for r in ReviewedRating.objects.filter(score=score)
    }


def checked(html, field_name: str) -> list[str]:
    return [i.get("value") for i in html.root.find_all("input", name=field_name) if "checked" in i.attrs]


def test_the_review_page_rates_each_organisation_and_has_no_free_number(leader, submitted, seven):
    union, youth, veterans = seven.component_list
    html = page_of(leader.get(reverse("sheet_review", args=[submitted.pk])))
    assert html.root.find_all("input", name=f"rp-{seven.pk}") == []
    assert [checked(html, name(seven, c)) for c in seven.component_list] == [
        [str(tier(union, 20).pk)],
        [str(tier(youth, 20).pk)],
        ["none"],
    ]
    (label,) = html.root.find_all("label", **{"for": f"id_{name(seven, union)}_{tier(union, 20).pk}"})
    assert label.text == "Hoàn thành xuất sắc nhiệm vụ (20 điểm) – đơn vị tự chấm"
    # Công đoàn cannot be missing: no "không có tổ chức này" for it
    assert [i.get("value") for i in html.root.find_all("input", name=name(seven, union))] == [
        "",
        str(tier(union, 20).pk),
        str(tier(union, 15).pk),
    ]


def test_a_changed_rating_gives_the_reviewed_points(leader, submitted, seven):
    """Công đoàn reviewed to 15: 15 + 20 + (15 + 20) / 2 = 52,5."""
    union = seven.component_list[0]
    data = page(leader, submitted, **{name(seven, union): str(tier(union, 15).pk)})
    assert leader.post(reverse("sheet_review", args=[submitted.pk]), data).status_code == 302
    assert stored(submitted) == (D("52.5"), {union.pk: tier(union, 15).pk})
    changes = ScoreChange.objects.filter(sheet=submitted, field__startswith="reviewed").order_by("pk")
    assert [(c.field, c.new) for c in changes] == [
        ("reviewed_ratings", "Tổ chức Công đoàn: Hoàn thành tốt nhiệm vụ"),
        ("reviewed_points", "52,5"),
    ]
    page_ = leader.get(reverse("sheet_review", args=[submitted.pk])).content.decode()
    assert '<strong id="reviewed-points">52,5</strong>' in page_ and 'id="reviewed-pending"' not in page_


def test_a_free_number_is_refused_in_vietnamese_and_the_ratings_typed_are_kept(leader, submitted, seven):
    union = seven.component_list[0]
    data = page(leader, submitted, **{f"rp-{seven.pk}": "13", name(seven, union): str(tier(union, 15).pk)})
    response = leader.post(reverse("sheet_review", args=[submitted.pk]), data)
    assert response.status_code == 200
    html = page_of(response)
    assert html[f"id_{name(seven, union)}_error"].text == (
        "Tiêu chí chấm theo xếp loại từng tổ chức: không nhận điểm nhập tay (13); chọn mức cho từng tổ chức, "
        "điểm thẩm định được tính từ các mức đó."
    )
    assert checked(html, name(seven, union)) == [str(tier(union, 15).pk)]
    assert stored(submitted) == (None, {})


@pytest.mark.parametrize("what", ["none for Công đoàn", "a tier of another organisation", "a made-up value"])
def test_an_invalid_rating_is_refused_and_nothing_is_stored(leader, submitted, seven, what):
    union, youth, _ = seven.component_list
    value = {"none for Công đoàn": "none", "a tier of another organisation": str(tier(youth, 15).pk)}.get(
        what, "13"
    )
    response = leader.post(
        reverse("sheet_review", args=[submitted.pk]), page(leader, submitted, **{name(seven, union): value})
    )
    assert response.status_code == 200
    html = page_of(response)
    assert html[f"id_{name(seven, union)}_error"].text == (
        "Tổ chức Công đoàn: chỉ chọn một trong các mức: Hoàn thành xuất sắc nhiệm vụ (20 điểm) – đơn vị tự "
        "chấm; Hoàn thành tốt nhiệm vụ (15 điểm)."
    )
    assert stored(submitted) == (None, {})


def test_rating_some_organisations_but_not_all_is_refused(leader, submitted, seven):
    union, youth, veterans = seven.component_list
    ComponentRating.objects.filter(component=veterans).delete()  # the agency left Hội CCB unrated
    data = page(leader, submitted, **{name(seven, union): str(tier(union, 15).pk)})
    assert name(seven, veterans) not in data
    html = page_of(leader.post(reverse("sheet_review", args=[submitted.pk]), data))
    assert html[f"id_{name(seven, veterans)}_error"].text == (
        "Chọn mức cho từng tổ chức: còn thiếu Tổ chức Hội Cựu chiến binh."
    )
    assert stored(submitted) == (None, {})


def test_an_organisation_the_agency_left_unrated_is_rated_at_review_without_a_conflict(
    leader, vp_sheet, seven, cast
):
    """Văn phòng rated Công đoàn and Đoàn thanh niên 15 and left Hội CCB unrated; the reviewer rates all three
    20 from the page: 60, saved, not a conflict with the Hội CCB box the page showed empty."""
    union, youth, veterans = seven.component_list
    ratings = {union.pk: tier(union, 15), youth.pk: tier(youth, 15)}
    sheet_save(sheet=vp_sheet, base_version=1, values={KEY: ScoreInput(ratings=ratings)}, by=cast["editor"])
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    top = {name(seven, c): str(tier(c, 20).pk) for c in seven.component_list}
    response = leader.post(reverse("sheet_review", args=[vp_sheet.pk]), page(leader, vp_sheet, **top))
    assert response.status_code == 302
    assert stored(vp_sheet) == (D(60), {c.pk: tier(c, 20).pk for c in seven.component_list})


def test_two_reviewers_rating_different_organisations_from_the_same_page_are_both_saved(
    leader, submitted, seven, cast
):
    """The leader: Công đoàn 15; the province: a Hội CCB rated 15 after all: 15 + 20 + 15 = 50."""
    union, youth, veterans = seven.component_list
    province = client_of(cast["admin"])
    url = reverse("sheet_review", args=[submitted.pk])
    leaders, provinces = page(leader, submitted), page(province, submitted)
    assert leader.post(url, {**leaders, name(seven, union): str(tier(union, 15).pk)}).status_code == 302
    assert (
        province.post(url, {**provinces, name(seven, veterans): str(tier(veterans, 15).pk)}).status_code
        == 302
    )
    assert stored(submitted) == (D(50), {union.pk: tier(union, 15).pk, veterans.pk: tier(veterans, 15).pk})


def test_the_same_organisation_rated_differently_is_a_conflict(leader, submitted, seven, cast):
    """The leader rates Đoàn thanh niên 15; the province, from an older page, finds no Đoàn thanh niên and
    rates Công đoàn 15: Công đoàn is saved, Đoàn thanh niên is a conflict and keeps the leader's 15:
    15 + 15 + (15 + 15) / 2 = 45."""
    union, youth, _ = seven.component_list
    province = client_of(cast["admin"])
    url = reverse("sheet_review", args=[submitted.pk])
    leaders, provinces = page(leader, submitted), page(province, submitted)
    assert leader.post(url, {**leaders, name(seven, youth): str(tier(youth, 15).pk)}).status_code == 302
    typed = {name(seven, youth): "none", name(seven, union): str(tier(union, 15).pk)}
    response = province.post(url, {**provinces, **typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Tổ chức Đoàn thanh niên</a>: bạn nhập “Không có tổ chức này”; chamdiem đã lưu “Hoàn thành tốt"
        in html
    )
    assert checked(page_of(response), name(seven, youth)) == ["none"]  # what the province typed
    assert stored(submitted) == (D(45), {union.pk: tier(union, 15).pk, youth.pk: tier(youth, 15).pk})


def test_accepting_confirms_the_agencys_ratings_as_the_reviewed_ones(submitted, seven):
    union, youth, veterans = seven.component_list
    sheet_accept(sheet=submitted, base_version=submitted.version, by=None)
    assert stored(submitted) == (
        D(60),
        {union.pk: tier(union, 20).pk, youth.pk: tier(youth, 20).pk, veterans.pk: None},
    )


def test_the_agency_changing_its_ratings_clears_the_reviewers(submitted, seven, cast):
    """Reviewed Công đoàn 15 (52,5); returned; the agency rates Đoàn thanh niên 15: the review of 2.7 goes,
    recorded, and the agency's 20 + 15 + 17,5 = 52,5 stands until the reviewer looks again."""
    union, youth, _ = seven.component_list
    review_save(
        sheet=submitted,
        base_version=submitted.version,
        values={
            KEY: __import__("scoring.review.services", fromlist=["ReviewInput"]).ReviewInput(
                ratings={union.pk: tier(union, 15)}
            )
        },
        by=cast["reviewer"],
    )
    assert stored(submitted)[0] == D("52.5")
    submitted.refresh_from_db()
    sheet_return(sheet=submitted, base_version=submitted.version, reason="Xem lại 2.7", by=cast["reviewer"])
    editor = client_of(cast["editor"])
    data = edit_data(submitted, **{f"c-{seven.pk}-{youth.pk}": str(tier(youth, 15).pk)})
    assert editor.post(reverse("sheet_edit", args=[submitted.pk]), data).status_code == 302
    assert stored(submitted) == (None, {})
    score = Score.objects.get(sheet=submitted, criterion__key=KEY)
    assert score.points == D("52.5")
    cleared = ScoreChange.objects.get(sheet=submitted, field="reviewed_ratings", new="")
    assert cleared.old == "Tổ chức Công đoàn: Hoàn thành tốt nhiệm vụ"


def test_the_documents_show_what_the_reviewer_rated(submitted, seven, cast):
    from scoring.exports.pdf import sheet_html

    union = seven.component_list[0]
    review_save(
        sheet=submitted,
        base_version=submitted.version,
        values={KEY: ReviewInput(ratings={union.pk: tier(union, 15)})},
        by=cast["reviewer"],
    )
    sheet = Sheet.objects.select_related("rubric", "agency").get(pk=submitted.pk)
    html = sheet_html(sheet)
    assert "Xếp loại khi thẩm định: Tổ chức Công đoàn: Hoàn thành tốt nhiệm vụ (15 điểm)." in html
    assert '<td class="num">52,5</td>' in html
    assert Criterion.objects.get(rubric=sheet.rubric, key=KEY).rule == "components"
