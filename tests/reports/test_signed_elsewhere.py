"""A report signed in another program (a USB token's, simulated here by pyHanko with a key of its own):
the head downloads the copy to sign, signs it elsewhere, uploads it; it is accepted only when it is that
copy, signed and untouched since."""

import datetime
import io
import logging
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from scoring import signing
from scoring.exports import report_pdf, sheet_pdf
from scoring.models import Report, Sheet
from scoring.reports import external
from scoring.signing import verification

from .conftest import TOKEN_HOLDER

pytestmark = pytest.mark.django_db
NOW = datetime.datetime.now(datetime.UTC)


def sign_elsewhere(pdf: bytes, signer, field_name: str | None = "Signature1") -> bytes:
    """What the token's program does: a PAdES signature appended as an incremental update."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name or "TokenSignature", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer).getvalue()


def rewrite_page_and_sign(pdf: bytes, signer, *, same_revision: bool = True) -> bytes:
    """A program that writes words of its own onto the report's page, then signs: in the very revision that
    adds the signature, or in one of its own just before."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    text = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (Xep loai: Xuat sac) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(text))
    if not same_revision:
        out = io.BytesIO()
        writer.write(out)
        writer = IncrementalPdfFileWriter(out)
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def login(client, django_user_model, username="vp.thutruong"):
    client.force_login(django_user_model.objects.get(username=username))


