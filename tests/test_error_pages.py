"""Error pages in production (DEBUG off): Vietnamese, the app's look, nothing of the internals; and
connections that survive a database restart."""

import os
import subprocess
import sys

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

INTERNALS = (
    "Traceback",
    "Bad Request",
    "Forbidden",
    "Not Found",
    "settings.py",
    "DisallowedHost",
    "Exception",
)


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def assert_vietnamese_page(response, status: int, heading: str):
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="vi">' in page and "Chấm điểm thi đua" in page  # base.html's frame
    assert f'<h1 class="h4">{heading}</h1>' in page
    assert 'href="/"' in page  # a way back
    for word in INTERNALS:
        assert word not in page, word


@pytest.mark.django_db
def test_a_request_for_another_host_is_a_vietnamese_400(production):
    response = Client().get("/", HTTP_HOST="ke-gian.example")
    assert_vietnamese_page(response, 400, "Yêu cầu không hợp lệ")
    assert "ke-gian.example" not in response.content.decode()


@pytest.mark.django_db
def test_a_form_with_too_many_fields_is_a_vietnamese_400(production, cast, vp_sheet):
    production.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = Client()
    client.force_login(cast["editor"])
    data = {f"x{n}": "1" for n in range(20)}
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    assert_vietnamese_page(response, 400, "Yêu cầu không hợp lệ")


@pytest.mark.django_db
def test_an_action_the_role_does_not_allow_is_a_vietnamese_403(production, cast, vp_sheet):
    client = Client()
    client.force_login(cast["editor"])  # an editor fills the sheet; only the head submits it
    response = client.post(reverse("sheet_submit", args=[vp_sheet.pk]), {"version": vp_sheet.version})
    assert_vietnamese_page(response, 403, "Bạn không có quyền làm việc này")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_a_vietnamese_403(production, cast, vp_sheet):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["editor"])
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), {"version": vp_sheet.version})
    assert_vietnamese_page(response, 403, "Không gửi được biểu mẫu")
    assert "CSRF" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/khong-co-trang-nay/<b>x</b>", "/bang-cham-diem/999999/"])
def test_a_missing_page_is_a_vietnamese_404(production, cast, url):
    client = Client()
    client.force_login(cast["editor"])
    response = client.get(url)
    assert_vietnamese_page(response, 404, "Không tìm thấy trang này")
    assert "khong-co-trang-nay" not in response.content.decode()  # the path is not echoed


def test_persistent_connections_are_health_checked():
    """Production keeps connections (DB_CONN_MAX_AGE=60): each is checked before a request uses it."""
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    env = {**os.environ, "DB_CONN_MAX_AGE": "60", "DJANGO_SETTINGS_MODULE": "vpub.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["60", "True"]


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to restart")
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_a_database_restart_is_replaced_not_a_500(settings):
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close()  # the next connection is a persistent one
    try:
        client = Client(raise_request_exception=False)
        assert client.get(reverse("healthz")).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])  # what a restart does to a warm worker
        connection.close_if_unusable_or_obsolete()  # what Django does as each request starts
        assert client.get(reverse("healthz")).status_code == 200
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()
