"""The scoring page's inputs as the browser gets them: what was typed after a refused post, each error tied
to its box, the cited documents under their criterion and the register sent once, fixed query counts."""

import json
from datetime import date

import pytest
from django.urls import reverse

from scoring.models import BlocMember, BlocYear, Citation, Criterion, Document, Score
from scoring.sheets.services import sheet_for

from ..factories import edit_data, field, make_tenfold_rubric
from ..html import page_of

pytestmark = pytest.mark.django_db


def document(agency, number: str, issued_on: date, subject: str = "", kind: str = "KH") -> Document:
    return Document.objects.create(
        agency=agency, kind=kind, number=number, issued_on=issued_on, subject=subject
    )


def assert_refused(page, name: str, message: str) -> None:
    """The box is marked invalid and described by an element that exists and says why."""
    box = page[f"id_{name}"]
    assert box.get("aria-invalid") == "true"
    assert f"id_{name}_error" in box.get("aria-describedby").split()
    assert page[f"id_{name}_error"].text == message


def test_a_refused_post_keeps_every_typed_value_and_ties_each_error_to_its_box(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    tiered = Criterion.objects.get(rubric=vp_sheet.rubric, key="2:6")
    tier = tiered.tiers.order_by("position")[1]
    veterans = Criterion.objects.get(rubric=vp_sheet.rubric, key="2:7").components.order_by("position").last()
    p11, b23 = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "b", "2:3")
    typed = {
        p11: "100,5",
        b23: "10",
        field(vp_sheet, "p", "1:1.2"): "45",
        field(vp_sheet, "e", "1:1.3"): "Giải trình đang gõ dở\ndòng thứ hai",
        field(vp_sheet, "t", "2:6"): str(tier.pk),
        field(vp_sheet, "c", "2:7", veterans.pk): "none",
        field(vp_sheet, "v", "1:1.2"): "on",
    }
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **typed))
    assert response.status_code == 200
    page = page_of(response)
    assert page.duplicate_ids == []

    assert page[f"id_{p11}"].get("value") == "100,5"
    assert "is-invalid" in page[f"id_{p11}"].get("class")
    assert_refused(page, p11, "Điểm tự chấm tối đa là 100; bạn nhập 100,5.")
    assert_refused(page, b23, "Điểm thưởng tối đa là 1; bạn nhập 10.")
    assert page[f"id_{b23}"].get("data-what") == "Điểm thưởng" and page[f"id_{b23}"].get("data-max") == "1.00"
    good = page[f"id_{field(vp_sheet, 'p', '1:1.2')}"]
    assert (
        good.get("value") == "45"
        and "aria-invalid" not in good.attrs
        and "aria-describedby" not in good.attrs
    )
    assert page[f"id_{field(vp_sheet, 'e', '1:1.3')}"].text == "Giải trình đang gõ dở dòng thứ hai"
    assert "checked" in page[f"id_{field(vp_sheet, 't', '2:6')}_{tier.pk}"].attrs
    assert "checked" in page[f"id_{field(vp_sheet, 'c', '2:7', veterans.pk)}_none"].attrs
    assert "checked" in page[f"id_{field(vp_sheet, 'v', '1:1.2')}"].attrs
    assert not Score.objects.filter(sheet=vp_sheet).exists()


def test_a_tier_that_is_not_the_criterions_is_refused_on_its_group(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    name = field(vp_sheet, "t", "2:6")
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: "999999"}))
    page = page_of(response)
    group = page[f"id_{name}"]
    assert group.tag == "fieldset" and group.get("aria-invalid") == "true"
    assert "999999" in page[f"id_{name}_error"].text
    assert group.find_all("legend")[0].text == "Mức đạt"


