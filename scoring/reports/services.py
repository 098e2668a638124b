"""The agency's year-end report: created with the usual addressees, signed with the head's certificate."""

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.general import SigningError as PdfSigningError

from .. import signing
from ..exports.pdf import pdf_with_signature_box, report_html, report_pdf_with_signature_box
from ..files import kept
from ..models import BlocYear, Report, Sheet
from ..sheets.services import SheetLocked, sheet_submit
from ..signing import verification
from . import external


def report_for(*, sheet: Sheet) -> Report:
    """The sheet's report, created with the usual addressees the first time."""
    report = Report.objects.filter(sheet=sheet).first()
    if report is not None:
        return report
    bloc_year = (
        BlocYear.objects.filter(bloc=sheet.rubric.bloc, year=sheet.rubric.year)
        .select_related("leader")
        .first()
    )
    leader = bloc_year.leader.name if bloc_year and bloc_year.leader else "Khối trưởng Khối thi đua"
    report = Report(sheet=sheet, recipients=f"{leader} (Khối trưởng {sheet.rubric.bloc.name})")
    report.subject = report.default_subject()
    report.distribution = "\n".join(
        ["Như trên;", "Sở Nội vụ;", "Ban Thi đua - Khen thưởng tỉnh;", f"Lưu: VT, {sheet.agency.symbol}."]
    )
    report.save()
    return report


@sensitive_variables("p12", "passphrase")
def report_sign(*, report: Report, p12: bytes, passphrase: bytes, by) -> Report:
    """Sign the report (and the sheet attached to it) with the head's certificate, then submit the sheet.

    The certificate is used for this signing only; a failure at any step changes nothing.
    """
    # atomic as a block, not a decorator: the decorator's frame would show the passphrase on an error page.
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
        if not sheet.is_editable:
            raise SheetLocked(sheet.get_status_display())
        signed = signing.sign_document(
            lambda: report_pdf_with_signature_box(report),
            p12=p12,
            passphrase=passphrase,
            fallback_name=sheet.agency.head_name,
            reason=f"Ký Báo cáo số {report.reference}",
            location=sheet.agency.place,
        )
        _store_and_submit(report, sheet, signed.pdf, signer_name=signed.signer_name, by=by)
        return report


def _store_and_submit(report: Report, sheet: Sheet, signed: bytes, *, signer_name: str, by) -> None:
    """Keep the signed file, record who signed, submit the sheet; a failure leaves no file behind."""
    with kept(report.signed_pdf, f"bao-cao-{report.pk}.pdf", signed) as stored:
        report.signed_pdf.name = stored
        report.signed_at = timezone.now()
        report.signed_by = by
        report.signer_name = signer_name
        report.save()
        sheet_submit(sheet=sheet, base_version=sheet.version, by=by)


def report_issue_for_signing(*, report: Report) -> bytes:
    """The copy to sign in another program: the report's PDF with an empty field in its signature block.

    Its digest and size are recorded, so that only this copy, signed, is accepted back (`external`)."""
    html = report_html(report)
    pdf, page, box = pdf_with_signature_box(html)
    issued = signing.with_signature_field(pdf, box=box, page=page)
    Report.objects.filter(pk=report.pk).update(  # not save(): editing the report is what updated_at tells
        issued_sha256=external.digest(issued),
        issued_content_sha256=external.digest(html.encode()),
        issued_size=len(issued),
        issued_at=timezone.now(),
    )
    return issued


def report_accept_signed(*, report: Report, data: bytes, trust_roots: list, by) -> external.Accepted:
    """Take the report signed elsewhere as the signed report, then submit the sheet, as signing here does.

    Refused (SignedUploadRefused) unless `external.check_signed_upload` accepts it; nothing is kept then."""
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
        if not sheet.is_editable:
            raise SheetLocked(sheet.get_status_display())
        report = Report.objects.select_related("sheet__agency").get(pk=report.pk)
        accepted = external.check_signed_upload(data, report=report, trust_roots=trust_roots)
        report.signed_elsewhere = True
        _store_and_submit(report, sheet, data, signer_name=accepted.signer_name, by=by)
        return accepted


