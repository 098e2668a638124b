"""Browser tests' shared pieces: Debian's chromium driven by Playwright against a live server of the test.

Import the fixtures into a test module (`from tests.browser import browser, server`) to use them.
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

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
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


def sync_api():
    """Playwright's sync API; outside CI a machine without chromium or Playwright skips the browser tests."""
    if os.environ.get("CI") == "true":
        return __import__("playwright.sync_api", fromlist=["sync_playwright"])
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api().sync_playwright() as p:
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


@contextlib.contextmanager
def browser_page(browser, server, user=None, *, width=1366, height=768):
    """A page in a context of its own, signed in as `user` (a session made on the server, no login form)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    if user is not None:
        sign_in(context, server, user)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()
    assert errors == []


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
