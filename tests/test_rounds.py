"""Rounds within a year (issue 16, item 2): the six-month review (sơ kết 6 tháng) beside the year-end one.

A round is a rubric of its own, with its deadline, sheets, board, ranking, tables and closing; the year-end
sheet can start from the six-month one. Every page of the six-month round is checked for who may open it,
and the year-end pages, the province's tables and the years side by side must not see the six-month sheets.
"""

import datetime
import os
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports import report_pdf, sheet_pdf
from scoring.exports.bloc import bloc_xlsx
from scoring.models import (
    AwardRule,
    Criterion,
    Document,
    ExportJob,
    Rubric,
    Score,
    Sheet,
    SheetTransition,
    Tier,
)
from scoring.province.queries import bloc_lines
from scoring.reports.services import report_for
from scoring.review.services import sheet_accept
from scoring.review.standings import bloc_round
from scoring.rubrics.rounds import mid_year_open
from scoring.rubrics.services import RubricNotReady, rubric_copy, rubric_open
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.carry import FROM_MID_YEAR
from scoring.sheets.merge import ScoreInput
from scoring.sheets.services import sheet_save, sheet_submit

from .factories import recalculated

pytestmark = pytest.mark.django_db
CI = os.environ.get("CI") == "true"

JUNE = datetime.date(2022, 6, 20)


def mid_round(rubric_2022, *, opened: bool = True) -> Rubric:
    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    return rubric_open(rubric=mid) if opened else mid


def scored_mid_sheet(mid: Rubric, agency, by) -> Sheet:
    """The agency's six-month sheet as its editor saves it: a typed number with a document cited, a chosen
    tier, the organisations rated (the one that may be missing, missing), a bonus, "tạm tính"."""
    sheet = Sheet.objects.create(rubric=mid, agency=agency)
    criteria = {c.key: c for c in rubric_tree(mid).criteria}
    document = Document.objects.create(
        agency=agency,
        kind=Document.Kind.KE_HOACH,
        number=f"12/KH-{agency.code}",
        issued_on=datetime.date(2022, 2, 1),
        subject="Kế hoạch thi đua năm 2022",
    )
    tiered, components = criteria["2:6"], criteria["2:7"]
    ratings = {c.pk: None if c.may_be_missing else c.tier_list[0] for c in components.component_list}
    values = {
        "1:1.1": ScoreInput(points=Decimal("9"), explanation="Theo kế hoạch", documents=[document.pk]),
        "2:6": ScoreInput(tier=tiered.tier_list[1]),
        "2:7": ScoreInput(ratings=ratings, provisional=True, explanation="Tạm tính"),
        "1:4": ScoreInput(points=Decimal("10"), bonus=Decimal("1")),
    }
    sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by)
    sheet.refresh_from_db()
    return sheet


@pytest.fixture
def world(bloc_2022, cast, agencies):
    mid = mid_round(bloc_2022.bloc.rubrics.get(year=2022, round="year"))
    return {"mid": mid, "year_end": Rubric.objects.get(year=2022, round="year"), **cast, **agencies}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- the six-month rubric


