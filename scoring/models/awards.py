"""The award dossier (hồ sơ đề nghị khen thưởng): the bloc leader's proposal of a year, and the province's
decisions on it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .agencies import Agency, BlocYear
from .evidence import Document


def signed_dossier_path(instance, filename: str) -> str:
    return f"awards/{instance.bloc_year.bloc.code}/{instance.bloc_year.year}-{instance.pk}.pdf"


class Dossier(models.Model):
    """One per bloc-year: prepared by the leader's reviewer, signed and sent to the province, then locked.

    `version` guards concurrent edits (SQLite has no SELECT … FOR UPDATE): every write bumps it where it
    still has the value the writer read."""

    bloc_year = models.OneToOneField(BlocYear, on_delete=models.PROTECT, related_name="dossier")
    number = models.CharField("số tờ trình", max_length=20, blank=True, help_text="Chỉ phần số, ví dụ 12")
    issued_on = models.DateField("ngày tờ trình", null=True, blank=True)
    recipients = models.TextField("kính gửi", blank=True, help_text="Mỗi dòng một nơi")
    distribution = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi")
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField("lập lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    signed_pdf = models.FileField("tờ trình đã ký", upload_to=signed_dossier_path, blank=True, max_length=200)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("người ký (theo chứng thư)", max_length=200, blank=True)

    class Meta:
        verbose_name = "hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "hồ sơ đề nghị khen thưởng"
        ordering = ["-bloc_year__year", "bloc_year__bloc__name"]

    def __str__(self):
        return f"Hồ sơ đề nghị khen thưởng – {self.bloc_year}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def reference(self) -> str:
        """ "12/TTr-TTR", or "…/TTr-TTR" while it has no number."""
        leader = self.bloc_year.leader
        return f"{self.number or '…'}/TTr-{leader.symbol if leader else 'KTĐ'}"


class DossierLine(models.Model):
    """A collective (an agency of the bloc, from the ranking) or an individual proposed for an award, and
    the province's decision on it."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", "Tập thể"
        INDIVIDUAL = "individual", "Cá nhân"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    full_name = models.CharField("họ và tên", max_length=100, blank=True)
    position = models.CharField("chức vụ", max_length=150, blank=True)
    achievement = models.TextField("thành tích", blank=True)
    award = models.CharField("hình thức đề nghị", max_length=200)
    rank = models.PositiveSmallIntegerField("hạng", null=True, blank=True)
    points = models.DecimalField("tổng điểm", max_digits=7, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    # the province's decision
    granted = models.BooleanField("được khen thưởng", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan quyết định", max_length=200, blank=True)
    decided_at = models.DateTimeField("ghi lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="văn bản"
    )

    class Meta:
        verbose_name = "dòng đề nghị khen thưởng"
        verbose_name_plural = "dòng đề nghị khen thưởng"
        ordering = ["dossier", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "agency"],
                condition=Q(kind="collective"),
                name="scoring_dossier_collective_once",
                violation_error_message="Tập thể này đã có trong hồ sơ.",
            ),
            models.CheckConstraint(
                condition=Q(kind="collective") | ~Q(full_name=""),
                name="scoring_dossier_individual_named",
                violation_error_message="Cá nhân cần có họ và tên.",
            ),
            models.CheckConstraint(
                condition=Q(granted__isnull=True) | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="scoring_dossier_decision_complete",
                violation_error_message="Quyết định cần có số và ngày.",
            ),
        ]

    def __str__(self):
        who = self.agency.name if self.kind == self.Kind.COLLECTIVE else self.full_name
        return f"{who} – {self.award}"

    @property
    def who(self) -> str:
        """How the decision and the list name the line."""
        if self.kind == self.Kind.COLLECTIVE:
            return f"tập thể {self.agency.name}"
        return f"{self.full_name}, {self.position}, {self.agency.name}" if self.position else self.full_name
