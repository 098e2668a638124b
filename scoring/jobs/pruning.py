"""Old export jobs go, and their files with them; a file no job names (a worker killed between writing it
and recording it) goes too, once it is old enough that no worker can still be about to record it. Old
import jobs (jobs.imports) go too: their staged files went when they ran."""

import datetime as dt
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import ExportJob, ImportJob
from .exports import expire_lost_jobs
from .imports import expire_lost_imports

EXPORTS = "exports"
# A file written a moment ago whose job is not marked done yet is no orphan: leave files younger than this.
GRACE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Pruned:
    jobs: int
    files: int
    imports: int = 0


def prune_export_jobs(*, keep_days: int, now: dt.datetime | None = None) -> Pruned:
    """Delete jobs finished more than `keep_days` ago with their files, then orphan files, and import jobs
    finished as long ago; lost jobs are marked failed first (expire_lost_*), so that they are pruned in
    their turn."""
    now = now or timezone.now()
    expire_lost_jobs(now)
    expire_lost_imports(now)
    before = now - dt.timedelta(days=keep_days)
    imports, _ = ImportJob.objects.finished_before(before).delete()
    old = list(ExportJob.objects.finished_before(before).only("pk", "file"))
    files = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
            files += 1
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return Pruned(jobs=len(old), files=files + _remove_orphans(now - GRACE), imports=imports)


def _remove_orphans(before: dt.datetime) -> int:
    """Files under exports/ that no job names, and empty folders, last changed before `before`."""
    try:
        media, root = Path(default_storage.path("")), Path(default_storage.path(EXPORTS))
    except NotImplementedError:  # a remote storage: its lifecycle rules do this
        return 0
    if not root.is_dir():
        return 0
    named = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    cutoff = before.timestamp()
    removed = 0
    # folders judged by their age before any file in them goes (removing a file makes its folder new)
    paths = sorted(root.rglob("*"), reverse=True)  # a folder's files before the folder
    old = {path for path in paths if path.lstat().st_mtime < cutoff}
    for path in paths:
        with suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                if path in old and not any(path.iterdir()):
                    path.rmdir()
            elif path in old and path.relative_to(media).as_posix() not in named:
                os.unlink(path)
                removed += 1
    return removed
