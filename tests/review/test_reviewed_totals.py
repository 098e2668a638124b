"""“Sau thẩm định” only for sheets somebody reviewed, and awards proposed only from a complete round.

A sheet is reviewed once it is accepted or a reviewer wrote a reviewed number on one of its criteria; a
comment alone reviews nothing. Until every member is accepted, the proposed awards are “tạm tính”, with how
many members are still missing, on the ranking page and in both bloc exports.
"""

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports.bloc import bloc_html, bloc_xlsx
from scoring.models import Rubric, Sheet
from scoring.review.services import ReviewInput, review_save, sheet_accept
from scoring.review.standings import bloc_round
from scoring.sheets.services import sheet_submit

from ..replay import load_demo

pytestmark = pytest.mark.django_db
URL_ARGS = ["TMTH", 2022]


@pytest.fixture
def demo(db):
    """Seven members: Văn phòng UBND tỉnh typing its draft, the six others submitted, nobody reviewed."""
    load_demo()
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


@pytest.fixture
def leader(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.get(username="ttr.chamdiem"))
    return client


def sheet_of(code: str) -> Sheet:
    return Sheet.objects.select_related("rubric", "agency").get(agency__code=code)


def state_of(demo):
    return bloc_round(demo, demo.bloc.years.get(year=2022))


def board_row(client, name: str) -> str:
    board = client.get(reverse("bloc_board", args=URL_ARGS)).content.decode()
    return re.search(rf"<tr>\s*<td>{name}.*?</tr>", board, re.S).group(0)


def reviewed_cell(row: str) -> str:
    return re.findall(r'<td class="text-end">(.*?)</td>', row, re.S)[1]


def summary_rows(state) -> dict[str, list]:
    ws = load_workbook(BytesIO(bloc_xlsx(state)))["Tổng hợp"]
    return {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(5, 12)}


def accept(code: str, by=None) -> None:
    sheet = sheet_of(code)
    sheet_accept(sheet=sheet, base_version=sheet.version, by=by)


def test_a_submitted_sheet_nobody_reviewed_has_no_total_after_review(demo, leader):
    state = state_of(demo)
    stc = next(m for m in state.members if m.agency.code == "STC")
    assert stc.own is not None and (stc.reviewed, stc.reviewed_total, stc.final_total) == (False, None, None)

    row = board_row(leader, "Sở Tài chính")
    assert "chưa thẩm định" in reviewed_cell(row) and not re.search(r"\d", reviewed_cell(row))
    summary = summary_rows(state)["Sở Tài chính"]
    assert str(summary[3]).startswith("=")  # its own total is there
    assert summary[6:9] == [None, None, "Chưa thẩm định"]
    html = bloc_html(state)
    line = re.search(r"<tr><td[^>]*>—</td><td[^>]*>Sở Tài chính.*?</tr>", html, re.S).group(0)
    assert "chưa thẩm định" in line


def test_a_comment_alone_does_not_review_a_sheet_but_a_reviewed_number_does(demo, leader):
    """The reviewer writes 1.1 = 90 where Sở Tài chính scored itself 100: its total after review is its own
    total less 10."""
    stc = sheet_of("STC")
    review_save(
        sheet=stc, base_version=stc.version, values={"1:1.1": ReviewInput(comment="Xem lại 1.1")}, by=None
    )
    assert not next(m for m in state_of(demo).members if m.agency.code == "STC").reviewed
    assert "chưa thẩm định" in reviewed_cell(board_row(leader, "Sở Tài chính"))

    stc.refresh_from_db()
    own_11 = stc.scores.get(criterion__key="1:1.1").points
    review_save(
        sheet=stc,
        base_version=stc.version,
        values={"1:1.1": ReviewInput(points=own_11 - 10, comment="Xem lại 1.1")},
        by=None,
    )
    member = next(m for m in state_of(demo).members if m.agency.code == "STC")
    assert member.reviewed and member.final_total == member.own.points + member.own.bonus - 10
    cell = reviewed_cell(board_row(leader, "Sở Tài chính"))
    assert "chưa thẩm định" not in cell and str(int(member.final.points)) in cell


def test_an_accepted_sheet_shows_its_total_after_review_everywhere(demo, leader):
    accept("STC")
    state = state_of(demo)
    member = next(m for m in state.members if m.agency.code == "STC")
    assert member.reviewed and member.final_total == member.own.points + member.own.bonus
    assert "chưa thẩm định" not in reviewed_cell(board_row(leader, "Sở Tài chính"))
    assert str(summary_rows(state)["Sở Tài chính"][8]).startswith("=")
    page = leader.get(reverse("sheet_review", args=[sheet_of("STC").pk])).content.decode()
    assert re.search(r'id="reviewed-total"[^>]*>Sau thẩm định: <strong id="reviewed-points">\d', page)
    assert 'id="reviewed-pending"' not in page


def test_the_review_page_says_not_reviewed_yet_at_the_top(demo, leader):
    page = leader.get(reverse("sheet_review", args=[sheet_of("STC").pk])).content.decode()
    assert re.search(r'id="reviewed-pending">\(chưa thẩm định', page)


def test_awards_of_an_incomplete_round_are_provisional_and_say_how_many_are_missing(demo, leader):
    """One member of seven accepted: it ranks first and is proposed the Cờ, “tạm tính”, 6/7 missing."""
    accept("STC")
    state = state_of(demo)
    assert (state.complete, state.missing, state.awards_provisional) == (False, 6, True)
    assert [m.award for m in state.ranked] == ["Cờ thi đua của UBND tỉnh"]
    note = "Đề nghị khen thưởng còn tạm tính: 6/7 thành viên chưa được duyệt bảng chấm điểm"

    page = leader.get(reverse("bloc_ranking", args=URL_ARGS)).content.decode()
    assert note in page
    assert re.search(r"Cờ thi đua của UBND tỉnh <span[^>]*>tạm tính</span>", page)
    ws = load_workbook(BytesIO(bloc_xlsx(state)))["Tổng hợp"]
    assert ws["A3"].value.startswith(note)
    assert summary_rows(state)["Sở Tài chính"][10] == "Cờ thi đua của UBND tỉnh (tạm tính)"
    html = bloc_html(state)
    assert note in html and re.search(r"Cờ thi đua của UBND tỉnh <span[^>]*>\(tạm tính\)</span>", html)


def test_awards_of_a_complete_round_are_proposed_without_reservation(demo, leader, django_user_model):
    vp = sheet_of("VP")
    sheet_submit(sheet=vp, base_version=vp.version, by=None)
    for code in ("VP", "STC", "SNV", "SKHDT", "STP", "VPDDBQH", "TTR"):
        accept(code)
    state = state_of(demo)
    assert (state.complete, state.missing, state.awards_provisional) == (True, 0, False)
    assert [m.award for m in state.ranked[:3]] == [
        "Cờ thi đua của UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
    ]
    page = leader.get(reverse("bloc_ranking", args=URL_ARGS)).content.decode()
    assert "tạm tính" not in page.lower()
    ws = load_workbook(BytesIO(bloc_xlsx(state)))["Tổng hợp"]
    assert ws["A3"].value is None
    assert "tạm tính" not in " ".join(str(v) for row in summary_rows(state).values() for v in row)
    assert "tạm tính" not in bloc_html(state).lower()