def copy_to_sign(client, sheet) -> bytes:
    response = client.get(reverse("report_for_signing", args=[sheet.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "bao-cao-de-ky-2022-VP.pdf" in response["Content-Disposition"]
    return response.content


def upload(client, sheet, data: bytes, name="bao-cao-da-ky.pdf"):
    return client.post(
        reverse("report_upload_signed", args=[sheet.pk]),
        {
            "signed_pdf": SimpleUploadedFile(name, data),
            "version": Sheet.objects.values_list("version", flat=True).get(pk=sheet.pk),
        },
    )


def stored_reports(settings) -> list:
    folder = settings.MEDIA_ROOT / "reports"
    return sorted(folder.rglob("*.pdf")) if folder.exists() else []


def security_events(caplog, event: str) -> list[str]:
    return [r.security["outcome"] for r in caplog.records if getattr(r, "security", {}).get("event") == event]


def test_it_accepts_the_copy_it_handed_out_signed_with_a_token_and_submits_the_sheet(
    client, round_2022, django_user_model, token, settings, caplog
):
    login(client, django_user_model)
    issued = copy_to_sign(client, round_2022)
    assert verification.validate_pdf(issued).verdict == "no_signature"
    signed = sign_elsewhere(issued, token)
    caplog.set_level(logging.WARNING, logger="vpub.security")
    response = upload(client, round_2022, signed)
    assert response.status_code == 302 and response["Location"] == reverse(
        "report_edit", args=[round_2022.pk]
    )
    round_2022.refresh_from_db()
    report = Report.objects.get(sheet=round_2022)
    assert round_2022.status == Sheet.Status.SUBMITTED and round_2022.submitted_by.username == "vp.thutruong"
    assert report.signed_elsewhere and report.signer_name == TOKEN_HOLDER and report.signed_at is not None
    assert report.signed_pdf.read() == signed
    assert security_events(caplog, "report_upload") == ["accepted"]
    page = client.get(reverse("report_edit", args=[round_2022.pk])).content.decode()
    assert f"bởi {TOKEN_HOLDER} (bằng thiết bị ký số" in page

    # The bloc leader receives it with its signature checked.
    login(client, django_user_model, "ttr.chamdiem")
    received = client.get(reverse("received_reports")).content.decode()
    assert TOKEN_HOLDER in received and "(chữ ký của đơn vị, bằng thiết bị ký số)" in received
    assert "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký" in received
    if shutil.which("pdfsig"):  # poppler agrees
        out = subprocess.run(["pdfsig", report.signed_pdf.path], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out and "Total document signed" in out


def test_the_copy_puts_the_token_signature_in_the_reports_signature_block(
    client, round_2022, django_user_model
):
    login(client, django_user_model)
    issued = copy_to_sign(client, round_2022)
    report = Report.objects.get(sheet=round_2022)
    # The report as previewed, and after it one update: the empty field the token's program signs into.
    assert issued.startswith(report_pdf(report)) and len(issued) > len(report_pdf(report))
    assert report.issued_size == len(issued) and report.issued_sha256 == external.digest(issued)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(issued))
    [(name, value, field_ref)] = list(enumerate_sig_fields(reader))
    assert name == "Signature1" and value is None
    rect = [float(v) for v in field_ref.get_object()["/Rect"]]
    assert rect[2] - rect[0] > 100  # a box of its own size, not an invisible field


def tamper(pdf: bytes) -> bytes:
    where = pdf.index(b"/Producer")
    return pdf[:where] + b"/Producez" + pdf[where + 9 :]


def edit_report(client, sheet):
    client.post(reverse("report_edit", args=[sheet.pk]), {"number": "26", "subject": "Sửa sau khi tải"})


# case → (what is uploaded, made from the copy handed out, the token and the sheet; the message shown)
CASES = {
    "not a PDF": (
        lambda issued, token, sheet: b"PK\x03\x04 a Word file",
        "Tệp tải lên không phải là tệp PDF.",
    ),
    "unsigned": (lambda issued, token, sheet: issued, "Tệp PDF chưa có chữ ký số"),
    "broken signature": (
        lambda issued, token, sheet: tamper(sign_elsewhere(issued, token)),
        "Chữ ký số không hợp lệ: nội dung tệp không còn khớp với chữ ký",
    ),
    "changed after signing": (
        lambda issued, token, sheet: sign_elsewhere(issued, token) + b"\n% a line added after signing\n",
        "Tệp đã bị thêm hoặc sửa sau khi ký",
    ),
    "the preview signed, not the copy": (
        lambda issued, token, sheet: sign_elsewhere(report_pdf(sheet.report), token, field_name=None),
        "không phải là bản để ký của Báo cáo số 25/BC-VP",
    ),
    "another document": (
        lambda issued, token, sheet: sign_elsewhere(sheet_pdf(sheet), token, field_name=None),
        "không phải là bản để ký của Báo cáo số 25/BC-VP",
    ),
    "a page rewritten as it is signed": (
        lambda issued, token, sheet: rewrite_page_and_sign(issued, token),
        "Tệp đã ký có nội dung khác bản tải về để ký",
    ),
    "a page rewritten just before signing": (
        lambda issued, token, sheet: rewrite_page_and_sign(issued, token, same_revision=False),
        "Tệp đã ký có nội dung khác bản tải về để ký",
    ),
    "too large": (
        lambda issued, token, sheet: b"%PDF-1.7\n" + b"0" * external.MAX_SIGNED_PDF_BYTES,
        "Tệp lớn hơn 20 MB",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_file_that_is_not_the_signed_copy_is_refused_and_nothing_is_kept(
    client, round_2022, django_user_model, token, settings, caplog, case
):
    make, message = CASES[case]
    login(client, django_user_model)
    issued = copy_to_sign(client, round_2022)
    caplog.set_level(logging.WARNING, logger="vpub.security")
    response = upload(client, round_2022, make(issued, token, round_2022))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors["signed_pdf"]
    round_2022.refresh_from_db()
    report = Report.objects.get(sheet=round_2022)
    assert round_2022.status == Sheet.Status.DRAFT and round_2022.is_editable
    assert not report.signed_pdf and report.signed_at is None and not report.signed_elsewhere
    assert stored_reports(settings) == []
    if case != "too large":  # refused by the form, before any signature is read
        assert security_events(caplog, "report_upload")[0].startswith("refused_")


def test_a_page_rewritten_in_the_signing_revision_passes_the_signature_checks_alone(
    client, round_2022, django_user_model, token
):
    """Why the difference analysis from the copy handed out is needed: the signature verifies, covers the
    whole file and starts with the copy's bytes; only what it signed is not the report."""
    login(client, django_user_model)
    issued = copy_to_sign(client, round_2022)
    forged = rewrite_page_and_sign(issued, token)
    assert forged.startswith(issued) and b"Xuat sac" in forged[len(issued) :]
    result = verification.validate_pdf(forged)
    assert result.verdict == "intact_untrusted" and result.signatures[0].byte_range[0] == 0
    with pytest.raises(external.SignedUploadRefused) as refused:
        external.check_signed_upload(forged, report=Report.objects.get(sheet=round_2022), trust_roots=[])
    assert refused.value.code == "content_changed"


def test_a_copy_signed_before_the_report_was_edited_is_refused(
    client, round_2022, django_user_model, token, settings
):
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    edit_report(client, round_2022)
    response = upload(client, round_2022, signed)
    assert "Báo cáo đã được sửa sau khi tải bản để ký" in response.content.decode()
    assert not Report.objects.get(sheet=round_2022).signed_pdf and stored_reports(settings) == []
    # A fresh copy of the edited report, signed, is accepted.
    assert (
        upload(client, round_2022, sign_elsewhere(copy_to_sign(client, round_2022), token)).status_code == 302
    )


def test_a_copy_signed_before_the_sheet_it_carries_changed_is_refused(
    client, round_2022, django_user_model, token, settings
):
    """The copy carries the Bảng chấm điểm: a score changed by an editor after the head took the copy makes
    the signed copy show other numbers than the sheet submitted, so it is refused until signed again."""
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    score = round_2022.scores.exclude(points=None).order_by("pk").first()
    type(score).objects.filter(pk=score.pk).update(points=score.points - 1)
    response = upload(client, round_2022, signed)
    assert "Bảng chấm điểm kèm theo báo cáo đã thay đổi sau khi tải bản để ký" in response.content.decode()
    round_2022.refresh_from_db()
    assert round_2022.is_editable and not Report.objects.get(sheet=round_2022).signed_pdf
    assert stored_reports(settings) == []
    assert (
        upload(client, round_2022, sign_elsewhere(copy_to_sign(client, round_2022), token)).status_code == 302
    )


def test_without_a_copy_handed_out_nothing_is_accepted(client, round_2022, django_user_model, token):
    login(client, django_user_model)
    report = Report.objects.get(sheet=round_2022)
    response = upload(client, round_2022, sign_elsewhere(report_pdf(report), token, field_name=None))
    assert "Chưa tải bản để ký của báo cáo này" in response.content.decode()


def test_with_trust_roots_only_a_certificate_they_issued_is_accepted(
    client, round_2022, django_user_model, token, settings, tmp_path
):
    other_root = signing.load_signer(
        signing.make_demo_p12("CA khác", b"x", not_before=NOW, not_after=NOW + datetime.timedelta(days=9)),
        b"x",
    ).signing_cert
    (tmp_path / "other.der").write_bytes(other_root.dump())
    (tmp_path / "token.der").write_bytes(token.signing_cert.dump())
    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "other.der")]
    response = upload(client, round_2022, signed)
    assert "không do tổ chức chứng thực mà tỉnh tin cậy cấp" in response.content.decode()
    assert not Report.objects.get(sheet=round_2022).signed_pdf
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "token.der")]
    assert upload(client, round_2022, signed).status_code == 302


def test_once_signed_the_upload_page_sends_the_head_back(client, round_2022, django_user_model, token):
    login(client, django_user_model)
    upload(client, round_2022, sign_elsewhere(copy_to_sign(client, round_2022), token))
    for name in ("report_upload_signed", "report_for_signing"):
        response = client.get(reverse(name, args=[round_2022.pk]))
        assert response["Location"] == reverse("report_edit", args=[round_2022.pk])


def test_the_upload_page_tells_the_steps_in_a_fixed_number_of_queries(
    client, round_2022, django_user_model, django_assert_num_queries
):
    login(client, django_user_model)
    # session, user, sheet, roles, report, the session's update (3); what to look at before signing: the
    # sheet's criteria, scores, ratings, citations, the register, pledged titles (7)
    with django_assert_num_queries(15):
        page = client.get(reverse("report_upload_signed", args=[round_2022.pk]))
    text = page.content.decode()
    assert reverse("report_for_signing", args=[round_2022.pk]) in text and "Kiểm tra chữ ký và nộp" in text
    edit = client.get(reverse("report_edit", args=[round_2022.pk])).content.decode()
    assert reverse("report_upload_signed", args=[round_2022.pk]) in edit


def test_a_failure_after_the_file_is_stored_leaves_no_file_and_no_signed_report(
    client, round_2022, django_user_model, token, settings, monkeypatch
):
    from scoring.reports import services

    def fail(**kwargs):
        raise RuntimeError("test: submitting failed half way")

    login(client, django_user_model)
    signed = sign_elsewhere(copy_to_sign(client, round_2022), token)
    monkeypatch.setattr(services, "sheet_submit", fail)
    with pytest.raises(RuntimeError, match="half way"):
        upload(client, round_2022, signed)
    round_2022.refresh_from_db()
    report = Report.objects.get(sheet=round_2022)
    assert round_2022.status == Sheet.Status.DRAFT and not report.signed_pdf and not report.signed_elsewhere
    assert stored_reports(settings) == []
