from decimal import Decimal as D
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from scoring import demo
from scoring.models import Agency, BlocYear, Criterion, Membership, Score, Sheet
from scoring.sheets.queries import sheet_view

MODELS = [
    "scoring.Agency",
    "scoring.Bloc",
    "scoring.BlocYear",
    "scoring.BlocMember",
    "scoring.Membership",
    "scoring.Rubric",
    "scoring.Criterion",
    "scoring.Tier",
    "scoring.Component",
    "scoring.Sheet",
    "scoring.SheetTransition",
    "scoring.Score",
    "scoring.ComponentRating",
    "auth.User",
]


def snapshot() -> str:
    from django.apps import apps

    objects = []
    for label in MODELS:
        objects.extend(apps.get_model(label).objects.order_by("pk"))
    return serializers.serialize("json", objects)


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_builds_the_2022_round_of_the_tmth_bloc(db):
    output = load()
    bloc_year = BlocYear.objects.get(bloc__code="TMTH", year=2022)
    assert bloc_year.leader.name == "Thanh tra tỉnh"
    assert {a.code for a in bloc_year.members.all()} >= {"VP", "TTR"}
    assert Agency.objects.get(code="VP").name == "Văn phòng UBND tỉnh"
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"editor", "head", "reviewer", "admin"}
    # the province's administrator is the only "admin", in the province's emulation office
    assert list(Membership.objects.filter(role="admin").values_list("user__username", "agency__code")) == [
        ("quantri", "BTDKT")
    ]
    assert list(Agency.objects.filter(is_province_office=True).values_list("code", flat=True)) == ["BTDKT"]
    for user in demo.USERS:
        assert f"{user.username:<15} {user.password}" in output
    assert "Bảng tự chấm 2022 của Văn phòng UBND tỉnh (Đang nhập): 945 điểm, 48 điểm thưởng." in output
    others = Sheet.objects.exclude(agency__code="VP")
    assert others.count() == 6 and set(others.values_list("status", flat=True)) == {"submitted"}
    assert list(bloc_year.bloc.rubrics.get(year=2022).award_rules.values_list("award", "max_count")) == [
        ("Cờ thi đua của UBND tỉnh", 1),
        ("Bằng khen của Chủ tịch UBND tỉnh", 2),
    ]


def test_the_vp_sheet_is_the_seed_fixed_where_the_seed_is_wrong(db):
    load()
    sheet = Sheet.objects.get(agency__code="VP")
    assert sheet.status == Sheet.Status.DRAFT
    view = sheet_view(sheet)
    assert (view.grand_total.points, view.grand_total.bonus) == (D(945), D(48))
    assert view.totals["2"].points == D(195)  # not the 200 its header row claimed
    assert view.scores["2:3"].bonus == D(1)  # not 10
    assert view.scores["2:6"].provisional
    ratings = {
        r.component.name: r.tier for r in view.scores["2:7"].ratings.select_related("component", "tier")
    }
    assert ratings["Tổ chức Hội Cựu chiến binh"] is None  # dissolved: it gets the average
    assert view.scores["2:7"].points == D(60)
    assert "Quyết định số 02/QĐ-VP ngày 04/01/2022" in view.scores["1:1.1"].explanation


def test_a_second_run_changes_nothing(db):
    load()
    before = snapshot()
    load()
    assert snapshot() == before
    # seven sheets, each with every criterion but the sections
    assert Criterion.objects.count() == 34 and Score.objects.count() == 7 * 31


def test_demo_accounts_log_in_only_where_demo_login_is_enabled(db, settings):
    load()
    request = RequestFactory().post("/dang-nhap/")
    settings.DEMO_LOGIN_ENABLED = True
    assert authenticate(request, username="vp.bientap", password="demo-VP-bien-tap-2022") is not None
    settings.DEMO_LOGIN_ENABLED = False
    assert authenticate(request, username="vp.bientap", password="demo-VP-bien-tap-2022") is None
    response = Client().post("/dang-nhap/", {"username": "vp.bientap", "password": "demo-VP-bien-tap-2022"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_it_refuses_to_run_in_production_settings(db, settings):
    settings.DEBUG = False
    settings.DEMO_LOGIN_ENABLED = False
    with pytest.raises(CommandError, match="cấu hình sản xuất"):
        call_command("load_demo", stdout=StringIO())
    assert not Agency.objects.exists()
