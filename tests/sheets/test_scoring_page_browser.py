"""The scoring page in a real browser, off the happy path: the database gone mid-autosave, the session gone,
two colleagues on one sheet, a number over the maximum. Debian's chromium driven by Playwright."""

import threading
from decimal import Decimal as D

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections
from django.db.backends import utils as db_utils

from scoring.models import Citation, Document, Score, ScoreChange
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.forms import SheetForm
from tests.browser import browser_page, log_in, wait_until
from tests.factories import PASSWORD_FOR_CAST, field

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    connections.close_all()  # the greenlet Playwright runs the test in has its own connection


def points(sheet, key):
    score = Score.objects.filter(sheet=sheet, criterion__key=key).first()
    return score.points if score else None


def server_error(sheet, name, typed) -> str:
    """What the server says of `typed` in box `name`: the page must say the same before sending it."""
    form = SheetForm(data={name: typed}, rtree=rubric_tree(sheet.rubric), documents=[])
    form.is_valid()
    return " ".join(form.errors[name])


def open_sheet(page, server, sheet):
    page.goto(f"{server.url}/bang-cham-diem/{sheet.pk}/cham-diem/")
    page.wait_for_selector("#sheet-form")


def saved(page):
    wait_until(page, lambda: page.locator("#autosave-status.autosave-saved").count() == 1, "autosave saved")


class DatabaseDown:
    """Every query from the live server's threads fails as if the server had gone, until `up()`."""

    def __init__(self, monkeypatch):
        self.down = False
        self.failed = 0
        main = threading.main_thread()
        execute = db_utils.CursorWrapper.execute

        def failing(cursor, *args, **kwargs):
            if self.down and threading.current_thread() is not main:
                self.failed += 1
                raise OperationalError("server closed the connection unexpectedly")
            return execute(cursor, *args, **kwargs)

        monkeypatch.setattr(db_utils.CursorWrapper, "execute", failing)

    def up(self):
        self.down = False


def test_the_database_gone_mid_autosave_the_value_arrives_once_it_is_back(
    browser, server, vp_sheet, cast, monkeypatch
):
    database = DatabaseDown(monkeypatch)
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        database.down = True
        page.fill(f"[name='{name}']", "77")
        wait_until(page, lambda: database.failed > 0, "a save tried while the database is down")
        wait_until(page, lambda: page.locator("#autosave-status.autosave-error").count() == 1, "error shown")
        assert "Sẽ tự thử lại" in page.inner_text("#autosave-status")
        assert points(vp_sheet, "1:1.1") is None
        database.up()
        # nobody touches anything: the page's own retry delivers the value
        wait_until(page, lambda: points(vp_sheet, "1:1.1") == D("77"), "the value reached the database", 30)
        saved(page)


def test_a_502_keeps_the_box_dirty_and_warns_before_leaving(browser, server, vp_sheet, cast):
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        answers = []

        def gateway(route):
            answers.append(502)
            route.fulfill(status=502, body="<html>Bad gateway</html>", content_type="text/html")

        page.route("**/cham-diem/", gateway)
        page.fill(f"[name='{name}']", "66")
        wait_until(page, lambda: answers, "the proxy answered 502")
        wait_until(page, lambda: page.locator("#autosave-status.autosave-error").count() == 1, "error shown")
        assert page.evaluate("window.sheetAutosave.dirtyNames()") == [name]
        page.unroute("**/cham-diem/")
        wait_until(page, lambda: points(vp_sheet, "1:1.1") == D("66"), "saved after the proxy came back", 30)


def test_a_session_deleted_on_the_server_loses_nothing_after_logging_in_again(
    browser, server, vp_sheet, cast
):
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        Session.objects.all().delete()
        page.fill(f"[name='{name}']", "88")
        wait_until(
            page, lambda: page.locator("#autosave-status.autosave-login").count() == 1, "asked to log in"
        )
        assert points(vp_sheet, "1:1.1") is None
        # the tab is closed; later the user comes back and logs in
        page.goto(f"{server.url}/bang-cham-diem/{vp_sheet.pk}/cham-diem/")
        page.wait_for_selector("#id_username")
        page.fill("#id_username", cast["editor"].username)
        page.fill("#id_password", PASSWORD_FOR_CAST)
        page.click("button[type=submit]")
        page.wait_for_selector("#restore-box:not([hidden])")
        assert "1 ô" in page.inner_text("#restore-box")
        page.click("#restore-box .restore-yes")
        wait_until(page, lambda: points(vp_sheet, "1:1.1") == D("88"), "the restored value was saved")
        saved(page)
    with browser_page(browser, server, cast["editor"]) as page:  # saved: nothing left to offer
        open_sheet(page, server, vp_sheet)
        assert page.locator("#restore-box").is_hidden()


