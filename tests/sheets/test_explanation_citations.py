"""Citations written in explanations count: the seed sheet's missing-evidence warning names only criteria
that cite nothing, the citations link where the register has them, and one click enters the others."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scoring.models import Citation, Criterion, Document, Score, Sheet
from scoring.sheets.checks import sheet_warnings
from scoring.sheets.queries import sheet_state, sheet_view

from ..factories import SEED_SHEET, edit_data, field

pytestmark = pytest.mark.django_db

# The seed's criteria with points whose explanations name no document by number and date (seed 001).
CITING_NOTHING = [
    "Nội dung 1, tiêu chí 1.2",
    "Nội dung 1, tiêu chí 3.1",
    "Nội dung 1, tiêu chí 3.2",
    "Nội dung 1, tiêu chí 5",
    "Nội dung 1, tiêu chí 6",
    "Nội dung 2, tiêu chí 1",
    "Nội dung 2, tiêu chí 5",
    "Nội dung 2, tiêu chí 6",
    "Nội dung 3, tiêu chí 2",
    "Nội dung 3, tiêu chí 3",
    "Nội dung 3, tiêu chí 5",
    "Nội dung 3, tiêu chí 6",
    "Nội dung 3, tiêu chí 7",
    "Nội dung 3, tiêu chí 8",
]


def imported(vp_sheet) -> Sheet:
    call_command(
        "import_sheet", str(SEED_SHEET), "--agency", "VP", "--year", "2022", "--clamp", stdout=StringIO()
    )
    vp_sheet.refresh_from_db()
    return vp_sheet


def warnings_of(sheet, register=None):
    view = sheet_view(sheet)
    return sheet_warnings(view, sheet_state(view).cited, register)


def test_the_imported_seed_sheet_warns_only_of_criteria_that_cite_nothing(client, cast, vp_sheet):
    sheet = imported(vp_sheet)
    missing = [w.label for w in warnings_of(sheet) if w.kind == "evidence"]
    assert missing == CITING_NOTHING  # 14 of the 28 that warned while only the register counted
    assert "Nội dung 1, tiêu chí 1.1" not in missing  # "Quyết định số 02/QĐ-VP ngày 04/01/2022"
    decision = Document.objects.create(
        agency=sheet.agency, kind="QĐ", number="02/QĐ-VP", issued_on=datetime.date(2022, 1, 4), file="x.pdf"
    )
    client.force_login(cast["editor"])
    page = client.get(reverse("sheet_detail", args=[sheet.pk])).content.decode()
    link = f'<a class="cited-link" href="/don-vi/VP/tai-lieu/{decision.pk}/tep/" title="Mở tệp">'
    # cited under 1.1 and 1.3, linked each time; the others marked as not in the register
    assert page.count(link + "Quyết định số 02/QĐ-VP ngày 04/01/2022</a>") == 2
    assert '<span class="cited-missing">Kế hoạch số 495/KH-VP ngày 29/3/2022</span>' in page
    assert "Có điểm nhưng chưa có tài liệu kiểm chứng." in page
    [unregistered] = [line for line in page.splitlines() if "chưa có trong sổ tài liệu kiểm chứng" in line]
    assert "Nội dung 1, tiêu chí 1.3" in unregistered and "Nội dung 1, tiêu chí 1.1" not in unregistered


def test_the_home_page_counts_a_criterion_whose_explanation_cites_a_document_as_evidenced(
    client, cast, vp_sheet
):
    criterion = Criterion.objects.get(rubric=vp_sheet.rubric, key="1:1.1")
    Score.objects.create(
        sheet=vp_sheet, criterion=criterion, points=90, explanation="Kế hoạch số 495/KH-VP ngày 29/3/2022"
    )
    Score.objects.create(
        sheet=vp_sheet, criterion=Criterion.objects.get(rubric=vp_sheet.rubric, key="1:1.2"), points=40
    )
    client.force_login(cast["editor"])
    summary = client.get(reverse("home")).context["cards"][0]["rounds"][0]["summary"]
    assert summary["progress"].without_evidence == 1


def scoring_page(client, sheet):
    return client.get(reverse("sheet_edit", args=[sheet.pk]))


@pytest.fixture
def written(vp_sheet):
    """1.1 explains with a registered decision and an unregistered plan."""
    decision = Document.objects.create(
        agency=vp_sheet.agency, kind="QĐ", number="02/QĐ-VP", issued_on=datetime.date(2022, 1, 4)
    )
    Score.objects.create(
        sheet=vp_sheet,
        criterion=Criterion.objects.get(rubric=vp_sheet.rubric, key="1:1.1"),
        points=90,
        explanation="Theo Quyết định số 02/QĐ-VP ngày 04/01/2022 và Kế hoạch số 495/KH-VP ngày 29/3/2022 về"
        " việc thi đua <script>alert(1)</script>",
    )
    return decision


def test_the_scoring_page_links_registered_citations_and_offers_the_others(client, cast, vp_sheet, written):
    client.force_login(cast["editor"])
    page = scoring_page(client, vp_sheet).content.decode()
    pk = Criterion.objects.get(rubric=vp_sheet.rubric, key="1:1.1").pk
    assert "/don-vi/VP/tai-lieu/?q=02%2FQ%C4%90-VP" in page
    # the subject is read as written, markup included: it stays text in the button's value too
    value = f'name="register" value="{pk}|Kế hoạch số 495/KH-VP ngày 29/3/2022 về việc thi đua &lt;script&gt;alert"'
    assert value in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_one_click_enters_the_citation_cites_it_and_keeps_what_else_was_typed(
    client, cast, vp_sheet, written
):
    client.force_login(cast["editor"])
    pk = field(vp_sheet, "p", "1:1.1").partition("-")[2]
    typed = {field(vp_sheet, "p", "1:1.2"): "45", field(vp_sheet, "e", "1:1.2"): "mới gõ, chưa lưu"}
    data = edit_data(vp_sheet, **typed, register=f"{pk}|Kế hoạch số 495/KH-VP ngày 29/3/2022 về việc thi đua")
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    assert response.status_code == 302
    plan = Document.objects.get(agency=vp_sheet.agency, number="495/KH-VP")
    assert (plan.kind, plan.issued_on, plan.subject, plan.created_by) == (
        "KH",
        datetime.date(2022, 3, 29),
        "thi đua",
        cast["editor"],
    )
    assert Citation.objects.filter(score__sheet=vp_sheet, score__criterion_id=pk, document=plan).exists()
    other = Score.objects.get(sheet=vp_sheet, criterion__key="1:1.2")
    assert (other.points, other.explanation) == (45, "mới gõ, chưa lưu")
    page = scoring_page(client, vp_sheet).content.decode()
    assert "Kế hoạch số 495/KH-VP ngày 29/3/2022 đã có trong sổ tài liệu và được trích dẫn." in page
    assert 'name="register"' not in page  # both written citations are in the register now


def test_one_click_through_the_autosave_answers_with_the_new_entry(client, cast, vp_sheet, written):
    """What the page's script sends: the citation in the criterion's paste box, with the page's base."""
    client.force_login(cast["editor"])
    form = scoring_page(client, vp_sheet).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    data[field(vp_sheet, "n", "1:1.1")] = "Kế hoạch số 495/KH-VP ngày 29/3/2022 về việc thi đua"
    response = client.post(
        reverse("sheet_edit", args=[vp_sheet.pk]), data, headers={"x-requested-with": "XMLHttpRequest"}
    )
    body = response.json()
    plan = Document.objects.get(agency=vp_sheet.agency, number="495/KH-VP")
    assert body["saved"] and [d["pk"] for d in body["documents"]] == [plan.pk]
    assert body["fresh"][field(vp_sheet, "d", "1:1.1")] == [str(plan.pk)]


