"""The review page as the evidence desk: each criterion's cited documents, the reviewed total, the filter's
marks, and what it costs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.evidence import matching
from scoring.models import Citation, Criterion, Document, Score
from scoring.review.services import sheet_return
from scoring.sheets.merge import ScoreInput
from scoring.sheets.services import sheet_save, sheet_submit

from ..factories import PDF, D
from ..html import page_of
from .test_review_inputs import reviewer  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def score(sheet, key, **fields) -> Score:
    criterion = Criterion.objects.get(rubric_id=sheet.rubric_id, key=key)
    return Score.objects.create(sheet=sheet, criterion=criterion, **fields)


@pytest.fixture
def desk_sheet(cast, vp_sheet):
    """VP's sheet, submitted: 1.1 cites a PDF, 1.2 has points and no evidence, 1.3 is provisional."""
    document = Document.objects.create(
        agency=vp_sheet.agency,
        kind="QĐ",
        number="02/QĐ-VP",
        issued_on="2022-01-04",
        issuer="Văn phòng UBND tỉnh",
        subject="Ban hành kế hoạch công tác năm 2022",
        original_name="qd.pdf",
        file=SimpleUploadedFile("qd.pdf", PDF),
        file_type="pdf",
    )
    Citation.objects.create(score=score(vp_sheet, "1:1.1", points=D(90)), document=document)
    score(vp_sheet, "1:1.2", points=D(40), reviewed_points=D(35))
    score(vp_sheet, "1:1.3", points=D(200), provisional=True)
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    return vp_sheet


def row_of(page, sheet, key):
    """The table row holding the criterion's reviewed-points box."""
    pk = Criterion.objects.get(rubric_id=sheet.rubric_id, key=key).pk
    return next(tr for tr in page.root.find_all("tr") if tr.find_all("input", id=f"id_rp-{pk}"))


def test_each_criterion_shows_its_evidence_and_the_filter_marks(reviewer, desk_sheet):  # noqa: F811
    page = page_of(reviewer.get(reverse("sheet_review", args=[desk_sheet.pk])))
    cited = row_of(page, desk_sheet, "1:1.1")
    link = cited.find_all("a")[0]
    assert link.text == "Quyết định số 02/QĐ-VP ngày 04/01/2022" and link.get("target") == "_blank"
    assert link.get("href").endswith("/phien-ban/1/")
    assert "Văn phòng UBND tỉnh – Ban hành kế hoạch công tác năm 2022" in cited.text
    assert cited.get("data-flags") == ""
    assert row_of(page, desk_sheet, "1:1.2").get("data-flags") == "no-evidence"
    assert row_of(page, desk_sheet, "1:1.3").get("data-flags") == "no-evidence provisional"
    options = [o.text for o in page["desk-filter-select"].find_all("option")]
    assert options == [
        "Tất cả tiêu chí",
        "Tiêu chí có điểm nhưng không có tài liệu kiểm chứng (2)",
        "Tiêu chí tạm tính (1)",
        "Thay đổi từ lần thẩm định trước (0)",
    ]
    # 90 + 35 (reviewed) + 200 against 90 + 40 + 200 of its own
    assert page["reviewed-points"].text == "325" and page["own-points"].text == "330"


def test_criteria_the_agency_changed_after_a_return_are_marked_changed(cast, reviewer, desk_sheet):  # noqa: F811
    desk_sheet.refresh_from_db()
    sheet_return(sheet=desk_sheet, base_version=desk_sheet.version, reason="Bổ sung", by=cast["reviewer"])
    desk_sheet.refresh_from_db()
    sheet_save(sheet=desk_sheet, base_version=desk_sheet.version, values={"1:1.2": ScoreInput(points=D(45))})
    desk_sheet.refresh_from_db()
    sheet_submit(sheet=desk_sheet, base_version=desk_sheet.version, by=cast["head"])
    page = page_of(reviewer.get(reverse("sheet_review", args=[desk_sheet.pk])))
    assert "changed" in row_of(page, desk_sheet, "1:1.2").get("data-flags").split()
    assert "changed" not in row_of(page, desk_sheet, "1:1.1").get("data-flags").split()
    assert "Thay đổi từ lần thẩm định trước (1)" in page["desk-filter-select"].text


def test_the_desk_costs_a_fixed_number_of_queries(cast, reviewer, desk_sheet, django_assert_num_queries):  # noqa: F811
    url = reverse("sheet_review", args=[desk_sheet.pk])
    # a sheet never returned: the page's 13, the desk's citations and versions, the organisations' ratings
    # (the agency's and the reviewer's), the agency's register for the explanations' citations
    with django_assert_num_queries(18):
        assert reviewer.get(url).status_code == 200
    desk_sheet.refresh_from_db()
    sheet_return(sheet=desk_sheet, base_version=desk_sheet.version, reason="Bổ sung", by=cast["reviewer"])
    desk_sheet.refresh_from_db()
    sheet_submit(sheet=desk_sheet, base_version=desk_sheet.version, by=cast["head"])
    # and once it was returned: the agency's changes since, the snapshot it was returned in, its versions
    with django_assert_num_queries(21):
        assert reviewer.get(url).status_code == 200


def test_the_reviewer_reads_the_sheet_page_without_the_agencys_buttons(reviewer, desk_sheet):  # noqa: F811
    response = reviewer.get(reverse("sheet_detail", args=[desk_sheet.pk]))
    content = response.content.decode()
    assert response.status_code == 200 and "Quyết định số 02/QĐ-VP" in content
    assert reverse("report_edit", args=[desk_sheet.pk]) not in content
    assert reverse("sheet_edit", args=[desk_sheet.pk]) not in content


def test_it_reads_each_explanation_once_for_the_filter_and_the_links(reviewer, desk_sheet, monkeypatch):  # noqa: F811
    """1.2's explanation cites the PDF that 1.1 cites: it is not marked "without evidence" and its citation
    links to that file, from one reading of the text (the filter and the linked explanation share it)."""
    written = "Theo Quyết định số 02/QĐ-VP ngày 04/01/2022 của Văn phòng."
    Score.objects.filter(sheet=desk_sheet, criterion__key="1:1.2").update(explanation=written)
    read = []
    real = matching.citation_spans
    monkeypatch.setattr(matching, "citation_spans", lambda text: read.append(text) or real(text))
    page = page_of(reviewer.get(reverse("sheet_review", args=[desk_sheet.pk])))
    assert read.count(written) == 1 and len(read) == len(set(read))
    row = row_of(page, desk_sheet, "1:1.2")
    assert "no-evidence" not in row.get("data-flags").split()
    [link] = row.find_all("a", **{"class": "cited-link"})
    assert link.get("href").startswith(f"/bang-cham-diem/{desk_sheet.pk}/tai-lieu/")
