"""Several app servers behind one load balancer: nothing the app needs lives in a process's memory."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ..conftest import PASSWORD_FOR_CAST

pytestmark = pytest.mark.django_db


def test_sessions_and_throttling_live_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_a_session_made_on_one_server_is_valid_on_another(cast):
    first = Client()
    assert (
        first.post(reverse("login"), {"username": "bientap", "password": PASSWORD_FOR_CAST}).status_code
        == 302
    )
    second = Client()  # another process: it shares only the database
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    assert second.get(reverse("home")).status_code == 200


def test_failures_counted_on_one_server_lock_out_on_another(cast):
    for _ in range(5):
        Client(REMOTE_ADDR="10.2.2.2").post(reverse("login"), {"username": "bientap", "password": "sai"})
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="bientap").failures_since_start == 5
    other_server = Client(REMOTE_ADDR="10.2.2.2")
    response = other_server.post(reverse("login"), {"username": "bientap", "password": PASSWORD_FOR_CAST})
    assert response.status_code == 429
