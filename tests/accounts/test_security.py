"""Hardening checked one point at a time: settings, accounts, access, uploads, output, the security log."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scoring.models import AppendOnly, ScoreChange, Sheet, SheetTransition

from ..factories import PDF, edit_data, field

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-nghiem-1"
pytestmark = pytest.mark.django_db


def production_env(**extra) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Q7w!p9#Zr2@Lm5^Tx8&Vb3*Nc6(Hd4)Jf1",
        ALLOWED_HOSTS="thidua.example.gov.vn",
        DJANGO_SETTINGS_MODULE="vpub.settings",
        **extra,
    )
    return env


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    ).stdout
    assert shown.split()[:4] == ["__Host-sessionid", "__Host-csrftoken", "31536000", "True"]
    assert "['https://thidua.example.gov.vn']" in shown


def test_every_response_has_csp_no_store_and_a_request_id(client, cast):
    client.force_login(cast["editor"])
    for url in (reverse("login"), reverse("home")):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
        assert len(response["X-Request-ID"]) == 32


# ---------------------------------------------------------------- accounts


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngắn-quá", "Mật khẩu quá ngắn"),
        ("a" * 120 + "Đ" * 9, "Mật khẩu dài quá 128 ký tự."),
        ("password1234", "Mật khẩu này quá phổ biến."),
    ],
)
def test_passwords_are_bounded_and_common_ones_refused(client, cast, password, message):
    client.force_login(cast["editor"])
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200 and message in response.content.decode()


def test_vietnamese_passwords_hash_with_argon2_and_a_change_ends_other_sessions(cast, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]  # as in production
    other_device, this_device = Client(), Client()
    assert (
        other_device.post(reverse("login"), {"username": "bientap", "password": PASSWORD}).status_code == 302
    )
    # fresh from the database: logging in above re-hashed the password with Argon2
    this_device.force_login(get_user_model().objects.get(username="bientap"))
    new = "Mật khẩu Tiếng Việt có dấu 2026!"
    response = this_device.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("password_change_done")
    user = get_user_model().objects.get(username="bientap")
    assert user.password.startswith("argon2$") and user.check_password(new)
    assert this_device.get(reverse("home")).status_code == 200
    assert other_device.get(reverse("home")).status_code == 302  # logged out


def test_sessions_rotate_at_login_and_die_at_logout(cast):
    client = Client()
    client.get(reverse("login"))
    client.cookies["sessionid"] = "x" * 32
    client.post(reverse("login"), {"username": "bientap", "password": PASSWORD})
    key = client.session.session_key
    assert key and key != "x" * 32
    client.post(reverse("logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_sessions_end_after_30_idle_minutes_and_8_hours_in_all(client, cast, settings):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(cast["editor"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["vpub_login_at"] -= 8 * 3600 + 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_five_failures_lock_the_username_at_that_address_not_the_office(cast):
    office = "10.0.0.7"
    attacker = Client(REMOTE_ADDR=office)
    for _ in range(5):
        attacker.post(reverse("login"), {"username": "bientap", "password": "sai"})
    locked = attacker.post(reverse("login"), {"username": "bientap", "password": PASSWORD})
    assert locked.status_code == 429 and "Tạm khóa đăng nhập" in locked.content.decode()
    colleague = Client(REMOTE_ADDR=office)
    response = colleague.post(reverse("login"), {"username": "thutruong", "password": PASSWORD})
    assert response.status_code == 302


def test_next_never_leaves_the_site(client, cast):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "bientap", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_no_default_account():
    assert not get_user_model().objects.exists()


# ---------------------------------------------------------------- access

ANONYMOUS_ALLOWED = {
    "login",
    "healthz",
    "admin:login",
    "admin:index",
    "admin:logout",
    "admin:password_reset",
    "logout",
}


def every_url():
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield namespace + (pattern.name or ""), prefix + str(pattern.pattern)

    for name, route in walk(get_resolver().url_patterns):
        path = (
            route.replace("<int:pk>", "1")
            .replace("<int:report_pk>", "1")
            .replace("<int:rubric_pk>", "1")
            .replace("<str:code>", "VP")
            .replace("<int:year>", "2022")
            .replace("<round:round>", "so-ket-6-thang")
            .replace("<path:object_id>", "1")
            .replace("<str:app_label>", "scoring")
            .replace("<str:model_name>", "sheet")
        )
        if "<" in path or "(?P" in path or "^" in path:
            continue
        yield name, "/" + path


def test_every_url_denies_anonymous_users_but_an_explicit_allowlist(client, vp_sheet):
    checked = 0
    for name, path in every_url():
        response = client.get(path)
        if name in ANONYMOUS_ALLOWED:
            continue
        assert response.status_code in (302, 404, 405), (name, path, response.status_code)
        if response.status_code == 302:
            assert "dang-nhap" in response["Location"] or "quan-tri/login" in response["Location"], (
                name,
                path,
            )
        checked += 1
    assert checked > 25


STATE_CHANGING = [
    "sheet_edit",
    "sheet_submit",
    "sheet_start",
    "evidence_create",
    "report_edit",
    "report_sign",
    "sheet_review",
    "round_close",
    "round_reopen",
    "logout",
    "password_change",
]


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_csrf_is_enforced_on_every_state_changing_view(cast, vp_sheet, name, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["head"])
    args = {
        "sheet_start": [vp_sheet.rubric_id],
        "evidence_create": ["VP"],
        "round_close": ["TMTH", 2022],
        "round_reopen": ["TMTH", 2022],
        "logout": [],
        "password_change": [],
    }.get(name, [vp_sheet.pk])
    with caplog.at_level(logging.WARNING, logger="vpub.security"):
        response = client.post(reverse(name, args=args), {"x": "1"})
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in response.content.decode()
    assert any(
        json.loads(r.getMessage() if False else json.dumps(r.security))["event"] == "csrf_failure"
        for r in caplog.records
        if hasattr(r, "security")
    )


# ---------------------------------------------------------------- uploads and output


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40 + b"<html><script>alert(1)</script></html>",
        PDF + b"<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0" + b"0" * 40 + b"<SVG onload=alert(1)>",
    ],
)
def test_polyglots_are_refused(client, cast, vp_sheet, content):
    client.force_login(cast["editor"])
    response = client.post(
        reverse("evidence_create", args=["VP"]),
        {
            "kind": "QĐ",
            "number": "1/QĐ-VP",
            "issued_on": "02/01/2022",
            "upload": SimpleUploadedFile("a.png", content),
        },
    )
    assert "Tệp có lẫn mã trang web" in response.content.decode()


def test_a_server_error_shows_no_internals_and_its_request_id_is_logged(cast, caplog, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(cast["editor"])
    from scoring.sheets import views

    def broken(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "home", broken)
    from django.urls import clear_url_caches

    clear_url_caches()
    import importlib

    import scoring.sheets.urls
    import vpub.urls

    importlib.reload(scoring.sheets.urls)  # the home page's route, now to the broken view
    importlib.reload(vpub.urls)  # whose include of it is read afresh
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/", HTTP_X_REQUEST_ID="abcdef1234567890")
    finally:
        monkeypatch.undo()
        importlib.reload(scoring.sheets.urls)
        importlib.reload(vpub.urls)
        clear_url_caches()
    page = response.content.decode()
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert "abcdef1234567890" in page
    assert any(getattr(r, "request_id", "") == "abcdef1234567890" for r in caplog.records)


# ---------------------------------------------------------------- the security log


def security_records(caplog):
    return [r.security for r in caplog.records if hasattr(r, "security")]


def test_failed_logins_lockouts_and_denied_accesses_are_logged_without_secrets(
    client, cast, vp_sheet, caplog
):
    with caplog.at_level(logging.INFO, logger="vpub.security"):
        for _ in range(5):
            Client(REMOTE_ADDR="10.1.1.1").post(
                reverse("login"), {"username": "bientap", "password": "Bí-mật-42"}
            )
        other = Client()
        other.force_login(cast["other"])
        other.get(reverse("sheet_detail", args=[vp_sheet.pk]))
    records = security_records(caplog)
    events = [r["event"] for r in records]
    assert events.count("login_failed") == 5 and "lockout" in events and "access_denied" in events
    for record in records:
        assert set(record) == {"time", "event", "outcome", "user", "agency", "ip", "path", "request_id"}
        assert record["time"].endswith("+00:00")
    denied = next(r for r in records if r["event"] == "access_denied")
    assert (denied["user"], denied["agency"], denied["outcome"]) == ("donvikhac", "OTHER", "not_found")
    text = " ".join(json.dumps(r, ensure_ascii=False) for r in records) + caplog.text
    assert "Bí-mật-42" not in text and "sessionid" not in text


# ---------------------------------------------------------------- data safety


def test_history_is_append_only(vp_sheet, cast):
    change = ScoreChange.objects.create(
        sheet=vp_sheet, criterion=vp_sheet.rubric.criteria.first(), field="points", old="", new="1", version=2
    )
    transition = SheetTransition.objects.create(sheet=vp_sheet, from_status="", to_status="draft")
    for record in (change, transition):
        with pytest.raises(AppendOnly):
            record.save()
        with pytest.raises(AppendOnly):
            record.delete()
    with pytest.raises(AppendOnly):
        ScoreChange.objects.filter(pk=change.pk).update(new="2")
    with pytest.raises(AppendOnly):
        SheetTransition.objects.all().delete()


def test_a_failure_in_the_middle_of_a_save_changes_nothing(client, cast, vp_sheet, monkeypatch):
    client.force_login(cast["editor"])
    data = edit_data(
        vp_sheet,
        **{
            field(vp_sheet, "p", "1:1.1"): "80",
            field(vp_sheet, "n", "1:1.2"): "Kế hoạch số 5/KH-VP ngày 02/3/2022",
        },
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ScoreChange.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    vp_sheet.refresh_from_db()
    from scoring.models import Document, Score

    assert vp_sheet.version == 1 and not Score.objects.exists() and not Document.objects.exists()
    assert not ScoreChange.objects.exists() and Sheet.objects.get().status == "draft"


def test_healthz_answers_200_and_503_when_the_database_does_not(client, monkeypatch):
    assert client.get("/healthz").status_code == 200
    from django.db import connection

    def down(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", down)
    assert client.get("/healthz").status_code == 503


def test_production_hashes_with_argon2():
    from vpub import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
