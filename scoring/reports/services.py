"""The agency's year-end report: created with the usual addressees, signed with the head's certificate."""

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.general import SigningError as PdfSigningError

from .. import signing
from ..exports.pdf import pdf_with_signature_box, report_html, report_pdf_with_signature_box
from ..files import kept
from ..models import BlocYear, Report, Sheet, SheetSnapshot, SheetTransition, SupersededReport
from ..sheets.queries import sheet_view
from ..sheets.services import SheetLocked, raise_stale, sheet_submit
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
def report_sign(*, report: Report, p12: bytes, passphrase: bytes, base_version: int, by) -> Report:
    """Sign the report (and the sheet attached to it) with the head's certificate, then submit the sheet.

    `base_version` is the sheet the head reviewed before signing: if a colleague saved since, SheetConflict
    names the changes and nothing is signed. The certificate is used for this signing only; a failure at any
    step changes nothing.
    """
    # atomic as a block, not a decorator: the decorator's frame would show the passphrase on an error page.
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
        if not sheet.is_editable:
            raise SheetLocked(sheet.get_status_display())
        if sheet.version != base_version:
            raise_stale(sheet, base_version)
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


def _store_and_submit(
    report: Report, sheet: Sheet, signed: bytes, *, signer_name: str, elsewhere: bool = False, by
) -> None:
    """Keep the signed file as the report of this submission, submit the sheet, and set aside the file signed
    for the one before (the sheet was returned since); a failure leaves no file behind."""
    printed = sheet_view(sheet).grand_total  # what the file prints: the sheet as it is submitted now
    earlier = _set_aside(report, by=by)
    with kept(report.signed_pdf, f"bao-cao-{report.pk}.pdf", signed) as stored:
        report.signed_pdf.name = stored
        report.signed_at = timezone.now()
        report.signed_by = by
        report.signer_name, report.signed_elsewhere = signer_name, elsewhere
        report.printed_points, report.printed_bonus = printed.points, printed.bonus
        report.countersigned_at, report.countersigned_by, report.countersigner_name = None, None, ""
        report.countersign_field = report.countersign_fingerprint = ""
        _record_check(report, signed)
        sheet = sheet_submit(sheet=sheet, base_version=sheet.version, by=by)
        report.snapshot = SheetSnapshot.objects.filter(sheet=sheet, version=sheet.version).latest("pk")
        report.save()
        if earlier is not None:
            earlier.save()


def _set_aside(report: Report, *, by) -> SupersededReport | None:
    """The file signed for the submission before this one, as a superseded report (saved by the caller once
    the new one is kept), with the return that set it aside; None on the first submission."""
    if not report.signed_pdf:
        return None
    returned = (
        SheetTransition.objects.filter(sheet_id=report.sheet_id, to_status=Sheet.Status.RETURNED)
        .order_by("-at", "-pk")
        .first()
    )
    reason = "Đơn vị ký lại báo cáo cho lần nộp mới."
    if returned is not None:
        reason = (
            f"Khối trưởng trả lại bảng chấm điểm lúc {timezone.localtime(returned.at):%d/%m/%Y %H:%M}"
            + (f" ({returned.reason.strip()})" if returned.reason.strip() else "")
            + "; đơn vị đã sửa và ký lại báo cáo cho lần nộp mới."
        )
    return SupersededReport(
        report=report,
        signed_pdf=report.signed_pdf.name,
        signed_at=report.signed_at,
        signer_name=report.signer_name,
        signed_elsewhere=report.signed_elsewhere,
        snapshot=report.snapshot,
        printed_points=report.printed_points,
        printed_bonus=report.printed_bonus,
        verdict=report.verdict,
        signatures=report.signatures,
        superseded_by=by,
        reason=reason,
    )


CHECK_FIELDS = ["verdict", "signatures", "checked_at", "checked_sha256"]


