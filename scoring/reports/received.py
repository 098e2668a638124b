"""The reports a bloc and the province receive, as their pages show them: the verdict found when each file
arrived (never re-validated on a page load), whether the file is the report of the sheet's current
submission and prints its totals, which signature is the agency's and which the app's own counter-signature,
and the files set aside by a later submission."""

from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from ..models import Report, Sheet, SheetSnapshot
from ..signing.external import digest
from . import services

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
UNKNOWN = ("warning", "Chưa kiểm tra được chữ ký.")


def listed(reports: QuerySet[Report]) -> QuerySet[Report]:
    latest = SheetSnapshot.objects.filter(sheet=OuterRef("sheet")).order_by("-pk").values("pk")[:1]
    return (
        reports.select_related("sheet__agency", "sheet__rubric__bloc", "snapshot")
        .prefetch_related("superseded")
        .annotate(latest_snapshot=Subquery(latest))
        .order_by("-sheet__rubric__year", "sheet__agency__name")
    )


def row(report: Report) -> dict:
    if not _as_checked(report):  # a file from before verdicts were kept, or changed since: checked again now
        report = _checked(report)
    current = (
        report.sheet.status in (Sheet.Status.SUBMITTED, Sheet.Status.ACCEPTED)
        and report.snapshot_id is not None
        and report.snapshot_id == report.latest_snapshot
    )
    tone, verdict = VERDICTS.get(report.verdict, UNKNOWN)
    return {
        "report": report,
        "tone": tone,
        "verdict": verdict,
        "signatures": signatures(report),
        "current": current,
        "prints_submitted": current and _prints_submitted(report),
        "superseded": list(report.superseded.all()),
    }


def signatures(report) -> list[dict]:
    """Each signature as checked on arrival; only the one the app added, in the field and with the
    certificate it recorded, is the reviewing agency's "ký xác nhận"."""
    found = []
    for index, info in enumerate(report.signatures):
        countersign = bool(report.countersign_field) and (
            info["field"] == report.countersign_field
            and info.get("fingerprint", "") == report.countersign_fingerprint
        )
        role = "countersign" if countersign else ("agency" if index == 0 else "other")
        tone, verdict = VERDICTS.get(info["verdict"], UNKNOWN)
        found.append({**info, "role": role, "tone": tone, "verdict": verdict})
    return found


def _prints_submitted(report) -> bool:
    """The totals printed on the signed file are those of the submission it is the report of."""
    data = report.snapshot.data if report.snapshot else {}
    if report.printed_points is None or "total_points" not in data:
        return False
    return (report.printed_points, report.printed_bonus) == (
        Decimal(data["total_points"]),
        Decimal(data["total_bonus"]),
    )


def _as_checked(report: Report) -> bool:
    """The stored file is the one whose signatures were checked (a digest: nothing is validated)."""
    with report.signed_pdf.open("rb") as handle:
        return bool(report.checked_sha256) and digest(handle.read()) == report.checked_sha256


def _checked(report: Report) -> Report:
    checked = services.report_recheck(report=report)
    report.verdict, report.signatures, report.checked_at = (
        checked.verdict,
        checked.signatures,
        checked.checked_at,
    )
    return report
