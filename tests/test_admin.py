import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from scoring.models import AwardRule, Bloc, BlocYear, Criterion, Membership, Rubric, Sheet, Tier
from scoring.rubrics.services import rubric_copy


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("sieuquantri", password="mat-khau-quan-tri-1")
    client.force_login(user)
    return client


def test_an_administrator_edits_criteria_until_a_sheet_is_submitted(admin_client_, vp_sheet):
    criterion = vp_sheet.rubric.criteria.get(key="1:1.1")
    url = reverse("admin:scoring_criterion_change", args=[criterion.pk])
    assert 'name="text"' in admin_client_.get(url).content.decode()
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    page = admin_client_.get(url).content.decode()
    assert 'name="text"' not in page  # shown read-only
    response = admin_client_.post(url, {"text": "Sửa trộm", "max_points": "5"})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.text.startswith("Lãnh đạo, chỉ đạo")


def test_the_copy_action_makes_next_years_rubric(admin_client_, rubric_2022):
    response = admin_client_.post(
        reverse("admin:scoring_rubric_changelist"),
        {"action": "copy_to_next_year", "_selected_action": [rubric_2022.pk]},
        follow=True,
    )
    assert "hãy nhập căn cứ của năm 2023" in response.content.decode()
    new = Rubric.objects.get(year=2023)
    assert Criterion.objects.filter(rubric=new).count() == 34
    # the deadline a year later; the old legal basis is not kept silently
    assert new.deadline == datetime.date(2023, 12, 15) and new.legal_basis == ""