def test_the_mid_year_round_is_a_draft_copy_with_its_own_deadline_and_no_award_rules(rubric_2022):
    AwardRule.objects.create(rubric=rubric_2022, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    assert (mid.bloc_id, mid.year, mid.round, mid.status) == (rubric_2022.bloc_id, 2022, "mid", "draft")
    assert mid.deadline == JUNE and "sơ kết 6 tháng đầu năm 2022" in mid.title
    keys = sorted(Criterion.objects.filter(rubric=mid).values_list("key", "max_points", "rule"))
    assert keys == sorted(
        Criterion.objects.filter(rubric=rubric_2022).values_list("key", "max_points", "rule")
    )
    assert (
        Tier.objects.filter(criterion__rubric=mid).count()
        == Tier.objects.filter(criterion__rubric=rubric_2022).count()
    )
    assert not mid.award_rules.exists() and rubric_2022.award_rules.exists()
    # it ranks without proposing awards: it opens without award rules, the year-end rubric would not
    assert rubric_open(rubric=mid).status == "open"
    year_end = rubric_copy(rubric=rubric_2022, year=2023, legal_basis="QĐ", deadline=JUNE, award_rules=[])
    with pytest.raises(RubricNotReady) as refused:
        rubric_open(rubric=year_end)
    assert any("đề nghị khen thưởng" in reason for reason in refused.value.reasons)


@pytest.mark.parametrize(
    "deadline, field",
    [
        (None, "deadline"),
        (datetime.date(2021, 6, 20), "deadline"),  # another year
        (datetime.date(2022, 12, 20), "deadline"),  # after the year-end deadline (15/12/2022)
    ],
)
def test_a_mid_year_round_with_a_wrong_deadline_is_refused_and_nothing_is_written(
    rubric_2022, deadline, field
):
    before = Rubric.objects.count(), Criterion.objects.count()
    with pytest.raises(ValidationError) as refused:
        mid_year_open(year_end=rubric_2022, deadline=deadline)
    assert field in refused.value.error_dict
    assert (Rubric.objects.count(), Criterion.objects.count()) == before


def test_one_mid_year_round_per_bloc_and_year_in_the_service_and_in_the_database(rubric_2022):
    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    with pytest.raises(ValidationError) as refused:
        mid_year_open(year_end=rubric_2022, deadline=JUNE)
    assert "đã có vòng sơ kết 6 tháng" in refused.value.error_dict["round"][0].message
    with pytest.raises(ValidationError):
        mid_year_open(year_end=mid, deadline=JUNE)  # not from a six-month rubric either
    with pytest.raises(IntegrityError), transaction.atomic():
        Rubric.objects.create(bloc=rubric_2022.bloc, year=2022, round="mid", title="Trùng")


def test_natural_keys_tell_the_rounds_apart(rubric_2022):
    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    year_end_criterion = Criterion.objects.get(rubric=rubric_2022, key="1:1.1")
    mid_criterion = Criterion.objects.get(rubric=mid, key="1:1.1")
    assert year_end_criterion.natural_key() == ("TMTH", 2022, "1:1.1")  # as the fixtures write it
    assert mid_criterion.natural_key() == ("TMTH", 2022, "mid", "1:1.1")
    assert Criterion.objects.get_by_natural_key(*mid_criterion.natural_key()) == mid_criterion
    assert Criterion.objects.get_by_natural_key(*year_end_criterion.natural_key()) == year_end_criterion
    tier = Tier.objects.filter(criterion__rubric=mid).first()
    assert Tier.objects.get_by_natural_key(*tier.natural_key()) == tier
    assert Rubric.objects.get_by_natural_key(*mid.natural_key()) == mid


# ---------------------------------------------------------------- board, ranking, tables, closing per round


def test_each_round_has_its_own_board_ranking_and_sheets(world, client):
    mid, year_end = world["mid"], world["year_end"]
    sheet = scored_mid_sheet(mid, world["VP"], world["editor"])
    sheet_submit(sheet=sheet, base_version=sheet.version, by=world["head"])
    reviewer = client_for(world["reviewer"])
    mid_board = reverse("bloc_board", args=["TMTH", 2022, "mid"])
    assert mid_board == "/khoi/TMTH/2022/so-ket-6-thang/"
    page = reviewer.get(mid_board).content.decode()
    assert "sơ kết 6 tháng năm 2022" in page and "Đã nộp" in page
    assert reverse("sheet_review", args=[sheet.pk]) in page
    assert 'aria-current="page"' in page and "Tổng kết năm" in page  # the year's rounds as tabs
    year_page = reviewer.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    assert reverse("sheet_review", args=[sheet.pk]) not in year_page and "Đã nộp" not in year_page

    sheet.refresh_from_db()
    sheet_accept(sheet=sheet, base_version=sheet.version, by=world["reviewer"])
    assert [m.agency.code for m in bloc_round(mid, world["mid"].bloc.years.get(year=2022)).ranked] == ["VP"]
    assert bloc_round(year_end, year_end.bloc.years.get(year=2022)).ranked == []
    ranking = reviewer.get(reverse("bloc_ranking", args=["TMTH", 2022, "mid"])).content.decode()
    assert "Xếp hạng thi đua 6 tháng đầu năm 2022" in ranking and "Đề nghị khen thưởng" not in ranking


def test_the_mid_year_tables_are_a_job_of_that_round(world, bloc_tables):
    sheet = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet_submit(sheet=sheet, base_version=sheet.version, by=world["head"])
    reviewer = client_for(world["reviewer"])
    response = reviewer.post(reverse("export_job_start_pdf", args=["TMTH", 2022, "mid"]))
    assert response["Location"] == "/khoi/TMTH/2022/so-ket-6-thang/#tep-xuat"
    content = bloc_tables(reviewer, "TMTH", 2022, "xlsx", round="mid")
    job = ExportJob.objects.get(kind="xlsx")
    assert job.round == "mid" and job.download_name == "bang-tong-hop-TMTH-2022-so-ket-6-thang.xlsx"
    summary = load_workbook(BytesIO(content)).worksheets[0]
    assert summary.cell(1, 1).value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA 6 THÁNG ĐẦU NĂM 2022"
    # each round's board lists its own jobs
    assert "Đã xong" in reviewer.get("/khoi/TMTH/2022/so-ket-6-thang/").content.decode()
    assert "Chưa có tệp xuất nào." in reviewer.get("/khoi/TMTH/2022/").content.decode()


def test_closing_the_mid_year_round_leaves_the_year_open_and_shows_members_its_ranking(world):
    admin = client_for(world["admin"])
    response = admin.post(reverse("round_close", args=["TMTH", 2022, "mid"]), {"reason": "Sơ kết xong"})
    assert response["Location"] == "/khoi/TMTH/2022/so-ket-6-thang/"
    world["mid"].refresh_from_db()
    world["year_end"].refresh_from_db()
    assert (world["mid"].status, world["year_end"].status) == ("closed", "open")
    member = client_for(world["editor"])
    assert member.get(reverse("bloc_ranking", args=["TMTH", 2022, "mid"])).status_code == 200
    assert member.get(reverse("bloc_ranking", args=["TMTH", 2022])).status_code == 404  # year still open
    reopened = admin.post(reverse("round_reopen", args=["TMTH", 2022, "mid"]), {"reason": ""})
    assert reopened.status_code == 302
    world["mid"].refresh_from_db()
    assert world["mid"].status == "closed"  # a reopening needs its reason


@pytest.mark.parametrize(
    "view, method",
    [
        ("bloc_board", "get"),
        ("bloc_ranking", "get"),
        ("export_job_start_xlsx", "post"),
        ("export_job_start_pdf", "post"),
        ("round_close", "post"),
        ("round_reopen", "post"),
    ],
)
@pytest.mark.parametrize(
    "who",
    ["editor", "head", "other", "same_bloc", "own_reviewer", "own_admin", "other_admin", "reviewer", "admin"],
)
def test_who_opens_the_mid_year_pages(world, view, method, who):
    allowed = {"reviewer", "admin"} if view.startswith(("bloc_", "export_")) else {"admin"}
    before = (world["mid"].status, ExportJob.objects.count(), world["mid"].round_events.count())
    response = getattr(client_for(world[who]), method)(
        reverse(view, args=["TMTH", 2022, "mid"]), {"reason": "x"} if method == "post" else None
    )
    if who in allowed:
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == 404
        world["mid"].refresh_from_db()
        assert (world["mid"].status, ExportJob.objects.count(), world["mid"].round_events.count()) == before


def test_a_year_without_a_mid_year_round_has_no_such_pages(bloc_2022, cast):
    reviewer = client_for(cast["reviewer"])
    assert reviewer.get("/khoi/TMTH/2022/so-ket-6-thang/").status_code == 404
    assert reviewer.get("/khoi/TMTH/2022/").status_code == 200


# ---------------------------------------------------------------- the year-end sheet from the six-month one


def test_the_year_end_sheet_starts_from_the_six_month_one_criterion_by_criterion(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    home = client_for(world["editor"])
    page = home.get("/").content.decode()
    assert "Bắt đầu từ bảng sơ kết 6 tháng" in page and "Bảng chấm điểm thi đua năm 2022" in page
    response = home.post(reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk})
    sheet = Sheet.objects.get(rubric=world["year_end"], agency=world["VP"])
    assert response["Location"] == reverse("sheet_edit", args=[sheet.pk])
    mine = {
        s.criterion.key: s for s in Score.objects.filter(sheet=source).select_related("criterion", "tier")
    }
    theirs = {
        s.criterion.key: s for s in Score.objects.filter(sheet=sheet).select_related("criterion", "tier")
    }
    assert set(theirs) == set(mine)
    for key, score in mine.items():
        copied = theirs[key]
        assert (copied.points, copied.bonus, copied.explanation, copied.provisional) == (
            score.points,
            score.bonus,
            score.explanation,
            score.provisional,
        ), key
        assert (copied.tier.label if copied.tier else None) == (score.tier.label if score.tier else None)
        assert copied.criterion.rubric_id == world["year_end"].pk  # the year-end rubric's own rows
        assert [d.number for d in copied.documents.all()] == [d.number for d in score.documents.all()]
        assert sorted(
            (r.component.name, r.tier.label if r.tier else None) for r in copied.ratings.all()
        ) == sorted((r.component.name, r.tier.label if r.tier else None) for r in score.ratings.all())
    assert SheetTransition.objects.get(sheet=sheet).reason == FROM_MID_YEAR
    assert sheet.changes.exists()  # one recorded save: the history shows where the numbers came from
    assert source.scores.count() == len(mine)  # the six-month sheet is left as it was


def test_what_no_longer_fits_the_year_end_rubric_is_left_out_and_named(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    Tier.objects.filter(criterion__rubric=world["mid"], criterion__key="2:6").update(label="Mức riêng sơ kết")
    response = client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk}, follow=True
    )
    page = response.content.decode()
    assert "Bảng tiêu chí tổng kết chấm khác bảng sơ kết ở" in page
    sheet = Sheet.objects.get(rubric=world["year_end"], agency=world["VP"])
    assert not Score.objects.filter(sheet=sheet, criterion__key="2:6", tier__isnull=False).exists()
    assert Score.objects.get(sheet=sheet, criterion__key="1:1.1").points == Decimal("9")


