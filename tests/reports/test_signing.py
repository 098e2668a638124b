"""Signing the report with the head's PKCS#12, and checking it where it arrives."""

import datetime

import pytest
from django.urls import reverse

from scoring import demo, signing
from scoring.models import Report, Sheet
from scoring.signing import verification

from ..factories import PDF
from .conftest import sign

pytestmark = pytest.mark.django_db
NOW = datetime.datetime.now(datetime.UTC)


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def p12(**dates) -> bytes:
    return signing.make_demo_p12("Vũ Minh Tâm", b"dung-mat-khau", **dates)


def test_the_head_signs_with_the_demo_certificate_and_the_sheet_is_submitted(
    client, round_2022, django_user_model, settings
):
    login(client, django_user_model, "vp.thutruong")
    certificate = (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes()
    response = sign(client, round_2022, certificate, demo.CERT_PASSPHRASE)
    assert response.status_code == 302
    round_2022.refresh_from_db()
    report = Report.objects.get(sheet=round_2022)
    assert round_2022.status == Sheet.Status.SUBMITTED and round_2022.submitted_by.username == "vp.thutruong"
    assert report.signer_name == "Vũ Minh Tâm" and report.signed_at is not None
    signed = report.signed_pdf.read()
    result = verification.validate_pdf(signed)
    assert result.verdict == "intact_untrusted"
    assert result.signatures[-1].signer_common_name == "Vũ Minh Tâm"
    trusted = verification.validate_pdf(
        signed, trusted_certs=[signing.load_signer(certificate, demo.CERT_PASSPHRASE.encode()).signing_cert]
    )
    assert trusted.verdict == "trusted"
    # The head downloads what was sent; the report can no longer be edited or signed again.
    download = client.get(reverse("report_download", args=[round_2022.pk]))
    assert b"".join(download.streaming_content) == signed
    assert sign(client, round_2022, certificate, demo.CERT_PASSPHRASE)["Location"] == reverse(
        "report_edit", args=[round_2022.pk]
    )


def test_a_pdf_changed_after_signing_shows_as_invalid(round_2022, settings):
    report = Report.objects.get(sheet=round_2022)
    signer = signing.load_signer(
        (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes(), demo.CERT_PASSPHRASE.encode()
    )
    from scoring.exports.pdf import report_pdf_with_signature_box

    pdf, page, box = report_pdf_with_signature_box(report)
    signed = signing.sign_pdf(
        pdf, signer, box=box, page=page, signer_name="Vũ Minh Tâm", reason="Thử", location="Quảng Ngãi"
    )
    assert verification.validate_pdf(signed).verdict == "intact_untrusted"
    where = signed.index(b"/Producer")
    tampered = signed[:where] + b"/Producez" + signed[where + 9 :]
    assert verification.validate_pdf(tampered).verdict == "broken"
    assert verification.validate_pdf(signed + b"\n% added after signing\n").verdict == "modified"
    assert verification.validate_pdf(PDF).verdict in ("no_signature", "unreadable")


@pytest.mark.parametrize(
    ("certificate", "passphrase", "message"),
    [
        (
            lambda: p12(
                not_before=NOW - datetime.timedelta(days=1), not_after=NOW + datetime.timedelta(days=9)
            ),
            "sai-mat-khau",
            "Sai mật khẩu của tệp chứng thư số.",
        ),
        (
            lambda: p12(
                not_before=NOW - datetime.timedelta(days=400), not_after=NOW - datetime.timedelta(days=30)
            ),
            "dung-mat-khau",
            "Chứng thư số đã hết hạn",
        ),
        (lambda: PDF, "dung-mat-khau", "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."),
        (lambda: b"MZ\x90\x00 not a certificate", "", "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."),
    ],
)
def test_a_bad_certificate_gets_a_clear_message_and_nothing_changes(
    client, round_2022, django_user_model, settings, certificate, passphrase, message
):
    login(client, django_user_model, "vp.thutruong")
    response = sign(client, round_2022, certificate(), passphrase)
    assert response.status_code == 200
    assert message in response.content.decode()
    round_2022.refresh_from_db()
    assert round_2022.status == Sheet.Status.DRAFT
    report = Report.objects.get(sheet=round_2022)
    assert not report.signed_pdf and report.signed_at is None
    assert not (settings.MEDIA_ROOT / "reports").exists() or not any(
        (settings.MEDIA_ROOT / "reports").rglob("*.pdf")
    )


def test_only_the_head_signs(client, round_2022, django_user_model):
    login(client, django_user_model, "vp.bientap")
    assert client.get(reverse("report_sign", args=[round_2022.pk])).status_code == 403
    login(client, django_user_model, "stc.thutruong")
    assert client.get(reverse("report_sign", args=[round_2022.pk])).status_code == 404


def test_the_bloc_leader_sees_who_signed_and_whether_it_is_valid(
    client, round_2022, django_user_model, settings
):
    login(client, django_user_model, "vp.thutruong")
    sign(client, round_2022, (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes(), demo.CERT_PASSPHRASE)
    report = Report.objects.get(sheet=round_2022)

    login(client, django_user_model, "ttr.chamdiem")  # Thanh tra tỉnh leads the bloc in 2022
    home = client.get(reverse("home")).content.decode()
    assert reverse("received_reports") in home
    page = client.get(reverse("received_reports")).content.decode()
    assert "Văn phòng UBND tỉnh" in page and "Vũ Minh Tâm" in page
    assert "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký" in page
    file = client.get(reverse("received_report_file", args=[report.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")

    # Someone alters the stored file: the leader's page says so.
    path = report.signed_pdf.path
    data = open(path, "rb").read()
    where = data.index(b"/Producer")
    open(path, "wb").write(data[:where] + b"/Producez" + data[where + 9 :])
    assert (
        "Không hợp lệ: nội dung đã bị sửa sau khi ký."
        in client.get(reverse("received_reports")).content.decode()
    )

    for username in ("stc.bientap", "vp.bientap"):  # a member, and the sender itself, receive nothing
        login(client, django_user_model, username)
        assert client.get(reverse("received_reports")).status_code == 404
        assert client.get(reverse("received_report_file", args=[report.pk])).status_code == 404