def test_cited_documents_show_under_their_criterion_and_the_register_is_sent_once(client, cast, vp_sheet):
    agency = vp_sheet.agency
    plan = document(agency, "495/KH-VP", date(2022, 3, 29), "Thực hiện quy chế dân chủ ở cơ sở")
    report = document(agency, "2097/BC-VP", date(2022, 11, 24), "Tổng kết công tác năm 2022", kind="BC")
    unused = document(agency, "12/TB-VP", date(2022, 1, 5), "Lịch trực Tết Nguyên đán", kind="TB")
    client.force_login(cast["editor"])
    d11 = field(vp_sheet, "d", "1:1.1")
    saved = client.post(
        reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{d11: [plan.pk, report.pk]})
    )
    assert saved.status_code == 302

    response = client.get(reverse("sheet_edit", args=[vp_sheet.pk]))
    html = response.content.decode()
    page = page_of(response)
    box = page[f"id_{d11}_{plan.pk}"]
    assert (box.get("type"), box.get("name"), box.get("value")) == ("checkbox", d11, str(plan.pk))
    assert "checked" in box.attrs
    label = page[f"id_{d11}"].find_all("label", **{"for": f"id_{d11}_{plan.pk}"})[0]
    assert label.text == "495/KH-VP · 29/03/2022 · Thực hiện quy chế dân chủ ở cơ sở"
    assert f"id_{d11}_{report.pk}" in page.ids
    assert f"id_{d11}_{unused.pk}" not in page.ids and "12/TB-VP" not in page[f"id_{d11}"].text
    assert [b.text for b in page[f"id_{d11}"].find_all("button")] == ["Bỏ", "Bỏ", "Thêm tài liệu kiểm chứng…"]
    # Other criteria cite nothing and list nothing; the register is in the page once, in its script.
    assert page[f"id_{field(vp_sheet, 'd', '1:1.2')}"].find_all("input") == []
    assert html.count('id="evidence-data"') == 1 and "<option" not in html
    assert page["evidence-picker"].tag == "dialog" and html.count('id="evidence-picker"') == 1
    assert "12/TB-VP" in page["evidence-data"].text
    assert "12/TB-VP" not in html.replace(page["evidence-data"].text, "")
    register = json.loads(page["evidence-data"].text)
    assert register[-1] == {
        "pk": unused.pk,
        "label": "Thông báo số 12/TB-VP ngày 05/01/2022",
        "number": "12/TB-VP",
        "date": "05/01/2022",
        "subject": "Lịch trực Tết Nguyên đán",
    }
    assert [d["pk"] for d in register] == [report.pk, plan.pk, unused.pk]


def test_unticking_a_cited_document_posts_without_it_and_uncites_it(client, cast, vp_sheet):
    """No script needed: the page's checkboxes are the citations."""
    plan = document(vp_sheet.agency, "495/KH-VP", date(2022, 3, 29))
    client.force_login(cast["editor"])
    d11, url = field(vp_sheet, "d", "1:1.1"), reverse("sheet_edit", args=[vp_sheet.pk])
    client.post(url, edit_data(vp_sheet, **{field(vp_sheet, "p", "1:1.1"): "90", d11: [plan.pk]}))
    assert Citation.objects.filter(document=plan).count() == 1
    data = edit_data(vp_sheet)
    del data[d11]  # the box unticked
    assert client.post(url, data).status_code == 302
    assert not Citation.objects.filter(document=plan).exists()


def test_a_document_of_another_agency_cannot_be_cited(client, cast, vp_sheet, agencies):
    foreign = document(agencies["STC"], "7/KH-STC", date(2022, 2, 1), "Kế hoạch của Sở Tài chính")
    client.force_login(cast["editor"])
    d11 = field(vp_sheet, "d", "1:1.1")
    response = client.post(
        reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{d11: [foreign.pk]})
    )
    assert response.status_code == 200
    page = page_of(response)
    assert page[f"id_{d11}"].get("aria-invalid") == "true" and str(foreign.pk) in page[f"id_{d11}_error"].text
    assert "7/KH-STC" not in response.content.decode()
    assert not Citation.objects.exists()


def cite_fifty(sheet) -> None:
    """Fifty documents in the sheet's agency register, each scored criterion citing two of them."""
    made = Document.objects.bulk_create(
        Document(
            agency=sheet.agency, kind="KH", number=f"{n}/KH-{sheet.pk}", issued_on=date(2022, 1 + n % 12, 1)
        )
        for n in range(50)
    )
    Citation.objects.bulk_create(
        Citation(score=score, document=made[(i + k) % 50])
        for i, score in enumerate(Score.objects.filter(sheet=sheet))
        for k in range(2)
    )


def scored(client, sheet) -> None:
    """Every criterion explained and every manual one at 1 point, saved through the page."""
    typed = {}
    for c in sheet.rubric.criteria.exclude(parent=None):
        typed[f"e-{c.pk}"] = "Có kế hoạch"
        if c.rule == Criterion.Rule.MANUAL:
            typed[f"p-{c.pk}"] = "1"
    assert client.post(reverse("sheet_edit", args=[sheet.pk]), edit_data(sheet, **typed)).status_code == 302


def test_the_scoring_page_costs_the_same_queries_with_50_documents_and_ten_times_the_criteria(
    client, cast, vp_sheet, agencies, django_assert_num_queries
):
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    client.force_login(cast["editor"])
    scored(client, vp_sheet)
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200
    cite_fifty(vp_sheet)
    with django_assert_num_queries(14):
        assert f"49/KH-{vp_sheet.pk}".encode() in client.get(url).content
    big = make_tenfold_rubric(vp_sheet.rubric)
    BlocMember.objects.create(bloc_year=BlocYear.objects.get(bloc=big.bloc), agency=agencies["VP"])
    big_sheet = sheet_for(rubric=big, agency=agencies["VP"])
    scored(client, big_sheet)
    cite_fifty(big_sheet)
    with django_assert_num_queries(14):
        response = client.get(reverse("sheet_edit", args=[big_sheet.pk]))
    assert response.status_code == 200 and response.content.count(b'name="p-') > 200
