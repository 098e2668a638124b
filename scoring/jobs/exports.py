"""A file built as a background job: a page asks, the worker (`manage.py db_worker`) builds the file with
the wing's own builder (the bloc's tables: review/jobs.py; the province's: province/jobs.py).

The file appears under its final name only once it is whole (written beside it, then renamed), and a job
that fails leaves no file, only a message in Vietnamese on the board. A job whose worker died holds its
"running" state only for a lease (settings.EXPORT_JOB_LEASE_MINUTES): then it is shown failed, and a late
file of that job is thrown away. Old jobs and their files are pruned (`manage.py prune_export_jobs`).
"""

import datetime as dt
import errno
import logging
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http.response import HttpResponseBase
from django.utils import timezone

from ..files import PDF, XLSX, download
from ..models import ExportJob, export_path

logger = logging.getLogger(__name__)

CONTENT_TYPES = {ExportJob.Kind.BLOC_XLSX.value: XLSX, ExportJob.Kind.BLOC_PDF.value: PDF}
DISK_FULL = "Không tạo được tệp: máy chủ hết chỗ lưu tệp. Xin báo quản trị hệ thống, rồi bấm tạo lại."
NOT_WRITTEN = (
    "Không tạo được tệp: máy chủ không ghi được tệp ra ổ đĩa. Xin báo quản trị hệ thống, rồi bấm tạo lại."
)
BROKEN = (
    "Không tạo được tệp: máy chủ gặp lỗi khi lập bảng tổng hợp. Xin bấm tạo lại sau ít phút; "
    "nếu vẫn lỗi, báo quản trị kèm mã tác vụ {task_id}."
)
WORKER_LOST = (
    "Không tạo được tệp: quá {minutes} phút chưa xong, máy tạo tệp đã ngừng giữa chừng. "
    "Xin bấm tạo lại; nếu vẫn không được, báo quản trị hệ thống."
)


def enqueue_on_commit(job: ExportJob, task_) -> None:
    def enqueue():
        result = task_.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(enqueue)


def lease() -> dt.timedelta:
    return dt.timedelta(minutes=settings.EXPORT_JOB_LEASE_MINUTES)


def expire_lost_jobs(now: dt.datetime | None = None) -> int:
    """Jobs running past their lease lost their worker: failed, with a message, so they can be asked again."""
    return ExportJob.objects.past_lease(now or timezone.now(), lease()).update(
        status=ExportJob.Status.FAILED,
        error=WORKER_LOST.format(minutes=settings.EXPORT_JOB_LEASE_MINUTES),
        finished_at=timezone.now(),
    )


def export_job_run(*, job_id: int, build: Callable[[ExportJob], bytes]) -> str:
    """Claim the job, build its file with `build`, store it whole, and record the outcome: only while the
    job is still ours (not declared lost meanwhile), else the file goes and the failure stands."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ExportJob.objects.select_related("bloc_year__bloc").get(pk=job_id)
    if not claimed:  # run already (a task retried by its backend): nothing to do twice
        return job.file.name
    running = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING)
    name = ""
    try:
        name = write_whole(export_path(job, ""), build(job))
        if not running.update(status=ExportJob.Status.DONE, file=name, finished_at=timezone.now()):
            logger.warning("export job %s finished after its lease: its file is not kept", job.pk)
            default_storage.delete(name)
            return ""
    except BaseException as exc:
        if name:
            default_storage.delete(name)
        logger.exception("export job %s failed", job.pk)
        running.update(
            status=ExportJob.Status.FAILED, error=failure_message(exc, job), finished_at=timezone.now()
        )
        raise  # the task's own result records the traceback too
    return name


def failure_message(exc: BaseException, job: ExportJob) -> str:
    if isinstance(exc, OSError):
        return DISK_FULL if exc.errno == errno.ENOSPC else NOT_WRITTEN
    return BROKEN.format(task_id=job.task_id or job.pk)


def write_whole(name: str, content: bytes) -> str:
    """Store `content` under `name`; on a local disk through a temporary file renamed into place, so that
    a crash or a full disk halfway leaves nothing under the name (and the temporary file is removed)."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # a remote storage (S3): its upload is whole or nothing already
        return default_storage.save(name, ContentFile(content))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".dang-ghi-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    return name


def job_state(job: ExportJob, download: str) -> dict:
    """What a page's script polls (static/js/export-jobs.js) until the job is done or failed."""
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "finished": job.finished,
        "error": job.error,
        "download": download if job.status == ExportJob.Status.DONE else "",
    }


def job_file(job: ExportJob) -> HttpResponseBase:
    """A finished job's file, for those the caller's access check let through."""
    return download(job.file.open("rb"), job.download_name, CONTENT_TYPES[job.kind])
