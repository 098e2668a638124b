"""When the mail server refuses the invitations: the people added stay, the page says the invitation did not
go out and how to send it again, and the failure is logged."""

import logging
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from scoring.models import ImportJob

from .test_people import STAFF, roster

pytestmark = pytest.mark.django_db
User = get_user_model()
REFUSING = "tests.accounts.test_invitation_failures.RefusingBackend"
LOGGER = "scoring.accounts.people"


@pytest.fixture
def admin(client, cast):
    client.force_login(cast["admin"])
    return client


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers every message with an error."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPSenderRefused(550, b"5.7.1 Relaying denied", "thidua@quangngai.gov.vn")


def alerts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_person_added_while_the_mail_server_refuses_is_kept_and_the_page_says_so(
    admin, agencies, settings, caplog
):
    settings.EMAIL_BACKEND = REFUSING
    person = {"agency": "VP", "full_name": "Đỗ Văn Tâm", "email": "tam@vp.gov.vn", "role": "editor"}
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        response = admin.post(reverse("person_add"), person, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("people_list") + "?agency=VP", 302)]
    user = User.objects.get(username="tam@vp.gov.vn")
    assert list(user.memberships.values_list("agency__code", "role")) == [("VP", "editor")]
    assert alerts(response) == [
        "Đã thêm Đỗ Văn Tâm (Cán bộ nhập liệu, Cơ quan VP) nhưng chưa gửi được thư mời đến tam@vp.gov.vn: "
        "máy chủ thư không nhận. Tài khoản đã được tạo; khi máy chủ thư hoạt động lại, bấm “Gửi lại thư mời” "
        "ở dòng của người đó trong danh sách bên dưới."
    ]
    assert 'class="alert alert-warning"' in response.content.decode()
    assert "Gửi lại thư mời" in response.content.decode()  # the button the message names is there
    (record,) = [r for r in caplog.records if r.name == LOGGER]
    assert "tam@vp.gov.vn" in record.getMessage() and record.exc_info[0] is smtplib.SMTPSenderRefused

    # the mail server is back: the button sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = admin.post(reverse("person_invite", args=[user.pk]), follow=True)
    assert alerts(again) == ["Đã gửi lại thư mời đến tam@vp.gov.vn."]
    assert [m.to for m in mail.outbox] == [["tam@vp.gov.vn"]]


def test_a_roster_confirmed_while_the_mail_server_refuses_keeps_everybody(
    admin, agencies, settings, caplog, confirm_now
):
    settings.EMAIL_BACKEND = REFUSING
    preview = admin.post(reverse("people_import"), {"agency": "STC", "upload": roster(STAFF)})
    token = preview.context["staged"].token
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        done = confirm_now(admin, reverse("people_import_confirm"), {"token": token, "action": "confirm"})
    assert User.objects.filter(email__endswith="@stc.gov.vn").count() == 3
    job = ImportJob.objects.get()
    assert job.status == "done"
    assert job.message.startswith("Đã thêm 3 người vào Cơ quan STC. Chưa gửi được thư mời đặt mật khẩu")
    assert "“Gửi lại thư mời”" in admin.get(done["Location"]).content.decode()
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == [LOGGER]


def test_resending_while_the_mail_server_refuses_says_it_did_not_go(admin, agencies, settings):
    admin.post(
        reverse("person_add"),
        {"agency": "VP", "full_name": "Đỗ Văn Tâm", "email": "tam@vp.gov.vn", "role": "editor"},
        follow=True,
    )
    user = User.objects.get(username="tam@vp.gov.vn")
    settings.EMAIL_BACKEND = REFUSING
    response = admin.post(reverse("person_invite", args=[user.pk]), follow=True)
    assert response.status_code == 200
    assert alerts(response) == [
        "Chưa gửi được thư mời đến tam@vp.gov.vn: máy chủ thư không nhận. "
        "Xin báo cho quản trị hệ thống kiểm tra máy chủ thư rồi bấm “Gửi lại thư mời” lần nữa."
    ]
    assert 'class="alert alert-danger"' in response.content.decode()
