"""What every browser test needs: Debian's chromium driven by Playwright against a live server of its own.

A pytest plugin (tests/conftest.py names it): the `server` and `page` fixtures, and helpers. Without
chromium or Playwright the tests that use them are skipped, except under CI=true where they fail.
"""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

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


@pytest.fixture
def browser(server, monkeypatch):
    # Playwright's sync API runs an event loop in the test's thread; Django refuses queries there without this.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page at that viewport whose script errors are collected in `page.errors`."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    assert page.errors == []


def wait_for_value(page, selector: str, expected: str, seconds: float = 10) -> None:
    """Poll from Python: the page's CSP forbids the eval that page.wait_for_function needs."""
    for _ in range(int(seconds * 10)):
        if page.input_value(selector) == expected:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector} never became {expected!r}")


def log_in(page, base, username, password):
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
