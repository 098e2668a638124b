"""The province's desk: every bloc of a year for the province's administrators (nobody else), with each
bloc's leader, members and sheets, a link to each board, the reports received; the menu bar's link."""

import pytest
from django.test import Client
from django.urls import reverse

from scoring.models import Sheet

from ..html import Page
from .conftest import make_bloc

pytestmark = pytest.mark.django_db
OTHERS = ("editor", "head", "reviewer", "own_reviewer", "own_admin", "other_admin", "leader_admin", "other")


def rows(html: str, part: str = "tbody") -> list[list[str]]:
    return [
        [td.text for td in tr.find_all("td")]
        for body in Page(html).root.find_all(part)
        for tr in body.find_all("tr")
    ]


def menu_links(html: str) -> list[str]:
    return [a.get("href") for a in Page(html).root.find_all("nav")[0].find_all("a")]


def logged_in(cast, role: str) -> Client:
    client = Client()
    client.force_login(cast[role])
    return client


def test_it_shows_every_bloc_of_the_year_with_its_leader_members_and_sheets(cast, province):
    Sheet.objects.filter(agency__code="VP").update(status=Sheet.Status.SUBMITTED)
    page = logged_in(cast, "admin").get(reverse("province_desk")).content.decode()
    tmth, vhxh = "Khối các cơ quan Tham mưu - Tổng hợp", "Khối Văn hóa - Xã hội"
    assert rows(page) == [
        [tmth, "Cơ quan TTR", "Cơ quan STC", "3", "1", "0", "0", f"Bảng theo dõi {tmth}"],
        [vhxh, "Sở Y tế", "Sở Giáo dục và Đào tạo", "2", "2", "2", "2", f"Bảng theo dõi {vhxh}"],
    ]
    assert rows(page, "tfoot") == [["Toàn tỉnh (2 khối)", "", "5", "3", "2", "2", ""]]
    for code in ("TMTH", "VHXH"):
        assert f'href="{reverse("bloc_board", args=[code, 2022])}"' in page
    assert f'href="{reverse("received_reports")}?nam=2022"' in page
    assert "Bảng tổng hợp toàn tỉnh năm 2022" in page and "Chưa có tệp nào." in page


def test_the_province_administrator_opens_every_blocs_board_and_the_reports_received(cast, province):
    admin = logged_in(cast, "admin")
    for code in ("TMTH", "VHXH"):
        assert admin.get(reverse("bloc_board", args=[code, 2022])).status_code == 200
    page = admin.get(reverse("received_reports"), {"nam": 2022}).content.decode()
    assert "Mọi khối thi đua của tỉnh – năm 2022" in page
    assert "Sở Y tế" in page and "Sở Giáo dục và Đào tạo" in page and "Khối Văn hóa - Xã hội" in page
    assert admin.get(reverse("received_reports"), {"nam": 2021}).content.decode().count("Tải PDF") == 0
    # the leader's reviewer of TMTH receives none of another bloc's reports
    assert "Sở Y tế" not in logged_in(cast, "reviewer").get(reverse("received_reports")).content.decode()


def test_the_year_is_chosen_and_a_year_without_blocs_is_not_found(cast, province, rubric_2022):
    make_bloc(
        "VHXH23",
        "Khối Văn hóa - Xã hội",
        rubric_2022,
        {"SYT23": ("Sở Y tế", "1"), "SGD23": ("Sở Giáo dục", "2")},
        year=2023,
    )
    admin = logged_in(cast, "admin")
    newest = admin.get(reverse("province_desk")).content.decode()
    assert "Bàn làm việc của tỉnh – năm 2023" in newest and "Khối các cơ quan Tham mưu" not in newest
    older = admin.get(reverse("province_desk"), {"nam": 2022}).content.decode()
    assert "Bàn làm việc của tỉnh – năm 2022" in older and '<option value="2022" selected>' in older
    for year in ("2019", "hai-nghin"):
        assert admin.get(reverse("province_desk"), {"nam": year}).status_code == 404


@pytest.mark.parametrize("role", OTHERS)
def test_nobody_else_finds_the_desk_nor_its_link(cast, province, role):
    client = logged_in(cast, role)
    assert client.get(reverse("province_desk")).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert reverse("province_desk") not in home and reverse("province_desk") not in menu_links(home)


def test_the_province_administrator_has_the_desk_in_the_menu_bar_and_on_the_home_page(cast, province):
    admin = logged_in(cast, "admin")
    home = admin.get(reverse("home")).content.decode()
    assert reverse("province_desk") in menu_links(home)
    assert "Mở bàn làm việc của tỉnh" in home
    board = admin.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    assert reverse("province_desk") in menu_links(board)


def test_the_desk_costs_the_same_queries_for_any_number_of_blocs(
    cast, province, rubric_2022, django_assert_num_queries
):
    """Session, user, roles, years, lost jobs, blocs, members, sheets, reports, jobs, the session's save (3)."""
    admin = logged_in(cast, "admin")
    with django_assert_num_queries(13):
        assert admin.get(reverse("province_desk")).status_code == 200
    for n in range(3):
        make_bloc(f"K{n}", f"Khối {n}", rubric_2022, {f"A{n}": ("Sở A", "1"), f"B{n}": ("Sở B", "2")})
    with django_assert_num_queries(13):
        page = admin.get(reverse("province_desk")).content.decode()
    assert "Toàn tỉnh (5 khối)" in page
