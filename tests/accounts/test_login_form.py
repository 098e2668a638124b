"""The login form marks the wrong boxes and announces why, for screen readers as well as by colour."""

import re

import pytest
from django.urls import reverse

from ..factories import PASSWORD_FOR_CAST

pytestmark = pytest.mark.django_db


def box(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page)[0]


def test_a_wrong_password_marks_both_boxes_and_is_announced(client, cast):
    response = client.post(reverse("login"), {"username": "bientap", "password": "sai-mat-khau-roi"})
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<div class="alert alert-danger" role="alert" id="login-error">Tên đăng nhập hoặc mật', page
    )
    for name in ("username", "password"):
        assert 'aria-invalid="true"' in box(page, name)
        assert 'aria-describedby="login-error"' in box(page, name)
    assert 'value="bientap"' in box(page, "username")  # what was typed stays, except the password
    assert "sai-mat-khau-roi" not in page


def test_an_empty_box_gets_its_own_message(client, cast):
    page = client.post(reverse("login"), {"username": "bientap", "password": ""}).content.decode()
    assert 'aria-describedby="id_password_error"' in box(page, "password")
    assert re.search(r'id="id_password_error" role="alert">\S', page)
    assert "aria-invalid" not in box(page, "username") and "login-error" not in page


def test_a_fresh_form_marks_nothing_and_a_right_password_logs_in(client, cast):
    page = client.get(reverse("login")).content.decode()
    assert "aria-invalid" not in page and 'role="alert"' not in page
    response = client.post(reverse("login"), {"username": "bientap", "password": PASSWORD_FOR_CAST})
    assert response.status_code == 302
