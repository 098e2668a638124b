"""A review comment written before the agency changed that criterion is stale: marked on the review page, the
agency's scoring and sheet pages, and printed marked (never as current) in the PDF and the Excel file."""

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports import sheet_xlsx
from scoring.exports.pdf import sheet_html
from scoring.models import Score, Sheet
from scoring.review.services import ReviewInput, review_save, sheet_return
from scoring.sheets.queries import STALE_COMMENT, sheet_view, stale_comments
from scoring.sheets.services import ScoreInput, sheet_save, sheet_submit

from ..factories import edit_data, field

pytestmark = pytest.mark.django_db
MINUS = "trừ 2,5 điểm: thiếu kế hoạch năm"


@pytest.fixture
def returned(vp_sheet, cast):
    """Văn phòng scored 1.1 = 90 and 1.2 = 40 and submitted; the reviewer commented on both and returned it."""
    sheet_save(
        sheet=vp_sheet,
        base_version=vp_sheet.version,
        values={"1:1.1": ScoreInput(points=90), "1:1.2": ScoreInput(points=40)},
        by=cast["editor"],
    )
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    review_save(
        sheet=vp_sheet,
        base_version=vp_sheet.version,
        values={
            "1:1.1": ReviewInput(points=D("87.5"), comment=MINUS),
            "1:1.2": ReviewInput(comment="Đủ tài liệu"),
        },
        by=cast["reviewer"],
    )
    vp_sheet.refresh_from_db()
    sheet_return(sheet=vp_sheet, base_version=vp_sheet.version, reason="Sửa 1.1", by=cast["reviewer"])
    vp_sheet.refresh_from_db()
    return vp_sheet


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stale_of(sheet) -> set[str]:
    sheet.refresh_from_db()
    return stale_comments([sheet_view(sheet)])[sheet.pk]


def test_nothing_is_stale_while_the_agency_changes_nothing(returned):
    assert stale_of(returned) == set()


def test_the_agency_changing_the_criterion_makes_its_comment_stale_and_not_another(returned, cast):
    editor = client_of(cast["editor"])
    data = edit_data(returned, **{field(returned, "p", "1:1.1"): "95"})
    assert editor.post(reverse("sheet_edit", args=[returned.pk]), data).status_code == 302

    assert stale_of(returned) == {"1:1.1"}
    page = editor.get(reverse("sheet_edit", args=[returned.pk])).content.decode()
    assert page.count(f"{STALE_COMMENT}.") == 1 and MINUS in page
    detail = editor.get(reverse("sheet_detail", args=[returned.pk])).content.decode()
    assert detail.count(f"{STALE_COMMENT}.") == 1 and "Đủ tài liệu" in detail


def test_a_changed_explanation_makes_the_comment_stale_too(returned, cast):
    editor = client_of(cast["editor"])
    data = edit_data(returned, **{field(returned, "e", "1:1.2"): "Bổ sung Kế hoạch số 12/KH-VP"})
    assert editor.post(reverse("sheet_edit", args=[returned.pk]), data).status_code == 302
    assert stale_of(returned) == {"1:1.2"}


def test_the_reviewer_sees_the_stale_comment_and_rewriting_it_makes_it_current(returned, cast):
    sheet_save(
        sheet=returned, base_version=returned.version, values={"1:1.1": ScoreInput(points=95)}, by=None
    )
    returned.refresh_from_db()
    sheet_submit(sheet=returned, base_version=returned.version, by=cast["head"])
    reviewer = client_of(cast["reviewer"])
    page = reviewer.get(reverse("sheet_review", args=[returned.pk])).content.decode()
    assert page.count(f"{STALE_COMMENT}: xem lại") == 1

    returned.refresh_from_db()
    review_save(
        sheet=returned,
        base_version=returned.version,
        values={"1:1.1": ReviewInput(comment="Đã bổ sung, đủ")},
        by=cast["reviewer"],
    )
    assert stale_of(returned) == set()
    page = reviewer.get(reverse("sheet_review", args=[returned.pk])).content.decode()
    assert STALE_COMMENT not in page


def test_the_documents_print_a_stale_comment_marked_and_a_current_one_as_it_is(returned, cast):
    """1.1 changed from 90 to 95 after “trừ 2,5 điểm”: its reviewed 87,5 was cleared by the change (the
    agency's 95 counts until the reviewer looks again), and the comment is printed as an old one."""
    sheet_save(
        sheet=returned, base_version=returned.version, values={"1:1.1": ScoreInput(points=95)}, by=None
    )
    returned.refresh_from_db()
    sheet_submit(sheet=returned, base_version=returned.version, by=cast["head"])
    # a reviewed number elsewhere keeps the reviewed columns in the documents
    Score.objects.filter(sheet=returned, criterion__key="1:1.2").update(reviewed_points=38)
    sheet = Sheet.objects.select_related("rubric", "agency").get(pk=returned.pk)

    html = sheet_html(sheet)
    assert f"Nhận xét cũ, viết trước khi đơn vị sửa tiêu chí: </span>{MINUS}" in html
    assert "Đủ tài liệu" in html and html.count("Nhận xét cũ") == 1

    ws = load_workbook(BytesIO(sheet_xlsx(sheet))).active
    comments = [row[-1].value for row in ws.iter_rows(min_row=6) if row[-1].value]
    assert comments == [f"Nhận xét cũ, viết trước khi đơn vị sửa tiêu chí: {MINUS}", "Đủ tài liệu"]
