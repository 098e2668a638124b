"""Several app servers behind one load balancer: nothing the app needs lives in a process's memory."""

import html
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from scoring.models import Score

from ..factories import PASSWORD_FOR_CAST, edit_data, field

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


# A second app server: another Python process, sharing only the database (and SECRET_KEY) with this one.
SECOND_SERVER = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
cookies, url, data, token = json.load(sys.stdin)
client = Client(enforce_csrf_checks=True)
client.cookies[settings.SESSION_COOKIE_NAME] = cookies["session"]
client.cookies[settings.CSRF_COOKIE_NAME] = cookies["csrf"]
response = client.post(url, data, HTTP_X_REQUESTED_WITH="XMLHttpRequest", HTTP_X_CSRFTOKEN=token)
print(json.dumps({"code": response.status_code, "body": response.json()}))
"""


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_an_autosave_is_answered_by_a_server_that_never_saw_the_page(cast, vp_sheet):
    """The page comes from one app server, its autosave goes to another: the session, the CSRF token and
    the page's base are all the second one needs."""
    first = Client()
    first.force_login(cast["editor"])
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    page = first.get(url).content.decode()
    base = html.unescape(re.search(r'name="base" value="([^"]*)"', page).group(1))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    points = field(vp_sheet, "p", "1:1.1")
    data = edit_data(vp_sheet, **{points: "7,5", "base": base, "autosave": "1", "csrfmiddlewaretoken": token})
    cookies = {
        "session": first.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrf": first.cookies[settings.CSRF_COOKIE_NAME].value,
    }
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "vpub.settings",
        "DEBUG": "1",
    }
    answer = subprocess.run(
        [sys.executable, "-c", SECOND_SERVER],
        input=json.dumps([cookies, url, data, token]),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(answer.stdout.splitlines()[-1])
    assert result["code"] == 200 and result["body"]["status"] == "saved"
    assert result["body"]["conflicts"] == []
    assert Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == Decimal("7.5")


def test_connections_persist_by_default_and_gunicorn_runs_sync_workers_for_the_cores():
    code = (
        "import django, runpy, multiprocessing; django.setup(); from django.conf import settings as s;"
        " d = s.DATABASES['default']; c = runpy.run_path('vpub/gunicorn.conf.py');"
        " print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], c['worker_class'],"
        " c['workers'] == 2 * multiprocessing.cpu_count() + 1, c['preload_app'], c['max_requests_jitter'] > 0)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_CONN_MAX_AGE", "GUNICORN_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "vpub.settings"},
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["60", "True", "sync", "True", "True", "True"]
