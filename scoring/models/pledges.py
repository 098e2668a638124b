"""Pledges at the start of the year: the titles each agency registers for, and the bloc's giao ước."""

from django.conf import settings
from django.db import models

from .agencies import Agency, BlocYear


class AwardTitleQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)

    def pledged_for(self, sheet):
        """What the sheet's agency registered for the sheet's year (its pledge as sent), in catalogue order."""
        return self.filter(
            pledges__agency_id=sheet.agency_id,
            pledges__bloc_year__year=sheet.rubric.year,
            pledges__status="submitted",
        ).order_by("position", "name")

    def offered(self):
        """What an agency may register for: the titles in use, in the catalogue's order."""
        return self.filter(is_active=True).order_by("position", "name")


class AwardTitle(models.Model):
    """A title or award for collectives, from the catalogue the province keeps (the decrees change them)."""

    class Kind(models.TextChoices):
        TITLE = "title", "Danh hiệu thi đua"
        AWARD = "award", "Hình thức khen thưởng"

    name = models.CharField("tên", max_length=200, unique=True)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.TITLE)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField(
        "đang dùng", default=True, help_text="Bỏ chọn để không cho đăng ký nữa; các đăng ký cũ vẫn giữ."
    )

    objects = AwardTitleQuerySet.as_manager()

    class Meta:
        verbose_name = "danh hiệu, hình thức khen thưởng"
        verbose_name_plural = "danh mục danh hiệu, hình thức khen thưởng"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


def signed_covenant_path(instance, filename: str) -> str:
    return f"covenants/{instance.bloc_year.bloc.code}/{instance.bloc_year.year}-{instance.pk}.pdf"


class Covenant(models.Model):
    """The bloc's giao ước thi đua for a year: the registration deadline, the document's number and date,
    and, once the leader's head has signed it, the signed PDF."""

    bloc_year = models.OneToOneField(BlocYear, on_delete=models.CASCADE, related_name="covenant")
    deadline = models.DateField("hạn đăng ký", null=True, blank=True)
    number = models.CharField("số", max_length=20, blank=True, help_text="Chỉ phần số, ví dụ 01")
    issued_on = models.DateField("ngày giao ước", null=True, blank=True)
    signed_pdf = models.FileField(
        "giao ước đã ký", upload_to=signed_covenant_path, blank=True, max_length=200
    )
    signed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("người ký (theo chứng thư)", max_length=200, blank=True)

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"

    def __str__(self):
        return f"Giao ước thi đua {self.bloc_year}"

    @property
    def reference(self) -> str:
        """ "01/GƯ-TMTH", or "…/GƯ-TMTH" while it has no number."""
        return f"{self.number or '…'}/GƯ-{self.bloc_year.bloc.code}"


class Pledge(models.Model):
    """An agency's đăng ký thi đua for a bloc-year: the titles it aims for and what it commits to."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        SUBMITTED = "submitted", "Đã đăng ký"

    bloc_year = models.ForeignKey(BlocYear, on_delete=models.CASCADE, related_name="pledges")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pledges")
    titles = models.ManyToManyField(AwardTitle, related_name="pledges", verbose_name="danh hiệu đăng ký")
    commitments = models.TextField(
        "nội dung giao ước", blank=True, help_text="Mỗi dòng một nội dung cơ quan cam kết thực hiện"
    )
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("đăng ký lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "agency"], name="scoring_one_pledge_per_bloc_year")
        ]

    def __str__(self):
        return f"Đăng ký thi đua {self.bloc_year.year} – {self.agency}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def commitment_lines(self) -> list[str]:
        return [line.strip().lstrip("-–• ").strip() for line in self.commitments.splitlines() if line.strip()]
