"""The small page scripts in a real browser, under the app's own CSP: confirmations (static/js/confirm.js),
progress while signing and downloading (static/js/progress.js), and the report editor that never loses
its text (static/js/unsaved.js, and "Lưu rồi ký số và nộp…" saving first).

One browser and one live server for the module, on the demo data; what the tests check is what the user
sees. Any order will do: the tests that close the year open it again, and the one that signs Văn phòng's
report (which submits its only sheet, the one every other test opens as a draft) makes the demo again after
it.
"""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections

from scoring import demo

from .browser import ADMIN, HEAD, context_page, demo_site, fill_the_demo

# the module's data: see tests/browser.py::demo_site
pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """Replaces the suite's per-test settings: the module's hold for the module (tests/browser.py)."""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_site(django_db_blocker, tmp_path_factory.mktemp("page-scripts")) as site:
        yield site


@pytest.fixture
def page_as(site):
    """page_as(username): a new page of that user's signed-in context; no script error may happen on it."""
    opened = []

    def open_page(username):
        errors = []
        page = context_page(site.context(username), errors)
        opened.append((page, errors))
        return page

    yield open_page
    for page, errors in opened:
        page.close()
        assert errors == []


def on_a_connection_of_its_own(work) -> None:
    """Run `work` in a thread, as the live server does: the test's own connection is inside pytest-django's
    transaction, which would roll it back at the end of the test (and, on SQLite, hold the write lock)."""
    failed = []

    def run():
        try:
            work()
        except BaseException as exc:
            failed.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


@pytest.fixture
def demo_made_again_after(site):
    """For a test that changes the demo for good: after it, the demo is flushed and made again, and the
    signed-in contexts (whose sessions went with it) are closed, so that the next test finds what it would
    have found first."""
    yield

    def make_again():
        call_command("flush", interactive=False, verbosity=0)
        site.urls.update(fill_the_demo())

    on_a_connection_of_its_own(make_again)
    for context in site.contexts.values():
        context.close()
    site.contexts.clear()


