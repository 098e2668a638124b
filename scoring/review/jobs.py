"""The bloc's tables as background jobs: the board asks, the worker (`manage.py db_worker`) builds the file.

The file appears under its final name only once it is whole (written beside it, then renamed), and a job
that fails leaves no file, only a message in Vietnamese on the board.
"""

import errno
import logging
import os
import tempfile
from contextlib import suppress
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..exports.bloc import bloc_pdf, bloc_xlsx
from ..models import BlocYear, ExportJob, Rubric, export_path
from .standings import bloc_round

logger = logging.getLogger(__name__)

BUILDERS = {ExportJob.Kind.BLOC_XLSX: bloc_xlsx, ExportJob.Kind.BLOC_PDF: bloc_pdf}
DISK_FULL = "Không tạo được tệp: máy chủ hết chỗ lưu tệp. Xin báo quản trị hệ thống, rồi bấm tạo lại."
NOT_WRITTEN = (
    "Không tạo được tệp: máy chủ không ghi được tệp ra ổ đĩa. Xin báo quản trị hệ thống, rồi bấm tạo lại."
)
BROKEN = (
    "Không tạo được tệp: máy chủ gặp lỗi khi lập bảng tổng hợp. Xin bấm tạo lại sau ít phút; "
    "nếu vẫn lỗi, báo quản trị kèm mã tác vụ {task_id}."
)


def export_job_start(*, bloc_year: BlocYear, kind: str, by) -> ExportJob:
    """Record the job, and queue its task once the record is committed (a worker must find it)."""
    job = ExportJob.objects.create(bloc_year=bloc_year, kind=ExportJob.Kind(kind), requested_by=by)

    def enqueue():
        result = bloc_export.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(enqueue)
    return job


@task()
def bloc_export(job_id: int) -> str:
    """What the worker runs: the file's name in the media storage."""
    return export_job_run(job_id=job_id)


def export_job_run(*, job_id: int) -> str:
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ExportJob.objects.select_related("bloc_year__bloc").get(pk=job_id)
    if not claimed:  # run already (a task retried by its backend): nothing to do twice
        return job.file.name
    name = ""
    try:
        rubric = Rubric.objects.get(bloc=job.bloc_year.bloc, year=job.bloc_year.year)
        content = BUILDERS[job.kind](bloc_round(rubric, job.bloc_year))
        name = write_whole(export_path(job, ""), content)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE, file=name, finished_at=timezone.now()
        )
    except BaseException as exc:
        if name:
            default_storage.delete(name)
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
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
