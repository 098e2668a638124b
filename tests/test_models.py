from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scoring.models import Bloc, BlocMember, BlocYear, Criterion, Rubric, Score, Sheet, Tier
from scoring.rubrics.tree import rubric_tree

from .factories import make_agency


def test_it_keeps_one_score_per_criterion(vp_sheet):
    criterion = vp_sheet.rubric.criteria.get(key="1:1.1")
    Score.objects.create(sheet=vp_sheet, criterion=criterion, points=D(90))
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(sheet=vp_sheet, criterion=criterion, points=D(80))


def test_it_refuses_negative_points_in_the_database(vp_sheet):
    criterion = vp_sheet.rubric.criteria.get(key="1:1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(sheet=vp_sheet, criterion=criterion, points=D(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(max_bonus=D(-2))


def test_it_keeps_one_rubric_and_one_sheet_per_bloc_year_and_agency(vp_sheet):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rubric.objects.create(bloc=vp_sheet.rubric.bloc, year=2022, title="Bản thứ hai")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sheet.objects.create(rubric=vp_sheet.rubric, agency=vp_sheet.agency)


def test_it_keeps_leader_and_deputy_apart_and_among_the_members(bloc_2022, agencies):
    bloc_2022.deputy_leader = agencies["TTR"]
    with pytest.raises(IntegrityError), transaction.atomic():
        bloc_2022.save()
    bloc_2022.refresh_from_db()
    bloc_2022.leader = agencies["OTHER"]
    with pytest.raises(ValidationError) as exc:
        bloc_2022.full_clean()
    assert exc.value.message_dict["leader"] == ["Cơ quan này không phải là thành viên của khối trong năm."]


def test_it_lets_an_agency_belong_to_one_bloc_a_year_and_another_the_next(bloc_2022, agencies):
    other_bloc = Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    same_year = BlocYear.objects.create(bloc=other_bloc, year=2022)
    with pytest.raises(ValidationError, match="chỉ thuộc một khối"):
        BlocMember(bloc_year=same_year, agency=agencies["VP"]).full_clean()
    next_year = BlocYear.objects.create(bloc=other_bloc, year=2023)
    BlocMember(bloc_year=next_year, agency=agencies["VP"]).full_clean()  # the 2025 kind of reorganisation


def test_it_knows_criteria_by_bloc_year_and_key(rubric_2022):
    criterion = Criterion.objects.get_by_natural_key("TMTH", 2022, "2:7")
    assert criterion.code == "7"
    assert criterion.natural_key() == ("TMTH", 2022, "2:7")
    assert criterion.rule == Criterion.Rule.COMPONENTS
    assert Rubric.objects.get_by_natural_key("TMTH", 2022) == rubric_2022


def test_it_loads_the_2022_tree_in_document_order_in_three_queries(rubric_2022, django_assert_num_queries):
    with django_assert_num_queries(3):
        rtree = rubric_tree(rubric_2022)
    codes = [c.code for c in rtree.criteria]
    assert codes[:6] == ["Nội dung 1", "1", "1.1", "1.2", "1.3", "2"]
    assert codes[-3:] == ["6", "7", "8"]
    assert len(codes) == 34
    c7 = rtree.by_key()["2:7"]
    assert [(comp.name, comp.may_be_missing) for comp in c7.component_list] == [
        ("Tổ chức Công đoàn", False),
        ("Tổ chức Đoàn thanh niên", True),
        ("Tổ chức Hội Cựu chiến binh", True),
    ]
    c6 = rtree.by_key()["2:6"]
    assert [(t.label, t.points) for t in c6.tier_list] == [
        ("Hoàn thành xuất sắc nhiệm vụ", 20),
        ("Hoàn thành tốt nhiệm vụ", 15),
        ("Hoàn thành nhiệm vụ", 10),
        ("Không hoàn thành nhiệm vụ", 0),
    ]


def test_it_locks_a_rubric_once_a_sheet_is_submitted(vp_sheet):
    rubric = vp_sheet.rubric
    assert not rubric.is_locked
    vp_sheet.status = Sheet.Status.SUBMITTED
    vp_sheet.save()
    assert rubric.is_locked


def test_it_shows_a_user_only_the_sheets_of_their_agency(vp_sheet, cast, agencies):
    other_sheet = Sheet.objects.create(rubric=vp_sheet.rubric, agency=agencies["STC"])
    assert list(Sheet.objects.for_user(cast["editor"])) == [vp_sheet]
    assert list(Sheet.objects.for_user(cast["other"])) == []
    assert other_sheet not in Sheet.objects.for_user(cast["head"])


def test_every_model_reads_as_text(vp_sheet, bloc_2022):
    agency = make_agency("X1", "Sở Xây dựng")
    assert str(agency) == "Sở Xây dựng"
    assert str(bloc_2022) == "Khối các cơ quan Tham mưu - Tổng hợp năm 2022"
    assert str(vp_sheet) == "Bảng chấm điểm 2022 – Cơ quan VP"
    assert (
        str(vp_sheet.rubric.criteria.get(key="2:6").tiers.first()) == "Hoàn thành xuất sắc nhiệm vụ (20 điểm)"
    )


def test_it_says_in_vietnamese_what_is_wrong_with_a_bloc_year(bloc_2022, agencies):
    """Leader = deputy, a deputy outside the bloc, the same bloc and year twice: each named on its field."""
    bloc_2022.deputy_leader = agencies["TTR"]
    with pytest.raises(ValidationError) as exc:
        bloc_2022.full_clean()
    assert exc.value.message_dict == {
        "deputy_leader": ["Khối trưởng và khối phó phải là hai cơ quan khác nhau."]
    }
    bloc_2022.deputy_leader = agencies["OTHER"]
    with pytest.raises(ValidationError) as exc:
        bloc_2022.full_clean()
    assert exc.value.message_dict == {
        "deputy_leader": ["Cơ quan này không phải là thành viên của khối trong năm."]
    }
    with pytest.raises(ValidationError) as exc:
        BlocYear(bloc=bloc_2022.bloc, year=2022).full_clean()
    assert exc.value.messages == ["Khối thi đua này đã có năm thi đua đó."]


def test_it_names_the_bloc_an_agency_already_belongs_to(bloc_2022, agencies):
    other_bloc = Bloc.objects.create(code="VX", name="Khối Văn hóa - Xã hội")
    with pytest.raises(ValidationError) as exc:
        BlocMember(
            bloc_year=BlocYear.objects.create(bloc=other_bloc, year=2022), agency=agencies["VP"]
        ).full_clean()
    assert exc.value.message_dict["agency"] == [
        "Một cơ quan chỉ thuộc một khối thi đua trong mỗi năm. Cơ quan VP đã thuộc "
        "Khối các cơ quan Tham mưu - Tổng hợp năm 2022."
    ]


def other_rubrics_component(rubric_2022):
    """The components criterion of a copy of the 2022 rubric, for 2023: the same names, another rubric."""
    from scoring.rubrics.services import rubric_copy

    return (
        rubric_copy(rubric=rubric_2022, year=2023, legal_basis=rubric_2022.legal_basis, deadline=None)
        .criteria.get(key="2:7")
        .components.first()
    )


def test_a_tier_stays_within_its_criterions_maximum(rubric_2022):
    criterion = rubric_2022.criteria.get(key="3:3")  # 10 points
    tier = Tier(criterion=criterion, position=1, label="Xuất sắc", points=D(50))
    with pytest.raises(ValidationError) as refused:
        tier.full_clean()
    assert refused.value.message_dict["points"] == [
        "Mức “Xuất sắc” 50 điểm vượt điểm chuẩn 10 của tiêu chí 3."
    ]
    Tier(criterion=criterion, position=1, label="Xuất sắc", points=D(10)).full_clean()


def test_a_tiers_organisation_belongs_to_its_own_criterion(rubric_2022):
    criterion = rubric_2022.criteria.get(key="2:7")
    foreign = other_rubrics_component(rubric_2022)
    tier = Tier(criterion=criterion, component=foreign, position=9, label="Xuất sắc", points=D(20))
    with pytest.raises(ValidationError) as refused:
        tier.full_clean()
    assert "phải thuộc chính tiêu chí này" in refused.value.message_dict["component"][0]
    tier.component = criterion.components.first()
    tier.full_clean()
