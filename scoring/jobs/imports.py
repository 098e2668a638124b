"""A confirmed workbook import as a background job: the import page asks, the worker (`manage.py db_worker`)
writes, the page follows it (static/js/import-job.js) and shows what was written or why nothing was.

Each wing gives its task and a `prepare(job, path) -> Plan`: prepare reads the staged file outside any
transaction (a long parse must not hold SQLite's write lock), the plan's `write` runs in one transaction with
the job's "done", so a job that fails, or that was declared lost meanwhile, writes nothing. The staged file
stays until the job has run, then goes whatever happened. A job still running past its lease
(settings.EXPORT_JOB_LEASE_MINUTES, the exports' lease) lost its worker: it is shown failed. Old jobs are
pruned with the exports (`manage.py prune_export_jobs`).
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import ImportJob
from ..workbooks import WorkbookError
from . import staging

logger = logging.getLogger(__name__)

REFUSED = "Không nhập gì: có lỗi (xem dưới). Sửa tệp rồi tải lên lại."
GONE = "Không nhập gì: tệp tải lên không còn trên máy chủ. Hãy tải tệp lên lại."
BROKEN = (
    "Không nhập gì: máy chủ gặp lỗi khi nhập. Xin tải tệp lên lại sau ít phút; "
    "nếu vẫn lỗi, báo quản trị kèm mã tác vụ {task_id}."
)
WORKER_LOST = (
    "Không nhập gì: quá {minutes} phút chưa xong, máy nhập đã ngừng giữa chừng. "
    "Hãy tải tệp lên lại; nếu vẫn không được, báo quản trị hệ thống."
)


@dataclass
class Plan:
    """What a prepared import does: `write` inside the job's transaction (returns what it wrote, in
    Vietnamese); `after`, once that is committed (the invitations), returns a sentence to add, or ""."""

    write: Callable[[], str]
    after: Callable[[], str] | None = None


class _LeaseLost(Exception):
    """The job was declared lost while it ran: its write is rolled back, its failure stands."""


def import_job_start(*, kept: staging.Staged, by, task_) -> ImportJob:
    """The upload's job, queued once the record is committed; the job it already has, if confirmed twice."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kept.kind, params=kept.params, token=kept.token, file_name=kept.name, requested_by=by
            )
    except IntegrityError:  # two clicks at once: the first one's job
        return ImportJob.objects.get(token=kept.token, requested_by=by)

    def enqueue():
        result = task_.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(enqueue)
    return job


def import_job_run(*, job_id: int, prepare: Callable[[ImportJob, Path], Plan]) -> str:
    """Claim the job, write its import, record the outcome, and remove the staged file; the job's status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:  # run already (a task retried by its backend): nothing to do twice
        return job.status
    running = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING)
    kept = staging.staged(job.token, user=job.requested_by, kind=job.kind, fresh=False)
    if kept is None:
        running.update(status=ImportJob.Status.FAILED, message=GONE, finished_at=timezone.now())
        return ImportJob.Status.FAILED
    try:
        plan = prepare(job, kept.path)
        with transaction.atomic():
            message = plan.write()
            if not running.update(status=ImportJob.Status.DONE, message=message, finished_at=timezone.now()):
                raise _LeaseLost
        if plan.after is not None:
            ImportJob.objects.filter(pk=job.pk).update(message=f"{message} {plan.after()}".strip())
    except (WorkbookError, ValidationError) as exc:
        problems = exc.problems if isinstance(exc, WorkbookError) else exc.messages
        running.update(
            status=ImportJob.Status.FAILED,
            message=REFUSED,
            errors=[str(p) for p in problems],
            finished_at=timezone.now(),
        )
    except _LeaseLost:
        logger.warning("import job %s finished after its lease: nothing written", job.pk)
    except BaseException:
        logger.exception("import job %s failed", job.pk)
        running.update(
            status=ImportJob.Status.FAILED,
            message=BROKEN.format(task_id=job.task_id or job.pk),
            finished_at=timezone.now(),
        )
        raise  # the task's own result records the traceback too
    finally:
        staging.discard(job.token, user=job.requested_by)
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def lease() -> dt.timedelta:
    return dt.timedelta(minutes=settings.EXPORT_JOB_LEASE_MINUTES)


def expire_lost_imports(now: dt.datetime | None = None) -> int:
    """Jobs running past their lease lost their worker: failed, with a message; their staged files go."""
    lost = list(ImportJob.objects.past_lease(now or timezone.now(), lease()).select_related("requested_by"))
    for job in lost:
        staging.discard(job.token, user=job.requested_by)
    return ImportJob.objects.filter(pk__in=[j.pk for j in lost], status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED,
        message=WORKER_LOST.format(minutes=settings.EXPORT_JOB_LEASE_MINUTES),
        finished_at=timezone.now(),
    )


def import_job_state(job: ImportJob) -> dict:
    """What the import page's script polls (static/js/import-job.js) until the job is done or failed."""
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "finished": job.finished,
        "message": job.message,
        "errors": job.errors,
    }
