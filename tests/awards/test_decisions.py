"""The province records its decisions on a sent dossier; each awarded agency's register gains them."""

import datetime

import pytest
from django.urls import reverse

from scoring.evidence.matching import agency_register
from scoring.models import Document, DocumentVersion, Dossier, DossierLine

from .conftest import add_individual, number, sign, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(client, cast, closed_round, agencies):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    add_individual(client, dossier, agencies["VP"])
    number(client, dossier)
    assert sign(client, dossier).status_code == 302
    client.logout()
    return Dossier.objects.get()


def decide(client, dossier, outcomes: dict[str, str], **fields):
    lines = {f"{line.kind}:{line.agency.code}": line.pk for line in dossier.lines.select_related("agency")}
    data = {"number": "898/QĐ-UBND", "issued_on": "25/01/2023", "issuer": "UBND tỉnh Quảng Ngãi", **fields}
    data.update({f"line-{lines[key]}": value for key, value in outcomes.items()})
    return client.post(reverse("dossier_decide", args=[dossier.pk]), data)


def test_a_sent_dossier_is_on_the_provinces_desk(client, cast, sent):
    client.force_login(cast["admin"])
    page = client.get(reverse("dossiers_received")).content.decode()
    assert "12/TTr-TTR" in page and reverse("dossier_decide", args=[sent.pk]) in page
    assert reverse("dossiers_received") in client.get(reverse("province_desk")).content.decode()


def test_the_decision_enters_the_awarded_agencys_register_and_next_years_citation_matches_it(
    client, cast, sent, agencies
):
    client.force_login(cast["admin"])
    response = decide(client, sent, {"collective:VP": "yes", "individual:VP": "yes", "collective:STC": "no"})
    assert response.status_code == 302
    vp = DossierLine.objects.get(kind="collective", agency__code="VP")
    assert (vp.granted, vp.decision_number, vp.decision_date) == (
        True,
        "898/QĐ-UBND",
        datetime.date(2023, 1, 25),
    )
    assert vp.decided_by == cast["admin"]
    assert DossierLine.objects.get(agency__code="STC").granted is False
    document = Document.objects.get(agency=agencies["VP"])
    assert (document.kind, document.number, document.issuer) == ("QĐ", "898/QĐ-UBND", "UBND tỉnh Quảng Ngãi")
    assert "Tặng Cờ thi đua của UBND tỉnh cho tập thể Cơ quan VP" in document.subject
    assert "Tặng Bằng khen của Chủ tịch UBND tỉnh cho Nguyễn Thị Hoa, Phó Chánh Văn phòng" in document.subject
    assert DocumentVersion.objects.filter(document=document, version=1).exists()
    assert not Document.objects.filter(agency=agencies["STC"]).exists()  # not granted: nothing to cite
    # next year, in VP's own register, and a citation written in a 2023 explanation names it
    client.force_login(cast["editor"])
    assert "898/QĐ-UBND" in client.get(reverse("evidence_list", args=["VP"])).content.decode()
    pieces = agency_register(agencies["VP"]).pieces(
        "Được tặng Cờ (Quyết định số 898/QĐ-UBND ngày 25/01/2023)."
    )
    assert [p.document for p in pieces if p.citation] == [document]


def test_a_decision_the_agency_entered_already_is_completed_as_a_new_version(client, cast, sent, agencies):
    Document.objects.create(
        agency=agencies["VP"], kind="QĐ", number="898/QĐ-UBND", issued_on="2023-01-25", subject=""
    )
    client.force_login(cast["admin"])
    decide(client, sent, {"collective:VP": "yes"})
    document = Document.objects.get(agency=agencies["VP"])
    assert document.version == 2 and "Cờ thi đua của UBND tỉnh" in document.subject
    assert list(document.versions.values_list("version", flat=True)) == [1, 2]
    assert DossierLine.objects.get(kind="collective", agency__code="VP").document == document


def test_bad_input_is_refused_in_vietnamese_and_kept(client, cast, sent):
    client.force_login(cast["admin"])
    response = decide(client, sent, {}, number="898 QĐ", issued_on="32/01/2023")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Số, ký hiệu quyết định có dạng 898/QĐ-UBND." in page
    assert "Ngày cần có dạng ngày/tháng/năm" in page
    assert "Chọn kết quả cho ít nhất một tập thể hoặc cá nhân." in page
    assert 'value="898 QĐ"' in page
    assert not DossierLine.objects.filter(granted__isnull=False).exists() and not Document.objects.exists()


def test_a_line_is_decided_once(client, cast, sent):
    client.force_login(cast["admin"])
    page = client.get(reverse("dossier_decide", args=[sent.pk]))
    form_lines = page.context["form"].lines
    decide(client, sent, {"collective:VP": "yes"})
    # a second tab still showing the line: its decision is refused and nothing changes
    from scoring.awards import services

    with pytest.raises(services.DossierRefused):
        services.decisions_record(
            dossier=sent,
            number="900/QĐ-UBND",
            issued_on=datetime.date(2023, 1, 26),
            issuer="UBND tỉnh",
            outcomes={form_lines[0].pk: False},
            by=cast["admin"],
        )
    line = DossierLine.objects.get(pk=form_lines[0].pk)
    assert (line.granted, line.decision_number) == (True, "898/QĐ-UBND")


def test_a_failure_in_the_register_records_no_decision(client, cast, sent, monkeypatch):
    from scoring.awards import services

    def fail(**kwargs):
        raise OSError("disk")

    monkeypatch.setattr(services, "evidence_save", fail)
    client.force_login(cast["admin"])
    client.raise_request_exception = False
    response = decide(client, sent, {"collective:VP": "yes", "collective:STC": "no"})
    assert response.status_code == 500
    assert not DossierLine.objects.filter(granted__isnull=False).exists() and not Document.objects.exists()


def test_the_agency_sees_its_own_lines_and_their_outcome(client, cast, sent):
    client.force_login(cast["admin"])
    decide(client, sent, {"collective:VP": "yes", "collective:STC": "no"})
    client.force_login(cast["editor"])
    page = client.get(reverse("agency_awards", args=["VP"])).content.decode()
    assert "Tập thể Cơ quan VP" in page and "Nguyễn Thị Hoa" in page
    assert "Được tặng – Quyết định số 898/QĐ-UBND ngày 25/01/2023" in page
    assert "Cơ quan STC" not in page  # another member's line is not shown
    client.force_login(cast["same_bloc"])
    page = client.get(reverse("agency_awards", args=["STC"])).content.decode()
    assert "Không được khen thưởng – Quyết định số 898/QĐ-UBND" in page and "Nguyễn Thị Hoa" not in page
    assert client.get(reverse("agency_awards", args=["VP"])).status_code == 404


def test_the_agencys_page_costs_the_same_queries_for_any_number_of_lines(
    client, cast, sent, agencies, django_assert_num_queries
):
    client.force_login(cast["admin"])
    decide(client, sent, {"collective:VP": "yes"})
    client.force_login(cast["editor"])
    for extra in (0, 6):
        DossierLine.objects.bulk_create(
            DossierLine(dossier=sent, kind="individual", agency=agencies["VP"], full_name=f"N {i}", award="B")
            for i in range(extra)
        )
        with django_assert_num_queries(8):
            assert client.get(reverse("agency_awards", args=["VP"])).status_code == 200