def test_an_existing_year_end_sheet_is_not_overwritten(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet = Sheet.objects.create(rubric=world["year_end"], agency=world["VP"])
    Score.objects.create(
        sheet=sheet, criterion=Criterion.objects.get(rubric=world["year_end"], key="1:1.1"), points=5
    )
    client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk}
    )
    assert list(Score.objects.filter(sheet=sheet).values_list("points", flat=True)) == [Decimal("5")]


def test_starting_from_a_sheet_not_ones_own_six_month_sheet_is_a_404_and_creates_nothing(world):
    stc_mid = scored_mid_sheet(world["mid"], world["STC"], world["same_bloc"])
    vp_mid = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    stc_year_end = Sheet.objects.create(rubric=world["year_end"], agency=world["STC"])
    editor = client_for(world["editor"])
    start = reverse("sheet_start", args=[world["year_end"].pk])
    for pk in (stc_mid.pk, stc_year_end.pk, "x", 10**9):
        assert editor.post(start, {"from_sheet": pk}).status_code == 404, pk
    assert not Sheet.objects.filter(rubric=world["year_end"], agency=world["VP"]).exists()
    # the six-month rubric itself cannot be started "from" anything
    mid_start = reverse("sheet_start", args=[world["mid"].pk])
    Sheet.objects.filter(pk=vp_mid.pk).delete()
    assert editor.post(mid_start, {"from_sheet": stc_mid.pk}).status_code == 404
    assert client_for(world["other"]).post(start, {"from_sheet": vp_mid.pk}).status_code == 404


