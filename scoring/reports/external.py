"""A report signed in another program (a USB token's): is the file uploaded the report the app handed out?

The app hands out one copy to sign (`issued`: the report's PDF with an empty signature field) and records
its SHA-256 and size. A signing program appends the signature as an incremental update, leaving every byte
before it as it was, so the file that comes back is accepted only when
- it is a PDF whose every signature verifies (pyHanko), nothing added after the last one, changes between
  signatures only those pyHanko allows (another signature, form filling);
- its first bytes are exactly the copy handed out, and neither the report nor the sheet it carries (scores,
  explanations, cited documents, pledged titles: the document's HTML) has changed since;
- its first signature covers those bytes (the /ByteRange starts at 0 and runs past them);
- what the first signature signed differs from the copy handed out only by the signature itself (pyHanko's
  difference analysis from the copy's last revision to the signature's: pyHanko checks only the revisions
  after a signature, so a page rewritten in the very revision that adds the signature would pass unseen);
- with trust roots configured (settings.SIGNING_TRUST_ROOTS), every signature chains to one of them.
A program that rewrites the whole file instead of appending to it is refused: what it signed can no longer
be shown to be our report.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    ModificationLevel,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON

from ..exports.pdf import report_html
from ..models import Report
from . import verification

MAX_SIGNED_PDF_BYTES = 20 * 1024 * 1024

# pyHanko's own rules, except that the first signature may raise /SigFlags (signatures exist, append only):
# pyHanko judges only what comes after a signature, when the flags are already up, never the signing itself.
SIGNING_DIFF_POLICY = StandardDiffPolicy(
    global_rules=DEFAULT_DIFF_POLICY.global_rules,
    form_rule=FormUpdatingRule(
        field_rules=DEFAULT_DIFF_POLICY.form_rule.field_rules,
        ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
    ),
)


class SignedUploadRefused(Exception):
    """``code`` names the reason for the security log; the message is what the head reads."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Accepted:
    result: verification.ValidationResult
    signer_name: str


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_signed_upload(data: bytes, *, report: Report, trust_roots: list) -> Accepted:
    """The checks above, in the order a person would fix them; SignedUploadRefused at the first that fails."""
    if len(data) > MAX_SIGNED_PDF_BYTES:
        raise SignedUploadRefused("too_large", too_large_message())
    if not data.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        raise SignedUploadRefused("not_pdf", "Tệp tải lên không phải là tệp PDF.")
    result = verification.validate_pdf(data, trusted_certs=trust_roots)
    verdict = result.verdict
    if verdict == "unreadable":
        raise SignedUploadRefused(
            "unreadable", "Không đọc được tệp PDF (tệp hỏng hoặc không đúng định dạng)."
        )
    if verdict == "no_signature":
        raise SignedUploadRefused(
            "no_signature", "Tệp PDF chưa có chữ ký số: hãy ký bản để ký bằng thiết bị ký số rồi tải lên."
        )
    if verdict == "broken":
        raise SignedUploadRefused(
            "broken",
            "Chữ ký số không hợp lệ: nội dung tệp không còn khớp với chữ ký (tệp đã bị sửa sau khi ký).",
        )
    if verdict == "modified":
        raise SignedUploadRefused(
            "modified", "Tệp đã bị thêm hoặc sửa sau khi ký: chỉ nhận tệp giữ nguyên như lúc ký xong."
        )
    _check_it_is_the_issued_copy(data, report=report, first=result.signatures[0])
    if trust_roots and not result.trusted:
        raise SignedUploadRefused(
            "untrusted",
            "Chứng thư số của chữ ký không do tổ chức chứng thực mà tỉnh tin cậy cấp (hoặc không kiểm tra được).",
        )
    first = result.signatures[0]
    return Accepted(result=result, signer_name=first.signer_common_name or report.sheet.agency.head_name)


def _check_it_is_the_issued_copy(data: bytes, *, report: Report, first: verification.SignatureInfo) -> None:
    size = report.issued_size
    if not report.issued_sha256 or size is None:
        raise SignedUploadRefused(
            "not_issued",
            "Chưa tải bản để ký của báo cáo này: hãy tải bản để ký, ký số rồi tải tệp đã ký lên.",
        )
    if report.issued_at is None or report.updated_at > report.issued_at:
        raise SignedUploadRefused(
            "edited_since",
            "Báo cáo đã được sửa sau khi tải bản để ký: hãy tải lại bản để ký, ký số rồi tải lên.",
        )
    if report.issued_content_sha256 != digest(report_html(report).encode()):
        raise SignedUploadRefused(
            "sheet_changed_since",
            "Bảng chấm điểm kèm theo báo cáo đã thay đổi sau khi tải bản để ký (điểm, giải trình, tài liệu "
            "kiểm chứng hoặc danh hiệu đăng ký): bản đã ký không còn đúng với số liệu. Hãy tải lại bản để ký, "
            "ký số rồi tải lên.",
        )
    if len(data) <= size or digest(data[:size]) != report.issued_sha256:
        raise SignedUploadRefused(
            "not_ours",
            f"Tệp đã ký không phải là bản để ký của Báo cáo số {report.reference} do phần mềm xuất ra (hoặc"
            " chương trình ký đã ghi lại cả tệp). Hãy ký đúng tệp đã tải về, không sửa, không lưu thành"
            " tệp mới, rồi tải lên.",
        )
    start, before_signature = (first.byte_range or (None, 0))[:2]
    if start != 0 or before_signature < size:
        raise SignedUploadRefused(
            "not_covered", "Chữ ký số đầu tiên không phủ nội dung báo cáo đã tải về, nên không nhận tệp này."
        )
    _check_only_the_signature_was_added(data, issued_size=size, first=first)


def _check_only_the_signature_was_added(
    data: bytes, *, issued_size: int, first: verification.SignatureInfo
) -> None:
    """Between the copy handed out and the revision the first signature sits in (its /ByteRange ends with
    it), filling the signature field is the only change allowed."""
    signed_revision = data[: first.byte_range[2] + first.byte_range[3]]
    try:
        issued_revisions = PdfFileReader(io.BytesIO(data[:issued_size])).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(signed_revision))
        diff = SIGNING_DIFF_POLICY.review_file(reader, issued_revisions - 1)
    except Exception:  # a structure pyHanko cannot compare is not shown to be our report
        diff = None
    if not isinstance(diff, DiffResult) or diff.modification_level > ModificationLevel.FORM_FILLING:
        raise SignedUploadRefused(
            "content_changed",
            "Tệp đã ký có nội dung khác bản tải về để ký: chương trình ký đã sửa nội dung báo cáo cùng lúc với"
            " việc ký. Hãy ký đúng tệp đã tải về, không sửa gì khác, rồi tải lên.",
        )


def too_large_message() -> str:
    return f"Tệp lớn hơn {MAX_SIGNED_PDF_BYTES // (1024 * 1024)} MB: một báo cáo đã ký không lớn như vậy."