def _record_check(report: Report, data: bytes) -> None:
    """Validate the file once, as it arrives: what pages show of its signatures is what was found now.

    Certificates are judged at the time the app received the file's last signature (its own clock, as a
    timestamp would): one that runs out afterwards does not undo the signature when it is checked again."""
    arrived = report.countersigned_at or report.signed_at or timezone.now()
    result = verification.validate_pdf(data, trusted_certs=verification.trusted_roots(), at=arrived)
    report.verdict = result.verdict
    report.signatures = [
        {
            "field": info.field_name,
            "signer": info.signer_common_name or "",
            "time": info.signing_time.isoformat() if info.signing_time else None,
            "verdict": verdict,
            "fingerprint": info.certificate_sha256 or "",
        }
        for info, verdict in zip(result.signatures, result.verdicts(), strict=True)
    ]
    report.checked_at, report.checked_sha256 = timezone.now(), external.digest(data)


def report_recheck(*, report: Report) -> Report:
    """Validate the stored file again (on demand, or from the scheduled command) and keep what is found."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.signed_pdf:
            with report.signed_pdf.open("rb") as handle:
                _record_check(report, handle.read())
            report.save(update_fields=CHECK_FIELDS)
        return report


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


def report_accept_signed(
    *, report: Report, data: bytes, trust_roots: list, base_version: int, by
) -> external.Accepted:
    """Take the report signed elsewhere as the signed report, then submit the sheet, as signing here does.

    Refused (SignedUploadRefused) unless `external.check_signed_upload` accepts it; nothing is kept then."""
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
        if not sheet.is_editable:
            raise SheetLocked(sheet.get_status_display())
        if sheet.version != base_version:
            raise_stale(sheet, base_version)
        report = Report.objects.select_related("sheet__agency").get(pk=report.pk)
        accepted = external.check_signed_upload(data, report=report, trust_roots=trust_roots)
        _store_and_submit(report, sheet, data, signer_name=accepted.signer_name, elsewhere=True, by=by)
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


def _check_countersigned(countersigned: bytes, *, received) -> verification.SignatureInfo:
    """Stored only when every signature, the head's and this one, still verifies in the result; the one
    added is returned."""
    after = verification.validate_pdf(countersigned)
    if (
        after.verdict not in ("trusted", "intact_untrusted")
        or len(after.signatures) != len(received.signatures) + 1
    ):
        raise CountersignRefused(
            "Không ký xác nhận được: tệp sau khi ký xác nhận không giữ nguyên được chữ ký của đơn vị (kiểm"
            " tra chữ ký không đạt). Tệp báo cáo giữ nguyên."
        )
    return after.signatures[-1]


def is_current(report: Report) -> bool:
    """Whether the signed file is the report of the sheet's current submission: the sheet is with the bloc
    (submitted or accepted) and the file was signed for its latest submission."""
    sheet = report.sheet
    if not report.signed_pdf or sheet.status not in (Sheet.Status.SUBMITTED, Sheet.Status.ACCEPTED):
        return False
    latest = SheetSnapshot.objects.filter(sheet=sheet).order_by("-pk").values_list("pk", flat=True).first()
    return report.snapshot_id is not None and report.snapshot_id == latest


@sensitive_variables("p12", "passphrase", "signer")
def report_countersign(*, report: Report, p12: bytes, passphrase: bytes, by, on_behalf_of: str) -> Report:
    """Add the reviewing agency's signature to a received report, as an incremental update (the head's
    signature stays valid); the certificate is used for this signing only."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("sheet__agency").get(pk=report.pk)
        if report.countersigned_at is not None or not report.signed_pdf:
            raise AlreadyCountersigned()
        if not is_current(report):
            raise CountersignRefused(
                "Không ký xác nhận: bảng chấm điểm đã bị trả lại cho đơn vị, nên báo cáo đã ký này không còn là"
                " báo cáo của lần nộp hiện tại. Đơn vị sẽ ký lại báo cáo khi nộp lại."
            )
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
        added = _check_countersigned(countersigned, received=received)
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
                countersign_field=added.field_name,
                countersign_fingerprint=added.certificate_sha256 or "",
            )
            if not changed:
                raise AlreadyCountersigned()
            report.refresh_from_db()
            _record_check(report, countersigned)
            report.save(update_fields=CHECK_FIELDS)
        # the new file holds the old one whole (the head's signature with it): the old copy goes
        transaction.on_commit(lambda: report.signed_pdf.storage.delete(old), robust=True)
        report.refresh_from_db()
        return report
