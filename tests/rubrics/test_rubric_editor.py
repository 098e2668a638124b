"""The rubric editor (tinh/thiet-lap/bang-tieu-chi/<pk>/): the province's administrator shapes the tree, the
keys follow, the sums are checked where they are, and the rubric opens only when it is ready."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.models import AwardRule, Criterion, Rubric, Score, Sheet, Tier
from scoring.rubrics.services import RubricNotReady, rubric_open

from ..factories import make_tenfold_rubric
from ..html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(rubric_2022) -> Rubric:
    """The 2022 rubric back in draft, with its deadline and one award rule: ready to open."""
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.DRAFT)
    AwardRule.objects.create(rubric=rubric_2022, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    rubric_2022.refresh_from_db()
    return rubric_2022


@pytest.fixture
def admin(client, cast):
    client.force_login(cast["admin"])
    return client


def element_text(html: str, element_id: str) -> str:
    return Page(html)[element_id].text


def url(rubric) -> str:
    return reverse("rubric_editor", args=[rubric.pk])


def pk(rubric, key: str) -> int:
    return Criterion.objects.get(rubric=rubric, key=key).pk


def tree(rubric, under: str) -> list[tuple[str, str, str]]:
    """(key, code, text start) of the criteria under a key, in order, as stored."""
    rows = Criterion.objects.filter(rubric=rubric, key__startswith=under).order_by("key")
    return [(c.key, c.code, c.text[:12]) for c in rows]


def criterion_form(prefix: str, **fields) -> dict:
    data = {"text": "Tiêu chí mới", "max_points": "10", "max_bonus": "0", "rule": "manual", **fields}
    return {f"{prefix}-{name}": value for name, value in data.items()}


def post(client, rubric, op: str, criterion=None, **data):
    return client.post(url(rubric), {"op": op, "criterion": criterion or "", **data})


# ---------------------------------------------------------------- every operation, on the database


def test_it_adds_a_child_at_the_end_with_its_key_code_and_position_derived(admin, draft):
    target = pk(draft, "1:3")
    response = post(admin, draft, "add", target, **criterion_form(f"a{target}", max_points="5"))
    new = Criterion.objects.get(rubric=draft, key="1:3.3")
    assert response.status_code == 302 and response["Location"] == f"{url(draft)}#c-{new.pk}"
    assert (new.code, new.position, new.parent_id, new.text, new.max_points) == (
        "3.3",
        3,
        target,
        "Tiêu chí mới",
        5,
    )


def test_it_adds_a_sibling_right_after_and_renumbers_those_below(admin, draft):
    target = pk(draft, "1:1.1")
    data = criterion_form(f"a{target}", text="Chen vào giữa")
    response = post(admin, draft, "add", target, **data, **{f"a{target}-where": "after"})
    assert response.status_code == 302
    assert [code for _, code, _ in tree(draft, "1:1.")] == ["1.1", "1.2", "1.3", "1.4"]
    assert Criterion.objects.get(rubric=draft, key="1:1.2").text == "Chen vào giữa"
    assert Criterion.objects.get(rubric=draft, key="1:1.4").max_points == 250  # the old 1.3
    assert Criterion.objects.get(rubric=draft, key="1:1.4").position == 4


def test_it_adds_a_new_section_at_the_end(admin, draft):
    response = post(admin, draft, "add", 0, **criterion_form("a0", text="Nội dung 4: Thêm", max_points="0"))
    assert response.status_code == 302
    section = Criterion.objects.get(rubric=draft, key="4")
    assert (section.code, section.parent_id, section.position) == ("Nội dung 4", None, 4)


def test_it_moves_a_criterion_up_and_down_among_its_siblings(admin, draft):
    post(admin, draft, "up", pk(draft, "1:1.2"))
    assert [(code, text) for _, code, text in tree(draft, "1:1.")][:2] == [
        ("1.1", "Chủ động tha"),
        ("1.2", "Lãnh đạo, ch"),
    ]
    post(admin, draft, "down", pk(draft, "1:1.1"))
    assert Criterion.objects.get(rubric=draft, key="1:1.1").text.startswith("Lãnh đạo")
    response = post(admin, draft, "up", pk(draft, "1:1.1"))
    assert "Tiêu chí 1.1 đã ở đầu nhóm của nó." in response.content.decode()


def test_it_indents_a_criterion_under_the_one_above_which_becomes_a_sum(admin, draft):
    above = pk(draft, "1:1.1")
    moved = pk(draft, "1:1.2")
    assert post(admin, draft, "indent", moved).status_code == 302
    criterion = Criterion.objects.get(pk=moved)
    assert (criterion.key, criterion.code, criterion.parent_id) == ("1:1.1.1", "1.1.1", above)
    assert Criterion.objects.get(pk=above).rule == Criterion.Rule.SUM
    assert Criterion.objects.get(rubric=draft, key="1:1.2").max_points == 250  # the old 1.3 moved up
    response = post(admin, draft, "indent", pk(draft, "1:1.1"))
    assert "không có tiêu chí nào ở trên để thụt vào" in response.content.decode()


def test_it_outdents_a_criterion_to_right_after_its_parent(admin, draft):
    moved = pk(draft, "1:1.3")
    old_second = pk(draft, "1:2.1")
    assert post(admin, draft, "outdent", moved).status_code == 302
    criterion = Criterion.objects.get(pk=moved)
    assert (criterion.key, criterion.code, criterion.parent_id) == ("1:2", "2", pk(draft, "1"))
    assert Criterion.objects.get(pk=old_second).key == "1:3.1"  # criterion 2 became 3, its children too
    assert "Nội dung 1 đã ở cấp ngoài cùng." in post(admin, draft, "outdent", pk(draft, "1")).content.decode()


def test_it_edits_a_criterion_in_place(admin, draft):
    target = pk(draft, "3:3")
    data = criterion_form(f"e{target}", text="Nội dung đã sửa", max_points="10", max_bonus="1,5")
    assert post(admin, draft, "edit", target, **data).status_code == 302
    criterion = Criterion.objects.get(pk=target)
    assert (criterion.text, criterion.max_points, criterion.max_bonus) == ("Nội dung đã sửa", 10, D("1.5"))


def test_it_deletes_a_criterion_with_everything_under_it_and_renumbers(admin, draft):
    count = Criterion.objects.filter(rubric=draft).count()
    response = post(admin, draft, "delete", pk(draft, "1:2"))
    assert response.status_code == 302
    assert Criterion.objects.filter(rubric=draft).count() == count - 5  # 2 and its 2.1 … 2.4
    assert Criterion.objects.get(rubric=draft, key="1:2.1").max_points == 30  # the old 3.1


def test_bad_input_is_refused_where_it_was_typed_and_kept(admin, draft):
    target = pk(draft, "1:1.1")
    data = criterion_form(f"e{target}", text="Sửa dở", max_points="mười")
    response = post(admin, draft, "edit", target, **data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "“mười” không phải là số." in page and "Sửa dở" in page and 'value="mười"' in page
    assert Criterion.objects.get(pk=target).max_points == 100


# ---------------------------------------------------------------- sums checked where they are; opening


def test_a_changed_sub_criterion_shows_the_mismatch_at_its_parent_and_the_rubric_cannot_open(admin, draft):
    target = pk(draft, "1:1.1")
    post(admin, draft, "edit", target, **criterion_form(f"e{target}", max_points="90", text="Lãnh đạo"))
    page = admin.get(url(draft)).content.decode()
    parent = element_text(page, f"c-{pk(draft, '1:1')}")
    assert "Tổng các tiêu chí con 390, tiêu chí cha 400" in parent
    assert "Tổng các tiêu chí con" not in element_text(page, f"c-{target}")
    response = post(admin, draft, "open")
    problems = element_text(response.content.decode(), "open-problems")
    assert "Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390, tiêu chí cha 400." in problems
    draft.refresh_from_db()
    assert draft.status == Rubric.Status.DRAFT
    post(admin, draft, "edit", target, **criterion_form(f"e{target}", max_points="100", text="Lãnh đạo"))
    assert post(admin, draft, "open").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Rubric.Status.OPEN


def test_opening_needs_a_deadline_and_award_rules(draft):
    Rubric.objects.filter(pk=draft.pk).update(deadline=None)
    AwardRule.objects.filter(rubric=draft).delete()
    with pytest.raises(RubricNotReady) as refused:
        rubric_open(rubric=draft)
    assert refused.value.reasons == [
        "Chưa đặt hạn nộp bảng chấm điểm.",
        "Chưa có đề nghị khen thưởng theo thứ hạng (Cờ thi đua, Bằng khen …).",
    ]
    draft.refresh_from_db()
    assert draft.status == Rubric.Status.DRAFT


def test_the_deadline_is_typed_day_first(admin, draft):
    assert post(admin, draft, "deadline", deadline="01/12/2022").status_code == 302
    draft.refresh_from_db()
    assert draft.deadline == datetime.date(2022, 12, 1)
    response = post(admin, draft, "deadline", deadline="12/31/2022")
    assert "“12/31/2022” không phải ngày theo kiểu ngày/tháng/năm" in response.content.decode()
    draft.refresh_from_db()
    assert draft.deadline == datetime.date(2022, 12, 1)


# ---------------------------------------------------------------- tiers and organisations in one go


def test_a_tiered_criterion_is_added_with_its_tiers_in_one_go(admin, draft):
    target = pk(draft, "2:8")
    tiers = "Hoàn thành xuất sắc nhiệm vụ = 20\nHoàn thành tốt nhiệm vụ = 15\nHoàn thành nhiệm vụ = 10\nKhông hoàn thành = 0"
    data = criterion_form(f"a{target}", text="Xếp loại chi bộ", max_points="20", rule="tiered", tiers=tiers)
    assert post(admin, draft, "add", target, **data).status_code == 302
    new = Criterion.objects.get(rubric=draft, key="2:8.1")
    assert new.rule == Criterion.Rule.TIERED and new.parent.rule == Criterion.Rule.SUM
    assert [(t.label, t.points) for t in new.tiers.order_by("position")] == [
        ("Hoàn thành xuất sắc nhiệm vụ", 20),
        ("Hoàn thành tốt nhiệm vụ", 15),
        ("Hoàn thành nhiệm vụ", 10),
        ("Không hoàn thành", 0),
    ]
    rubric_open(rubric=draft)  # 8 (20) = 8.1 (20): still consistent


def test_the_components_criterion_keeps_its_organisations_and_ratings_when_edited(admin, draft):
    target = pk(draft, "2:7")
    page = admin.get(url(draft), {"sua": target}).content.decode()
    assert (
        "Tổ chức Đoàn thanh niên (có thể không có): Hoàn thành xuất sắc nhiệm vụ = 20; Hoàn thành tốt nhiệm vụ = 15"
        in page
    )
    components = (
        "Công đoàn: Xuất sắc = 20; Tốt = 15\nĐoàn thanh niên (có thể không có): Xuất sắc = 20; Tốt = 15\n"
        "Hội Cựu chiến binh (có thể không có): Xuất sắc = 20; Tốt = 15"
    )
    data = criterion_form(f"e{target}", max_points="60", rule="components", components=components)
    assert post(admin, draft, "edit", target, **data).status_code == 302
    criterion = Criterion.objects.get(pk=target)
    assert [
        (c.name, c.may_be_missing, c.tiers.count()) for c in criterion.components.order_by("position")
    ] == [
        ("Công đoàn", False, 2),
        ("Đoàn thanh niên", True, 2),
        ("Hội Cựu chiến binh", True, 2),
    ]


def test_a_tier_above_the_criterions_maximum_is_refused_and_nothing_is_written(admin, draft):
    target = pk(draft, "3:3")
    data = criterion_form(f"a{target}", max_points="10", rule="tiered", tiers="Tốt = 50\nKhá = 5")
    response = post(admin, draft, "add", target, **data)
    assert "Mức “Tốt” 50 điểm vượt điểm chuẩn 10 của tiêu chí 3.1." in response.content.decode()
    assert "Tốt = 50" in response.content.decode()  # what was typed is kept
    assert not Criterion.objects.filter(rubric=draft, key="3:3.1").exists()
    assert Criterion.objects.get(pk=target).rule == Criterion.Rule.MANUAL


# ---------------------------------------------------------------- the locking rules


def test_nothing_changes_once_an_agency_has_submitted(admin, vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    rubric = vp_sheet.rubric
    target = pk(rubric, "1:1.1")
    page = admin.get(url(rubric)).content.decode()
    assert "đã có đơn vị nộp bảng chấm điểm: không sửa được tiêu chí" in element_text(page, "rubric-locked")
    assert "?sua=" not in page and 'value="delete"' not in page  # no button leads to a refusal
    for op in ("delete", "up", "indent"):
        response = post(admin, rubric, op, target)
        assert "không sửa được tiêu chí" in response.content.decode()
    response = post(
        admin, rubric, "edit", target, **criterion_form(f"e{target}", text="Sửa chữ", max_points="100")
    )
    assert "không sửa được tiêu chí" in response.content.decode()
    assert tree(rubric, "1:1.") == [
        ("1:1.1", "1.1", "Lãnh đạo, ch"),
        ("1:1.2", "1.2", "Chủ động tha"),
        ("1:1.3", "1.3", "Xây dựng và "),
    ]


def test_once_agencies_score_only_the_words_change(admin, vp_sheet):
    rubric = vp_sheet.rubric
    target = pk(rubric, "1:1.1")
    Score.objects.create(sheet=vp_sheet, criterion_id=target, points=90)
    page = admin.get(url(rubric)).content.decode()
    assert f"?sua={target}" in page and 'value="delete"' not in page and "?them=" not in page
    response = post(admin, rubric, "edit", target, **criterion_form(f"e{target}", max_points="90"))
    assert "Đã có đơn vị chấm điểm theo bảng tiêu chí này" in response.content.decode()
    assert Criterion.objects.get(pk=target).max_points == 100
    assert "Đã có đơn vị chấm điểm" in post(admin, rubric, "delete", target).content.decode()
    assert Criterion.objects.filter(pk=target).exists()
    data = criterion_form(f"e{target}", text="Chỉ sửa chữ", max_points="100")
    assert post(admin, rubric, "edit", target, **data).status_code == 302
    assert Criterion.objects.get(pk=target).text == "Chỉ sửa chữ"
    tiered = pk(rubric, "2:6")
    tiers = "Xuất sắc = 20\nTốt = 15\nĐạt = 10\nKhông đạt = 0"
    data = criterion_form(
        f"e{tiered}", text="Chi bộ", max_points="20", max_bonus="2", rule="tiered", tiers=tiers
    )
    kept = list(Tier.objects.filter(criterion_id=tiered).order_by("position").values_list("pk", flat=True))
    assert post(admin, rubric, "edit", tiered, **data).status_code == 302
    renamed = Tier.objects.filter(criterion_id=tiered).order_by("position")
    assert [(t.pk, t.label) for t in renamed] == list(
        zip(kept, ["Xuất sắc", "Tốt", "Đạt", "Không đạt"], strict=True)
    )


def test_a_closed_round_is_not_edited(admin, rubric_2022):
    Rubric.objects.filter(pk=rubric_2022.pk).update(status=Rubric.Status.CLOSED)
    response = post(admin, rubric_2022, "delete", pk(rubric_2022, "1:1.1"))
    assert "Năm thi đua đã khóa sổ" in response.content.decode()
    assert Criterion.objects.filter(rubric=rubric_2022, key="1:1.1").exists()


# ---------------------------------------------------------------- who, and what it costs


def test_anybody_but_the_provinces_administrator_gets_404(client, cast, draft):
    for role in ("editor", "head", "reviewer", "other_admin", "own_admin", "leader_admin"):
        client.force_login(cast[role])
        assert client.get(url(draft)).status_code == 404
        assert post(client, draft, "delete", pk(draft, "1:1.1")).status_code == 404
    assert Criterion.objects.filter(rubric=draft, key="1:1.1").exists()
    client.logout()
    assert client.get(url(draft))["Location"].startswith(reverse("login"))


def test_the_page_costs_the_same_queries_for_any_size_of_rubric(admin, draft, django_assert_num_queries):
    """Session, user, roles, rubric, its tree (3), whether it is locked or started (2), its award rules; the
    session saved (3, every request)."""
    big = make_tenfold_rubric(draft)
    edited = pk(big, "4:1.1")
    with django_assert_num_queries(13):
        small_page = admin.get(url(draft))
    with django_assert_num_queries(13):
        big_page = admin.get(url(big), {"sua": edited})
    assert small_page.status_code == big_page.status_code == 200


def test_the_open_rubric_command_goes_through_the_same_check(draft):
    from io import StringIO

    from django.core.management import CommandError, call_command

    Criterion.objects.filter(rubric=draft, key="1:1.1").update(max_points=90)
    out = StringIO()
    with pytest.raises(CommandError, match="Chưa mở được bảng tiêu chí: 1 lý do."):
        call_command("open_rubric", "--bloc", "TMTH", "--year", "2022", stdout=out)
    assert "CHƯA ĐƯỢC  Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390, tiêu chí cha 400." in out.getvalue()
    Criterion.objects.filter(rubric=draft, key="1:1.1").update(max_points=100)
    call_command("open_rubric", "--bloc", "TMTH", "--year", "2022", stdout=out)
    draft.refresh_from_db()
    assert draft.status == Rubric.Status.OPEN


def test_a_choice_criterion_without_its_choices_does_not_open(draft):
    Criterion.objects.filter(rubric=draft, key="3:3").update(rule=Criterion.Rule.TIERED)
    with pytest.raises(RubricNotReady) as refused:
        rubric_open(rubric=draft)
    assert refused.value.reasons == ["Nội dung 3, tiêu chí 3: tiêu chí chọn một mức chưa có mức nào."]


def test_the_award_rules_are_typed_one_a_line_in_rank_order(admin, draft):
    rules = "Cờ thi đua của UBND tỉnh; tối đa 1 đơn vị\nBằng khen của Chủ tịch UBND tỉnh; tối đa 20 %; từ 900 điểm"
    assert post(admin, draft, "awards", rules=rules).status_code == 302
    stored = AwardRule.objects.filter(rubric=draft).order_by("position")
    assert [(r.position, r.award, r.max_count, r.max_percent, r.min_total) for r in stored] == [
        (1, "Cờ thi đua của UBND tỉnh", 1, None, None),
        (2, "Bằng khen của Chủ tịch UBND tỉnh", None, 20, 900),
    ]
    assert rules in admin.get(url(draft)).content.decode()
    response = post(admin, draft, "awards", rules="Giấy khen; tối đa mười")
    page = response.content.decode()
    assert "Dòng 1: không hiểu “tối đa mười”" in page and "Giấy khen; tối đa mười" in page
    assert AwardRule.objects.filter(rubric=draft).count() == 2
    assert post(admin, draft, "awards", rules="").status_code == 302
    assert "Chưa có đề nghị khen thưởng theo thứ hạng" in element_text(
        admin.get(url(draft)).content.decode(), "open-problems"
    )


def test_a_typo_in_the_other_rules_box_does_not_block_the_save(admin, draft):
    target = pk(draft, "3:3")
    data = criterion_form(
        f"e{target}", max_points="10", max_bonus="1", rule="manual", tiers="khong co dau bang"
    )
    assert post(admin, draft, "edit", target, **data).status_code == 302
    data = criterion_form(
        f"e{target}", max_points="10", max_bonus="1", rule="tiered", tiers="khong co dau bang"
    )
    page = post(admin, draft, "edit", target, **data).content.decode()
    assert "Dòng 1: viết “tên mức = điểm”, ví dụ “Hoàn thành tốt nhiệm vụ = 15”." in page


def test_names_longer_than_the_database_keeps_are_refused_in_words(admin, draft):
    target = pk(draft, "2:6")
    tiers = f"{'Rất dài ' * 50} = 20\nTốt = 15"
    data = criterion_form(f"e{target}", max_points="20", max_bonus="2", rule="tiered", tiers=tiers)
    page = post(admin, draft, "edit", target, **data).content.decode()
    assert "Dòng 1: tên dài quá, nhiều nhất 300 ký tự (đã nhập 399)." in page
    assert Tier.objects.filter(criterion_id=target).count() == 4