# ---------------------------------------------------------------- the year-end views do not count the six months


def test_the_province_tables_and_the_setup_page_count_each_round_where_it_belongs(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet_submit(sheet=source, base_version=source.version, by=world["head"])
    assert [line.submitted for line in bloc_lines(2022)] == [0]  # the year-end round: nothing submitted yet
    page = client_for(world["admin"]).get(reverse("setup_home")).content.decode()
    assert "Sơ kết 6 tháng" in page and "hạn nộp 20/06/2022" in page
    assert reverse("rubric_editor", args=[world["mid"].pk]) in page


def test_the_setup_page_opens_a_mid_year_round_and_keeps_what_was_typed_on_error(bloc_2022, cast):
    admin = client_for(cast["admin"])
    year_end = Rubric.objects.get(year=2022)
    url = reverse("setup_mid_year", args=[year_end.pk])
    refused = admin.post(url, {"title": "Sơ kết của khối", "deadline": "20/12/2022"})
    assert refused.status_code == 200 and "phải trước hạn nộp tổng kết năm" in refused.content.decode()
    assert (
        'value="Sơ kết của khối"' in refused.content.decode()
        and not Rubric.objects.filter(round="mid").exists()
    )
    response = admin.post(url, {"title": "Sơ kết của khối", "deadline": "20/06/2022"})
    mid = Rubric.objects.get(round="mid")
    assert response["Location"] == reverse("rubric_editor", args=[mid.pk]) and mid.title == "Sơ kết của khối"
    for user in ("editor", "reviewer", "other_admin"):
        assert client_for(cast[user]).get(url).status_code == 404


def test_the_mid_year_documents_say_which_round_they_are(world, tmp_path):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    pdf = tmp_path / "so-ket.pdf"
    pdf.write_bytes(sheet_pdf(source))
    text = " ".join(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout.split())
    assert "BẢNG CHẤM ĐIỂM THI ĐUA 6 THÁNG ĐẦU NĂM 2022" in text and "ngày /6/2022" in text
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    assert "Page size:       841.89 x 595.276 pts (A4)" in info  # landscape, as the year-end sheet
    assert (
        "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2022"
        in report_for(sheet=source).default_subject()
    )
    report = report_for(sheet=source)
    report.plans = "Tiếp tục."
    report.save()
    whole = tmp_path / "bao-cao.pdf"
    whole.write_bytes(report_pdf(report))
    text = " ".join(subprocess.run(["pdftotext", whole, "-"], capture_output=True, text=True).stdout.split())
    assert "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CÔNG TÁC THI ĐUA, KHEN THƯỞNG 6 THÁNG ĐẦU NĂM 2022" in text
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2022" in text and "Báo cáo sơ kết công tác" in text


@pytest.mark.skipif(not shutil.which("soffice") and not CI, reason="LibreOffice is not installed here")
def test_the_mid_year_bloc_workbook_recomputes_in_libreoffice(world, tmp_path):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet_submit(sheet=source, base_version=source.version, by=world["head"])
    state = bloc_round(world["mid"], world["mid"].bloc.years.get(year=2022))
    book = recalculated(tmp_path, bloc_xlsx(state))
    summary = book.worksheets[0]
    assert summary.cell(1, 1).value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA 6 THÁNG ĐẦU NĂM 2022"
    member = next(m for m in state.members if m.agency.code == "VP")
    values = [cell for row in summary.iter_rows(values_only=True) for cell in row]
    assert float(member.own.points) in values  # the summary's total, as LibreOffice computes it
    assert not any(isinstance(v, str) and v.startswith(("#VALUE", "#REF", "Err:")) for v in values)


# ---------------------------------------------------------------- what the review of the change found


def test_a_criterion_renumbered_in_the_lighter_six_month_rubric_carries_to_the_same_criterion(
    rubric_2022, bloc_2022, cast, agencies
):
    """The editor derives keys from positions: with 1.2 deleted from the six-month rubric, its 1.3 is keyed
    1:1.2, and its score must land on the year-end 1.3, not on the year-end 1.2."""
    from scoring.rubrics.editor import criterion_delete

    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    criterion_delete(rubric=mid, pk=Criterion.objects.get(rubric=mid, key="1:1.2").pk)
    renumbered = Criterion.objects.get(rubric=mid, key="1:1.2")
    year_end_13 = Criterion.objects.get(rubric=rubric_2022, key="1:1.3")
    assert renumbered.text == year_end_13.text
    source = Sheet.objects.create(rubric=mid, agency=agencies["VP"])
    values = {"1:1.2": ScoreInput(points=Decimal("200"), explanation="Đã thực hiện")}
    sheet_save(sheet=source, base_version=source.version, values=values, by=cast["editor"])
    client_for(cast["editor"]).post(reverse("sheet_start", args=[rubric_2022.pk]), {"from_sheet": source.pk})
    sheet = Sheet.objects.get(rubric=rubric_2022, agency=agencies["VP"])
    assert Score.objects.get(sheet=sheet, criterion=year_end_13).points == Decimal("200")
    assert not Score.objects.filter(sheet=sheet, criterion__key="1:1.2").exists()


def test_a_criterion_scored_another_way_keeps_its_words_and_is_named(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    Criterion.objects.filter(rubric=world["mid"], key="1:1.1").update(rule=Criterion.Rule.TIERED)
    response = client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk}, follow=True
    )
    label = rubric_tree(world["year_end"]).by_key()["1:1.1"].label
    warning = response.content.decode().split("Bảng tiêu chí tổng kết chấm khác bảng sơ kết ở: ")[1]
    assert warning.startswith(label)
    sheet = Sheet.objects.get(rubric=world["year_end"], agency=world["VP"])
    copied = Score.objects.get(sheet=sheet, criterion__key="1:1.1")
    assert copied.points is None and copied.explanation == "Theo kế hoạch"


