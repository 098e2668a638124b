"""Exports that run as background jobs: who asked for which bloc's tables, how far the job is, its file."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .agencies import BlocYear


def export_path(instance, filename: str) -> str:
    """A generated name under exports/, which no web server serves: only the app, after its access check."""
    return (
        f"exports/{instance.bloc_year.bloc.code}/{instance.bloc_year.year}/{uuid.uuid4().hex}.{instance.kind}"
    )


class ExportJobQuerySet(models.QuerySet):
    def for_bloc_year(self, bloc_year: BlocYear):
        return self.filter(bloc_year=bloc_year).select_related("requested_by")

    def unfinished(self):
        return self.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])


class ExportJob(models.Model):
    """One export asked for on the bloc's board, run by the worker (`manage.py db_worker`)."""

    class Kind(models.TextChoices):
        BLOC_XLSX = "xlsx", "Bảng tổng hợp (Excel)"
        BLOC_PDF = "pdf", "Bảng tổng hợp (PDF)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tạo"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không tạo được"

    bloc_year = models.ForeignKey(
        BlocYear, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="khối thi đua theo năm"
    )
    kind = models.CharField("loại tệp", max_length=10, choices=Kind.choices)
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
        return f"{self.get_kind_display()} – {self.bloc_year} – {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def download_name(self) -> str:
        return f"bang-tong-hop-{self.bloc_year.bloc.code}-{self.bloc_year.year}.{self.kind}"
