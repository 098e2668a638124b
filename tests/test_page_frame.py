"""What every page has around its content: a skip link to the main content, landmarks, the menu bar in
colours that meet WCAG AA, and messages announced by screen readers (errors at once, the rest politely)."""

import re

import pytest
from django.urls import reverse

from tests.factories import sign_and_submit

pytestmark = pytest.mark.django_db


def test_every_page_starts_with_a_skip_link_to_its_main_content(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    for url in (reverse("home"), reverse("sheet_detail", args=[vp_sheet.pk]), reverse("login")):
        page = client.get(url).content.decode()
        body = page[page.index("<body>") :]
        assert re.match(r'<body>\s*<a class="skip-link" href="#main">Bỏ qua, đến nội dung chính</a>', body)
        assert '<main id="main" class="container mb-5" tabindex="-1">' in page
        assert '<nav class="navbar navbar-expand navbar-dark app-navbar mb-4" aria-label=' in page
        assert "bg-primary" not in page[: page.index("<main")]  # #0d6efd behind light text is 4.26:1


def test_errors_are_alerts_and_other_messages_are_status(client, cast, vp_sheet):
    client.force_login(cast["head"])
    url = reverse("sheet_submit", args=[vp_sheet.pk])
    page = client.post(url, {"version": vp_sheet.version}, follow=True).content.decode()
    assert (
        '<div class="alert alert-danger" role="alert">Chưa nộp: bảng chấm điểm chỉ nộp được kèm báo cáo'
        in page
    )
    page = sign_and_submit(client, vp_sheet, follow=True).content.decode()
    assert '<div class="alert alert-success" role="status">Đã ký số báo cáo và nộp bảng chấm điểm' in page


def test_the_name_in_the_menu_bar_says_where_it_leads(client, cast):
    client.force_login(cast["editor"])
    page = client.get(reverse("home")).content.decode()
    assert '<span class="visually-hidden"> – đổi mật khẩu</span></a>' in page
