"""So sánh các năm: the agency's years and the bloc's, who sees which year, and the queries they cost."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.history.compare import agency_comparison, change
from scoring.history.rounds import year_rounds
from scoring.models import BlocYear, Sheet
from scoring.notation import format_percent
from scoring.review.standings import bloc_round

from .conftest import OLD_TITLE, add_year, fill

pytestmark = pytest.mark.django_db

AGENCY = reverse("agency_history", args=["VP"])
BLOC = reverse("bloc_history", args=["TMTH"])


def years_shown(response) -> list[int]:
    return [y.year for y in response.context["comparison"].years]


def test_it_writes_a_change_the_vietnamese_way():
    """800 → 1.000 is +200, +25,0 %; 890 → 950 is +60, 60 / 890 = 6,74… %."""
    assert change(2022, Decimal(800), Decimal(1000)).text == "+200 (+25,0 %)"
    assert change(2022, Decimal(890), Decimal(950)).text == "+60 (+6,7 %)"
    assert change(2022, Decimal(950), Decimal("937.5")).text == "-12,5 (-1,3 %)"
    assert change(2022, Decimal(0), Decimal(5)).text == "+5"  # no share of nothing
    assert change(2022, None, Decimal(5)).text == ""
    assert format_percent(Decimal("1234.56")) == "+1.234,6 %" and format_percent(Decimal(0)) == "0,0 %"


def test_it_shows_the_agency_its_years_its_draft_included(client, cast, two_years):
    client.force_login(cast["head"])
    response = client.get(AGENCY)
    assert response.status_code == 200
    old, new = response.context["comparison"].years
    # 2021: 900 own, 890 after review (1.1 reviewed 40 instead of 50), second of two, accepted
    assert (old.own, old.reviewed, old.rank_text, old.draft) == (900, 890, "2/2", False)
    # 2022: the draft's own 950, no total after review, no rank; +60 on 890 = +6,7 %
    assert (new.own, new.reviewed, new.rank, new.draft) == (950, None, None, True)
    assert new.change.text == "+60 (+6,7 %)"
    html = response.content.decode()
    row = html.split('id="nam-2022"')[1].split("</tr>")[0]
    assert "+60</div>" in row and "(+6,7 %)" in row and "bản nháp, chỉ đơn vị xem" in row and "2/2" in html


def test_it_says_which_section_a_years_rubric_changed(client, cast, two_years):
    """2021's Nội dung 3 was worded otherwise: 2022's cannot be compared with it; Nội dung 1 and 2 can."""
    client.force_login(cast["editor"])
    response = client.get(AGENCY)
    comparison = response.context["comparison"]
    assert [c.section.key for c in comparison.columns] == ["1", "2", "3", "3"]
    assert [(c.renamed, c.years) for c in comparison.columns] == [
        (False, [2021, 2022]),
        (False, [2021, 2022]),
        (True, [2022]),
        (True, [2021]),
    ]
    old, new = comparison.years
    assert [cell.present for cell in old.sections] == [True, True, False, True]
    assert [cell.present for cell in new.sections] == [True, True, True, False]
    assert new.sections[0].change.text == "+60 (+10,2 %)"  # 590 → 650: 1.1 reviewed 40 of 100 in 2021
    assert new.sections[2].change.text == "không so sánh được"
    assert new.incomparable and OLD_TITLE not in new.incomparable[0]
    assert "không so sánh được với năm 2021" in response.content.decode()


def test_the_blocs_reviewer_sees_only_the_submitted_years_of_blocs_they_review(client, cast, two_years):
    client.force_login(cast["reviewer"])  # TTR leads the bloc both years
    assert years_shown(client.get(AGENCY)) == [2021]  # VP's 2022 sheet is a draft
    Sheet.objects.filter(pk=two_years["vp_2022"].pk).update(status=Sheet.Status.SUBMITTED)
    response = client.get(AGENCY)
    assert years_shown(response) == [2021, 2022]
    assert response.context["comparison"].years[1].own == 950
    # another leader in 2021: that year is no longer theirs to see
    BlocYear.objects.filter(year=2021).update(leader=two_years["vp_2022"].agency, deputy_leader=None)
    assert years_shown(client.get(AGENCY)) == [2022]


def test_a_reviewer_with_no_year_of_the_agency_gets_404(client, cast, two_years):
    BlocYear.objects.update(leader=None)
    client.force_login(cast["reviewer"])
    assert client.get(AGENCY).status_code == 404


def test_the_province_sees_every_submitted_year_never_a_draft(client, cast, two_years):
    client.force_login(cast["admin"])
    assert years_shown(client.get(AGENCY)) == [2021]
    assert (
        "950" not in client.get(AGENCY).content.decode().split("Tổng điểm qua các năm")[0].split("2021")[-1]
    )


@pytest.mark.parametrize("role", ["same_bloc", "other", "other_admin", "leader_admin"])
def test_other_agencies_get_404(client, cast, two_years, role):
    client.force_login(cast[role])
    for url in (
        AGENCY,
        reverse("agency_history_xlsx", args=["VP"]),
        BLOC,
        reverse("bloc_history_pdf", args=["TMTH"]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_unknown_agency_or_bloc_is_404_even_to_the_province(client, cast, two_years):
    client.force_login(cast["admin"])
    assert client.get(reverse("agency_history", args=["KHONGCO"])).status_code == 404
    assert client.get(reverse("bloc_history", args=["KHONGCO"])).status_code == 404


def test_anonymous_users_go_to_the_login_page(client, two_years):
    for url in (AGENCY, BLOC, reverse("bloc_history_xlsx", args=["TMTH"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_bloc_comparison_shows_members_joining_and_the_average(client, cast, two_years):
    client.force_login(cast["reviewer"])
    response = client.get(BLOC)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    old, new = comparison.years
    # 2021: (890 + 950) / 2 = 920; 2022: VP's draft is not counted, (950 + 930) / 2 = 940
    assert (old.average, old.counted, new.average, new.counted) == (920, 2, 940, 2)
    assert [a.code for a in new.joined] == ["STC"] and new.left == []
    lines = {line.agency.code: line for line in comparison.lines}
    assert [c.member for c in lines["STC"].cells] == [False, True]
    assert lines["VP"].cells[1].total is None and lines["VP"].cells[1].status == "Đang nhập"
    assert lines["TTR"].cells[0].rank == 1 and lines["TTR"].cells[1].change.text == "0 (0,0 %)"
    html = response.content.decode()
    assert "vào khối: STC" in html or "vào khối: " + lines["STC"].agency.name in html
    assert 'aria-labelledby="bieu-do-khoi-title bieu-do-khoi-desc"' in html


def test_the_bloc_comparison_shows_only_the_years_the_user_follows(client, cast, two_years, agencies):
    BlocYear.objects.filter(year=2021).update(leader=agencies["VP"])
    client.force_login(cast["reviewer"])
    assert years_shown(client.get(BLOC)) == [2022]
    client.force_login(cast["head"])  # a member, not a reviewer of the bloc
    assert client.get(BLOC).status_code == 404


def test_the_rounds_are_the_boards_year_by_year(two_years):
    """year_rounds reads every year at once; each year's numbers are bloc_round's, member by member."""
    bloc_years = list(BlocYear.objects.select_related("bloc", "leader", "deputy_leader").order_by("year"))
    for state in year_rounds(bloc_years):
        board = bloc_round(state.rubric, state.bloc_year)
        assert [
            (m.agency.pk, m.own, m.final, m.sections, m.rank, m.award, m.reviewed) for m in state.members
        ] == [(m.agency.pk, m.own, m.final, m.sections, m.rank, m.award, m.reviewed) for m in board.members]
        assert [s.key for s in state.sections] == [s.key for s in board.sections]
        assert state.awards_provisional == board.awards_provisional


def test_a_draft_is_read_only_for_the_agency_asked_for(two_years, agencies):
    bloc_years = list(BlocYear.objects.select_related("bloc").order_by("year"))
    assert all(not state.drafts for state in year_rounds(bloc_years))
    mine = year_rounds(bloc_years, drafts_of=frozenset({agencies["VP"].pk}))
    assert list(mine[1].drafts) == [two_years["vp_2022"].pk]
    assert agency_comparison(agencies["VP"], mine, drafts=False).years[-1].year == 2021


@pytest.mark.parametrize(
    "url",
    [AGENCY, BLOC, reverse("agency_history_xlsx", args=["VP"]), reverse("bloc_history_xlsx", args=["TMTH"])],
)
def test_the_queries_do_not_grow_with_years_or_members(
    client, cast, two_years, agencies, django_assert_num_queries, url
):
    client.force_login(cast["reviewer"] if url.startswith("/khoi/") else cast["head"])
    Sheet.objects.filter(pk=two_years["vp_2022"].pk).update(status=Sheet.Status.SUBMITTED)
    # session, user, (the agency,) roles, the years, rubrics, criteria, members, sheets, award rules, scores,
    # and the session's update (a savepoint, the update, its release)
    expected = 13 if url.startswith("/khoi/") else 14
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    old = add_year(two_years["2021"], 2020, agencies, ["VP", "TTR", "STC", "OTHER"])
    for code in ("VP", "TTR", "STC", "OTHER"):
        fill(Sheet.objects.create(rubric=old, agency=agencies[code], status=Sheet.Status.ACCEPTED))
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    if response.context:
        assert [y.year for y in response.context["comparison"].years] == [2020, 2021, 2022]
    else:
        ws = load_workbook(BytesIO(response.content)).active
        found = {ws.cell(row, col).value for row in (4, 5, 6, 7) for col in (1, 3, 5, 8)}
        assert {2020, 2021, 2022} <= found or {"Tổng điểm 2020", "Tổng điểm 2021", "Tổng điểm 2022"} <= found
