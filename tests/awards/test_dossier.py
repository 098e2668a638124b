"""The bloc leader prepares the award dossier from the closed round's ranking, edits it, signs and sends it."""

import pytest
from django.urls import reverse

from scoring.models import Dossier, DossierLine, Rubric, Sheet
from scoring.signing import verification

from .conftest import add_individual, number, p12, sign, start

pytestmark = pytest.mark.django_db


def test_it_is_prepared_from_the_ranking_and_the_award_rules(client, cast, closed_round):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get(bloc_year=closed_round)
    lines = list(
        dossier.lines.order_by("order").values_list("kind", "agency__code", "award", "rank", "points")
    )
    assert [line[:4] for line in lines] == [
        ("collective", "VP", "Cờ thi đua của UBND tỉnh", 1),
        ("collective", "STC", "Bằng khen của Chủ tịch UBND tỉnh", 2),
    ]
    assert lines[0][4] == 50
    assert dossier.created_by == cast["reviewer"]
    assert "Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi" in dossier.recipients
    page = client.get(reverse("dossier_home", args=["TMTH", 2022]))
    assert "Cờ thi đua của UBND tỉnh" in page.content.decode()


def test_it_waits_for_every_member_to_be_accepted_and_the_year_closed(client, cast, closed_round):
    Sheet.objects.filter(agency__code="STC").update(status=Sheet.Status.SUBMITTED)
    Rubric.objects.update(status=Rubric.Status.OPEN)
    client.force_login(cast["reviewer"])
    page = client.get(reverse("dossier_home", args=["TMTH", 2022])).content.decode()
    assert "Còn 1/3 thành viên chưa được duyệt bảng chấm điểm" in page
    assert "Năm thi đua chưa khóa sổ" in page
    response = client.post(reverse("dossier_start", args=["TMTH", 2022]), follow=True)
    assert "Còn 1/3 thành viên" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_individual_is_added_by_hand_and_bad_input_is_kept_with_vietnamese_messages(
    client, cast, closed_round, agencies
):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    response = add_individual(client, dossier, agencies["OTHER"], full_name="  ", position="Chuyên viên")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập họ và tên." in page and "Cơ quan này không thuộc khối trong năm." in page
    assert 'value="Chuyên viên"' in page
    assert not dossier.lines.filter(kind="individual").exists()
    response = add_individual(client, dossier, agencies["VP"], full_name="Nguyễn   Thị Hoa")
    assert response.status_code == 302
    line = dossier.lines.get(kind="individual")
    assert (line.full_name, line.agency.code, line.order) == ("Nguyễn Thị Hoa", "VP", 1)


def test_a_collective_line_can_change_its_award_and_be_removed(client, cast, closed_round):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    line = dossier.lines.get(agency__code="STC")
    url = reverse("dossier_line_edit", args=[dossier.pk, line.pk])
    assert client.post(url, {"award": "", "achievement": ""}).status_code == 200
    client.post(url, {"award": "Giấy khen", "achievement": "Dẫn đầu cải cách hành chính."})
    line.refresh_from_db()
    assert (line.award, line.agency.code) == ("Giấy khen", "STC")
    client.post(reverse("dossier_line_delete", args=[dossier.pk, line.pk]))
    assert not dossier.lines.filter(pk=line.pk).exists()


def test_the_header_refuses_a_bad_number_and_date_and_keeps_them(client, cast, closed_round):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    response = number(client, dossier, "12/TTr", "31/02/2022")
    page = response.content.decode()
    assert "Số tờ trình chỉ gồm chữ số" in page and "Ngày cần có dạng ngày/tháng/năm" in page
    assert 'value="12/TTr"' in page and 'value="31/02/2022"' in page
    dossier.refresh_from_db()
    assert dossier.number == ""