def test_the_home_page_offers_both_rounds_while_both_are_open(world):
    page = client_for(world["editor"]).get("/").content.decode()
    assert "Bảng chấm điểm thi đua 6 tháng đầu năm 2022" in page and "Bảng chấm điểm thi đua năm 2022" in page
    assert page.index("6 tháng đầu năm 2022") < page.index("thi đua năm 2022")  # the six months first
    assert reverse("sheet_start", args=[world["mid"].pk]) in page
    assert reverse("sheet_start", args=[world["year_end"].pk]) in page


def test_accepting_a_six_month_sheet_goes_back_to_its_round_s_board(world):
    sheet = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet_submit(sheet=sheet, base_version=sheet.version, by=world["head"])
    sheet.refresh_from_db()
    response = client_for(world["reviewer"]).post(
        reverse("sheet_review", args=[sheet.pk]), {"version": sheet.version, "action": "accept"}
    )
    assert response.status_code == 302 and response["Location"] == "/khoi/TMTH/2022/so-ket-6-thang/"
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.ACCEPTED


def test_an_odd_digit_as_the_source_sheet_is_a_404(world):
    response = client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": "²"}
    )
    assert response.status_code == 404


def test_a_six_month_rubric_is_not_copied_to_another_year(world, admin_client):
    admin = client_for(world["admin"])
    assert admin.get(reverse("setup_rubric_copy", args=[world["mid"].pk])).status_code == 404
    assert admin.get(reverse("setup_rubric_copy", args=[world["year_end"].pk])).status_code == 200
    admin_client.post(
        "/quan-tri/scoring/rubric/",
        {"action": "copy_to_next_year", "_selected_action": [world["mid"].pk, world["year_end"].pk]},
    )
    assert list(Rubric.objects.filter(year=2023).values_list("round", flat=True)) == ["year"]


