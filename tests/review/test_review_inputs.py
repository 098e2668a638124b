"""The review page's inputs as the browser gets them: what was typed after a refused post, each error tied to
its box, confirmation on accepting, fixed query counts."""

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import BlocMember, BlocYear, Score, Sheet
from scoring.sheets.services import sheet_for

from ..factories import field, make_tenfold_rubric
from ..html import page_of
from ..sheets.test_sheet_inputs import cite_fifty, scored

pytestmark = pytest.mark.django_db


def submit(sheet) -> Sheet:
    Sheet.objects.filter(pk=sheet.pk).update(status=Sheet.Status.SUBMITTED)
    sheet.refresh_from_db()
    return sheet


@pytest.fixture
def reviewer(cast):
    client = Client()
    client.force_login(cast["reviewer"])
    return client


def page_data(client, sheet, **typed) -> dict:
    form = client.get(reverse("sheet_review", args=[sheet.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return {**data, **typed}


def test_a_refused_review_keeps_what_was_typed_and_ties_each_error_to_its_box(reviewer, vp_sheet):
    sheet = submit(vp_sheet)
    points, tiered, comment = (
        field(sheet, "rp", "1:1.1"),
        field(sheet, "rp", "2:6"),
        field(sheet, "rc", "1:1.2"),
    )
    data = page_data(
        reviewer, sheet, **{points: "120", tiered: "7", comment: "Thiếu kế hoạch năm", "action": "save"}
    )
    response = reviewer.post(reverse("sheet_review", args=[sheet.pk]), data)
    assert response.status_code == 200
    page = page_of(response)
    assert page.duplicate_ids == []
    for name, message in (
        (points, "Điểm thẩm định tối đa là 100; bạn nhập 120."),
        (tiered, "Tiêu chí chấm theo mức: chỉ nhận 20, 15, 10, 0."),
    ):
        box = page[f"id_{name}"]
        assert "is-invalid" in box.get("class") and box.get("aria-invalid") == "true"
        assert box.get("aria-describedby") == f"id_{name}_error"
        assert page[f"id_{name}_error"].text == message
    assert page[f"id_{points}"].get("value") == "120"
    assert page[f"id_{comment}"].text == "Thiếu kế hoạch năm"
    assert not Score.objects.filter(sheet=sheet).exclude(reviewed_points=None).exists()


def test_a_return_without_reason_marks_the_reason_box_and_keeps_its_help(reviewer, vp_sheet):
    sheet = submit(vp_sheet)
    data = page_data(reviewer, sheet, action="return")
    page = page_of(reviewer.post(reverse("sheet_review", args=[sheet.pk]), data))
    box = page["id_reason"]
    assert box.get("aria-invalid") == "true"
    assert box.get("aria-describedby").split() == ["id_reason_help", "id_reason_error"]
    assert page["id_reason_error"].text == "Nhập lý do trả lại để đơn vị biết cần sửa gì."
    assert page["id_reason_help"].text.startswith("Bắt buộc khi trả lại")
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED


def test_both_accept_buttons_ask_before_accepting(reviewer, vp_sheet):
    page = page_of(reviewer.get(reverse("sheet_review", args=[submit(vp_sheet).pk])))
    accept = page.root.find_all("button", value="accept")
    assert len(accept) == 2
    assert all(
        b.get("data-confirm", "").startswith(f"Duyệt bảng chấm điểm của {vp_sheet.agency.name}?")
        for b in accept
    )


def test_the_review_page_costs_the_same_queries_with_50_documents_and_ten_times_the_criteria(
    client, cast, reviewer, vp_sheet, agencies, django_assert_num_queries
):
    client.force_login(cast["editor"])
    scored(client, vp_sheet)
    url = reverse("sheet_review", args=[submit(vp_sheet).pk])
    # 13, the agency's and the reviewer's ratings of the organisations (criterion 2.7), the agency's
    # register, which links the citations written in the explanations, and the evidence desk's two:
    # the citations with their documents, the versions as submitted: 18
    with django_assert_num_queries(18):
        assert reviewer.get(url).status_code == 200
    cite_fifty(vp_sheet)
    with django_assert_num_queries(18):
        assert reviewer.get(url).status_code == 200
    big = make_tenfold_rubric(vp_sheet.rubric)
    BlocYear.objects.filter(bloc=big.bloc).update(leader=agencies["TTR"])
    BlocMember.objects.create(bloc_year=BlocYear.objects.get(bloc=big.bloc), agency=agencies["VP"])
    big_sheet = sheet_for(rubric=big, agency=agencies["VP"])
    scored(client, big_sheet)
    cite_fifty(big_sheet)
    big_url = reverse("sheet_review", args=[submit(big_sheet).pk])
    with django_assert_num_queries(18):
        response = reviewer.get(big_url)
    assert response.status_code == 200 and response.content.count(b'name="rp-') > 200
