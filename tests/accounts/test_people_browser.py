"""In a browser: the province's administrator adds an agency's staff from a spreadsheet (preview, confirm: a
job, run at once by django-tasks' ImmediateBackend in the first test, by the real worker while the page
follows it in the second), and one of them sets a password through the e-mailed link and logs in."""

import re

import pytest
from django.core import mail
from openpyxl import Workbook

from scoring.models import ImportJob

from ..browser import browser_page, new_page
from ..review.test_export_jobs import run_worker

PASSWORD = "mat-khau-cua-toi-2023"


def roster(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "E-mail", "Vai trò"])
    ws.append(["Trần Văn An", "an@stc.gov.vn", "Cán bộ nhập liệu"])
    ws.append(["Phạm Thị Bích Ngọc", "ngoc@stc.gov.vn", "Thủ trưởng"])
    wb.save(path)
    return path


@pytest.mark.django_db(transaction=True)
def test_the_administrator_adds_staff_from_a_spreadsheet_and_one_sets_a_password(
    browser, server, cast, settings, tmp_path
):
    settings.SITE_URL = server.url
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with browser_page(browser, server, cast["admin"]) as page:
        page.goto(server.url + "/tinh/thiet-lap/nguoi-dung/")
        page.click("text=Thêm từ tệp Excel")
        page.select_option("#id_agency", "STC")
        page.set_input_files("#id_upload", str(roster(tmp_path / "danh-sach.xlsx")))
        page.click("input[value='Xem trước'], button:has-text('Xem trước')")
        page.wait_for_selector("text=Xem trước: 2 người cho Cơ quan STC")
        assert page.locator("table tbody tr").count() == 2
        assert mail.outbox == []
        page.click("button:has-text('Xác nhận: thêm 2 người')")
        page.wait_for_selector("text=Đã thêm 2 người vào Cơ quan STC")
        page.click("text=Xem danh sách người dùng của cơ quan")
        assert page.locator("td:text-is('Phạm Thị Bích Ngọc')").count() == 1
        assert page.locator("text=Chưa đặt mật khẩu").count() == 2
    message = next(m for m in mail.outbox if m.to == ["ngoc@stc.gov.vn"])
    link = re.search(r"http\S+/moi/\S+/", message.body).group(0)

    person = new_page(browser)
    try:
        person.goto(link)
        person.wait_for_selector("text=Tên đăng nhập của bạn")
        person.fill("#id_new_password1", PASSWORD)
        person.fill("#id_new_password2", PASSWORD)
        person.click("button:has-text('Đặt mật khẩu')")
        person.wait_for_selector("text=Đã đặt mật khẩu")
        person.fill("#id_username", "ngoc@stc.gov.vn")
        person.fill("#id_password", PASSWORD)
        person.click("button[type=submit]")
        person.wait_for_url(server.url + "/")
        assert "Phạm Thị Bích Ngọc" in person.inner_text("nav")
    finally:
        person.context.close()
    assert person.errors == []


@pytest.mark.django_db(transaction=True)
def test_the_import_page_follows_the_job_until_the_worker_has_written_it(
    browser, server, cast, settings, tmp_path
):
    with browser_page(browser, server, cast["admin"]) as page:
        page.goto(server.url + "/tinh/thiet-lap/nguoi-dung/nhap/")
        page.select_option("#id_agency", "STC")
        page.set_input_files("#id_upload", str(roster(tmp_path / "danh-sach.xlsx")))
        page.click("input[value='Xem trước'], button:has-text('Xem trước')")
        page.click("button:has-text('Xác nhận: thêm 2 người')")
        page.wait_for_selector("section#tac-vu[data-status='queued']")
        assert "Đang chờ" in page.inner_text("#tac-vu")
        url = page.url

        run_worker(settings)  # the page is not reloaded: its script sees the job finish

        page.wait_for_selector("section#tac-vu[data-status='done']", timeout=10_000)
        assert page.url == url
        # done as soon as the people are written; the invitations' sentence follows once they are sent
        assert page.inner_text("[data-job-result]").startswith("Đã thêm 2 người vào Cơ quan STC.")
        assert page.locator("[data-job-pending]").is_hidden()
        assert page.locator("text=Xem danh sách người dùng của cơ quan").is_visible()
        page.reload()
        result = page.inner_text("[data-job-result]")
        assert result == "Đã thêm 2 người vào Cơ quan STC. Đã gửi thư mời đặt mật khẩu cho từng người."
    assert ImportJob.objects.get().status == "done"
