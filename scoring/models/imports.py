"""Workbook imports confirmed on the province's three import pages (a rubric, a filled sheet, an agency's
staff) and run by the worker: who asked, for what, how far the job is, what it wrote or why it wrote nothing."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])

    def past_lease(self, now: datetime.datetime, lease: datetime.timedelta):
        """Running since before `now - lease`: its worker died (no import of ours takes that long)."""
        return self.filter(status=ImportJob.Status.RUNNING, started_at__lt=now - lease)

    def finished_before(self, moment: datetime.datetime):
        return self.filter(
            status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lt=moment
        )


class ImportJob(models.Model):
    """One confirmed upload, written by the worker (`manage.py db_worker`) from the file staged for it
    (jobs.staging, under `token`), which is removed once the job has run."""

    class Kind(models.TextChoices):
        RUBRIC = "rubric", "Bảng tiêu chí"
        SHEET = "sheet", "Bảng chấm điểm"
        PEOPLE = "people", "Danh sách người dùng"

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang nhập"
        DONE = "done", "Đã nhập xong"
        FAILED = "failed", "Không nhập được"

    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    params = models.JSONField("tham số", default=dict, blank=True)
    token = models.CharField("mã tệp tải lên", max_length=32)
    file_name = models.CharField("tên tệp", max_length=200, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,  # the job is its requester's alone: nobody else may see it
        related_name="+",
        verbose_name="người yêu cầu",
    )
    task_id = models.CharField("mã tác vụ", max_length=64, blank=True)
    message = models.TextField("kết quả", blank=True)
    errors = models.JSONField("lỗi", default=list, blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "lần nhập từ Excel"
        verbose_name_plural = "các lần nhập từ Excel"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # an upload is confirmed once: a second click finds its job, not a second import
            models.UniqueConstraint(fields=["token"], name="scoring_import_one_job_per_upload"),
            # a job that is done says what it wrote; one that failed says why
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(message=""), name="scoring_import_done_says_what"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(message=""), name="scoring_import_failed_says_why"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"], finished_at__isnull=True)
                | Q(status__in=["done", "failed"], finished_at__isnull=False),
                name="scoring_import_finished_when_over",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.file_name} – {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