class CountersignRefused(Exception):
    """The message says why, in Vietnamese."""


class AlreadyCountersigned(CountersignRefused):
    def __init__(self):
        super().__init__("Báo cáo này đã được ký xác nhận.")


def _countersignable(signed: bytes) -> verification.ValidationResult:
    """The received file's own check, refused unless another signature can be added without harm."""
    received = verification.validate_pdf(signed)
    if received.verdict not in ("trusted", "intact_untrusted"):
        raise CountersignRefused(
            "Không ký xác nhận: tệp báo cáo đã nhận không còn nguyên vẹn như lúc đơn vị ký (xem kiểm tra"
            " chữ ký)."
        )
    if verification.forbids_changes(signed):
        raise CountersignRefused(
            "Không ký xác nhận được: đơn vị đã ký chứng nhận tệp báo cáo ở mức không cho phép thay đổi,"
            " nên mọi chữ ký thêm vào sẽ làm hỏng chữ ký của đơn vị. Hãy đề nghị đơn vị ký lại báo cáo"
            " không khóa tệp."
        )
    return received


def _check_countersigned(countersigned: bytes, *, received) -> None:
    """Stored only when every signature, the head's and this one, still verifies in the result."""
    after = verification.validate_pdf(countersigned)
    if (
        after.verdict not in ("trusted", "intact_untrusted")
        or len(after.signatures) != len(received.signatures) + 1
    ):
        raise CountersignRefused(
            "Không ký xác nhận được: tệp sau khi ký xác nhận không giữ nguyên được chữ ký của đơn vị (kiểm"
            " tra chữ ký không đạt). Tệp báo cáo giữ nguyên."
        )


@sensitive_variables("p12", "passphrase", "signer")
def report_countersign(*, report: Report, p12: bytes, passphrase: bytes, by, on_behalf_of: str) -> Report:
    """Add the reviewing agency's signature to a received report, as an incremental update (the head's
    signature stays valid); the certificate is used for this signing only."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("sheet__agency").get(pk=report.pk)
        if report.countersigned_at is not None or not report.signed_pdf:
            raise AlreadyCountersigned()
        with report.signed_pdf.open("rb") as handle:
            signed = handle.read()
        received = _countersignable(signed)
        signer = signing.load_signer(p12, passphrase)
        signer_name = signing.name_of(signer, by.get_full_name())
        try:
            countersigned = signing.countersign_pdf(
                signed,
                signer,
                signer_name=signer_name,
                reason=f"{on_behalf_of} ký xác nhận Báo cáo số {report.reference}",
                location=report.sheet.agency.place,
            )
        except (PdfSigningError, PdfError) as exc:
            raise CountersignRefused(
                "Không ký xác nhận được: phần mềm ký không thêm được chữ ký vào tệp báo cáo này (tệp không"
                " cho phép thêm chữ ký hoặc có cấu trúc không hỗ trợ). Tệp báo cáo giữ nguyên."
            ) from exc
        _check_countersigned(countersigned, received=received)
        old = report.signed_pdf.name
        with kept(report.signed_pdf, f"bao-cao-{report.pk}.pdf", countersigned) as stored:
            # a conditional update: of two people counter-signing at once, one only is kept
            changed = Report.objects.filter(
                pk=report.pk, countersigned_at__isnull=True, signed_pdf=old
            ).update(
                signed_pdf=stored,
                countersigned_at=timezone.now(),
                countersigned_by=by,
                countersigner_name=signer_name,
            )
            if not changed:
                raise AlreadyCountersigned()
        # the new file holds the old one whole (the head's signature with it): the old copy goes
        transaction.on_commit(lambda: report.signed_pdf.storage.delete(old), robust=True)
        report.refresh_from_db()
        return report
