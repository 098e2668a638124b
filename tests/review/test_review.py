"""The bloc leader's review: a full round on the demo data, the ranking, the tables, closing the year."""

import os
import re
import shutil
import subprocess
from decimal import Decimal as D
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports.bloc import bloc_html
from scoring.models import (
    Agency,
    Bloc,
    BlocMember,
    BlocYear,
    ExportJob,
    Membership,
    RoundEvent,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
)
from scoring.review.services import sheet_accept
from scoring.review.standings import bloc_round
from scoring.rubrics.services import RoundClosed
from scoring.sheets.services import sheet_for, sheet_save
from tests.factories import sign_and_submit

from ..factories import edit_data, field, make_agency, recalculated
from ..replay import load_demo

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"


@pytest.fixture
def demo(db):
    load_demo()
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


@pytest.fixture
def agency_admins(demo, django_user_model):
    """ "Quản trị" memberships outside the province's emulation office: one in Văn phòng UBND tỉnh (a member
    of the bloc), one in Sở Y tế, a member of another bloc. Made as a careless administrator (or an older
    version of the app) would have made them, past the admin's check."""
    other_bloc = Bloc.objects.create(code="VHXH", name="Khối Văn hóa - Xã hội")
    syt = make_agency("SYT", "Sở Y tế")
    BlocMember.objects.create(bloc_year=BlocYear.objects.create(bloc=other_bloc, year=2022), agency=syt)
    for username, agency in (("vp.quantri", Agency.objects.get(code="VP")), ("syt.quantri", syt)):
        user = django_user_model.objects.create_user(username=username, password="mat-khau-thu-nghiem-1")
        Membership.objects.create(user=user, agency=agency, role=Membership.Role.ADMIN)


