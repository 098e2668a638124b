"""Pages for the documents: downloads of the Bảng chấm điểm, the report, signing, and receiving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET

from .. import signing
from ..accounts.access import (
    allowed,
    bloc_years_followed,
    bound_data,
    get_report_to_countersign,
    get_sheet_for_user,
    may_review,
    roles_of,
)
from ..accounts.security import log_event
from ..exports import report_pdf, sheet_pdf, sheet_xlsx
from ..files import PDF, XLSX, StorageFailed, download
from ..models import Report, Round, Sheet
from ..sheets.services import SheetLocked
from ..signing import verification
from . import external, services
from .forms import CountersignForm, ReportForm, SignedUploadForm, SignForm

VERDICTS = {
    "trusted": ("success", "Hợp lệ: tài liệu nguyên vẹn từ khi ký, chứng thư số tin cậy."),
    "intact_untrusted": (
        "success",
        "Chữ ký đúng, tài liệu nguyên vẹn từ khi ký (chứng thư số chưa thuộc danh sách tổ chức chứng thực tin cậy,"
        " hoặc chưa kiểm tra được chứng thư đã bị thu hồi hay chưa).",
    ),
    "expired": ("danger", "Không hợp lệ: chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực."),
    "revoked": ("danger", "Không hợp lệ: chứng thư số của người ký đã bị tổ chức chứng thực thu hồi."),
    "modified": ("danger", "Không hợp lệ: tài liệu đã bị thêm hoặc sửa sau khi ký."),
    "broken": ("danger", "Không hợp lệ: nội dung đã bị sửa sau khi ký."),
    "no_signature": ("warning", "Tài liệu không có chữ ký số."),
    "unreadable": ("danger", "Không đọc được tệp PDF."),
}


def _name(sheet: Sheet, kind: str, extension: str) -> str:
    suffix = Round.file_suffix(sheet.rubric.round)
    return f"{kind}-{sheet.rubric.year}{suffix}-{sheet.agency.code}.{extension}"


@login_required
@require_GET
def sheet_download(request, pk: int, fmt: str):
    sheet, _ = get_sheet_for_user(request, pk, "sheet.download")
    if fmt == "pdf":
        return download(sheet_pdf(sheet), _name(sheet, "bang-cham-diem", "pdf"), PDF)
    return download(sheet_xlsx(sheet), _name(sheet, "bang-cham-diem", "xlsx"), XLSX)


@login_required
def report_edit(request, pk: int):
    sheet, roles = get_sheet_for_user(request, pk, "report.view")
    report = (
        services.report_for(sheet=sheet)
        if allowed("sheet.edit", roles)
        else get_object_or_404(Report, sheet=sheet)
    )
    report.sheet = sheet  # loaded with its rubric, which the form's labels read
    editable = allowed("sheet.edit", roles, sheet) and not report.signed_pdf
    form = ReportForm(*bound_data(request)[:1], instance=report)
    if request.method == "POST":
        if not editable:
            messages.error(request, "Báo cáo đã ký hoặc bảng chấm điểm đã nộp: không sửa được.")
            return redirect("report_edit", pk=sheet.pk)
        if form.is_valid():
            form.save()
            messages.success(request, "Đã lưu báo cáo.")
            if request.POST.get("then") == "sign" and allowed("sheet.submit", roles, sheet):
                return redirect("report_sign", pk=sheet.pk)
            return redirect("report_edit", pk=sheet.pk)
        messages.error(request, "Chưa lưu: có ô cần sửa (tô đỏ bên dưới).")
    return render(
        request,
        "scoring/report_edit.html",
        {
            "sheet": sheet,
            "report": report,
            "form": form,
            "editable": editable,
            "can_sign": allowed("sheet.submit", roles, sheet) and not report.signed_pdf,
        },
    )


@login_required
@require_GET
def report_download(request, pk: int):
    sheet, _ = get_sheet_for_user(request, pk, "report.view")
    report = get_object_or_404(Report, sheet=sheet)
    if report.signed_pdf:
        return _signed_file(report)
    return download(report_pdf(report), _name(sheet, "bao-cao-chua-ky", "pdf"), PDF)


def _signed_file(report: Report) -> HttpResponseBase:
    return download(report.signed_pdf.open("rb"), _name(report.sheet, "bao-cao-da-ky", "pdf"), PDF)


@sensitive_post_parameters("passphrase")
@sensitive_variables("form")
@login_required
def report_sign(request, pk: int):
    sheet, _ = get_sheet_for_user(request, pk, "sheet.submit")
    report = get_object_or_404(Report, sheet=sheet)
    if not sheet.is_editable or report.signed_pdf:
        messages.info(request, "Báo cáo đã được ký và nộp.")
        return redirect("report_edit", pk=sheet.pk)
    form = SignForm(*bound_data(request), reference=report.reference)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_sign(
                report=report,
                p12=form.cleaned_data["certificate"].read(),
                passphrase=form.cleaned_data["passphrase"].encode("utf-8"),
                by=request.user,
            )
        except signing.SigningError as exc:
            log_event("report_sign", request, outcome=f"refused_{exc.code}")
            form.add_error(None, str(exc))
        except StorageFailed as exc:  # nothing was signed nor submitted: the head tries again later
            form.add_error(None, exc)
        except SheetLocked:
            messages.info(request, "Bảng chấm điểm đã được nộp.")
            return redirect("sheet_detail", pk=sheet.pk)
        else:
            log_event("report_sign", request, outcome="signed")
            messages.success(request, "Đã ký số báo cáo và nộp bảng chấm điểm cho khối trưởng.")
            return redirect("report_edit", pk=sheet.pk)
    return render(request, "scoring/report_sign.html", {"sheet": sheet, "report": report, "form": form})


def _report_to_send(request, pk: int):
    """(sheet, report) while the head may still sign and send it; None once it is signed or submitted."""
    sheet, _ = get_sheet_for_user(request, pk, "sheet.submit")
    report = get_object_or_404(Report, sheet=sheet)
    if not sheet.is_editable or report.signed_pdf:
        messages.info(request, "Báo cáo đã được ký và nộp.")
        return sheet, None
    report.sheet = sheet  # fetched with its agency and rubric already
    return sheet, report


@login_required
@require_GET
def report_for_signing(request, pk: int):
    """The copy the head signs in another program (a USB token's), recorded so that only it comes back."""
    sheet, report = _report_to_send(request, pk)
    if report is None:
        return redirect("report_edit", pk=sheet.pk)
    issued = services.report_issue_for_signing(report=report)
    return download(issued, _name(sheet, "bao-cao-de-ky", "pdf"), PDF)


@login_required
def report_upload_signed(request, pk: int):
    sheet, report = _report_to_send(request, pk)
    if report is None:
        return redirect("report_edit", pk=sheet.pk)
    form = SignedUploadForm(*bound_data(request), reference=report.reference)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = services.report_accept_signed(
                report=report,
                data=form.cleaned_data["signed_pdf"].read(external.MAX_SIGNED_PDF_BYTES + 1),
                trust_roots=verification.trusted_roots(),
                by=request.user,
            )
        except external.SignedUploadRefused as exc:
            log_event("report_upload", request, outcome=f"refused_{exc.code}")
            form.add_error("signed_pdf", str(exc))
        except StorageFailed as exc:
            form.add_error(None, exc)
        except SheetLocked:
            messages.info(request, "Bảng chấm điểm đã được nộp.")
            return redirect("sheet_detail", pk=sheet.pk)
        else:
            log_event("report_upload", request, outcome="accepted")
            messages.success(
                request,
                f"Chữ ký số của {accepted.signer_name} hợp lệ: đã nhận báo cáo đã ký và nộp bảng chấm điểm cho"
                " khối trưởng.",
            )
            return redirect("report_edit", pk=sheet.pk)
    context = {"sheet": sheet, "report": report, "form": form, "max_mb": external.MAX_SIGNED_PDF_BYTES >> 20}
    return render(request, "scoring/report_upload.html", context)


@sensitive_post_parameters("passphrase")
@sensitive_variables("form")
@login_required
def report_countersign(request, pk: int):
    report, agency = get_report_to_countersign(request, pk)
    if report.countersigned_at is not None:
        messages.info(request, "Báo cáo này đã được ký xác nhận.")
        return redirect("received_reports")
    form = CountersignForm(*bound_data(request), reference=report.reference)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_countersign(
                report=report,
                p12=form.cleaned_data["certificate"].read(),
                passphrase=form.cleaned_data["passphrase"].encode("utf-8"),
                by=request.user,
                on_behalf_of=agency.name,
            )
        except (signing.SigningError, services.CountersignRefused) as exc:
            log_event("report_countersign", request, outcome=f"refused_{getattr(exc, 'code', 'file')}")
            form.add_error(None, str(exc))
        except StorageFailed as exc:
            form.add_error(None, exc)
        else:
            log_event("report_countersign", request, outcome="signed")
            messages.success(
                request, f"Đã ký xác nhận Báo cáo số {report.reference} của {report.sheet.agency.name}."
            )
            return redirect("received_reports")
    context = {"report": report, "agency": agency, "form": form}
    return render(request, "scoring/report_countersign.html", context)


# ---------------------------------------------------------------- the bloc leader receives


def _received(user) -> tuple:
    """(reports, bloc_years, roles): the signed reports the user receives, the bloc-years they come from.

    Every report is sent to the province (seed 001: "Sở Nội vụ; Ban Thi đua – Khen thưởng tỉnh"): its
    administrators receive them all, bloc-year or not (bloc_years None). A bloc's leader and deputy
    receive the reports of the sheets scored against the rubrics of the blocs they follow
    (accounts.access.bloc_years_followed); nobody else receives any."""
    roles = roles_of(user)
    signed = Report.objects.exclude(signed_pdf="")
    if roles.province_admin:
        return signed, None, roles
    bloc_years = bloc_years_followed(user, roles)
    if not bloc_years:
        return Report.objects.none(), [], roles
    match = Q()
    for bloc_year in bloc_years:
        match |= Q(sheet__rubric__bloc_id=bloc_year.bloc_id, sheet__rubric__year=bloc_year.year)
    return signed.filter(match), bloc_years, roles


@login_required
@require_GET
def received_reports(request):
    reports, bloc_years, roles = _received(request.user)
    if bloc_years == []:
        raise Http404
    year = request.GET.get("nam", "")
    if year.isascii() and year.isdigit():
        reports = reports.filter(sheet__rubric__year=int(year))
    reports = reports.select_related("sheet__agency", "sheet__rubric__bloc").order_by(
        "-sheet__rubric__year", "sheet__agency__name"
    )
    by_round = {(b.bloc_id, b.year): b for b in bloc_years or ()}
    roots = verification.trusted_roots()
    rows = []
    for report in reports:
        with report.signed_pdf.open("rb") as handle:
            result = verification.validate_pdf(handle.read(), trusted_certs=roots)
        tone, verdict = VERDICTS[result.verdict]
        signatures = [
            {"info": info, "tone": VERDICTS[v][0], "verdict": VERDICTS[v][1]}
            for info, v in zip(result.signatures, result.verdicts(), strict=True)
        ]
        bloc_year = by_round.get((report.sheet.rubric.bloc_id, report.sheet.rubric.year))
        may_countersign = (
            bloc_year is not None
            and report.countersigned_at is None
            and may_review(roles, report.sheet, bloc_year)
        )
        row = {"report": report, "tone": tone, "verdict": verdict, "signatures": signatures}
        rows.append({**row, "may_countersign": may_countersign})
    context = {"rows": rows, "bloc_years": bloc_years, "year": year if year.isdigit() else ""}
    return render(request, "scoring/received_reports.html", context)


@login_required
@require_GET
def received_report_file(request, report_pk: int):
    reports, _, _ = _received(request.user)
    report = get_object_or_404(reports.select_related("sheet__agency", "sheet__rubric"), pk=report_pk)
    return _signed_file(report)