def test_no_criterion_can_be_added_to_a_submitted_rubric(admin_client_, vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    count = Criterion.objects.count()
    response = admin_client_.post(
        reverse("admin:scoring_criterion_add"),
        {
            "rubric": vp_sheet.rubric.pk,
            "position": 99,
            "key": "3:9",
            "code": "9",
            "text": "Thêm lén",
            "max_points": "5",
            "max_bonus": "0",
            "rule": "manual",
            "components-TOTAL_FORMS": "0",
            "components-INITIAL_FORMS": "0",
            "tiers-TOTAL_FORMS": "0",
            "tiers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "không sửa được tiêu chí" in response.content.decode()
    assert Criterion.objects.count() == count


def test_a_draft_rubric_is_opened_for_scoring_by_an_action(admin_client_, rubric_2022):
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.DRAFT)
    AwardRule.objects.create(rubric=rubric_2022, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    admin_client_.post(
        reverse("admin:scoring_rubric_changelist"),
        {"action": "open_for_scoring", "_selected_action": [rubric_2022.pk]},
    )
    rubric_2022.refresh_from_db()
    assert rubric_2022.status == Rubric.Status.OPEN


def test_the_open_action_refuses_a_rubric_that_is_not_ready_and_says_why(admin_client_, rubric_2022):
    """The same check as the rubric editor's (rubrics.services.rubric_open): sums, deadline, award rules."""
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.DRAFT, deadline=None)
    Criterion.objects.filter(rubric=rubric_2022, key="1:1.1").update(max_points=90)
    page = admin_client_.post(
        reverse("admin:scoring_rubric_changelist"),
        {"action": "open_for_scoring", "_selected_action": [rubric_2022.pk]},
        follow=True,
    ).content.decode()
    assert "Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390, tiêu chí cha 400." in page
    assert "Chưa đặt hạn nộp bảng chấm điểm." in page
    assert "Chưa có đề nghị khen thưởng theo thứ hạng" in page
    rubric_2022.refresh_from_db()
    assert rubric_2022.status == Rubric.Status.DRAFT


def tier_inline_data(criterion, tiers: list[dict]) -> dict:
    """The criterion's change form as posted, its own fields unchanged, with these tiers added."""
    data = {
        "rubric": criterion.rubric_id,
        "position": criterion.position,
        "key": criterion.key,
        "code": criterion.code,
        "text": criterion.text,
        "max_points": str(criterion.max_points),
        "max_bonus": str(criterion.max_bonus),
        "rule": criterion.rule,
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "tiers-TOTAL_FORMS": str(len(tiers)),
        "tiers-INITIAL_FORMS": "0",
    }
    for i, tier in enumerate(tiers):
        data.update({f"tiers-{i}-{name}": value for name, value in tier.items()})
    return data


def test_the_admin_refuses_a_tier_above_the_criterions_maximum(admin_client_, rubric_2022):
    criterion = rubric_2022.criteria.get(key="3:3")  # 10 points
    url = reverse("admin:scoring_criterion_change", args=[criterion.pk])
    data = tier_inline_data(criterion, [{"position": "1", "label": "Xuất sắc", "points": "50"}])
    page = admin_client_.post(url, data).content.decode()
    assert "Mức “Xuất sắc” 50 điểm vượt điểm chuẩn 10 của tiêu chí 3." in page
    assert not Tier.objects.filter(criterion=criterion).exists()


def test_the_admin_refuses_a_tier_linked_to_another_rubrics_organisation(admin_client_, rubric_2022):
    criterion = rubric_2022.criteria.get(key="2:7")
    foreign = (
        rubric_copy(rubric=rubric_2022, year=2023, legal_basis=rubric_2022.legal_basis, deadline=None)
        .criteria.get(key="2:7")
        .components.first()
    )
    url = reverse("admin:scoring_criterion_change", args=[criterion.pk])
    tier = {"position": "9", "component": str(foreign.pk), "label": "Xuất sắc", "points": "20"}
    response = admin_client_.post(url, tier_inline_data(criterion, [tier]))
    assert response.status_code == 200  # shown again with the error, not saved
    assert not Tier.objects.filter(criterion=criterion, component=foreign).exists()
    assert not Tier.objects.filter(criterion=criterion, position=9).exists()


def test_the_province_administrator_role_is_given_only_in_the_province_office(admin_client_, agencies):
    user = get_user_model().objects.create_user("vp.quantri")
    url = reverse("admin:scoring_membership_add")
    page = admin_client_.post(url, {"user": user.pk, "agency": agencies["VP"].pk, "role": "admin"})
    assert "chỉ dành cho người của cơ quan thường trực thi đua" in page.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    response = admin_client_.post(url, {"user": user.pk, "agency": agencies["BTDKT"].pk, "role": "admin"})
    assert response.status_code == 302
    assert Membership.objects.get(user=user).agency.code == "BTDKT"


def test_the_province_has_one_emulation_office(admin_client_, agencies):
    vp = agencies["VP"]
    data = {
        field: getattr(vp, field)
        for field in ("code", "name", "governing_body", "header_name", "symbol", "place", "head_title")
    }
    page = admin_client_.post(
        reverse("admin:scoring_agency_change", args=[vp.pk]),
        {**data, "is_active": "on", "is_province_office": "on"},
    )
    assert "Tỉnh chỉ có một cơ quan thường trực thi đua." in page.content.decode()
    vp.refresh_from_db()
    assert not vp.is_province_office


def bloc_year_form(bloc, year, leader, deputy, members, existing=()) -> dict:
    """The admin's bloc-year form with its members inline; `existing` are (membership, agency) kept as they are."""
    data = {
        "bloc": bloc.pk,
        "year": year,
        "leader": leader.pk if leader else "",
        "deputy_leader": deputy.pk if deputy else "",
        "memberships-TOTAL_FORMS": str(len(existing) + len(members)),
        "memberships-INITIAL_FORMS": str(len(existing)),
    }
    for i, membership in enumerate(existing):
        data.update(
            {
                f"memberships-{i}-id": membership.pk,
                f"memberships-{i}-bloc_year": membership.bloc_year_id,
                f"memberships-{i}-agency": membership.agency_id,
            }
        )
    for i, agency in enumerate(members, start=len(existing)):
        data[f"memberships-{i}-agency"] = agency.pk
    return data


@pytest.mark.parametrize(
    ("leader", "deputy", "members", "message"),
    [
        ("OTHER", "TTR", ["VP", "TTR"], "Khối trưởng (Cơ quan OTHER) chưa có trong danh sách thành viên"),
        ("TTR", "OTHER", ["VP", "TTR"], "Khối phó (Cơ quan OTHER) chưa có trong danh sách thành viên"),
        ("TTR", "TTR", ["VP", "TTR"], "Khối trưởng và khối phó phải là hai cơ quan khác nhau."),
    ],
)
def test_the_admin_refuses_a_leader_or_deputy_outside_the_new_bloc_year(
    admin_client_, bloc_2022, agencies, leader, deputy, members, message
):
    data = bloc_year_form(
        bloc_2022.bloc, 2023, agencies[leader], agencies[deputy], [agencies[m] for m in members]
    )
    page = admin_client_.post(reverse("admin:scoring_blocyear_add"), data)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not BlocYear.objects.filter(year=2023).exists()


def test_the_admin_takes_a_leader_added_to_the_members_in_the_same_post(admin_client_, bloc_2022, agencies):
    existing = list(bloc_2022.memberships.all())
    data = bloc_year_form(
        bloc_2022.bloc, 2022, agencies["OTHER"], agencies["STC"], [agencies["OTHER"]], existing
    )
    response = admin_client_.post(reverse("admin:scoring_blocyear_change", args=[bloc_2022.pk]), data)
    assert response.status_code == 302
    bloc_2022.refresh_from_db()
    assert bloc_2022.leader.code == "OTHER" and bloc_2022.memberships.count() == 4


def test_the_admin_refuses_an_agency_in_two_blocs_the_same_year(admin_client_, bloc_2022, agencies):
    other_bloc = Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    data = bloc_year_form(other_bloc, 2022, None, None, [agencies["OTHER"], agencies["VP"]])
    page = admin_client_.post(reverse("admin:scoring_blocyear_add"), data).content.decode()
    assert "Cơ quan VP đã thuộc Khối các cơ quan Tham mưu - Tổng hợp năm 2022." in page
    assert not BlocYear.objects.filter(bloc=other_bloc).exists()


def test_the_admin_refuses_the_same_bloc_year_twice(admin_client_, bloc_2022, agencies):
    data = bloc_year_form(bloc_2022.bloc, 2022, None, None, [])
    page = admin_client_.post(reverse("admin:scoring_blocyear_add"), data).content.decode()
    assert "Khối thi đua này đã có năm thi đua đó." in page
    assert BlocYear.objects.filter(bloc=bloc_2022.bloc).count() == 1


def test_once_agencies_score_the_admin_keeps_a_criterions_points_and_the_criterion(admin_client_, vp_sheet):
    """A draft sheet is enough: the points an agency types are checked against these maxima."""
    criterion = vp_sheet.rubric.criteria.get(key="3:3")
    url = reverse("admin:scoring_criterion_change", args=[criterion.pk])
    data = tier_inline_data(criterion, [])
    page = admin_client_.post(url, {**data, "max_points": "5"}).content.decode()
    assert "không đổi được điểm chuẩn, điểm thưởng hay cách tính" in page
    criterion.refresh_from_db()
    assert criterion.max_points == 10
    assert admin_client_.post(url, {**data, "text": "Chỉ sửa chữ"}).status_code == 302
    assert (
        admin_client_.get(reverse("admin:scoring_criterion_delete", args=[criterion.pk])).status_code == 403
    )
