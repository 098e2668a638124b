"""Citations written in an explanation, matched to the agency's register by kind, number and year of issue;
rendered as links, the explanation staying text."""

import datetime

import pytest
from django.template import Context, Template

from scoring.evidence.citations import find_citations
from scoring.evidence.matching import Register, agency_register, number_key
from scoring.models import Document

pytestmark = pytest.mark.django_db


def document(agency, kind="QĐ", number="02/QĐ-VP", on=(2022, 1, 4), **fields) -> Document:
    return Document.objects.create(
        agency=agency, kind=kind, number=number, issued_on=datetime.date(*on), **fields
    )


def matched(register: Register, text: str):
    [citation] = find_citations(text)
    return register.match(citation)


def test_it_matches_the_same_kind_number_and_year_whatever_the_day_case_or_leading_zero(agencies):
    decision = document(agencies["VP"])
    register = agency_register(agencies["VP"])
    assert matched(register, "Quyết định số 02/QĐ-VP ngày 04/01/2022") == decision
    # a slip in the day or month still names the document of that year: the warnings point the slip out
    assert matched(register, "Quyết định số 02/QĐ-VP ngày 14/02/2022") == decision
    assert matched(register, "Quyết định số 2/qđ-vp ngày 4/1/2022") == decision
    assert matched(register, "số 02/QĐ-VP, ngày 04 tháng 01 năm 2022") == decision
    assert number_key(" 002/QĐ-VP ") == "2/QĐ-VP"


def test_it_does_not_match_another_year_kind_or_number(agencies):
    document(agencies["VP"])
    register = agency_register(agencies["VP"])
    assert matched(register, "Quyết định số 02/QĐ-VP ngày 04/01/2021") is None  # numbers restart each year
    assert matched(register, "Kế hoạch số 02/QĐ-VP ngày 04/01/2022") is None  # the kind word says a Kế hoạch
    assert matched(register, "Quyết định số 03/QĐ-VP ngày 04/01/2022") is None
    assert matched(register, "Quyết định số 02/QĐ-UBND ngày 04/01/2022") is None


def test_of_two_entries_of_one_number_and_year_the_written_date_decides_or_neither_links(agencies):
    first = document(agencies["VP"], kind="KH", number="111/KH-VP", on=(2022, 8, 31))
    second = document(agencies["VP"], kind="KH", number="111/KH-VP", on=(2022, 10, 19))
    register = agency_register(agencies["VP"])
    assert matched(register, "Kế hoạch số 111/KH-VP ngày 31/8/2022") == first
    assert matched(register, "Kế hoạch số 111/KH-VP ngày 19/10/2022") == second
    assert matched(register, "Kế hoạch số 111/KH-VP ngày 20/10/2022") is None


def test_another_agencys_document_never_matches(agencies):
    document(agencies["OTHER"], number="02/QĐ-VP")
    register = agency_register(agencies["VP"])
    assert matched(register, "Quyết định số 02/QĐ-VP ngày 04/01/2022") is None
    assert register.documents == []


def test_the_pieces_are_the_whole_text_and_unregistered_lists_each_missing_document_once(agencies):
    document(agencies["VP"])
    register = agency_register(agencies["VP"])
    text = (
        "Ban hành Quyết định số 02/QĐ-VP ngày 04/01/2022; Kế hoạch số 495/KH-VP ngày 29/3/2022 về việc thi đua"
        " và Kế hoạch số 495/KH-VP ngày 29/3/2022, Quyết định số 31/QĐ-VP ngày 31/4/2022."
    )
    pieces = register.pieces(text)
    assert "".join(p.text for p in pieces) == text
    assert [p.document is not None for p in pieces if p.citation] == [True, False, False, False]
    # once each, and not the one whose date does not exist (it cannot enter the register as written)
    assert [(c.number, c.subject) for c in register.unregistered(text)] == [("495/KH-VP", "thi đua")]


def render(explanation: str, register) -> str:
    template = Template("{% load evidence %}{{ explanation|cited_links:register }}")
    return template.render(Context({"explanation": explanation, "register": register}))


def test_an_explanation_with_html_stays_text_and_its_citations_link(agencies):
    decision = document(agencies["VP"], file="evidence/VP/x.pdf")
    register = agency_register(agencies["VP"])
    html = render(
        '<script>alert("x")</script>\nQuyết định số 02/QĐ-VP ngày 04/01/2022 <b>đậm</b> & '
        "Kế hoạch số 9/KH-VP ngày 1/2/2022",
        register,
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>" in html
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; " in html
    assert (
        f'<a class="cited-link" href="/don-vi/VP/tai-lieu/{decision.pk}/tep/" title="Mở tệp">'
        "Quyết định số 02/QĐ-VP ngày 04/01/2022</a>"
    ) in html
    assert '<span class="cited-missing">Kế hoạch số 9/KH-VP ngày 1/2/2022</span>' in html
    assert "(chưa có trong sổ)" in html


def test_a_document_without_a_file_links_to_its_entry_and_without_a_register_it_is_text(agencies):
    document(agencies["VP"])
    html = render("Quyết định số 02/QĐ-VP ngày 04/01/2022", agency_register(agencies["VP"]))
    assert 'href="/don-vi/VP/tai-lieu/?q=02%2FQ%C4%90-VP"' in html
    assert render("<i>a</i>\nb", None) == "&lt;i&gt;a&lt;/i&gt;<br>b"
