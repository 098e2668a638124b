"""A round kind decides in one place (scoring/models/rounds.py): a third kind, defined only here, is followed
by every round-dependent decision — the report's period, month, subject and closing words, whether the ranking
proposes awards, what a sheet may start from, the documents' dates, the tags, file names and addresses.

Each assertion would fail if a caller still told the two shipped rounds apart by their values.
"""

import dataclasses
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.exports.bloc import bloc_xlsx
from scoring.exports.pdf import report_html
from scoring.exports.sheet import issued_with_line
from scoring.models import AwardRule, Document, ExportJob, Round, Rubric, Sheet, SheetTransition
from scoring.models.rounds import KINDS, RoundKind
from scoring.reports.services import report_for
from scoring.review.standings import bloc_round
from scoring.rubrics.editor import AwardValues, EditRefused, rubric_set_award_rules
from scoring.rubrics.rounds import RoundConverter, round_open
from scoring.rubrics.services import open_problems, rubric_open
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.checks import sheet_warnings
from scoring.sheets.merge import ScoreInput
from scoring.sheets.queries import sheet_state, sheet_view
from scoring.sheets.services import sheet_save

pytestmark = pytest.mark.django_db

QUARTER = RoundKind(
    value="q1",
    order=0,  # before the six-month round
    name="Vòng sơ kết quý I",
    called="sơ kết quý I",
    named="sơ kết quý I",
    of_year="sơ kết quý I năm",
    in_full="sơ kết quý I năm",
    this_one="vòng sơ kết quý này",
    tag="sơ kết quý I",
    short_tag="quý I",
    report_word="sơ kết",
    period="quý I năm {year}",
    next_period="quý II năm {year}",
    plans_for="quý II",
    ends_in_month=3,
    url_segment="so-ket-quy-1",
    proposes_awards=False,
    starts_from=None,
    opened_from=Round.YEAR_END,
)
MARCH = datetime.date(2022, 3, 25)


@pytest.fixture
def quarter(monkeypatch, bloc_2022, cast, agencies):
    """The quarterly kind in the registry, and the year-end sheet starting from the quarter's (not the six
    months'): the quarter's round of 2022, opened, with the agency's sheet in it."""
    monkeypatch.setitem(KINDS, QUARTER.value, QUARTER)
    year_end_kind = dataclasses.replace(KINDS[Round.YEAR_END], starts_from=QUARTER.value)
    monkeypatch.setitem(KINDS, Round.YEAR_END.value, year_end_kind)
    year_end = Rubric.objects.get(bloc__code="TMTH", year=2022, round=Round.YEAR_END)
    rubric = rubric_open(rubric=round_open(source=year_end, round=QUARTER.value, deadline=MARCH))
    sheet = Sheet.objects.create(rubric=rubric, agency=agencies["VP"])
    return {
        "rubric": rubric,
        "sheet": sheet,
        "year_end": year_end,
        "bloc_year": bloc_2022,
        **cast,
        **agencies,
    }


def test_the_round_is_opened_from_the_year_end_rubric_with_the_kinds_words(quarter):
    rubric = quarter["rubric"]
    assert (rubric.round, rubric.status, rubric.deadline) == ("q1", "open", MARCH)
    assert "sơ kết quý I năm 2022" in rubric.title and str(rubric).endswith("(TMTH 2022, sơ kết quý I)")
    assert rubric.round_kind is QUARTER and rubric.period == "quý I năm 2022"
    assert rubric.closed_phrase == "Vòng sơ kết quý I đã khóa sổ"
    assert Rubric.objects.get_by_natural_key(*rubric.natural_key()) == rubric
    assert rubric.natural_key() == ("TMTH", 2022, "q1")


def test_the_report_covers_the_kinds_period_and_ends_with_its_closing_words(quarter):
    sheet = quarter["sheet"]
    report = report_for(sheet=sheet)
    assert report.subject == (
        "Sơ kết công tác thi đua, khen thưởng quý I năm 2022 và phương hướng, nhiệm vụ quý II năm 2022"
    )
    html = report_html(report)
    assert "Trên đây là Báo cáo sơ kết công tác thi đua, khen thưởng quý I năm 2022 của" in html
    assert "KHEN THƯỞNG QUÝ I NĂM 2022" in html and "PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ II NĂM 2022" in html
    # the criteria's own text may say "tổng kết"; the report's words do not
    assert not any(words in html for words in ("Báo cáo tổng kết", "6 tháng", "6 THÁNG", "NĂM 2023"))
    assert "ngày     /3/2022" in issued_with_line(sheet, None)  # issued in the period's last month
    page = _client(quarter["editor"]).get(reverse("report_edit", args=[sheet.pk])).content.decode()
    assert "Báo cáo sơ kết công tác thi đua, khen thưởng quý I năm 2022" in page
    assert "Phương hướng, nhiệm vụ quý II" in page


