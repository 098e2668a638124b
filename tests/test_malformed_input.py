"""Malformed input gets a clear answer (400, or a message beside the box), never a 500.

PostgreSQL refuses any string with a NUL byte, so before the guard every such request that reached a query
was a 500 there; SQLite quietly stored the NUL.
"""

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Document, Score, Sheet
from tests.factories import sign_and_submit

from .factories import edit_data, field

NUL_ANSWER = "Yêu cầu có ký tự không hợp lệ (NUL)"


@pytest.fixture
def editor(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast["editor"])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/don-vi/VP%00/tai-lieu/",
        "/khoi/TMTH%00/2022/",
        "/don-vi/VP/tai-lieu/%00",
        "/bang-cham-diem/1%00/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_400(editor, vp_sheet, url):
    response = editor.get(url)
    assert response.status_code == 400
    assert NUL_ANSWER in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_the_search_is_a_400(editor, vp_sheet):
    url = reverse("evidence_list", args=["VP"])
    assert editor.get(url, {"q": "Kế hoạch"}).status_code == 200
    response = editor.get(url + "?q=K%E1%BA%BF%00ho%E1%BA%A1ch")
    assert response.status_code == 400
    assert NUL_ANSWER in response.content.decode()
    assert editor.get(url + "?q%00=1").status_code == 400


@pytest.mark.django_db
def test_a_nul_byte_in_a_posted_field_is_a_400_and_nothing_is_saved(editor, vp_sheet):
    data = edit_data(
        vp_sheet, **{field(vp_sheet, "e", "1:1.1"): "Giải trình\x00", field(vp_sheet, "p", "1:1.1"): "5"}
    )
    response = editor.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    assert response.status_code == 400
    assert NUL_ANSWER in response.content.decode()
    assert not Score.objects.filter(sheet=vp_sheet).exists()
    response = editor.post(
        reverse("evidence_create", args=["VP"]), {"citation": "Kế hoạch số 495/KH-VP\x00 ngày 29/3/2022"}
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_in_the_session_cookie_is_a_400(vp_sheet):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("home"), HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["abc", "", "1.5"])
def test_a_malformed_version_on_submit_asks_for_a_reload_and_changes_nothing(cast, vp_sheet, version):
    client = Client(raise_request_exception=False)
    client.force_login(cast["head"])
    response = sign_and_submit(client, vp_sheet, version=version)
    assert response.status_code == 200
    assert (
        "Trang ký đã cũ hoặc không đầy đủ; hãy tải lại trang, xem lại rồi ký lần nữa."
        in response.content.decode()
    )
    vp_sheet.refresh_from_db()
    assert vp_sheet.status == Sheet.Status.DRAFT and vp_sheet.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1" * 30, "123456789012345678901234567,5", "100000"])
def test_a_score_with_too_many_digits_is_explained_beside_its_box(editor, vp_sheet, typed):
    name = field(vp_sheet, "p", "1:1.1")
    response = editor.post(reverse("sheet_edit", args=[vp_sheet.pk]), edit_data(vp_sheet, **{name: typed}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Số quá dài" in page
    assert f'value="{typed}"' in page
    assert "Chưa lưu: có 1 ô cần sửa" in page
    assert not Score.objects.filter(sheet=vp_sheet).exists()
