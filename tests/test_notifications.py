import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from scoring.models import Rubric, Sheet
from scoring.review.services import sheet_accept, sheet_return
from scoring.sheets.services import SheetConflict, SheetLocked, sheet_submit

from .replay import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo()
    mail.outbox.clear()
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


def test_the_reviewers_hear_of_a_submission_and_the_agency_of_a_return_and_an_acceptance(
    demo, django_capture_on_commit_callbacks
):
    vp = Sheet.objects.get(agency__code="VP")
    with django_capture_on_commit_callbacks(execute=True):
        sheet_submit(sheet=vp, base_version=vp.version, by=None)
    (message,) = mail.outbox
    assert message.to == ["ttr.chamdiem@example.gov.vn"]
    assert message.subject == "[Thi đua 2022] Văn phòng UBND tỉnh đã nộp bảng chấm điểm"
    assert "/bang-cham-diem/" in message.body and "tham-dinh" in message.body

    stc = Sheet.objects.get(agency__code="STC")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_return(sheet=stc, base_version=stc.version, reason="Thiếu tài liệu 1.3", by=None)
    (message,) = mail.outbox
    assert message.subject == "[Thi đua 2022] Bảng chấm điểm bị trả lại"
    assert "Lý do: Thiếu tài liệu 1.3" in message.body
    assert sorted(message.to) == ["stc.bientap@example.gov.vn", "stc.thutruong@example.gov.vn"]

    vp.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_accept(sheet=vp, base_version=vp.version, by=None)
    (message,) = mail.outbox
    assert sorted(message.to) == ["vp.bientap@example.gov.vn", "vp.thutruong@example.gov.vn"]
    assert message.subject == "[Thi đua 2022] Bảng chấm điểm đã được duyệt"


def test_nothing_is_sent_when_the_change_rolls_back(demo, django_capture_on_commit_callbacks):
    stc = Sheet.objects.get(agency__code="STC")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises((SheetConflict, SheetLocked)),
    ):
        sheet_accept(sheet=stc, base_version=stc.version - 1, by=None)
    assert mail.outbox == []


def test_reminders_go_to_agencies_that_have_not_submitted_before_the_deadline(demo):
    out = StringIO()
    call_command("send_reminders", "--today", "2022-12-13", "--days", "3", stdout=out)
    assert (
        out.getvalue().strip() == "Đã gửi 1 thư nhắc."
    )  # only Văn phòng UBND tỉnh has users and no submission
    (message,) = mail.outbox
    assert message.subject == "[Thi đua 2022] Còn 2 ngày để nộp bảng chấm điểm"
    assert "Văn phòng UBND tỉnh chưa nộp" in message.body and "15/12/2022" in message.body
    assert sorted(message.to) == ["vp.bientap@example.gov.vn", "vp.thutruong@example.gov.vn"]
    mail.outbox.clear()
    call_command("send_reminders", "--today", "2022-12-01", "--days", "3", stdout=StringIO())
    assert mail.outbox == []  # too early
    assert datetime.date(2022, 12, 15) == demo.deadline