def focused_text(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()")


def test_closing_the_year_asks_first_esc_cancels_and_focus_comes_back(site, page_as):
    page = page_as(ADMIN)
    page.goto(site.base + site.urls["board"])
    close = page.locator("button:has-text('Khóa sổ năm 2022')")
    close.click()
    dialog = page.locator("dialog[open]")
    assert "Sau khi khóa, không ai sửa, nộp, thẩm định hay duyệt" in dialog.inner_text()
    assert dialog.get_attribute("aria-labelledby") == "confirm-dialog-title"
    assert focused_text(page) == "Hủy"  # the harmless choice has the focus
    page.keyboard.press("Escape")
    assert page.locator("dialog[open]").count() == 0
    assert focused_text(page) == "Khóa sổ năm 2022"
    assert page.locator("text=Đã khóa sổ").count() == 0  # nothing was sent

    close.click()
    page.click("dialog[open] button:has-text('Hủy')")
    assert page.locator("text=Đã khóa sổ").count() == 0

    close.click()
    page.click("dialog[open] button:text-is('Khóa sổ')")
    page.wait_for_selector("text=Đã khóa sổ năm 2022")

    page.fill("input[name=reason]", "Sở Tài chính xin sửa tiêu chí 1.1")
    page.click("button:has-text('Mở lại năm 2022')")
    assert "Lý do mở lại được ghi vào lịch sử" in page.locator("dialog[open]").inner_text()
    page.click("dialog[open] button:text-is('Mở lại năm 2022')")
    page.wait_for_selector("text=Đã mở lại năm 2022.")


def test_without_scripts_closing_the_year_still_works(site):
    context = site.browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(site.base + "/dang-nhap/")
        page.fill("#id_username", ADMIN)
        page.fill("#id_password", next(u.password for u in demo.USERS if u.username == ADMIN))
        page.click("button[type=submit]")
        page.goto(site.base + site.urls["board"])
        page.click("button:has-text('Khóa sổ năm 2022')")
        page.wait_for_selector("text=Đã khóa sổ năm 2022")
        page.fill("input[name=reason]", "Thử không có JavaScript")
        page.click("button:has-text('Mở lại năm 2022')")
        page.wait_for_selector("text=Đã mở lại năm 2022.")
    finally:
        context.close()


def slow(seconds: float, result: bytes):
    def export(*args, **kwargs):
        time.sleep(seconds)
        return result

    return export


def test_a_download_shows_its_progress_and_arrives_as_a_file(site, page_as, monkeypatch):
    monkeypatch.setattr("scoring.reports.views.sheet_xlsx", slow(1.5, b"PK\x03\x04 bang cham diem"))
    page = page_as(HEAD)
    page.goto(site.base + site.urls["sheet"])
    link = page.locator("a:has-text('Tải Excel')")
    with page.expect_download() as arrived:
        link.click()
        page.wait_for_selector("a[aria-disabled=true]:has-text('Đang tạo tệp…') .spinner-border")
        link.click()  # a second click while it runs asks for nothing more
    assert arrived.value.suggested_filename == "bang-cham-diem-2022-VP.xlsx"
    assert page.locator("a:has-text('Tải Excel')").get_attribute("aria-disabled") is None
    assert page.locator(".download-error").count() == 0


def test_a_failed_export_says_so_in_vietnamese_on_the_page(site, page_as, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr("scoring.reports.views.sheet_pdf", broken)
    page = page_as(HEAD)
    page.goto(site.base + site.urls["sheet"])
    page.click("a:has-text('Tải PDF')")
    error = page.wait_for_selector(".download-error[role=alert]")
    assert "Không tạo được tệp: máy chủ gặp lỗi (mã 500)" in error.inner_text()
    assert "mã yêu cầu" in error.inner_text()  # the request id, for the administrator
    assert page.url == site.base + site.urls["sheet"]  # still on the page, not on an error page


def test_signing_from_the_report_editor_saves_the_text_first(site, page_as):
    page = page_as(HEAD)
    page.goto(site.base + site.urls["sheet"] + "bao-cao/")
    page.fill("textarea[name=situation]", "Năm 2022 đơn vị có 45 cán bộ, công chức.")
    page.click("button:has-text('Lưu rồi ký số và nộp…')")
    page.wait_for_selector("h1:has-text('Ký số Báo cáo số')")
    assert page.locator("text=Đã lưu báo cáo.").count() == 1
    page.goto(site.base + site.urls["sheet"] + "bao-cao/")
    assert page.input_value("textarea[name=situation]") == "Năm 2022 đơn vị có 45 cán bộ, công chức."


def test_leaving_the_report_editor_with_unsaved_text_asks_first(site, page_as):
    page = page_as(HEAD)
    page.goto(site.base + site.urls["sheet"] + "bao-cao/")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("a:has-text('về bảng chấm điểm')")  # nothing typed: leaves without a question
    page.wait_for_url(site.base + site.urls["sheet"])
    assert asked == []
    page.go_back()
    page.fill("textarea[name=plans]", "Tiếp tục cải cách hành chính.")
    page.click("a:has-text('về bảng chấm điểm')")
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert page.input_value("textarea[name=plans]") == "Tiếp tục cải cách hành chính."


def test_signing_asks_first_then_shows_progress_and_cannot_be_sent_twice(
    site, demo_made_again_after, page_as
):
    page = page_as(HEAD)
    page.goto(site.base + site.urls["sheet"] + "bao-cao/ky/")
    page.set_input_files("input[name=certificate]", str(site.folder / "certs" / f"{HEAD}.p12"))
    page.fill("input[name=passphrase]", demo.CERT_PASSPHRASE)
    page.click("button[name=sign]")
    assert "Sau khi ký, báo cáo không sửa được nữa" in page.locator("dialog[open]").inner_text()
    # What the button shows while the request runs, reported as it changes (the next page replaces it).
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    page.evaluate(
        """() => {
            const button = document.querySelector("button[name=sign]");
            new MutationObserver(() => console.log(JSON.stringify({
                disabled: button.disabled, text: button.textContent.trim(),
                spinner: !!button.querySelector(".spinner-border"),
            }))).observe(button, {attributes: true, childList: true, subtree: true});
        }"""
    )
    page.click("dialog[open] button:text-is('Ký số và nộp')")
    page.wait_for_selector("text=Đã ký số báo cáo và nộp bảng chấm điểm cho khối trưởng.")
    assert '{"disabled":true,"text":"Đang ký số…","spinner":true}' in seen
    assert "Đã ký số lúc" in page.inner_text("main")