def test_lưu_nháp_with_an_expired_session_keeps_the_input_and_saves_after_logging_in(
    browser, server, vp_sheet, cast
):
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        Session.objects.all().delete()
        page.fill(f"[name='{name}']", "12,5")
        page.click("button[name=save] >> nth=0")
        page.wait_for_selector("#login-dialog[open]")
        with page.context.expect_page() as login_tab:
            page.click("#login-dialog .login-open")
        log_in(login_tab.value, server.url, cast["editor"].username, PASSWORD_FOR_CAST)
        login_tab.value.close()
        page.bring_to_front()
        wait_until(page, lambda: points(vp_sheet, "1:1.1") == D("12.5"), "saved once logged in again", 30)
        assert page.input_value(f"[name='{name}']") == "12,5"


def test_two_editors_on_different_criteria_are_both_saved(browser, server, vp_sheet, cast):
    first, second = field(vp_sheet, "p", "1:1.1"), field(vp_sheet, "p", "1:1.2")
    with browser_page(browser, server, cast["editor"]) as a, browser_page(browser, server, cast["head"]) as b:
        open_sheet(a, server, vp_sheet)
        open_sheet(b, server, vp_sheet)  # both pages start from the same version
        a.fill(f"[name='{first}']", "90")
        saved(a)
        b.fill(f"[name='{second}']", "9")
        saved(b)
        assert points(vp_sheet, "1:1.1") == 90 and points(vp_sheet, "1:1.2") == 9
        assert b.locator(".conflict").count() == 0
        assert b.input_value(f"[name='{first}']") == "90"  # the colleague's change came in
        authors = dict(
            ScoreChange.objects.filter(field="points").values_list("criterion__key", "by__username")
        )
        assert authors == {"1:1.1": cast["editor"].username, "1:1.2": cast["head"].username}


def test_two_editors_on_the_same_box_see_both_values_and_nothing_is_reverted(browser, server, vp_sheet, cast):
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as a, browser_page(browser, server, cast["head"]) as b:
        open_sheet(a, server, vp_sheet)
        open_sheet(b, server, vp_sheet)
        a.fill(f"[name='{name}']", "90")
        saved(a)
        b.fill(f"[name='{name}']", "100")
        b.wait_for_selector(f"#id_{name}_conflict")
        text = b.inner_text(f"#id_{name}_conflict")
        assert "“90”" in text and "“100”" in text
        b.click("button[name=save] >> nth=0")  # pressing "Lưu nháp", twice, writes nothing over it
        b.click("button[name=save] >> nth=0")
        b.wait_for_timeout(500)
        assert points(vp_sheet, "1:1.1") == 90
        b.click(f"#id_{name}_conflict button:has-text('Giữ của tôi')")
        wait_until(b, lambda: points(vp_sheet, "1:1.1") == 100, "the knowing choice was saved")
        last = ScoreChange.objects.filter(field="points").order_by("-version").first()
        assert (last.old, last.new, last.by) == ("90", "100", cast["head"])


def test_a_value_over_the_maximum_is_flagged_before_any_request(browser, server, vp_sheet, cast):
    name = field(vp_sheet, "p", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        posts = []
        page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
        page.fill(f"[name='{name}']", "555")
        assert page.get_attribute(f"[name='{name}']", "aria-invalid") == "true"
        assert page.inner_text(f"#id_{name}_error") == server_error(vp_sheet, name, "555")
        assert page.locator("#totals-invalid").is_visible()
        page.wait_for_timeout(3000)  # past the autosave delay
        assert posts == []
        page.click("button[name=save] >> nth=0")
        page.wait_for_selector("#save-summary:not([hidden])")
        assert page.evaluate("document.activeElement.name") == name
        assert points(vp_sheet, "1:1.1") is None


def test_a_pasted_citation_is_saved_by_autosave_and_shown_as_cited(browser, server, vp_sheet, cast):
    pasted, cited = field(vp_sheet, "n", "1:1.1"), field(vp_sheet, "d", "1:1.1")
    with browser_page(browser, server, cast["editor"]) as page:
        open_sheet(page, server, vp_sheet)
        page.fill(f"[name='{pasted}']", "Kế hoạch số 495/KH-VP ngày 29/3/2022 về thực hiện quy chế dân chủ")
        page.keyboard.press("Tab")  # leaving the box sends it
        wait_until(
            page,
            lambda: Citation.objects.filter(score__sheet=vp_sheet, document__number="495/KH-VP").exists(),
            "the pasted citation registered and cited",
        )
        saved(page)
        document = Document.objects.get(agency=vp_sheet.agency, number="495/KH-VP")
        assert page.input_value(f"[name='{pasted}']") == ""
        assert page.is_checked(f"#id_{cited}_{document.pk}")
        assert page.evaluate("window.sheetAutosave.dirtyNames()") == []
