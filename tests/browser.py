"""What every browser test needs: Debian's chromium driven by Playwright against a live server of its own.

A pytest plugin (tests/conftest.py names it): the `browser`, `server` and `page` fixtures, and helpers.
Without chromium or Playwright the tests that use them are skipped, except under CI=true where they fail.
"""

import contextlib
import os
import shutil
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test import Client
from django.test.testcases import LiveServerThread

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


def sync_playwright():
    if not shutil.which(CHROMIUM) and not CI:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    if CI:
        from playwright.sync_api import sync_playwright as start
    else:
        start = pytest.importorskip("playwright.sync_api").sync_playwright
    return start()


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module; each test's pages live in contexts of their own."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def server(transactional_db):
    """A live server for this test alone, stopped (and its connections closed) before the database goes."""
    thread = LiveServerThread("localhost", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield SimpleNamespace(url=f"http://localhost:{thread.port}")
    thread.terminate()


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a new context at that viewport whose script errors are collected in `page.errors`."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
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


def save_draft(page) -> None:
    """Press "Lưu nháp" and wait until the page says the whole sheet is saved (it stays on the page)."""
    page.click("button[name=save] >> nth=0")
    page.wait_for_selector("#autosave-status.autosave-saved:has-text('Đã lưu bảng chấm điểm lúc')")
