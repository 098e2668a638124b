"""A PDF signed in another program (a USB token's), appended to a copy the app handed out: the checks that do
not depend on which document it is. The report's own (reports/external.py) come on top.

A signing program appends the signature as an incremental update, leaving every byte before it as it was,
so a file is accepted only when
- it is a PDF with exactly one signature, which verifies (pyHanko), with nothing added after it: a second
  signature, even one pyHanko allows, could show anything over the page (its appearance is not checked);
- its certificate is within its validity dates, whatever the trust roots;
- that signature fills the empty field the copy handed out carries, not one it added elsewhere;
- what the signature signed differs from the copy handed out only by the signature itself (pyHanko's
  difference analysis, under policy.DIFF_POLICY, from the copy's last revision to the signature's: pyHanko
  checks only the revisions after a signature, so a page rewritten in the very revision that adds the
  signature would pass unseen);
- with trust roots configured (settings.SIGNING_TRUST_ROOTS), the signature chains to one of them and its
  certificate is shown not revoked (policy.validation_context).
"""

from __future__ import annotations

import hashlib
import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields

from . import policy, verification

MAX_SIGNED_PDF_BYTES = 20 * 1024 * 1024


class SignedUploadRefused(Exception):
    """``code`` names the reason for the security log; the message is what the head reads."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verified(data: bytes, *, trust_roots: list) -> verification.ValidationResult:
    """What pyHanko finds of a signed upload; SignedUploadRefused, in the order a person would fix it, if it
    is too large, no PDF, unsigned, broken or modified after its signing. Trust is `check_trusted`'s."""
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
    if len(result.signatures) > 1:
        raise SignedUploadRefused(
            "more_signatures",
            f"Tệp có {len(result.signatures)} chữ ký số: chỉ nhận bản để ký mang đúng một chữ ký số, của thủ"
            " trưởng, vào ô chữ ký của báo cáo. Hãy ký lại bản để ký vừa tải về, một lần, rồi tải lên.",
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
    _check_certificate(result.signatures[0])
    return result


def _check_certificate(signature: verification.SignatureInfo) -> None:
    if signature.expired:
        raise SignedUploadRefused(
            "certificate_expired",
            "Chứng thư số dùng để ký đã hết hạn hoặc chưa có hiệu lực: hãy ký bằng chứng thư số còn hiệu lực.",
        )
    if signature.revoked:
        raise SignedUploadRefused(
            "certificate_revoked",
            "Chứng thư số dùng để ký đã bị tổ chức chứng thực thu hồi: hãy ký bằng chứng thư số còn hiệu lực.",
        )


def issued_field(issued: bytes) -> str | None:
    """The name of the empty signature field the copy handed out carries (`with_signature_field`'s)."""
    try:
        reader = PdfFileReader(io.BytesIO(issued))
        empty = [name for name, value, _ in enumerate_sig_fields(reader) if value is None]
    except Exception:  # not a copy we made
        return None
    return empty[0] if len(empty) == 1 else None


def check_signed_into(result: verification.ValidationResult, *, field: str | None) -> None:
    """The one signature fills `field` (the copy's) and covers the whole file."""
    [signature] = result.signatures
    if field is None or signature.field_name != field or signature.coverage != "ENTIRE_FILE":
        raise SignedUploadRefused(
            "wrong_field",
            "Chữ ký số không nằm trong ô chữ ký của báo cáo (chương trình ký đã thêm một ô ký khác). Hãy chọn"
            " ký vào ô chữ ký có sẵn trong bản để ký, rồi tải lên.",
        )


def check_trusted(result: verification.ValidationResult, *, trust_roots: list) -> None:
    if trust_roots and not result.trusted:
        raise SignedUploadRefused(
            "untrusted",
            "Chứng thư số của chữ ký không do tổ chức chứng thực mà tỉnh tin cậy cấp (hoặc không kiểm tra được).",
        )


def check_only_the_signature_was_added(
    data: bytes, *, issued_size: int, first: verification.SignatureInfo
) -> None:
    """Between the copy handed out and the revision the first signature sits in (its /ByteRange ends with
    it), filling the signature field is the only change allowed."""
    signed_revision = data[: first.byte_range[2] + first.byte_range[3]]
    try:
        issued_revisions = PdfFileReader(io.BytesIO(data[:issued_size])).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(signed_revision))
        diff = policy.DIFF_POLICY.review_file(reader, issued_revisions - 1)
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
