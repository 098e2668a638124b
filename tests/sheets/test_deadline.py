"""A sheet may be submitted after its rubric's deadline (the bloc's quy chế decides what lateness costs):
the head is told before submitting, and the bloc's board marks the sheet late."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Sheet
from tests.factories import sign_and_submit

pytestmark = pytest.mark.django_db


def set_deadline(sheet: Sheet, days_from_today: int) -> None:
    sheet.rubric.deadline = timezone.localdate() + datetime.timedelta(days=days_from_today)
    sheet.rubric.save(update_fields=["deadline"])


def board(client, cast) -> str:
    client.force_login(cast["reviewer"])
    response = client.get(reverse("bloc_board", args=["TMTH", 2022]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_late_sheet_is_submitted_with_a_notice_and_marked_late_on_the_board(client, cast, vp_sheet):
    set_deadline(vp_sheet, -1)
    client.force_login(cast["head"])
    page = client.get(reverse("report_sign", args=[vp_sheet.pk])).content.decode()
    deadline = vp_sheet.rubric.deadline.strftime("%d/%m/%Y")
    assert f"Đã quá hạn nộp ({deadline}): bảng vẫn nộp được" in page

    response = sign_and_submit(client, vp_sheet)
    assert response.status_code == 302
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.SUBMITTED
    assert "nộp muộn" in board(client, cast)


def test_a_sheet_in_time_gets_no_notice_and_no_mark(client, cast, vp_sheet):
    set_deadline(vp_sheet, 0)  # the deadline day itself is still in time
    client.force_login(cast["head"])
    page = client.get(reverse("report_sign", args=[vp_sheet.pk])).content.decode()
    assert "quá hạn" not in page
    sign_and_submit(client, vp_sheet)
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.SUBMITTED
    assert "nộp muộn" not in board(client, cast)