def test_signing_sends_it_and_locks_it(client, cast, closed_round, agencies):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    response = sign(client, dossier)
    assert "Nhập số và ngày của tờ trình trước khi ký." in response.content.decode()
    number(client, dossier)
    response = sign(client, dossier)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.is_sent and dossier.sent_by == cast["reviewer"] and dossier.signer_name == "Nguyễn Văn A"
    with dossier.signed_pdf.open("rb") as handle:
        signed = handle.read()
    result = verification.validate_pdf(signed)
    assert result.verdict == "intact_untrusted"  # a self-signed certificate: valid, not from a trusted CA
    assert [(sig.signer_common_name, sig.intact, sig.valid) for sig in result.signatures] == [
        ("Nguyễn Văn A", True, True)
    ]
    downloaded = client.get(reverse("dossier_pdf", args=[dossier.pk]))
    assert b"".join(downloaded.streaming_content) == signed  # once sent, the file served is the signed one
    # locked: nothing more changes, whatever is posted
    lines = list(DossierLine.objects.values_list("pk", "award"))
    add_individual(client, dossier, agencies["VP"])
    line = dossier.lines.first()
    client.post(
        reverse("dossier_line_edit", args=[dossier.pk, line.pk]), {"award": "Khác", "achievement": ""}
    )
    client.post(reverse("dossier_line_delete", args=[dossier.pk, line.pk]))
    response = number(client, dossier, "99")
    assert list(DossierLine.objects.values_list("pk", "award")) == lines
    dossier.refresh_from_db()
    assert dossier.number == "12"
    assert "gửi về tỉnh" in client.get(reverse("dossier_home", args=["TMTH", 2022])).content.decode()


@pytest.mark.parametrize(
    "certificate, passphrase, message",
    [
        (p12, "sai-mat-khau", "Sai mật khẩu của tệp chứng thư số."),
        (lambda: b"khong phai chung thu", "", "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."),
    ],
)
def test_a_failed_signing_changes_nothing_and_leaves_no_file(
    client, cast, closed_round, settings, certificate, passphrase, message
):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    number(client, dossier)
    response = sign(client, dossier, certificate(), passphrase)
    assert message in response.content.decode()
    dossier.refresh_from_db()
    assert not dossier.is_sent and not dossier.signed_pdf
    assert not (settings.MEDIA_ROOT / "awards").exists() or not any(
        (settings.MEDIA_ROOT / "awards").rglob("*.pdf")
    )


def test_a_line_saved_after_the_dossier_was_sent_elsewhere_is_refused(client, cast, closed_round, agencies):
    """The page was opened before the signer sent the dossier from another tab: the save finds it locked."""
    from scoring.awards import services

    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    stale = Dossier.objects.get(pk=dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(sent_at="2022-12-21T08:00:00Z")
    line = DossierLine(dossier=stale, kind="individual", agency=agencies["VP"], full_name="A", award="B")
    with pytest.raises(services.DossierLocked):
        services.line_save(line=line)
    assert not DossierLine.objects.filter(kind="individual").exists()


def test_the_ranking_leads_the_leaders_reviewer_to_the_dossier(client, cast, closed_round):
    link = reverse("dossier_home", args=["TMTH", 2022])
    client.force_login(cast["reviewer"])
    assert link in client.get(reverse("bloc_ranking", args=["TMTH", 2022])).content.decode()
    client.force_login(cast["admin"])
    assert link not in client.get(reverse("bloc_ranking", args=["TMTH", 2022])).content.decode()


def test_two_pages_preparing_it_at_once_make_one_dossier(client, cast, closed_round, monkeypatch):
    """The other page's dossier is written between this one's check and its insert: the insert fails on the
    one-dossier-a-year constraint and the user is told, not shown an error page. (In this one test connection
    the other write rolls back with this one's.)"""
    from scoring.awards import services

    real = services.bloc_round

    def meanwhile(rubric, bloc_year):
        Dossier.objects.create(bloc_year=bloc_year, created_by=cast["reviewer"])
        return real(rubric, bloc_year)

    monkeypatch.setattr(services, "bloc_round", meanwhile)
    client.force_login(cast["reviewer"])
    response = client.post(reverse("dossier_start", args=["TMTH", 2022]), follow=True)
    assert (
        response.status_code == 200 and "Hồ sơ vừa được lập từ một trang khác." in response.content.decode()
    )
    assert response.redirect_chain == [(reverse("dossier_home", args=["TMTH", 2022]), 302)]