def test_a_six_month_sheet_warns_of_a_document_issued_after_its_six_months(world):
    from scoring.evidence.matching import agency_register
    from scoring.sheets.checks import sheet_warnings
    from scoring.sheets.queries import sheet_state, sheet_view

    sheet = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    Document.objects.filter(agency=world["VP"]).update(issued_on=datetime.date(2022, 10, 3))
    view = sheet_view(sheet)
    warnings = sheet_warnings(view, sheet_state(view).cited, agency_register(world["VP"]))
    assert any("sau kỳ sơ kết 6 tháng đầu năm 2022" in w.message for w in warnings)


def test_the_e_mails_name_the_round(world, mailoutbox, django_capture_on_commit_callbacks):
    world["reviewer"].email = "chamdiem@ttr.gov.vn"
    world["reviewer"].save()
    sheet = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        sheet_submit(sheet=sheet, base_version=sheet.version, by=world["head"])
    assert mailoutbox and mailoutbox[-1].subject.startswith("[Thi đua 2022 – sơ kết 6 tháng]")
    assert "Bảng chấm điểm thi đua 6 tháng đầu năm 2022" in mailoutbox[-1].body


def test_the_commands_reach_the_six_month_round(rubric_2022, bloc_2022, tmp_path):
    from django.core.management import call_command

    mid = mid_year_open(year_end=rubric_2022, deadline=JUNE)
    out = StringIO()
    call_command("check_rubric", bloc="TMTH", year=2022, round="mid", stdout=out)
    call_command("open_rubric", bloc="TMTH", year=2022, round="mid", stdout=out)
    mid.refresh_from_db()
    assert mid.status == "open" and "sơ kết 6 tháng" in out.getvalue()
    call_command(
        "import_sheet",
        "fixtures/seed_2022_sheet.xlsx",
        agency="VP",
        year=2022,
        round="mid",
        clamp=True,
        stdout=out,
    )
    assert Sheet.objects.get(agency__code="VP", rubric=mid).scores.exists()
    assert not Sheet.objects.filter(agency__code="VP", rubric=rubric_2022).exists()
    pdf = tmp_path / "so-ket.pdf"
    call_command(
        "export_sheet", agency="VP", year=2022, round="mid", format="pdf", output=str(pdf), stdout=out
    )
    assert pdf.read_bytes()[:5] == b"%PDF-"


