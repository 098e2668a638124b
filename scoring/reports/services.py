"""The agency's year-end report: created with the usual addressees, signed with the head's certificate."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from ..evidence.services import store
from ..exports.pdf import report_pdf_with_signature_box
from ..models import BlocYear, Report, Sheet
from ..sheets.services import SheetLocked, sheet_submit
from . import signing


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


@sensitive_variables("p12", "passphrase", "signer")
def report_sign(*, report: Report, p12: bytes, passphrase: bytes, by) -> Report:
    """Sign the report (and the sheet attached to it) with the head's certificate, then submit the sheet.

    The certificate is used for this signing only; a failure at any step changes nothing.
    """
    # atomic as a block, not a decorator: the decorator's frame would show the passphrase on an error page.
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
        if not sheet.is_editable:
            raise SheetLocked(sheet.get_status_display())
        signer = signing.load_signer(p12, passphrase)
        signer_name = signer.signing_cert.subject.native.get("common_name") or sheet.agency.head_name
        pdf, page, box = report_pdf_with_signature_box(report)
        signed = signing.sign_pdf(
            pdf,
            signer,
            box=box,
            page=page,
            signer_name=signer_name,
            reason=f"Ký Báo cáo số {report.reference}",
            location=sheet.agency.place,
        )
        name = report.signed_pdf.field.generate_filename(report, f"bao-cao-{report.pk}.pdf")
        stored = store(report.signed_pdf.storage, name, ContentFile(signed))
        report.signed_pdf.name = stored
        try:
            report.signed_at = timezone.now()
            report.signed_by = by
            report.signer_name = signer_name
            report.save()
            sheet_submit(sheet=sheet, base_version=sheet.version, by=by)
        except Exception:
            report.signed_pdf.storage.delete(stored)
            raise
        return report
