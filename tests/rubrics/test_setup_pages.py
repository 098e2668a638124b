"""The province's setup pages: the blocs year by year, a new year in one post, a rubric copied elsewhere."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import AwardRule, Bloc, BlocMember, BlocYear, Criterion, Rubric

from ..factories import make_agency

pytestmark = pytest.mark.django_db

NEW_BASIS = "Quyết định số 12/QĐ-TMTH ngày 10/01/2023 của Khối về Quy chế hoạt động năm 2023."


@pytest.fixture
def awarded(bloc_2022):
    rubric = Rubric.objects.get(year=2022)
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    AwardRule.objects.create(rubric=rubric, position=2, award="Bằng khen", max_percent=Decimal("20"))
    return bloc_2022


@pytest.fixture
def admin(client, cast):
    client.force_login(cast["admin"])
    return client


def open_url(year=2022) -> str:
    return reverse("setup_year_open", args=["TMTH", year])


def year_form(agencies, *, members=("VP", "TTR", "STC"), leader="STC", deputy="VP", **changes) -> dict:
    """The "Mở năm thi đua 2023" form as the administrator sends it: last year's members, the leader and
    deputy rotated, the copied rubric confirmed with a new legal basis and a deadline typed day first."""
    data = {
        "members": [agencies[code].pk for code in members],
        "leader": agencies[leader].pk if leader else "",
        "deputy_leader": agencies[deputy].pk if deputy else "",
        "title": "Tiêu chí đánh giá thi đua năm 2023 của Khối các cơ quan Tham mưu - Tổng hợp",
        "legal_basis": NEW_BASIS,
        "deadline": "01/12/2023",
        "awards-TOTAL_FORMS": "3",
        "awards-INITIAL_FORMS": "2",
        "awards-0-award": "Cờ thi đua của UBND tỉnh",
        "awards-0-max_count": "1",
        "awards-1-award": "Bằng khen của Chủ tịch UBND tỉnh",
        "awards-1-max_percent": "20,5",
        "awards-2-award": "",
    }
    data.update(changes)
    return data


def written() -> tuple:
    return (
        list(BlocYear.objects.order_by("year").values_list("year", "leader__code", "deputy_leader__code")),
        BlocMember.objects.count(),
        list(Rubric.objects.order_by("year").values_list("year", "bloc__code")),
        Criterion.objects.count(),
        AwardRule.objects.count(),
    )


def test_it_opens_next_year_from_last_years_in_one_post(admin, awarded, agencies):
    response = admin.post(open_url(), year_form(agencies))
    assert response.status_code == 302 and response["Location"] == reverse("setup_home")
    new = BlocYear.objects.get(year=2023)
    assert (new.leader.code, new.deputy_leader.code) == ("STC", "VP")
    assert sorted(new.memberships.values_list("agency__code", flat=True)) == ["STC", "TTR", "VP"]
    rubric = Rubric.objects.get(year=2023)
    assert rubric.status == Rubric.Status.DRAFT and rubric.criteria.count() == 34
    assert rubric.deadline == datetime.date(2023, 12, 1)  # 01/12/2023, day first
    assert rubric.legal_basis == NEW_BASIS
    assert list(rubric.award_rules.values_list("position", "award", "max_count", "max_percent")) == [
        (1, "Cờ thi đua của UBND tỉnh", 1, None),
        (2, "Bằng khen của Chủ tịch UBND tỉnh", None, Decimal("20.50")),
    ]
    page = admin.get(reverse("setup_home")).content.decode()
    assert (
        "Đã mở năm thi đua 2023 của Khối các cơ quan Tham mưu - Tổng hợp và bảng tiêu chí (đang soạn)."
        in page
    )


def test_the_form_shows_last_years_choices_to_confirm(admin, awarded):
    page = admin.get(open_url()).content.decode()
    assert "Mở năm thi đua 2023" in page
    assert 'value="15/12/2023"' in page  # last year's 15/12/2022, a year later
    assert "Quyết định số 76/QĐ-TMTH" in page  # last year's basis, to change or keep on purpose
    assert 'value="Cờ thi đua của UBND tỉnh"' in page and 'value="20,00"' in page
    assert "Tiêu chí đánh giá thi đua năm 2023 của Khối" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"leader": "OTHER"}, "leader", "Cơ quan này không phải là thành viên của khối trong năm."),
        ({"deputy": "OTHER"}, "deputy_leader", "Cơ quan này không phải là thành viên của khối trong năm."),
        (
            {"leader": "VP", "deputy": "VP"},
            "deputy_leader",
            "Khối trưởng và khối phó phải là hai cơ quan khác nhau.",
        ),
        ({"leader": None}, "leader", "Chọn khối trưởng."),
        ({"members": ()}, "members", "Chọn các cơ quan thành viên của khối."),
    ],
    ids=["leader not a member", "deputy not a member", "leader is deputy", "no leader", "no members"],
)
def test_it_refuses_a_leader_or_deputy_that_cannot_lead(admin, awarded, agencies, changes, field, message):
    before = written()
    data = year_form(agencies, **{k: v for k, v in changes.items()})
    response = admin.post(open_url(), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert written() == before
    # what was typed stays: the rubric's part too
    assert response.context["rubric_form"]["deadline"].value() == "01/12/2023"
    assert NEW_BASIS in response.content.decode()


def test_it_refuses_an_agency_already_in_another_bloc_that_year(admin, awarded, agencies):
    other = BlocYear.objects.create(
        bloc=Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội"), year=2023
    )
    BlocMember.objects.create(bloc_year=other, agency=agencies["VP"])
    before = written()
    response = admin.post(open_url(), year_form(agencies, deputy="TTR"))
    assert response.status_code == 200
    assert response.context["form"].errors["members"] == [
        "Một cơ quan chỉ thuộc một khối thi đua trong mỗi năm. Cơ quan VP đã thuộc Khối Văn hóa - Xã hội năm 2023."
    ]
    assert written() == before


def test_it_refuses_the_same_bloc_year_twice(admin, awarded, agencies):
    assert admin.post(open_url(), year_form(agencies)).status_code == 302
    before = written()
    response = admin.post(open_url(), year_form(agencies))
    assert response.status_code == 200
    assert "Khối các cơ quan Tham mưu - Tổng hợp đã có năm thi đua 2023." in response.content.decode()
    assert written() == before


def test_the_old_legal_basis_is_kept_only_on_purpose(admin, awarded, agencies):
    old = Rubric.objects.get(year=2022).legal_basis
    response = admin.post(open_url(), year_form(agencies, legal_basis=old))
    assert response.status_code == 200
    assert "Căn cứ còn giống hệt năm 2022" in response.context["rubric_form"].errors["legal_basis"][0]
    response = admin.post(open_url(), year_form(agencies, legal_basis=""))
    assert response.context["rubric_form"].errors["legal_basis"] == [
        "Nhập căn cứ của bảng tiêu chí năm 2023."
    ]
    assert not BlocYear.objects.filter(year=2023).exists()
    response = admin.post(open_url(), year_form(agencies, legal_basis=old, keep_legal_basis="on"))
    assert response.status_code == 302
    assert Rubric.objects.get(year=2023).legal_basis == old


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("15/12/2022", "Hạn nộp 15/12/2022 không thuộc năm thi đua 2023."),
        ("31/02/2023", "Ngày cần có dạng ngày/tháng/năm, ví dụ 15/12/2023."),
    ],
)
def test_it_refuses_a_deadline_outside_the_year_or_that_does_not_exist(
    admin, awarded, agencies, typed, message
):
    response = admin.post(open_url(), year_form(agencies, deadline=typed))
    assert response.context["rubric_form"].errors["deadline"] == [message]
    assert not BlocYear.objects.filter(year=2023).exists()


def test_it_takes_15_december_day_first(admin, awarded, agencies):
    assert admin.post(open_url(), year_form(agencies, deadline="15/12/2023")).status_code == 302
    assert Rubric.objects.get(year=2023).deadline == datetime.date(2023, 12, 15)


def test_an_award_rule_is_checked_and_can_be_dropped(admin, awarded, agencies):
    response = admin.post(open_url(), year_form(agencies, **{"awards-1-max_percent": "120"}))
    assert response.status_code == 200 and not BlocYear.objects.filter(year=2023).exists()
    assert "120" in response.content.decode()  # kept as typed, beside its message
    assert response.context["awards"].forms[1].errors["max_percent"]
    response = admin.post(open_url(), year_form(agencies, **{"awards-1-DELETE": "on"}))
    assert response.status_code == 302
    assert list(Rubric.objects.get(year=2023).award_rules.values_list("award", flat=True)) == [
        "Cờ thi đua của UBND tỉnh"
    ]


def test_a_year_whose_rubric_exists_already_is_opened_without_copying(admin, awarded, agencies):
    Rubric.objects.create(bloc=awarded.bloc, year=2023, title="Bảng 2023 đã có")
    response = admin.post(
        open_url(),
        {
            "members": [agencies["VP"].pk, agencies["TTR"].pk],
            "leader": agencies["TTR"].pk,
            "deputy_leader": agencies["VP"].pk,
        },
    )
    assert response.status_code == 302
    assert Rubric.objects.get(year=2023).title == "Bảng 2023 đã có"
    assert BlocYear.objects.get(year=2023).memberships.count() == 2


def copy_form(**changes) -> dict:
    data = {
        "bloc": Bloc.objects.get(code="VX").pk,
        "year": "2023",
        "title": "",
        "legal_basis": NEW_BASIS,
        "deadline": "15/12/2023",
        "awards-TOTAL_FORMS": "1",
        "awards-INITIAL_FORMS": "0",
        "awards-0-award": "Giấy khen",
        "awards-0-max_count": "3",
    }
    data.update(changes)
    return data


def test_it_copies_a_rubric_to_another_bloc(admin, awarded):
    Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    source = Rubric.objects.get(year=2022)
    url = reverse("setup_rubric_copy", args=[source.pk])
    assert 'value="15/12/2023"' in admin.get(url).content.decode()
    assert admin.post(url, copy_form()).status_code == 302
    new = Rubric.objects.get(bloc__code="VX")
    assert new.title == "Tiêu chí đánh giá thi đua năm 2023 của Khối Văn hóa - Xã hội"
    assert (new.year, new.status, new.deadline, new.criteria.count()) == (
        2023,
        Rubric.Status.DRAFT,
        datetime.date(2023, 12, 15),
        34,
    )
    assert list(new.award_rules.values_list("award", "max_count")) == [("Giấy khen", 3)]
    before = written()
    response = admin.post(url, copy_form())
    assert response.context["form"].errors["year"] == ["Khối Văn hóa - Xã hội đã có bảng tiêu chí năm 2023."]
    assert written() == before


def test_the_setup_page_says_what_each_year_lacks(
    admin, awarded, agencies, django_user_model, django_assert_num_queries
):
    Rubric.objects.filter(year=2022).update(deadline=None)
    other = Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    Rubric.objects.create(bloc=other, year=2023, title="Bảng tiêu chí 2023 của khối VX")
    lonely = BlocYear.objects.create(bloc=other, year=2022, leader=make_agency("SYT", "Sở Y tế"))
    BlocMember.objects.create(bloc_year=lonely, agency=lonely.leader)
    # the session, its update and the roles; then blocs, bloc-years, members, rubrics, staff: whatever the number
    with django_assert_num_queries(11):
        page = admin.get(reverse("setup_home")).content.decode()
    for text in [
        "Mở năm thi đua 2023",
        "Thiếu hạn nộp.",
        "Thiếu quy tắc khen thưởng.",  # VX's 2023 rubric
        "Chưa có khối năm 2023: chưa có thành viên, khối trưởng, khối phó",
        "Chưa có khối phó.",
        "Khối trưởng Sở Y tế chưa có cán bộ chấm điểm.",
        "Khối phó Cơ quan STC chưa có cán bộ chấm điểm.",
        "Chưa có ai nhập hoặc ký bảng chấm điểm (cán bộ nhập liệu, thủ trưởng) của: Cơ quan TTR.",
        "Chưa có thủ trưởng (người nộp bảng chấm điểm): Cơ quan STC.",
        "Bảng tiêu chí chưa có tiêu chí nào.",
        "Thiếu căn cứ của bảng tiêu chí.",
        "Đang chấm điểm",
    ]:
        assert text in page, text
    assert "Chưa có bảng tiêu chí." in page  # VX in 2022


def test_only_the_province_administrator_sees_the_setup_link(client, cast, bloc_2022):
    client.force_login(cast["admin"])
    assert reverse("setup_home") in client.get(reverse("home")).content.decode()
    client.force_login(cast["other_admin"])
    assert reverse("setup_home") not in client.get(reverse("home")).content.decode()


def test_the_setup_page_costs_the_same_queries_for_more_blocs(
    admin, awarded, agencies, django_assert_num_queries
):
    for i in range(5):
        bloc = Bloc.objects.create(code=f"K{i}", name=f"Khối {i}")
        bloc_year = BlocYear.objects.create(bloc=bloc, year=2022, leader=make_agency(f"A{i}"))
        BlocMember.objects.create(bloc_year=bloc_year, agency=bloc_year.leader)
        Rubric.objects.create(bloc=bloc, year=2022, title=f"Bảng {i}")
    with django_assert_num_queries(11):
        assert admin.get(reverse("setup_home")).content.decode().count("Mở năm thi đua 2023") == 6


def test_the_forms_cost_the_same_queries_whatever_the_bloc(
    admin, awarded, agencies, django_assert_num_queries
):
    """Session and roles, the bloc-year, both years' rubrics, last year's members and award rules, the
    agencies once per choice (members, leader, deputy); the copy page reads the blocs instead of members."""
    copy_url = reverse("setup_rubric_copy", args=[Rubric.objects.get(year=2022).pk])
    for _ in range(2):
        with django_assert_num_queries(14):
            assert admin.get(open_url()).status_code == 200
        with django_assert_num_queries(9):
            assert admin.get(copy_url).status_code == 200
        with django_assert_num_queries(11):
            assert admin.get(edit_url()).status_code == 200
        for i in range(5):
            BlocMember.objects.create(
                bloc_year=awarded, agency=make_agency(f"M{i}{BlocMember.objects.count()}")
            )
        AwardRule.objects.create(
            rubric=Rubric.objects.get(year=2022), position=AwardRule.objects.count() + 1, award="Giấy khen"
        )


def edit_url(year=2022) -> str:
    return reverse("setup_year_edit", args=["TMTH", year])


def test_it_fixes_a_years_members_and_leaders_in_place(admin, bloc_2022, agencies):
    page = admin.get(edit_url()).content.decode()
    assert "Sửa thành viên, khối trưởng, khối phó" in admin.get(reverse("setup_home")).content.decode()
    assert 'name="members"' in page
    data = {
        "members": [agencies[c].pk for c in ("VP", "TTR", "STC", "OTHER")],
        "leader": agencies["OTHER"].pk,
        "deputy_leader": agencies["TTR"].pk,
    }
    assert admin.post(edit_url(), data).status_code == 302
    bloc_2022.refresh_from_db()
    assert (bloc_2022.leader.code, bloc_2022.deputy_leader.code) == ("OTHER", "TTR")
    assert sorted(bloc_2022.members.values_list("code", flat=True)) == ["OTHER", "STC", "TTR", "VP"]


def test_it_keeps_a_member_whose_sheet_exists(admin, vp_sheet, agencies):
    data = {
        "members": [agencies["TTR"].pk, agencies["STC"].pk],
        "leader": agencies["TTR"].pk,
        "deputy_leader": agencies["STC"].pk,
    }
    before = written()
    response = admin.post(edit_url(), data)
    assert response.context["form"].errors["members"] == [
        "Cơ quan VP đã có bảng chấm điểm năm 2022: không bỏ khỏi khối được."
    ]
    assert written() == before


def test_editing_refuses_a_leader_outside_the_members(admin, bloc_2022, agencies):
    data = {
        "members": [agencies[c].pk for c in ("VP", "TTR", "STC")],
        "leader": agencies["OTHER"].pk,
        "deputy_leader": agencies["TTR"].pk,
    }
    before = written()
    response = admin.post(edit_url(), data)
    assert "Cơ quan này không phải là thành viên" in response.context["form"].errors["leader"][0]
    assert written() == before
