"""People's names in Vietnamese order, family name first, wherever the app shows one."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse

from scoring.accounts.names import full_name
from tests.factories import sign_and_submit

from ..factories import edit_data, field

User = get_user_model()


@pytest.mark.parametrize(
    ("first", "last", "username", "shown"),
    [
        ("Hoa", "Nguyễn Thị", "bientap", "Nguyễn Thị Hoa"),  # last_name + " " + first_name
        (" Hoa ", " Nguyễn  Thị ", "bientap", "Nguyễn  Thị Hoa"),  # no stray spaces at the joins
        ("Hoa", "", "bientap", "Hoa"),
        ("", "Nguyễn Thị Hoa", "bientap", "Nguyễn Thị Hoa"),  # the whole name typed as the family name
        ("", "", "bientap", "bientap"),  # no name: the username
    ],
)
def test_it_writes_the_family_name_first(first, last, username, shown):
    assert full_name(User(first_name=first, last_name=last, username=username)) == shown


def test_no_user_is_no_name_and_the_filter_follows_the_same_rule():
    assert full_name(None) == ""
    template = Template('{% load vn %}{{ who|full_name }}|{{ nobody|full_name|default:"hệ thống" }}')
    who = User(first_name="Hoa", last_name="Nguyễn Thị", username="bientap")
    assert template.render(Context({"who": who, "nobody": None})) == "Nguyễn Thị Hoa|hệ thống"


@pytest.fixture
def named(cast):
    for role, (first, last) in {
        "editor": ("Hoa", "Nguyễn Thị"),
        "head": ("Tâm", "Vũ Minh"),
        "admin": ("Lan", "Võ Thị"),
    }.items():
        User.objects.filter(pk=cast[role].pk).update(first_name=first, last_name=last)
    return cast


def test_pages_show_names_family_name_first(client, named, vp_sheet, bloc_2022):
    client.force_login(named["editor"])
    page = client.get(reverse("home")).content.decode()
    assert "Xin chào, Nguyễn Thị Hoa" in page  # and in the menu bar
    assert page.count("Nguyễn Thị Hoa") == 2 and "Hoa Nguyễn Thị" not in page
    response = client.post(
        reverse("sheet_edit", args=[vp_sheet.pk]),
        edit_data(
            vp_sheet,
            **{
                field(vp_sheet, "p", "1:1.1"): "90",
            },
        ),
    )
    assert response.status_code == 302
    client.force_login(named["head"])
    vp_sheet.refresh_from_db()
    sign_and_submit(client, vp_sheet)

    history = client.get(reverse("sheet_history", args=[vp_sheet.pk])).content.decode()
    assert "<td>Nguyễn Thị Hoa</td>" in history  # who changed the score
    assert "Vũ Minh Tâm: Đang nhập → Đã nộp" in history  # who submitted
    detail = client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    assert "Vũ Minh Tâm: Đang nhập → Đã nộp" in detail
    assert "Hoa Nguyễn Thị" not in history + detail and "Tâm Vũ Minh" not in history + detail

    client.force_login(named["admin"])
    client.post(reverse("round_close", args=["TMTH", 2022]))
    board = client.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    assert "Khóa sổ – Võ Thị Lan" in board