def as_user(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    return client


def review_data(client, sheet, **overrides):
    """What the review page posts back untouched, with `overrides` on top."""
    page = client.get(reverse("sheet_review", args=[sheet.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    data.update(overrides)
    return data


def sheet_of(code):
    return Sheet.objects.select_related("rubric", "agency").get(agency__code=code)


def test_a_full_round_return_fix_resubmit_accept_rank_and_export(
    client, demo, django_user_model, tmp_path, bloc_tables
):
    as_user(client, django_user_model, "ttr.chamdiem")
    board = client.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    for name in ("Văn phòng UBND tỉnh", "Sở Tài chính", "Thanh tra tỉnh", "Đang nhập", "Đã nộp"):
        assert name in board
    assert "<svg" in board

    # The leader returns Sở Tài chính's sheet: 1.1 counts 90, not 100.
    stc = sheet_of("STC")
    rp11 = field(stc, "rp", "1:1.1")
    data = review_data(
        client,
        stc,
        **{
            rp11: "90",
            field(stc, "rc", "1:1.1"): "Thiếu kế hoạch năm",
            "action": "return",
            "reason": "Bổ sung tài liệu tiêu chí 1.1",
        },
    )
    assert client.post(reverse("sheet_review", args=[stc.pk]), data).status_code == 302
    stc.refresh_from_db()
    assert stc.status == Sheet.Status.RETURNED
    assert stc.transitions.last().reason == "Bổ sung tài liệu tiêu chí 1.1"
    assert Score.objects.get(sheet=stc, criterion__key="1:1.1").reviewed_points == 90

    # The agency sees why, fixes 1.1 and resubmits: the old review of 1.1 no longer stands.
    as_user(client, django_user_model, "stc.bientap")
    page = client.get(reverse("sheet_edit", args=[stc.pk])).content.decode()
    assert "Bổ sung tài liệu tiêu chí 1.1" in page and "Nhận xét của khối: Thiếu kế hoạch năm" in page
    assert (
        client.post(
            reverse("sheet_edit", args=[stc.pk]), edit_data(stc, **{field(stc, "p", "1:1.1"): "95"})
        ).status_code
        == 302
    )
    score = Score.objects.get(sheet=stc, criterion__key="1:1.1")
    assert (score.points, score.reviewed_points) == (95, None)
    assert ScoreChange.objects.filter(sheet=stc, field="reviewed_points", old="90", new="").exists()
    as_user(client, django_user_model, "stc.thutruong")
    stc.refresh_from_db()
    sign_and_submit(client, stc)
    stc.refresh_from_db()
    assert stc.status == Sheet.Status.SUBMITTED

    # Văn phòng UBND tỉnh submits too.
    vp = sheet_of("VP")
    as_user(client, django_user_model, "vp.thutruong")
    sign_and_submit(client, vp)

    # The leader accepts every member; its own sheet is the deputy's to accept.
    as_user(client, django_user_model, "ttr.chamdiem")
    for code in ("STC", "VP", "SNV", "SKHDT", "STP", "VPDDBQH"):
        sheet = sheet_of(code)
        response = client.post(
            reverse("sheet_review", args=[sheet.pk]), review_data(client, sheet, action="accept")
        )
        assert response.status_code == 302, code
    ttr = sheet_of("TTR")
    assert client.get(reverse("sheet_review", args=[ttr.pk])).status_code == 404
    as_user(client, django_user_model, "snv.chamdiem")
    client.post(reverse("sheet_review", args=[ttr.pk]), review_data(client, ttr, action="accept"))
    assert set(Sheet.objects.values_list("status", flat=True)) == {"accepted"}

    # The ranking: by total, the tie rule, awards within their quotas.
    state = bloc_round(demo, demo.bloc.years.get(year=2022))
    ranked = state.ranked
    assert len(ranked) == 7
    totals = [m.final_total for m in ranked]
    assert totals == sorted(totals, reverse=True)
    assert ranked[0].agency.name == "Văn phòng UBND tỉnh" and ranked[0].final_total == D(993)
    assert [m.award for m in ranked[:4]] == [
        "Cờ thi đua của UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "",
    ]
    stc_member = next(m for m in state.members if m.agency.code == "STC")
    assert stc_member.final.points == stc_member.own.points  # accepted as resubmitted
    as_user(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("bloc_ranking", args=["TMTH", 2022])).content.decode()
    assert "Cờ thi đua của UBND tỉnh" in page and "993" in page
    assert f'href="{reverse("bloc_board", args=["TMTH", 2022])}#tep-xuat"' in page  # where the tables are

    # The tables, made as background jobs and downloaded from the board.
    path = tmp_path / "tong-hop.xlsx"
    path.write_bytes(bloc_tables(client, "TMTH", 2022, "xlsx"))
    wb = load_workbook(path)
    assert (
        wb.sheetnames[:2] == ["Tổng hợp", "Ma trận điểm"]
        and "VP" in wb.sheetnames
        and len(wb.sheetnames) == 9
    )
    summary = wb["Tổng hợp"]
    assert summary.cell(5, 2).value == "Văn phòng UBND tỉnh" and summary.cell(5, 10).value == 1
    assert str(summary.cell(5, 9).value).startswith("=")
    pdf = bloc_tables(client, "TMTH", 2022, "pdf")
    assert pdf.startswith(b"%PDF")
    if shutil.which("soffice") or CI:
        computed = recalculated(tmp_path, path.read_bytes())
        rows = {computed["Tổng hợp"].cell(r, 2).value: r for r in range(5, 12)}
        for member in ranked:
            r = rows[member.agency.name]
            assert computed["Tổng hợp"].cell(r, 9).value == pytest.approx(float(member.final_total))
            assert computed["Tổng hợp"].cell(r, 6).value == pytest.approx(
                float(member.own.points + member.own.bonus)
            )
        matrix = computed["Ma trận điểm"]
        last = matrix.max_row
        columns = {matrix.cell(1, c).value: c for c in range(5, matrix.max_column + 1)}
        for member in ranked:
            assert matrix.cell(last, columns[member.agency.name]).value == pytest.approx(
                float(member.final_total)
            )


def test_closing_the_year_freezes_everything_and_opens_the_ranking_to_members(
    client, demo, django_user_model
):
    stc = sheet_of("STC")
    as_user(client, django_user_model, "stc.bientap")
    assert client.get(reverse("bloc_ranking", args=["TMTH", 2022])).status_code == 404
    as_user(client, django_user_model, "ttr.chamdiem")
    assert (
        client.post(reverse("round_close", args=["TMTH", 2022])).status_code == 404
    )  # reviewers do not close
    as_user(client, django_user_model, "quantri")
    assert client.post(reverse("round_close", args=["TMTH", 2022])).status_code == 302
    demo.refresh_from_db()
    assert demo.status == Rubric.Status.CLOSED

    as_user(client, django_user_model, "ttr.chamdiem")
    before = stc.version
    response = client.post(
        reverse("sheet_review", args=[stc.pk]), review_data(client, stc, action="accept"), follow=True
    )
    assert "Năm thi đua đã khóa sổ" in response.content.decode()
    stc.refresh_from_db()
    assert (stc.status, stc.version) == (Sheet.Status.SUBMITTED, before)
    with pytest.raises(RoundClosed):
        sheet_save(sheet=sheet_of("VP"), base_version=1, values={}, by=None)

    as_user(client, django_user_model, "stc.bientap")
    ranking = client.get(reverse("bloc_ranking", args=["TMTH", 2022]))
    assert ranking.status_code == 200
    assert "#tep-xuat" not in ranking.content.decode()  # a member has no board to make the tables on
    assert client.get(reverse("bloc_board", args=["TMTH", 2022])).status_code == 404

    as_user(client, django_user_model, "quantri")
    client.post(reverse("round_reopen", args=["TMTH", 2022]), {"reason": ""})
    demo.refresh_from_db()
    assert demo.status == Rubric.Status.CLOSED  # a reason is required
    client.post(reverse("round_reopen", args=["TMTH", 2022]), {"reason": "Sai sót ở bảng của Sở Tài chính"})
    demo.refresh_from_db()
    assert demo.status == Rubric.Status.OPEN
    assert list(RoundEvent.objects.values_list("action", "reason")) == [
        ("close", ""),
        ("reopen", "Sai sót ở bảng của Sở Tài chính"),
    ]


@pytest.mark.parametrize(
    ("username", "board", "review_vp", "review_ttr"),
    [
        ("ttr.chamdiem", 200, 200, 404),  # the leader's reviewer; never its own agency
        ("snv.chamdiem", 200, 404, 200),  # the deputy's reviewer reviews the leader
        ("quantri", 200, 200, 200),  # the province's administrator
        ("vp.bientap", 404, 404, 404),  # members see neither the board nor each other's sheets
        ("stc.thutruong", 404, 404, 404),
        ("vp.quantri", 404, 404, 404),  # an agency's "Quản trị" reaches no other agency, not even in its bloc
        ("syt.quantri", 404, 404, 404),  # nor another bloc
    ],
)
def test_who_follows_and_reviews_the_bloc(
    client, demo, agency_admins, django_user_model, username, board, review_vp, review_ttr
):
    Sheet.objects.filter(agency__code="VP").update(status=Sheet.Status.SUBMITTED)
    as_user(client, django_user_model, username)
    assert client.get(reverse("bloc_board", args=["TMTH", 2022])).status_code == board
    assert client.get(reverse("bloc_ranking", args=["TMTH", 2022])).status_code == board
    # the bloc's tables: asked for as a job on the board (its old address only points there)
    followed = 302 if board == 200 else 404
    assert client.get(reverse("bloc_export_moved_xlsx", args=["TMTH", 2022])).status_code == followed
    assert client.post(reverse("export_job_start_xlsx", args=["TMTH", 2022])).status_code == followed
    assert ExportJob.objects.count() == (1 if board == 200 else 0)
    assert client.get(reverse("sheet_review", args=[sheet_of("VP").pk])).status_code == review_vp
    assert client.get(reverse("sheet_review", args=[sheet_of("TTR").pk])).status_code == review_ttr
    if review_vp == 404:
        vp = sheet_of("VP")
        client.post(reverse("sheet_review", args=[vp.pk]), {"version": vp.version, "action": "accept"})
        assert sheet_of("VP").status == Sheet.Status.SUBMITTED
    closing = client.post(reverse("round_close", args=["TMTH", 2022]))
    demo.refresh_from_db()
    if username == "quantri":  # only the province's administrators close the year
        assert closing.status_code == 302 and demo.status == Rubric.Status.CLOSED
    else:
        assert closing.status_code == 404 and demo.status == Rubric.Status.OPEN


@pytest.mark.parametrize("username", ["vp.quantri", "syt.quantri"])
def test_an_agency_admin_neither_reopens_the_year_nor_accepts_a_sheet(
    client, demo, agency_admins, django_user_model, username
):
    as_user(client, django_user_model, "quantri")
    client.post(reverse("round_close", args=["TMTH", 2022]))
    as_user(client, django_user_model, username)
    response = client.post(reverse("round_reopen", args=["TMTH", 2022]), {"reason": "Mở lại"})
    assert response.status_code == 404
    demo.refresh_from_db()
    assert demo.status == Rubric.Status.CLOSED and RoundEvent.objects.count() == 1
    stc = sheet_of("STC")
    response = client.post(
        reverse("sheet_review", args=[stc.pk]), {"version": stc.version, "action": "accept"}
    )
    assert response.status_code == 404
    assert sheet_of("STC").status == Sheet.Status.SUBMITTED
    assert client.get(reverse("received_reports")).status_code == 404


@pytest.mark.parametrize("username", ["ttr.chamdiem", "quantri"])
def test_a_draft_is_the_agencys_own_until_it_is_submitted(
    client, demo, django_user_model, username, bloc_tables
):
    """Văn phòng UBND tỉnh's sheet is a draft of 945 + 48: nobody on the bloc's side reads it."""
    vp = sheet_of("VP")
    as_user(client, django_user_model, username)
    assert client.get(reverse("sheet_review", args=[vp.pk])).status_code == 404
    response = client.post(reverse("sheet_review", args=[vp.pk]), {"version": vp.version, "action": "accept"})
    assert response.status_code == 404 and sheet_of("VP").status == Sheet.Status.DRAFT

    board = client.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    row = re.search(r"<tr>\s*<td>Văn phòng UBND tỉnh.*?</tr>", board, re.S).group(0)
    assert "Đang nhập" in row and not re.search(r"\d", row.replace("UBND", ""))
    assert reverse("sheet_review", args=[vp.pk]) not in board
    assert ">945<" not in board and ">993<" not in board  # nor in the chart

    wb = load_workbook(BytesIO(bloc_tables(client, "TMTH", 2022, "xlsx")))
    assert "VP" not in wb.sheetnames and len(wb.sheetnames) == 8  # two tables, six submitted sheets
    summary = wb["Tổng hợp"]
    vp_row = next(r for r in range(5, 12) if summary.cell(r, 2).value == "Văn phòng UBND tỉnh")
    assert [summary.cell(vp_row, c).value for c in range(3, 10)] == ["Đang nhập"] + [None] * 6
    assert "Văn phòng UBND tỉnh" not in [c.value for c in wb["Ma trận điểm"][1]]
    html = bloc_html(bloc_round(demo, demo.bloc.years.get(year=2022)))
    row = re.search(r"<tr><td[^>]*>—</td><td[^>]*>Văn phòng UBND tỉnh.*?</tr>", html, re.S).group(0)
    assert "Đang nhập" in row and not re.search(r"\d", row.replace("UBND", ""))


def test_a_return_needs_a_reason_and_keeps_the_review_unsaved(client, demo, django_user_model):
    stc = sheet_of("STC")
    as_user(client, django_user_model, "ttr.chamdiem")
    data = review_data(client, stc, **{field(stc, "rp", "1:1.1"): "101", "action": "return"})
    page = client.post(reverse("sheet_review", args=[stc.pk]), data).content.decode()
    assert "Điểm thẩm định tối đa là 100; bạn nhập 101." in page and "Nhập lý do trả lại" in page
    stc.refresh_from_db()
    assert stc.status == Sheet.Status.SUBMITTED
    assert not Score.objects.filter(sheet=stc, reviewed_points__isnull=False).exists()


def test_the_ranking_costs_the_same_queries_for_any_number_of_members(demo, django_assert_num_queries):
    from scoring.models import BlocMember

    bloc_year = demo.bloc.years.get(year=2022)
    with django_assert_num_queries(7):
        assert len(bloc_round(demo, bloc_year).members) == 7
    for i in range(20):
        agency = make_agency(f"X{i}", f"Đơn vị {i}")
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        sheet_for(rubric=demo, agency=agency)
    with django_assert_num_queries(7):
        assert len(bloc_round(demo, bloc_year).members) == 27


def test_export_bloc_command_writes_both_formats(demo, tmp_path):
    sheet_accept(sheet=sheet_of("STC"), base_version=sheet_of("STC").version, by=None)
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"tong-hop.{fmt}"
        out = StringIO()
        call_command(
            "export_bloc", "--bloc", "TMTH", "--year", "2022", "--format", fmt, "-o", str(target), stdout=out
        )
        assert f"Đã ghi {target}: 7 thành viên, 1 đơn vị đã duyệt được xếp hạng." in out.getvalue()
        assert target.read_bytes()[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "tong-hop.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2022" in text and "Cờ thi đua của UBND tỉnh" in text
    with pytest.raises(Exception, match="chưa có bảng tiêu chí năm 2030"):
        call_command("export_bloc", "--bloc", "TMTH", "--year", "2030", "--format", "pdf", "-o", "x.pdf")


def test_the_ranking_adds_up_every_sheet_as_the_tree_walk_does(demo):
    """Every member of the demo bloc, own and final numbers per section, against rollup.rollup over its
    scores (the arithmetic the ranking used before it summed score rows in one pass)."""
    from scoring import rollup

    for code in ("STC", "TTR"):
        sheet_accept(sheet=sheet_of(code), base_version=sheet_of(code).version, by=None)
    Score.objects.filter(sheet=sheet_of("STC"), criterion__code="1.1").update(reviewed_points=D("88.5"))
    state = bloc_round(demo, demo.bloc.years.get(year=2022))
    tree = state.rtree.tree
    checked = 0
    for member in state.members:
        if not member.shown:
            continue
        scores = list(Score.objects.filter(sheet=member.sheet).select_related("criterion"))
        own = rollup.rollup(tree, {s.criterion.key: rollup.Entry(s.points, s.bonus) for s in scores})
        final = rollup.rollup(
            tree,
            {
                s.criterion.key: rollup.final_entry(s.points, s.bonus, s.reviewed_points, s.reviewed_bonus)
                for s in scores
            },
        )
        assert member.own == rollup.grand_total(tree, own)
        assert member.final == rollup.grand_total(tree, final)
        assert member.sections == [final[root.key].points for root in tree.roots]
        assert member.section_bonus == [final[root.key].bonus for root in tree.roots]
        checked += 1
    assert checked == 6 and [m.rank for m in state.ranked][:2] == [1, 2]


def test_the_bloc_workbook_costs_the_same_queries_for_any_number_of_members(demo, django_assert_num_queries):
    """Every member's sheet read together: scores, citations, the versions the locked sheets were submitted
    with, and reports in one query each, for 7 or 27."""
    from scoring.exports.bloc import bloc_xlsx
    from scoring.models import BlocMember

    bloc_year = demo.bloc.years.get(year=2022)
    state = bloc_round(demo, bloc_year)
    with django_assert_num_queries(5):
        bloc_xlsx(state)
    for i in range(20):
        agency = make_agency(f"X{i}", f"Đơn vị {i}")
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        sheet = sheet_for(rubric=demo, agency=agency)
        Sheet.objects.filter(pk=sheet.pk).update(status=Sheet.Status.SUBMITTED)
    state = bloc_round(demo, bloc_year)
    assert sum(m.shown for m in state.members) == 26
    with django_assert_num_queries(5):
        bloc_xlsx(state)