def test_a_round_that_proposes_no_awards_ranks_only(quarter):
    rubric = quarter["rubric"]
    assert not any("đề nghị khen thưởng" in reason for reason in open_problems(rubric))
    with pytest.raises(EditRefused, match="Vòng sơ kết quý I chỉ xếp hạng"):
        rubric_set_award_rules(rubric=rubric, rules=[AwardValues(award="Bằng khen", max_count=1)])
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    state = bloc_round(rubric, quarter["bloc_year"])
    assert state.quotas == [] and not any(m.award for m in state.members)
    summary = load_workbook(BytesIO(bloc_xlsx(state))).worksheets[0]
    headings = [cell.value for cell in summary[4]]
    assert "Ghi chú" in headings and "Đề nghị khen thưởng" not in headings
    assert summary.cell(1, 1).value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA QUÝ I NĂM 2022"


def test_the_year_end_sheet_starts_from_the_round_its_kind_names(quarter):
    source, year_end = quarter["sheet"], quarter["year_end"]
    criterion = next(c for c in rubric_tree(source.rubric).criteria if c.key == "1:1.1")
    sheet_save(
        sheet=source,
        base_version=source.version,
        values={criterion.key: ScoreInput(points=Decimal("7"), explanation="Quý I")},
        by=quarter["editor"],
    )
    editor = _client(quarter["editor"])
    home = editor.get("/").content.decode()
    assert "Bắt đầu từ bảng sơ kết quý I" in home and "Bắt đầu từ bảng sơ kết 6 tháng" not in home
    response = editor.post(reverse("sheet_start", args=[year_end.pk]), {"from_sheet": source.pk}, follow=True)
    sheet = Sheet.objects.get(rubric=year_end, agency=quarter["VP"])
    assert SheetTransition.objects.get(sheet=sheet).reason == "Bắt đầu từ bảng sơ kết quý I"
    assert sheet.scores.get(criterion__key="1:1.1").points == Decimal("7")
    assert "Đã chép 1 tiêu chí từ bảng sơ kết quý I" in response.content.decode()


def test_documents_dated_after_the_kinds_period_are_named(quarter):
    sheet = quarter["sheet"]
    april = Document.objects.create(
        agency=quarter["VP"],
        kind=Document.Kind.KE_HOACH,
        number="30/KH-VP",
        issued_on=datetime.date(2022, 4, 15),
        subject="Kế hoạch quý II",
    )
    values = {"1:1.1": ScoreInput(points=Decimal("5"), documents=[april.pk])}
    sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=quarter["editor"])
    view = sheet_view(sheet)
    messages = [w.message for w in sheet_warnings(view, sheet_state(view).cited)]
    assert any("sau kỳ sơ kết quý I năm 2022 (sau 31/03/2022)" in m for m in messages), messages


def test_file_names_tags_and_addresses_follow_the_kind(quarter, monkeypatch):
    rubric, sheet = quarter["rubric"], quarter["sheet"]
    job = ExportJob(bloc_year=quarter["bloc_year"], round="q1", kind="xlsx")
    assert job.download_name == "bang-tong-hop-TMTH-2022-so-ket-quy-1.xlsx"
    assert job.scope_name.endswith(", sơ kết quý I")
    response = _client(quarter["editor"]).get(reverse("sheet_xlsx", args=[sheet.pk]))
    assert response.status_code == 200
    assert 'filename="bang-cham-diem-2022-so-ket-quy-1-VP.xlsx"' in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).worksheets[0].title == "Bảng chấm điểm 2022 quý I"
    assert rubric.round_args == ("TMTH", 2022, "q1")
    converter = RoundConverter()  # as the URLconf makes it at start-up
    assert converter.to_python("so-ket-quy-1") == "q1" and converter.to_url("q1") == "so-ket-quy-1"
    assert converter.to_python("so-ket-6-thang") == Round.MID_YEAR
    with pytest.raises(ValueError):
        converter.to_url(Round.YEAR_END)  # the unmarked round has no segment


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
