"""A PDF signed in another program (a USB token's), appended to a copy the app handed out: the checks that do
not depend on which document it is. The report's own (reports/external.py) come on top.

A signing program appends the signature as an incremental update, leaving every byte before it as it was,
so a file is accepted only when
- it is a PDF whose every signature verifies (pyHanko), nothing added after the last one, changes between
  signatures only those pyHanko allows (another signature, form filling);
- what the first signature signed differs from the copy handed out only by the signature itself (pyHanko's
  difference analysis from the copy's last revision to the signature's: pyHanko checks only the revisions
  after a signature, so a page rewritten in the very revision that adds the signature would pass unseen);
- with trust roots configured (settings.SIGNING_TRUST_ROOTS), every signature chains to one of them.
"""

from __future__ import annotations

import hashlib
import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    ModificationLevel,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON

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
    if verdict == "broken":
        raise SignedUploadRefused(
            "broken",
            "Chữ ký số không hợp lệ: nội dung tệp không còn khớp với chữ ký (tệp đã bị sửa sau khi ký).",
        )
    if verdict == "modified":
        raise SignedUploadRefused(
            "modified", "Tệp đã bị thêm hoặc sửa sau khi ký: chỉ nhận tệp giữ nguyên như lúc ký xong."
        )
    return result


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
