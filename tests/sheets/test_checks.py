import datetime

import pytest
from django.urls import reverse

from scoring.models import Citation, Document, Score, Sheet
from scoring.sheets.checks import sheet_warnings
from scoring.sheets.queries import sheet_state, sheet_view

from ..replay import load_demo

pytestmark = pytest.mark.django_db


def warnings_of(sheet):
    view = sheet_view(sheet)
    return sheet_warnings(view, sheet_state(view).cited)


def test_the_demo_sheet_shows_the_seed_errors_that_remain(db):
    load_demo()
    sheet = Sheet.objects.get(agency__code="VP")
    found = warnings_of(sheet)
    conflicting = [w.message for w in found if w.kind == "conflicting_dates"]
    assert any(
        "2153/KH-VP" in m
        and "31/12/2021" in m
        and "29/12/2022" in m
        and "Nội dung 1, tiêu chí 1.3" in m
        and "Nội dung 1, tiêu chí 4" in m
        for m in conflicting
    ), conflicting
    assert [w.label for w in found if w.kind == "provisional"] == ["Nội dung 2, tiêu chí 6"]
    # no register entry is cited yet, but 14 explanations write their documents' citations: they count
    assert sum(w.kind == "evidence" for w in found) == 14


def test_it_warns_of_a_cited_document_outside_the_scoring_year_without_blocking(client, cast, vp_sheet):
    score = Score.objects.create(sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.get(key="3:1"), points=20)
    old = Document.objects.create(
        agency=vp_sheet.agency, kind="QĐ", number="15/QĐ-VP", issued_on=datetime.date(2019, 12, 19)
    )
    Citation.objects.create(score=score, document=old)
    messages = [w.message for w in warnings_of(vp_sheet)]
    assert "Quyết định số 15/QĐ-VP ngày 19/12/2019: ngày ban hành nằm ngoài năm 2022." in messages
    assert not any("chưa có tài liệu" in m for m in messages)
    client.force_login(cast["head"])
    page = client.get(reverse("sheet_submit", args=[vp_sheet.pk]), follow=True).content.decode()
    assert "ngày ban hành nằm ngoài năm 2022" in page and "Ký số và nộp" in page


def test_it_warns_of_a_date_that_does_not_exist_in_an_explanation(vp_sheet):
    Score.objects.create(
        sheet=vp_sheet,
        criterion=vp_sheet.rubric.criteria.get(key="3:1"),
        explanation="Quy chế tại Quyết định số 31/QĐ-VP ngày 31/4/2019",
    )
    messages = [w.message for w in warnings_of(vp_sheet)]
    assert "Giải trình ghi văn bản 31/QĐ-VP ngày 31/4/2019: ngày này không có thật." in messages


def test_two_documents_listed_side_by_side_with_one_number_are_not_a_slip(vp_sheet):
    """Numbers restart each year: "111/QĐ-VP ngày 31/8/2021 và 111/QĐ-VP ngày 19/10/2022" names two decisions."""
    Score.objects.create(
        sheet=vp_sheet,
        criterion=vp_sheet.rubric.criteria.get(key="1:2.1"),
        explanation="Quyết định số 111/QĐ-VP ngày 31/8/2021 và 111/QĐ-VP ngày 19/10/2022",
    )
    assert not [w for w in warnings_of(vp_sheet) if w.kind == "conflicting_dates"]
