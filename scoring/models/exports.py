"""Exports that run as background jobs: who asked for which bloc's tables (or the province's table of a
year), how far the job is, its file."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .agencies import BlocYear
from .rounds import Round

PROVINCE_FOLDER = "tinh"  # exports/tinh/<year>/: the province's tables, beside the blocs' folders


def export_path(instance, filename: str) -> str:
    """A generated name under exports/, which no web server serves: only the app, after its access check."""
    if instance.bloc_year_id is None:
        folder = f"{PROVINCE_FOLDER}/{instance.year}"
    else:
        folder = f"{instance.bloc_year.bloc.code}/{instance.bloc_year.year}"
    return f"exports/{folder}/{uuid.uuid4().hex}.{instance.kind}"


class ExportJobQuerySet(models.QuerySet):
    def for_bloc_year(self, bloc_year: BlocYear, round: str = Round.YEAR_END):
        return self.filter(bloc_year=bloc_year, round=round).select_related("requested_by")

    def for_province(self, year: int):
        """The province's tables of `year` (all blocs), not any bloc's own."""
        return self.filter(bloc_year__isnull=True, year=year).select_related("requested_by")

    def unfinished(self):
        return self.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])

    def past_lease(self, now: datetime.datetime, lease: datetime.timedelta):
        """Running since before `now - lease`: its worker died (no export of ours takes that long)."""
        return self.filter(status=ExportJob.Status.RUNNING, started_at__lt=now - lease)

    def finished_before(self, moment: datetime.datetime):
        return self.filter(
            status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED], finished_at__lt=moment
        )


class ExportJob(models.Model):
    """One export asked for on a bloc's board (bloc_year) or on the province's desk (year, no bloc_year), run
    by the worker (`manage.py db_worker`)."""

    class Kind(models.TextChoices):
        BLOC_XLSX = "xlsx", "Bảng tổng hợp (Excel)"
        BLOC_PDF = "pdf", "Bảng tổng hợp (PDF)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tạo"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không tạo được"

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="export_jobs",
        verbose_name="khối thi đua theo năm",
    )
    # only the province's tables have it: a bloc's job takes its year from its bloc_year
    year = models.PositiveSmallIntegerField("năm (bảng toàn tỉnh)", null=True, blank=True)
    kind = models.CharField("loại tệp", max_length=10, choices=Kind.choices)
    # a bloc's tables are of one round of its year; the province's are of the year-end round
    round = models.CharField("vòng", max_length=4, choices=Round.choices, default=Round.YEAR_END)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    task_id = models.CharField("mã tác vụ", max_length=64, blank=True)
    file = models.FileField("tệp", upload_to=export_path, blank=True, max_length=200)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "tệp xuất"
        verbose_name_plural = "tệp xuất"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # a bloc's tables, or the province's tables of a year: exactly one of the two
            models.CheckConstraint(
                condition=Q(bloc_year__isnull=False, year__isnull=True)
                | Q(bloc_year__isnull=True, year__isnull=False),
                name="scoring_export_bloc_or_province",
            ),
            # a finished job has its file, a failed one says why and has none
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="scoring_export_done_has_file"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | (Q(file="") & ~Q(error="")),
                name="scoring_export_failed_says_why",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.scope_name} – {self.get_status_display()}"

    @property
    def is_province(self) -> bool:
        return self.bloc_year_id is None

    @property
    def label(self) -> str:
        """ "Bảng tổng hợp (Excel)" of a bloc; "Bảng tổng hợp toàn tỉnh (Excel)" of the province."""
        kind = self.get_kind_display()
        return kind.replace("Bảng tổng hợp", "Bảng tổng hợp toàn tỉnh", 1) if self.is_province else kind

    @property
    def scope_name(self) -> str:
        if self.is_province:
            return f"toàn tỉnh năm {self.year}"
        return Round.kind(self.round).with_tag(str(self.bloc_year), ", ")

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def download_name(self) -> str:
        if self.is_province:
            return f"bang-tong-hop-toan-tinh-{self.year}.{self.kind}"
        suffix = Round.file_suffix(self.round)
        return f"bang-tong-hop-{self.bloc_year.bloc.code}-{self.bloc_year.year}{suffix}.{self.kind}"
