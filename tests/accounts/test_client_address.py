"""Behind the proxy every request comes from 127.0.0.1: the client is the address the proxy forwards."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from ..factories import PASSWORD_FOR_CAST

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1


def through_proxy(address: str, sent: str = "") -> Client:
    """A browser at `address`, seen through nginx, which appends the address to what the browser sent."""
    forwarded = f"{sent}, {address}" if sent else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def login(client: Client, password: str):
    return client.post(reverse("login"), {"username": "bientap", "password": password})


def test_five_failures_from_one_client_do_not_lock_out_another_behind_the_same_proxy(
    cast, behind_one_proxy, caplog
):
    attacker = through_proxy("203.0.113.5")
    with caplog.at_level(logging.WARNING, logger="vpub.security"):
        for _ in range(5):
            login(attacker, "sai-mat-khau")
    locked = login(attacker, PASSWORD_FOR_CAST)
    assert locked.status_code == 429 and "Tạm khóa đăng nhập" in locked.content.decode()

    owner = through_proxy("198.51.100.7")
    response = login(owner, PASSWORD_FOR_CAST)
    assert response.status_code == 302 and response["Location"] == reverse("home")

    records = [r.security for r in caplog.records if hasattr(r, "security")]
    events = [r["event"] for r in records]
    assert events.count("login_failed") >= 5 and "lockout" in events
    assert {r["ip"] for r in records} == {"203.0.113.5"}  # the owner's login is not an event


def test_an_address_the_browser_makes_up_changes_nothing(cast, behind_one_proxy, caplog):
    """Only the proxy's own entry is trusted: a client cannot escape its lock-out by sending a new
    X-Forwarded-For each time."""
    for n in range(5):
        login(through_proxy("203.0.113.5", sent=f"10.9.9.{n}"), "sai-mat-khau")
    with caplog.at_level(logging.WARNING, logger="vpub.security"):
        locked = login(through_proxy("203.0.113.5", sent="10.9.9.99"), PASSWORD_FOR_CAST)
    assert locked.status_code == 429
    assert {r.security["ip"] for r in caplog.records if hasattr(r, "security")} == {"203.0.113.5"}


def test_without_a_proxy_the_forwarded_header_is_ignored(cast, settings, caplog):
    settings.PROXY_COUNT = 0
    with caplog.at_level(logging.WARNING, logger="vpub.security"):
        login(Client(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5"), "sai-mat-khau")
    assert [r.security["ip"] for r in caplog.records if hasattr(r, "security")] == ["192.0.2.10"]