def test_one_click_on_another_agencys_sheet_is_404_and_enters_nothing(cast, vp_sheet, written):
    other = Client()
    other.force_login(cast["other"])
    pk = field(vp_sheet, "p", "1:1.1").partition("-")[2]
    data = edit_data(vp_sheet, register=f"{pk}|Kế hoạch số 495/KH-VP ngày 29/3/2022")
    assert other.post(reverse("sheet_edit", args=[vp_sheet.pk]), data).status_code == 404
    assert not Document.objects.filter(number="495/KH-VP").exists()


def test_one_click_on_a_submitted_sheet_is_refused_and_enters_nothing(client, cast, vp_sheet, written):
    client.force_login(cast["editor"])
    pk = field(vp_sheet, "p", "1:1.1").partition("-")[2]
    data = edit_data(vp_sheet, register=f"{pk}|Kế hoạch số 495/KH-VP ngày 29/3/2022")
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    url = reverse("sheet_edit", args=[vp_sheet.pk])
    assert client.post(url, data).url == reverse("sheet_detail", args=[vp_sheet.pk])
    response = client.post(url, data, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 409 and response.json()["status"] == "locked"
    assert not Document.objects.filter(number="495/KH-VP").exists()


def test_a_tampered_click_gets_a_vietnamese_message_and_writes_nothing(client, cast, vp_sheet, written):
    client.force_login(cast["editor"])
    pk = field(vp_sheet, "p", "1:1.1").partition("-")[2]
    typed = {field(vp_sheet, "p", "1:1.2"): "45"}
    data = edit_data(vp_sheet, **typed, register=f"{pk}|Kế hoạch số 495/KH-VP ngày 31/4/2022")
    response = client.post(reverse("sheet_edit", args=[vp_sheet.pk]), data)
    assert response.status_code == 200
    assert "Ngày 31/4/2022 của văn bản 495/KH-VP không có thật." in response.content.decode()
    assert not Document.objects.filter(number="495/KH-VP").exists()
    assert not Score.objects.filter(sheet=vp_sheet, criterion__key="1:1.2").exists()


def test_the_review_page_links_cited_files_and_keeps_the_explanation_text(cast, vp_sheet, written):
    plan = Document.objects.create(
        agency=vp_sheet.agency,
        kind="KH",
        number="495/KH-VP",
        issued_on=datetime.date(2022, 3, 29),
        file="k.pdf",
    )
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    reviewer = Client()
    reviewer.force_login(cast["reviewer"])
    page = reviewer.get(reverse("sheet_review", args=[vp_sheet.pk])).content.decode()
    # a file the sheet does not cite is not the reviewer's to open (sheet_evidence_file): marked, not linked
    assert '<span class="cited-registered">Kế hoạch số 495/KH-VP ngày 29/3/2022</span>' in page
    Citation.objects.create(score=Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1"), document=plan)
    page = reviewer.get(reverse("sheet_review", args=[vp_sheet.pk])).content.decode()
    url = reverse("sheet_evidence_file", args=[vp_sheet.pk, plan.pk, plan.version])
    assert f'href="{url}" title="Mở tệp">Kế hoạch số 495/KH-VP ngày 29/3/2022</a>' in page
    # no file yet: the register's own pages are the agency's, so the citation is marked, not linked
    assert '<span class="cited-registered">Quyết định số 02/QĐ-VP ngày 04/01/2022</span>' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_bloc_reads_the_sheet_page_with_citations_linked_to_what_the_sheet_cites_only(
    cast, vp_sheet, written
):
    """The reviewer may open a submitted sheet's page; a citation in an explanation links to the file the
    sheet cites (sheet_evidence_file), never to the agency's register, which is the agency's own."""
    plan = Document.objects.create(
        agency=vp_sheet.agency,
        kind="KH",
        number="495/KH-VP",
        issued_on=datetime.date(2022, 3, 29),
        file="k.pdf",
    )
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    reviewer = Client()
    reviewer.force_login(cast["reviewer"])
    page = reviewer.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    assert "/don-vi/VP/tai-lieu/" not in page
    Citation.objects.create(score=Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1"), document=plan)
    page = reviewer.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    assert reverse("sheet_evidence_file", args=[vp_sheet.pk, plan.pk, plan.version]) in page
    assert "/don-vi/VP/tai-lieu/" not in page
    own = Client()
    own.force_login(cast["editor"])
    assert (
        "/don-vi/VP/tai-lieu/?q=02%2FQ%C4%90-VP"
        in own.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    )


@pytest.mark.parametrize("name", ["province_desk", "received_reports"])
def test_a_year_in_other_digits_is_not_found_not_an_error(cast, name):
    admin = Client()
    admin.force_login(cast["admin"])
    assert admin.get(reverse(name) + "?nam=²").status_code in (200, 404)
