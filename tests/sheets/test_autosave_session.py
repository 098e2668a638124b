"""A page's script whose session ended or whose CSRF token went stale is told so in JSON, never handed the
login page (which it would read as a 200 and believe its input saved)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from scoring.models import Score

from ..factories import edit_data, field

pytestmark = pytest.mark.django_db
XHR = {"X-Requested-With": "XMLHttpRequest"}


def autosave_data(sheet):
    return edit_data(sheet, **{field(sheet, "p", "1:1.1"): "80", "autosave": "1"})


def test_an_autosave_after_the_session_ended_is_401_with_where_to_log_in(client, cast, vp_sheet):
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    data = autosave_data(vp_sheet)
    client.force_login(cast["editor"])
    Session.objects.all().delete()  # idle for 30 minutes, or logged out in another tab

    for response in (
        client.post(url, data),
        client.post(url, data, headers=XHR),
        client.get(url, headers=XHR),
    ):
        assert response.status_code == 401
        assert response.json() == {"status": "login_required", "login_url": f"{reverse('login')}?next={url}"}
    assert not Score.objects.exists()
    plain = client.post(url, {k: v for k, v in data.items() if k != "autosave"})
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("login"))  # a page, as before


def test_the_eight_hour_limit_answers_a_script_in_json_too(client, cast, vp_sheet):
    client.force_login(cast["editor"])
    session = client.session
    session["vpub_login_at"] = 1.0  # logged in long ago
    session.save()
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), autosave_data(vp_sheet))
    assert response.status_code == 401 and response.json()["status"] == "login_required"
    assert not Score.objects.exists()


def test_a_stale_csrf_token_is_403_json_and_the_fresh_cookie_works(cast, vp_sheet):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["editor"])
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    client.get(url)
    data = {**autosave_data(vp_sheet), "csrfmiddlewaretoken": "x" * 32}  # the token of the old session

    response = client.post(url, data, headers=XHR)
    assert response.status_code == 403 and response.json() == {"status": "csrf"}
    page = client.post(url, {k: v for k, v in data.items() if k != "autosave"})
    assert page.status_code == 403 and "Không gửi được biểu mẫu" in page.content.decode()
    assert not Score.objects.exists()

    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(url, data, headers=XHR)
    assert response.status_code == 200 and response.json()["status"] == "saved"
    assert Score.objects.get(criterion__key="1:1.1").points == 80
