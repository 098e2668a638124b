"""A report signed in another program (a USB token's): is the file uploaded the report the app handed out?

The app hands out one copy to sign (`issued`: the report's PDF with an empty signature field) and records
its SHA-256 and size. The file that comes back is accepted only when it passes signing.external (a PDF
with one signature, which verifies, nothing added after it, chaining to the trust roots if set) and
- its first bytes are exactly the copy handed out, and neither the report nor the sheet it carries (scores,
  explanations, cited documents, pledged titles: the document's HTML) has changed since;
- its signature fills the empty field of the copy handed out (signing.external) and covers those bytes
  (the /ByteRange starts at 0 and runs past them), and what it signed differs from the copy handed out
  only by the signature itself (signing.external).
A program that rewrites the whole file instead of appending to it is refused: what it signed can no longer
be shown to be our report.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exports.pdf import report_html
from ..models import Report
from ..signing import external, verification
from ..signing.external import MAX_SIGNED_PDF_BYTES, SignedUploadRefused, digest  # noqa: F401 (the report's names)


@dataclass(frozen=True)
class Accepted:
    result: verification.ValidationResult
    signer_name: str


def check_signed_upload(data: bytes, *, report: Report, trust_roots: list) -> Accepted:
    """The checks above, in the order a person would fix them; SignedUploadRefused at the first that fails."""
    result = external.verified(data, trust_roots=trust_roots)
    _check_it_is_the_issued_copy(data, report=report, result=result)
    external.check_trusted(result, trust_roots=trust_roots)
    first = result.signatures[0]
    return Accepted(result=result, signer_name=first.signer_common_name or report.sheet.agency.head_name)


def _check_it_is_the_issued_copy(
    data: bytes, *, report: Report, result: verification.ValidationResult
) -> None:
    first = result.signatures[0]
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
    external.check_signed_into(result, field=external.issued_field(data[:size]))
    start, before_signature = (first.byte_range or (None, 0))[:2]
    if start != 0 or before_signature < size:
        raise SignedUploadRefused(
            "not_covered", "Chữ ký số đầu tiên không phủ nội dung báo cáo đã tải về, nên không nhận tệp này."
        )
    external.check_only_the_signature_was_added(data, issued_size=size, first=first)
