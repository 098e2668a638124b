"""A reviewer who posts an old copy of the review page: merged box by box, the conflict shown, never a 500.

Before the fix the service answered a stale review with `SheetLocked` (a submitted sheet is not the agency's
to edit) while the page expected `SheetConflict`, so the reviewer got the 500 page and lost what they typed.
"""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Score, Sheet
from scoring.review import views as review_views
from scoring.review.services import ReviewInput, review_save, sheet_return

from ..factories import field

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    vp_sheet.refresh_from_db()
    return vp_sheet


@pytest.fixture
def reviewer(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast["reviewer"])
    return client


def old_page(client, sheet, **typed):
    """What the review page posts back, as loaded now, with `typed` on top."""
    form = client.get(reverse("sheet_review", args=[sheet.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return {**data, **typed}


def a_colleague_comments(sheet, cast) -> None:
    """Another reviewer saves a comment on 1.1 after the page was opened."""
    review_save(
        sheet=sheet,
        base_version=sheet.version,
        values={"1:1.1": ReviewInput(comment="Thiếu kế hoạch")},
        by=cast["admin"],
    )


def test_a_stale_review_of_another_box_is_saved_beside_the_other_change(reviewer, submitted, cast):
    box = field(submitted, "rp", "1:1.1")
    data = old_page(reviewer, submitted, **{box: "7", "action": "save"})
    a_colleague_comments(submitted, cast)
    url = reverse("sheet_review", args=[submitted.pk])

    response = reviewer.post(url, data)

    assert response.status_code == 302
    score = Score.objects.get(sheet=submitted, criterion__key="1:1.1")
    assert score.reviewed_points == D("7") and score.review_comment == "Thiếu kế hoạch"


def test_a_stale_review_of_the_same_box_shows_both_and_keeps_what_was_typed(reviewer, submitted, cast):
    box = field(submitted, "rc", "1:1.1")
    data = old_page(reviewer, submitted, **{box: "Đủ", "action": "save"})
    a_colleague_comments(submitted, cast)
    url = reverse("sheet_review", args=[submitted.pk])

    response = reviewer.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 ô chưa lưu vì trong lúc bạn thẩm định, người khác đã lưu giá trị khác vào đúng ô đó" in page
    assert "Nhận xét thẩm định</a>: bạn nhập “Đủ”; quantri đã lưu “Thiếu kế hoạch”" in page
    assert response.context["form"][box].value() == "Đủ"  # what this reviewer typed
    score = Score.objects.get(sheet=submitted, criterion__key="1:1.1")
    assert score.review_comment == "Thiếu kế hoạch"

    # Posted again, knowingly, on top of the other change: saved.
    form = response.context["form"]
    again = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    response = reviewer.post(url, {**again, "action": "save"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.review_comment == "Đủ"


def test_a_stale_accept_is_stopped_to_show_what_changed(reviewer, submitted, cast):
    data = old_page(reviewer, submitted, action="accept")
    review_save(
        sheet=submitted,
        base_version=submitted.version,
        values={"1:1.1": ReviewInput(comment="Xem lại")},
        by=cast["admin"],
    )
    response = reviewer.post(reverse("sheet_review", args=[submitted.pk]), data)
    assert response.status_code == 200
    assert "Chưa duyệt: trong lúc bạn xem, người khác đã sửa bảng này." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Sheet.Status.SUBMITTED


def test_a_sheet_returned_meanwhile_gets_a_clear_message(reviewer, submitted, cast, monkeypatch):
    """The other reviewer returns the sheet just after this request has read it."""
    data = old_page(reviewer, submitted, **{field(submitted, "rp", "1:1.1"): "7", "action": "save"})
    loaded = review_views.get_sheet_for_reviewer

    def then_returned(request, pk):
        found = loaded(request, pk)
        if request.method == "POST":
            sheet = Sheet.objects.get(pk=pk)
            sheet_return(sheet=sheet, base_version=sheet.version, reason="Sửa", by=cast["admin"])
        return found

    monkeypatch.setattr(review_views, "get_sheet_for_reviewer", then_returned)

    response = reviewer.post(reverse("sheet_review", args=[submitted.pk]), data, follow=True)

    assert response.status_code == 200
    assert "đang ở trạng thái “Bị trả lại”" in response.content.decode()
    assert not Score.objects.filter(sheet=submitted, reviewed_points__isnull=False).exists()


def test_posting_to_a_sheet_already_returned_gets_the_same_message(reviewer, submitted, cast):
    data = old_page(reviewer, submitted, **{field(submitted, "rp", "1:1.1"): "7", "action": "accept"})
    sheet_return(sheet=submitted, base_version=submitted.version, reason="Sửa", by=cast["admin"])
    response = reviewer.post(reverse("sheet_review", args=[submitted.pk]), data, follow=True)
    assert "đang ở trạng thái “Bị trả lại”" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Sheet.Status.RETURNED