# ---------------------------------------------------------------- what the second review found


def test_a_criterion_is_matched_once_and_one_not_found_is_named_with_its_words_not_copied(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    twelve = Criterion.objects.get(rubric=world["mid"], key="1:1.2")
    Criterion.objects.filter(pk=twelve.pk).update(text="Một tiêu chí chỉ có trong bảng sơ kết")
    Score.objects.create(sheet=source, criterion=twelve, explanation="Chỉ giải trình", provisional=True)
    response = client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk}, follow=True
    )
    page = response.content.decode()
    assert (
        "Không tìm thấy trong bảng tiêu chí tổng kết" in page
        and "Một tiêu chí chỉ có trong bảng sơ kết" in page
    )
    sheet = Sheet.objects.get(rubric=world["year_end"], agency=world["VP"])
    assert not Score.objects.filter(sheet=sheet, criterion__key="1:1.2").exists()
    assert Score.objects.get(sheet=sheet, criterion__key="1:1.1").points == Decimal("9")


def test_the_same_number_under_another_maximum_is_copied_and_named(world):
    source = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    Criterion.objects.filter(rubric=world["mid"], key="1:1.1").update(max_points=50)
    response = client_for(world["editor"]).post(
        reverse("sheet_start", args=[world["year_end"].pk]), {"from_sheet": source.pk}, follow=True
    )
    label = rubric_tree(world["year_end"]).by_key()["1:1.1"].label
    warning = response.content.decode().split("chấm khác bảng sơ kết ở: ")[1].split("Điểm không")[0]
    assert label in warning
    sheet = Sheet.objects.get(rubric=world["year_end"], agency=world["VP"])
    assert Score.objects.get(sheet=sheet, criterion__key="1:1.1").points == Decimal("9")


def test_the_six_month_round_proposes_no_award_even_with_rules_and_refuses_them(world):
    from scoring.rubrics.editor import AwardValues, EditRefused, rubric_set_award_rules

    AwardRule.objects.create(rubric=world["mid"], position=1, award="Cờ thi đua", max_count=1)
    sheet = scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    sheet_submit(sheet=sheet, base_version=sheet.version, by=world["head"])
    sheet.refresh_from_db()
    sheet_accept(sheet=sheet, base_version=sheet.version, by=world["reviewer"])
    state = bloc_round(world["mid"], world["mid"].bloc.years.get(year=2022))
    assert state.quotas == [] and not any(m.award for m in state.members) and not state.awards_provisional
    with pytest.raises(EditRefused):
        rubric_set_award_rules(rubric=world["mid"], rules=[AwardValues(award="Bằng khen")])
    page = client_for(world["admin"]).get(reverse("rubric_editor", args=[world["mid"].pk])).content.decode()
    assert "Vòng sơ kết 6 tháng chỉ xếp hạng" in page and 'value="awards"' not in page


def test_the_home_page_keeps_a_closed_six_month_round_beside_the_open_year(world):
    scored_mid_sheet(world["mid"], world["VP"], world["editor"])
    client_for(world["admin"]).post(reverse("round_close", args=["TMTH", 2022, "mid"]), {"reason": "Xong"})
    page = client_for(world["editor"]).get("/").content.decode()
    assert "Vòng sơ kết 6 tháng đã khóa sổ" in page
    assert reverse("bloc_ranking", args=["TMTH", 2022, "mid"]) in page
    assert "Bắt đầu từ bảng sơ kết 6 tháng" in page


def test_importing_into_a_closed_round_says_so(rubric_2022, bloc_2022):
    from django.core.management import CommandError, call_command

    mid = rubric_open(rubric=mid_year_open(year_end=rubric_2022, deadline=JUNE))
    Rubric.objects.filter(pk=mid.pk).update(status=Rubric.Status.CLOSED)
    with pytest.raises(CommandError, match="Vòng sơ kết 6 tháng 2022 đã khóa sổ"):
        call_command(
            "import_sheet", "fixtures/seed_2022_sheet.xlsx", agency="VP", year=2022, round="mid", clamp=True
        )
    assert not Sheet.objects.filter(rubric=mid).exists()
