"""What every browser test needs: Debian's chromium driven by Playwright against a live server of its own.

A pytest plugin (tests/conftest.py names it): the `browser`, `server` and `page` fixtures, helpers, and one
demo site for a whole module (`demo_site`). Without chromium or Playwright the tests that use them are
skipped, except under CI=true where they fail.
"""

import contextlib
import datetime
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread

from scoring import demo
from scoring.models import Agency, Citation, Document, Report, Sheet
from scoring.reports.services import report_for

from .factories import PDF

# Playwright's sync API runs an event loop in the test's thread; Django refuses queries there without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CI = os.environ.get("CI") == "true"
# axe-core as package-lock.json pins it (scripts/test.sh installs it with npm ci)
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def sync_playwright():
    if not shutil.which(CHROMIUM) and not CI:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    if CI:
        from playwright.sync_api import sync_playwright as start
    else:
        start = pytest.importorskip("playwright.sync_api").sync_playwright
    return start()


@contextlib.contextmanager
def chromium():
    """One headless chromium."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def live_server():
    """The app on a free port of localhost, in a thread; its address. Stopped (and its database connections
    closed) on leaving, so do that before the database goes."""
    thread = LiveServerThread("localhost", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module; each test's pages live in contexts of their own."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def server(transactional_db):
    """A live server for this test alone, stopped (and its connections closed) before the database goes."""
    with live_server() as url:
        yield SimpleNamespace(url=url)


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a new context at that viewport whose script errors are collected in `page.errors`."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.errors = []
    return context_page(context, page.errors, page)


def context_page(context, errors: list[str], page=None):
    """A page of `context` whose script errors are collected in `errors`."""
    page = page or context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


@pytest.fixture
def page(browser, server):
    page = new_page(browser)
    yield page
    page.context.close()
    assert page.errors == []


@contextlib.contextmanager
def browser_page(browser, server, user=None, *, width=1366, height=768):
    """A page of its own, signed in as `user` (a session made on the server, no login form)."""
    page = new_page(browser, width, height)
    if user is not None:
        sign_in(page.context, server, user)
    try:
        yield page
    finally:
        page.context.close()
    assert page.errors == []


def sign_in(context, server, user) -> None:
    """Give the browser context a session of `user`, made on the server as the login form would."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server.url}])


def log_in(page, base, username, password):
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


class Counted:
    """A page whose actions (go, click, fill, choose, press, upload) are counted, to report a walk's length;
    `actions` lists them, `posts` the forms the browser sent (a POST that loads a page)."""

    ACTIONS = ("goto", "click", "fill", "select_option", "check", "uncheck", "press", "set_input_files")

    def __init__(self, page):
        self.page, self.actions, self.posts = page, [], []
        page.on(
            "request",
            lambda r: r.method == "POST" and r.is_navigation_request() and self.posts.append(r.url),
        )

    def __getattr__(self, name):
        attribute = getattr(self.page, name)
        if name in self.ACTIONS:

            def counted(*args, **kwargs):
                self.actions.append(f"{name} {args[0]}")
                return attribute(*args, **kwargs)

            return counted
        return attribute


