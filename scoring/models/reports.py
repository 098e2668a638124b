"""The agency's year-end report (Báo cáo tổng kết công tác thi đua, khen thưởng), which carries the sheet."""

from django.conf import settings
from django.db import models

from .base import AppendOnlyModel
from .sheets import Sheet, SheetSnapshot


def signed_report_path(instance, filename: str) -> str:
    return f"reports/{instance.sheet.agency.code}/{instance.sheet.rubric.year}-{instance.sheet.pk}-{instance.pk}.pdf"


class Report(models.Model):
    """Narrative sections are written in a small markup: paragraphs, **bold**, *italics*, "- " lists."""

    sheet = models.OneToOneField(Sheet, on_delete=models.CASCADE, related_name="report")
    number = models.CharField("số", max_length=20, blank=True, help_text="Chỉ phần số, ví dụ 25")
    issued_on = models.DateField("ngày báo cáo", null=True, blank=True)
    recipients = models.TextField(
        "kính gửi", blank=True, help_text="Mỗi dòng một nơi, ví dụ Thanh tra tỉnh (Khối trưởng Khối thi đua)"
    )
    distribution = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi")
    subject = models.CharField("trích yếu", max_length=300, blank=True)
    situation = models.TextField("I. Đặc điểm, tình hình", blank=True)
    results = models.TextField("II. Kết quả thực hiện", blank=True)
    assessment = models.TextField("III. Đánh giá chung", blank=True)
    plans = models.TextField("Phương hướng, nhiệm vụ năm sau", blank=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    signed_pdf = models.FileField("báo cáo đã ký", upload_to=signed_report_path, blank=True, max_length=200)
    signed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("người ký (theo chứng thư)", max_length=200, blank=True)
    signed_elsewhere = models.BooleanField("ký bằng phần mềm khác", default=False)
    # The copy handed out to be signed with another program (a USB token): a signed file is accepted only
    # when its first revision is these very bytes, and only while what it shows has not changed since: the
    # report, and the scores, explanations, cited documents and pledged titles of the sheet it carries
    # (`issued_content_sha256`: the digest of the document's HTML, which holds all of them).
    issued_sha256 = models.CharField("SHA-256 bản để ký", max_length=64, blank=True)
    issued_content_sha256 = models.CharField("SHA-256 nội dung bản để ký", max_length=64, blank=True)
    issued_size = models.PositiveIntegerField("cỡ bản để ký (byte)", null=True, blank=True)
    issued_at = models.DateTimeField("tải bản để ký lúc", null=True, blank=True)
    countersigned_at = models.DateTimeField("ký xác nhận lúc", null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigner_name = models.CharField("người ký xác nhận (theo chứng thư)", max_length=200, blank=True)
    # The app's own counter-signature, as it added it: only the signature in this field, by this certificate,
    # is the reviewing agency's "ký xác nhận"; any other is the agency's own.
    countersign_field = models.CharField("trường chữ ký xác nhận", max_length=100, blank=True)
    countersign_fingerprint = models.CharField("SHA-256 chứng thư ký xác nhận", max_length=64, blank=True)
    # What the signed file certifies: the submission it was signed for, and the totals it prints.
    snapshot = models.ForeignKey(
        SheetSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lần nộp",
    )
    printed_points = models.DecimalField(
        "tổng điểm in trên bản ký", max_digits=7, decimal_places=2, null=True
    )
    printed_bonus = models.DecimalField(
        "tổng điểm thưởng in trên bản ký", max_digits=7, decimal_places=2, null=True
    )
    # The file is validated once, when it arrives (and again on demand): pages show what was found then.
    verdict = models.CharField("kết quả kiểm tra chữ ký", max_length=20, blank=True)
    signatures = models.JSONField("các chữ ký (lúc kiểm tra)", default=list, blank=True)
    checked_at = models.DateTimeField("kiểm tra chữ ký lúc", null=True, blank=True)
    checked_sha256 = models.CharField("SHA-256 tệp đã kiểm tra", max_length=64, blank=True)

    class Meta:
        verbose_name = "báo cáo tổng kết"
        verbose_name_plural = "báo cáo tổng kết"

    def __str__(self):
        return f"Báo cáo {self.reference} – {self.sheet.agency}"

    @property
    def reference(self) -> str:
        """ "25/BC-VP", or "…/BC-VP" while it has no number."""
        return f"{self.number or '…'}/BC-{self.sheet.agency.symbol}"

    def default_subject(self) -> str:
        return self.sheet.rubric.round_kind.report_subject(self.sheet.rubric.year)


def superseded_report_path(instance, filename: str) -> str:
    report = instance.report
    return (
        f"reports/{report.sheet.agency.code}/{report.sheet.rubric.year}-{report.sheet_id}-{report.pk}-cu.pdf"
    )


class SupersededReport(AppendOnlyModel):
    """A signed report that no longer counts: the sheet was returned and signed again. Kept, never
    counter-signed, with why it was set aside."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="superseded")
    signed_pdf = models.FileField("báo cáo đã ký", upload_to=superseded_report_path, max_length=200)
    signed_at = models.DateTimeField("ký lúc", null=True)
    signer_name = models.CharField("người ký (theo chứng thư)", max_length=200, blank=True)
    signed_elsewhere = models.BooleanField("ký bằng phần mềm khác", default=False)
    snapshot = models.ForeignKey(
        SheetSnapshot, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="lần nộp"
    )
    printed_points = models.DecimalField(
        "tổng điểm in trên bản ký", max_digits=7, decimal_places=2, null=True
    )
    printed_bonus = models.DecimalField(
        "tổng điểm thưởng in trên bản ký", max_digits=7, decimal_places=2, null=True
    )
    verdict = models.CharField("kết quả kiểm tra chữ ký", max_length=20, blank=True)
    signatures = models.JSONField("các chữ ký (lúc kiểm tra)", default=list, blank=True)
    superseded_at = models.DateTimeField("thay thế lúc", auto_now_add=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người ký lại",
    )
    reason = models.TextField("vì sao thay thế")

    class Meta:
        verbose_name = "báo cáo đã ký bị thay thế"
        verbose_name_plural = "báo cáo đã ký bị thay thế"
        ordering = ["report", "-superseded_at", "-pk"]

    def __str__(self):
        return f"{self.report} – bản ký lúc {self.signed_at:%d/%m/%Y %H:%M} (đã thay thế)"
