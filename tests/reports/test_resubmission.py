"""A sheet returned and submitted again is signed again: the bloc and the province hold the report of the
submission they have, the file signed for the one before is kept, marked superseded and never counter-signed."""

import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from scoring import demo
from scoring.models import Report, Sheet, SupersededReport
from scoring.review.services import sheet_return
from scoring.signing import verification
from tests.factories import edit_data, field

from .conftest import sign

pytestmark = pytest.mark.django_db


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def certificate(settings, username: str) -> bytes:
    return (settings.DEMO_CERT_DIR / f"{username}.p12").read_bytes()


def text_of(tmp_path, data: bytes) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout.split())


def test_after_a_return_the_report_is_signed_again_and_the_old_file_is_set_aside(
    client, round_2022, django_user_model, settings, tmp_path
):
    login(client, django_user_model, "vp.thutruong")
    assert (
        sign(client, round_2022, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE).status_code
        == 302
    )
    first = Report.objects.get(sheet=round_2022)
    first_file = first.signed_pdf.read()
    assert "TỔNG CỘNG 950 50 945 48" in text_of(tmp_path, first_file)

    sheet = Sheet.objects.get(pk=round_2022.pk)
    reviewer = django_user_model.objects.get(username="ttr.chamdiem")
    sheet_return(sheet=sheet, base_version=sheet.version, reason="Tiêu chí 1.1 thiếu tài liệu", by=reviewer)

    # Returned: the bloc sees the file as no longer in force, and cannot counter-sign it.
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("received_reports")).content.decode()
    assert "bản ký này là của lần nộp trước, không còn hiệu lực" in page
    assert reverse("report_countersign", args=[sheet.pk]) not in page
    refused = client.get(reverse("report_countersign", args=[sheet.pk]), follow=True).content.decode()
    assert "là của lần nộp trước, không ký xác nhận" in refused

    # The agency fixes the sheet, and its report page offers a new signature.
    login(client, django_user_model, "vp.bientap")
    p11 = field(sheet, "p", "1:1.1")
    lowered = edit_data(sheet)[p11]
    response = client.post(
        reverse("sheet_edit", args=[sheet.pk]), edit_data(sheet, **{p11: str(float(lowered) - 5)})
    )
    assert response.status_code == 302
    login(client, django_user_model, "vp.thutruong")
    edit = client.get(reverse("report_edit", args=[sheet.pk])).content.decode()
    assert "Bảng chấm điểm đã bị trả lại: báo cáo ký lúc" in edit, edit[edit.index("<main") :]
    assert "Lưu rồi ký số và nộp…" in edit
    assert sign(client, sheet, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE).status_code == 302

    report = Report.objects.get(sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    assert report.snapshot == sheet.snapshots.order_by("-pk").first()
    assert "TỔNG CỘNG 950 50 940 48" in text_of(tmp_path, report.signed_pdf.read())
    old = SupersededReport.objects.get(report=report)
    assert old.signed_pdf.read() == first_file and old.snapshot == first.snapshot
    assert "Tiêu chí 1.1 thiếu tài liệu" in old.reason and old.superseded_by.username == "vp.thutruong"

    # The bloc holds the new one, whose totals are the submission's; the old one is there, marked.
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("received_reports")).content.decode()
    assert "Đúng bảng chấm điểm đã nộp: tổng 940 điểm, thưởng 48." in page, page[page.index("<tbody") :]
    old_url = reverse("received_superseded_file", args=[report.pk, old.pk])
    assert old_url in page and "Tiêu chí 1.1 thiếu tài liệu" in page
    download = client.get(old_url)
    assert "bao-cao-da-thay-the" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == first_file
    assert reverse("report_countersign", args=[sheet.pk]) in page


def test_a_superseded_file_is_never_counter_signed(client, round_2022, django_user_model, settings):
    from .test_countersign import countersign

    login(client, django_user_model, "vp.thutruong")
    sign(client, round_2022, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE)
    sheet = Sheet.objects.get(pk=round_2022.pk)
    sheet_return(sheet=sheet, base_version=sheet.version, reason="Sửa", by=None)
    report = Report.objects.get(sheet=sheet)
    before = report.signed_pdf.read()

    login(client, django_user_model, "ttr.chamdiem")
    response = countersign(client, report, certificate(settings, "ttr.chamdiem"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.countersigned_at is None and report.signed_pdf.read() == before


def test_the_received_page_shows_the_verdict_kept_on_arrival_and_validates_nothing(
    client, round_2022, django_user_model, settings, monkeypatch
):
    login(client, django_user_model, "vp.thutruong")
    sign(client, round_2022, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE)
    report = Report.objects.get(sheet=round_2022)
    assert report.verdict == "intact_untrusted" and report.checked_at is not None
    assert [s["field"] for s in report.signatures] == ["Signature1"]

    def no_validation(*args, **kwargs):
        raise AssertionError("a page load validated a signature")

    monkeypatch.setattr(verification, "validate_pdf", no_validation)
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("received_reports")).content.decode()
    assert "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký" in page and "(chữ ký của đơn vị)" in page


@pytest.mark.slow
def test_a_file_with_forty_signatures_keeps_the_received_page_fast(
    client, round_2022, django_user_model, settings, monkeypatch
):
    import time

    from scoring import signing
    from scoring.signing.external import digest

    login(client, django_user_model, "vp.thutruong")
    sign(client, round_2022, certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE)
    report = Report.objects.get(sheet=round_2022)
    data = report.signed_pdf.read()
    signer = signing.load_signer(certificate(settings, "vp.thutruong"), demo.CERT_PASSPHRASE.encode())
    for n in range(39):  # what a forger's tool might append: the page must not pay for it on every load
        data = signing.countersign_pdf(
            data, signer, signer_name="Vũ Minh Tâm", reason=f"Ký {n}", location="QN"
        )
    report.signed_pdf.save("bao-cao-40.pdf", ContentFile(data))
    # as it arrived: checked once (the verdicts stored), the digest of the file it checked kept
    report.signatures = report.signatures * 40
    report.checked_sha256 = digest(data)
    report.save()

    calls = []
    monkeypatch.setattr(verification, "validate_pdf", lambda *a, **k: calls.append(a))
    login(client, django_user_model, "ttr.chamdiem")
    client.get(reverse("received_reports"))  # warm: templates, the session
    started = time.perf_counter()
    page = client.get(reverse("received_reports"))
    elapsed = time.perf_counter() - started
    assert (
        page.status_code == 200 and page.content.decode().count("(chữ ký khác, không do phần mềm thêm)") == 39
    )
    assert calls == [] and elapsed < 0.5