def wait_until(page, predicate, what: str, seconds: float = 15) -> None:
    """Poll from Python (the page's CSP forbids the eval that page.wait_for_function needs); waiting through
    the page lets Playwright deliver its events (routes, requests) meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never happened: {what}")


def wait_for_value(page, selector: str, expected: str, seconds: float = 10) -> None:
    wait_until(
        page, lambda: page.input_value(selector) == expected, f"{selector} became {expected!r}", seconds
    )


def sign_and_submit(page, username: str) -> None:
    """The head signs the report and submits the sheet from the sheet's page, with the demo certificate
    load_demo made for `username`; the page shows what is about to be signed first."""
    page.click("main a:has-text('Ký số và nộp') >> nth=0")
    page.wait_for_selector("text=Xem lại trước khi ký và nộp")
    page.wait_for_load_state("load")  # the signing button's confirmation needs the page's script
    page.set_input_files("input[name=certificate]", str(Path(settings.DEMO_CERT_DIR) / f"{username}.p12"))
    page.fill("input[name=passphrase]", demo.CERT_PASSPHRASE)
    page.click("button[name=sign]")
    page.click("dialog[open] button:text-is('Ký số và nộp')")
    page.wait_for_selector("text=Đã ký số báo cáo và nộp bảng chấm điểm cho khối trưởng.")


def save_draft(page) -> None:
    """Press "Lưu nháp" and wait until the page says the whole sheet is saved (it stays on the page)."""
    page.click("button[name=save] >> nth=0")
    page.wait_for_selector("#autosave-status.autosave-saved:has-text('Đã lưu bảng chấm điểm lúc')")


# ---------------------------------------------------------------- one demo site for a whole module

PASSWORDS = {u.username: u.password for u in demo.USERS}
EDITOR, HEAD, REVIEWER, ADMIN = "vp.bientap", "vp.thutruong", "ttr.chamdiem", "quantri"


@dataclass
class Site:
    base: str
    browser: object
    urls: dict[str, str]
    folder: Path
    bypass_csp: bool = False
    contexts: dict[str, object] = field(default_factory=dict)

    def context(self, username: str | None, viewport: dict = DESKTOP):
        """A browser context signed in as `username` (once per module and screen size), or a fresh
        anonymous one."""
        key = (username, viewport["width"])
        if key in self.contexts:
            return self.contexts[key]
        context = self.browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=self.bypass_csp)
        if username:
            page = context.new_page()
            log_in(page, self.base, username, PASSWORDS[username])
            page.close()
            self.contexts[key] = context
        return context


def fill_the_demo() -> dict[str, str]:
    """The demo round, an entry in Văn phòng's register, its report, and a report Sở Tài chính sent; the
    pages' URLs."""
    call_command("load_demo", stdout=open(os.devnull, "w"))
    vp = Sheet.objects.get(agency__code="VP")
    stc = Sheet.objects.get(agency__code="STC")
    Document.objects.create(
        agency=Agency.objects.get(code="VP"),
        kind=Document.Kind.KE_HOACH,
        number="495/KH-VP",
        issued_on=datetime.date(2022, 3, 29),
        issuer="Văn phòng UBND tỉnh",
        subject="Thực hiện quy chế dân chủ ở cơ sở",
        link="https://example.gov.vn/ke-hoach-495",
    )
    cited = Document.objects.create(  # the evidence desk's cited PDF, on the sheet the reviewer opens
        agency=stc.agency,
        kind=Document.Kind.QUYET_DINH,
        number="15/QĐ-STC",
        issued_on=datetime.date(2022, 2, 15),
        issuer="Sở Tài chính",
        subject="Ban hành kế hoạch thi đua năm 2022",
        original_name="qd-15.pdf",
        file_type="pdf",
    )
    cited.file.save("qd-15.pdf", ContentFile(PDF))
    Citation.objects.create(score=stc.scores.filter(points__gt=0).order_by("pk").first(), document=cited)
    report_for(sheet=vp)  # the report page makes it; the signing page needs it
    report = Report.objects.create(sheet=stc, number="12")
    report.signed_pdf.save("bao-cao.pdf", ContentFile(PDF))  # unsigned: the list says so
    report.snapshot = stc.snapshots.order_by("-pk").first()  # the submission it stands for
    report.save()
    return {
        "sheet": f"/bang-cham-diem/{vp.pk}/",
        "review": f"/bang-cham-diem/{stc.pk}/tham-dinh/",
        "reviewed_sheet": f"/bang-cham-diem/{stc.pk}/",
        "register": "/don-vi/VP/tai-lieu/",
        "board": f"/khoi/{demo.BLOC}/{demo.YEAR}/",
    }


@contextlib.contextmanager
def demo_site(django_db_blocker, folder: Path, *, bypass_csp: bool = False):
    """The demo data behind a live server and one chromium, for a module whose tests run under
    `pytest.mark.django_db` and write nothing themselves (the browser does, through the server). The module
    overrides the suite's per-test `_fast_and_isolated`: these settings hold for the module. Everything is
    flushed at the end, as the other modules expect."""
    with (
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            MEDIA_ROOT=folder / "media",
            DEMO_CERT_DIR=folder / "certs",
        ),
        django_db_blocker.unblock(),
        # Started first: under Playwright's sync API the tests see other database connections than code that
        # ran before it, so the data is made, and the connections closed, on the tests' side.
        chromium() as browser,
    ):
        try:
            connection = connections["default"]
            connection.ensure_connection()
            if connection.vendor == "sqlite":
                # Each test runs inside pytest-django's transaction on this connection: an IMMEDIATE one
                # would hold SQLite's write lock for the whole test, and the live server could log no one in.
                connection.transaction_mode = "DEFERRED"
            urls = fill_the_demo()
            with live_server() as base:
                yield Site(base, browser, urls, folder, bypass_csp)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            connections.close_all()  # or PostgreSQL keeps a session open on the test database
