"""The evidence register: documents an agency cites, and which criterion cites which."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..notation import format_date
from .agencies import Agency
from .base import AppendOnlyModel
from .sheets import Score, SheetSnapshot


def evidence_path(instance, filename: str) -> str:
    """A generated name: the original name is kept as metadata only, never on disk."""
    return f"evidence/{instance.agency.code}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class DocumentFields(models.Model):
    """What a register entry says and the file it holds: the entry itself, and each of its versions."""

    class Kind(models.TextChoices):
        QUYET_DINH = "QĐ", "Quyết định"
        KE_HOACH = "KH", "Kế hoạch"
        BAO_CAO = "BC", "Báo cáo"
        CONG_VAN = "CV", "Công văn"
        THONG_BAO = "TB", "Thông báo"
        TO_TRINH = "TTr", "Tờ trình"
        CHI_THI = "CT", "Chỉ thị"
        NGHI_QUYET = "NQ", "Nghị quyết"
        KET_LUAN = "KL", "Kết luận"
        HUONG_DAN = "HD", "Hướng dẫn"
        CHUONG_TRINH = "CTr", "Chương trình"
        NGHI_DINH = "NĐ", "Nghị định"
        THONG_TU = "TT", "Thông tư"
        QUY_CHE = "QC", "Quy chế"
        KHAC = "khac", "Văn bản khác"

    kind = models.CharField("loại văn bản", max_length=5, choices=Kind.choices)
    number = models.CharField("số, ký hiệu", max_length=60, help_text="Ví dụ 495/KH-VP hoặc 274-KH/ĐU")
    issued_on = models.DateField("ngày ban hành", help_text="Ngày của văn bản, không phải ngày tải lên")
    issuer = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    subject = models.TextField("trích yếu", blank=True)
    file = models.FileField("tệp", upload_to=evidence_path, blank=True, max_length=200)
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    file_type = models.CharField("loại tệp", max_length=10, blank=True)
    file_size = models.PositiveIntegerField("dung lượng", null=True, blank=True)
    link = models.URLField("đường dẫn", blank=True, max_length=500)

    class Meta:
        abstract = True

    @property
    def citation(self) -> str:
        """ "Kế hoạch số 495/KH-VP ngày 29/3/2022", the way documents cite each other."""
        kind = self.get_kind_display() if self.kind != self.Kind.KHAC else "Văn bản"
        return f"{kind} số {self.number} ngày {format_date(self.issued_on)}"

    @property
    def inline(self) -> bool:
        """A PDF opens in the browser; other files are downloaded."""
        return self.file_type == "pdf"


class Document(DocumentFields):
    """One entry of an agency's evidence register: entered once, cited under as many criteria as needed.

    Its fields are its latest version; every version, this one included, is kept in DocumentVersion.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="documents", verbose_name="đơn vị"
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField("nhập lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number", "issued_on"], name="scoring_document_entered_once"
            )
        ]

    def __str__(self):
        return self.citation

    @property
    def document_ref(self) -> int:
        return self.pk


class DocumentVersion(AppendOnlyModel, DocumentFields):
    """A register entry as it was at one version: who saved it, when, and what changed from the one before.

    A submitted sheet's snapshot names the versions it cited (`snapshots`): those stay as they were, file
    included, whatever the agency edits later.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("phiên bản")
    recorded_at = models.DateTimeField("lúc", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField("thay đổi", default=list, blank=True)  # [label, old, new] from the one before
    snapshots = models.ManyToManyField(SheetSnapshot, related_name="document_versions", blank=True)

    class Meta:
        verbose_name = "phiên bản tài liệu kiểm chứng"
        verbose_name_plural = "phiên bản tài liệu kiểm chứng"
        ordering = ["document", "version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="scoring_document_version_once")
        ]

    def __str__(self):
        return f"{self.citation} (phiên bản {self.version})"

    @property
    def document_ref(self) -> int:
        return self.document_id


class Citation(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="citations")

    class Meta:
        verbose_name = "trích dẫn tài liệu"
        verbose_name_plural = "trích dẫn tài liệu"
        constraints = [
            models.UniqueConstraint(fields=["score", "document"], name="scoring_cite_once_per_score")
        ]

    def __str__(self):
        return f"{self.score} ← {self.document}"
