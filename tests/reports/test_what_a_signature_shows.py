"""A signature proves what it shows: a file signed elsewhere carries one signature, in the field the copy to
sign handed out, over the whole file; a stored file with a visible signature added after the head's (a box
that can draw any figures over the page) no longer reads as the head's intact report."""

import io
import logging

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import TextStampStyle

from scoring import demo, signing
from scoring.models import Report, Sheet
from scoring.signing import verification

from .conftest import sign
from .test_signed_elsewhere import (
    copy_to_sign,
    login,
    security_events,
    sign_elsewhere,
    stored_reports,
    upload,
)

pytestmark = pytest.mark.django_db
VALID = "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký"
MODIFIED = "Không hợp lệ: tài liệu đã bị thêm hoặc sửa sau khi ký."
A4 = (0, 0, 595, 842)


def overlay(pdf: bytes, signer, *, box=A4, field_name: str = "Signature2") -> bytes:
    """A second signature whose appearance is a box over the whole page, showing figures of its own."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=TextStampStyle(stamp_text="Tong diem: 100 - Xep loai: Xuat sac", border_width=0),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=0, box=box),
    )
    return pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf))).getvalue()


def refused(client, sheet, data: bytes, settings, caplog) -> str:
    caplog.set_level(logging.WARNING, logger="vpub.security")
    response = upload(client, sheet, data)
    assert response.status_code == 200 and response.context["form"].errors["signed_pdf"]
    sheet.refresh_from_db()
    report = Report.objects.get(sheet=sheet)
    assert sheet.status == Sheet.Status.DRAFT and not report.signed_pdf and not report.signed_elsewhere
    assert stored_reports(settings) == []
    return security_events(caplog, "report_upload")[-1]


@pytest.mark.parametrize("roots", [False, True], ids=["no-trust-roots", "token-trusted"])
def test_a_second_signature_drawing_over_the_page_is_refused(
    client, round_2022, django_user_model, token, settings, caplog, tmp_path, roots
):
    if roots:  # the token's certificate trusted: every signature chains, and is still refused
        (tmp_path / "token.der").write_bytes(token.signing_cert.dump())
        settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "token.der")]
    login(client, django_user_model)
    forged = overlay(sign_elsewhere(copy_to_sign(client, round_2022), token), token)
    assert refused(client, round_2022, forged, settings, caplog) == "refused_more_signatures"
    assert "đúng một chữ ký số" in upload(client, round_2022, forged).content.decode()


def test_a_second_invisible_signature_is_refused(
    client, round_2022, django_user_model, token, settings, caplog
):
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    twice = signing.countersign_pdf(signed, token, signer_name="Ai đó", reason="Thêm", location="VN")
    assert verification.validate_pdf(twice).verdict == "intact_untrusted"  # pyHanko alone would take it
    assert refused(client, round_2022, twice, settings, caplog) == "refused_more_signatures"


def test_a_signature_in_a_field_of_its_own_is_refused(
    client, round_2022, django_user_model, token, settings, caplog
):
    """The program ignores the report's signature block and adds a field elsewhere: the signature would
    not sit where the report shows the head's."""
    login(client, django_user_model)
    elsewhere = overlay(copy_to_sign(client, round_2022), token, box=(20, 20, 220, 80), field_name="Sig")
    assert refused(client, round_2022, elsewhere, settings, caplog) == "refused_wrong_field"
    assert "ô chữ ký của báo cáo" in upload(client, round_2022, elsewhere).content.decode()


def test_a_stored_report_with_a_visible_signature_added_is_not_shown_intact(
    client, round_2022, django_user_model, settings
):
    login(client, django_user_model)
    sign(client, round_2022, (settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes(), demo.CERT_PASSPHRASE)
    report = Report.objects.get(sheet=round_2022)
    head_signed = report.signed_pdf.read()
    someone = signing.load_signer(
        (settings.DEMO_CERT_DIR / "ttr.chamdiem.p12").read_bytes(), demo.CERT_PASSPHRASE.encode()
    )
    with open(report.signed_pdf.path, "wb") as handle:
        handle.write(overlay(head_signed, someone))

    with open(report.signed_pdf.path, "rb") as handle:
        result = verification.validate_pdf(handle.read())
    assert result.verdicts()[0] == "modified" and result.verdict == "modified"
    login(client, django_user_model, "ttr.chamdiem")
    page = client.get(reverse("received_reports")).content.decode()
    head = page[page.index("<tbody>") :].split("<li>")[1]
    assert MODIFIED in head and VALID not in head

    # The app's own counter-signature (an invisible field) still leaves the head's signature intact.
    countersigned = signing.countersign_pdf(head_signed, someone, signer_name="X", reason="Y", location="Z")
    assert verification.validate_pdf(countersigned).verdicts() == ["intact_untrusted", "intact_untrusted"]


def test_each_signature_names_its_certificate_by_fingerprint(client, round_2022, django_user_model, token):
    import hashlib

    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    [info] = verification.validate_pdf(signed).signatures
    assert info.certificate_sha256 == hashlib.sha256(token.signing_cert.dump()).hexdigest()
