import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from vpub.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_it_reads_booleans_and_lists_and_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "có")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be one of"):
        env_bool("X_FLAG", True)
    monkeypatch.setenv("X_HOSTS", "a.gov.vn, b.gov.vn,")
    assert env_list("X_HOSTS", []) == ["a.gov.vn", "b.gov.vn"]


def test_it_reads_whole_numbers_and_fails_loudly_naming_the_variable(monkeypatch):
    assert env_int("X_PORT", 25) == 25
    monkeypatch.setenv("X_PORT", " 587 ")
    assert env_int("X_PORT", 25) == 587
    monkeypatch.setenv("X_PORT", "5.87")
    with pytest.raises(ImproperlyConfigured, match="X_PORT must be a whole number, not '5.87'"):
        env_int("X_PORT", 25)


def settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.LANGUAGE_CODE, settings.TIME_ZONE)"
    )
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="vpub.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_development_needs_no_variable_and_uses_sqlite_in_vietnamese():
    result = settings_in_subprocess()
    assert result.stdout.split() == ["True", "vpub.sqlite", "vi", "Asia/Ho_Chi_Minh"]


def test_a_number_that_is_not_one_stops_the_start_naming_its_variable():
    result = settings_in_subprocess(EXPORT_JOB_LEASE_MINUTES="15m")
    assert result.returncode != 0
    assert "EXPORT_JOB_LEASE_MINUTES must be a whole number, not '15m'" in result.stderr


def test_production_requires_a_secret_key_and_hosts():
    assert "SECRET_KEY must be set when DEBUG is off" in settings_in_subprocess(DEBUG="0").stderr
    result = settings_in_subprocess(DEBUG="0", SECRET_KEY="x" * 50)
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr
    result = settings_in_subprocess(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="thidua.quangngai.gov.vn",
        DATABASE_URL="postgres://u@db.example/thidua",
    )
    assert result.stdout.split()[:2] == ["False", "django.db.backends.postgresql"]
