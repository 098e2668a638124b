"""A report signed elsewhere is accepted as a Vietnamese verifier would: never with a certificate outside its
dates (trust roots or not); with trust roots, only once a CRL or OCSP answer says it is not revoked."""

import logging

import pytest

from scoring.models import Report, Sheet

from .test_signed_elsewhere import (
    copy_to_sign,
    login,
    security_events,
    sign_elsewhere,
    stored_reports,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust(pki, settings, tmp_path):
    """The test hierarchy's root trusted; CRL folder and fetching as each test sets them."""
    settings.SIGNING_TRUST_ROOTS = [pki.roots_file(tmp_path)]
    settings.SIGNING_CRL_DIR = ""
    settings.SIGNING_ALLOW_FETCHING = False
    return pki


def outcome(client, sheet, data, settings, caplog) -> tuple[str, str]:
    """The security log's outcome and the page's text, after checking nothing was kept on a refusal."""
    caplog.set_level(logging.WARNING, logger="vpub.security")
    response = upload(client, sheet, data)
    sheet.refresh_from_db()
    if response.status_code == 200:
        assert sheet.status == Sheet.Status.DRAFT and not Report.objects.get(sheet=sheet).signed_pdf
        assert stored_reports(settings) == []
    return security_events(caplog, "report_upload")[-1], response.content.decode()


@pytest.mark.parametrize("who", ["expired", "not_yet_valid"])
def test_a_certificate_outside_its_dates_is_refused_without_trust_roots(
    client, round_2022, django_user_model, pki, settings, caplog, who
):
    settings.SIGNING_TRUST_ROOTS = []
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), getattr(pki, who).signer())
    event, page = outcome(client, round_2022, signed, settings, caplog)
    assert event == "refused_certificate_expired" and "đã hết hạn hoặc chưa có hiệu lực" in page


def test_a_good_certificate_with_the_crls_in_the_folder_is_accepted(
    client, round_2022, django_user_model, trust, settings, caplog, tmp_path
):
    settings.SIGNING_CRL_DIR = str(trust.crl_folder(tmp_path / "crl"))
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), trust.good.signer())
    assert outcome(client, round_2022, signed, settings, caplog)[0] == "accepted"
    assert Report.objects.get(sheet=round_2022).signer_name == "Vũ Minh Tâm"


@pytest.mark.parametrize(
    "who, fetching", [("revoked", False), ("revoked", True), ("revoked_ocsp_only", True)],
    ids=["crl-in-folder", "crl-fetched", "ocsp-fetched"],
)  # fmt: skip
def test_a_revoked_certificate_is_refused(
    client, round_2022, django_user_model, trust, settings, caplog, tmp_path, who, fetching
):
    if fetching:
        settings.SIGNING_ALLOW_FETCHING = True
    else:
        settings.SIGNING_CRL_DIR = str(trust.crl_folder(tmp_path / "crl"))
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), getattr(trust, who).signer())
    event, page = outcome(client, round_2022, signed, settings, caplog)
    assert event == "refused_certificate_revoked" and "đã bị tổ chức chứng thực thu hồi" in page


def test_with_trust_roots_and_no_revocation_information_the_upload_is_refused(
    client, round_2022, django_user_model, trust, settings, caplog, tmp_path
):
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), trust.good.signer())
    event, page = outcome(client, round_2022, signed, settings, caplog)
    assert event == "refused_untrusted" and "không kiểm tra được" in page
    # the same file, once the province has dropped the CRLs in the folder
    settings.SIGNING_CRL_DIR = str(trust.crl_folder(tmp_path / "crl"))
    assert outcome(client, round_2022, signed, settings, caplog)[0] == "accepted"


def test_the_received_reports_page_says_why_a_certificate_is_not_valid(
    client, round_2022, django_user_model, trust, settings, tmp_path
):
    """A stored report re-signed with a certificate expired, then revoked: each shown in its own words."""
    from django.urls import reverse

    from scoring import demo
    from scoring.exports import report_pdf

    from .conftest import sign

    login(client, django_user_model)
    sign(client, round_2022, (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes(), demo.CERT_PASSPHRASE)
    report = Report.objects.get(sheet=round_2022)
    settings.SIGNING_CRL_DIR = str(trust.crl_folder(tmp_path / "crl"))
    login(client, django_user_model, "ttr.chamdiem")
    for who, words in (
        ("expired", "Không hợp lệ: chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực."),
        ("revoked", "Không hợp lệ: chứng thư số của người ký đã bị tổ chức chứng thực thu hồi."),
        ("good", "Hợp lệ: tài liệu nguyên vẹn từ khi ký, chứng thư số tin cậy."),
    ):
        with open(report.signed_pdf.path, "wb") as handle:
            handle.write(sign_elsewhere(report_pdf(report), getattr(trust, who).signer(), field_name=None))
        page = client.get(reverse("received_reports")).content.decode()
        assert page.count(words) == 2  # the signature, and the whole file
