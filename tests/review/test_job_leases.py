"""Export jobs whose worker died: shown failed after the lease, in Vietnamese, and asked for again; a late
file of a lost job is not kept. Old jobs are pruned with their files, and files no job names go too."""

import datetime as dt
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scoring.jobs import exports as jobs
from scoring.jobs import pruning
from scoring.models import BlocYear, ExportJob, Sheet

from .test_export_jobs import files_in, run_worker

BOARD = ("TMTH", 2022)


@pytest.fixture
def board(vp_sheet, cast):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    client = Client()
    client.force_login(cast["reviewer"])
    return client


def lost_job(minutes_ago: float) -> ExportJob:
    """A job a worker took `minutes_ago` and then died on (kill -9, power lost): running, no file."""
    job = ExportJob.objects.create(bloc_year=BlocYear.objects.get(), kind="xlsx")
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=started)
    return job


def test_a_running_job_within_its_lease_is_still_running(board, settings):
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    job = lost_job(minutes_ago=14)
    answer = board.get(reverse("export_job_status", args=[*BOARD, job.pk])).json()
    assert answer["status"] == "running" and answer["label"] == "Đang tạo" and not answer["finished"]


def test_a_job_whose_worker_died_is_shown_failed_after_the_lease_and_can_be_asked_again(
    board, settings, transactional_db
):
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    job = lost_job(minutes_ago=16)
    message = (
        "Không tạo được tệp: quá 15 phút chưa xong, máy tạo tệp đã ngừng giữa chừng. "
        "Xin bấm tạo lại; nếu vẫn không được, báo quản trị hệ thống."
    )

    page = board.get(reverse("bloc_board", args=BOARD)).content.decode()
    assert "Đang tạo" not in page and "Không tạo được" in page and message in page
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == message and job.finished_at and not job.file
    answer = board.get(reverse("export_job_status", args=[*BOARD, job.pk])).json()
    assert answer == {
        "status": "failed",
        "label": "Không tạo được",
        "finished": True,
        "error": message,
        "download": "",
    }

    # asked again: the real worker builds it
    assert board.post(reverse("export_job_start_xlsx", args=BOARD)).status_code == 302
    again = ExportJob.objects.get(status=ExportJob.Status.QUEUED)
    run_worker(settings)
    again.refresh_from_db()
    assert again.status == ExportJob.Status.DONE
    assert board.get(reverse("export_job_file", args=[*BOARD, again.pk])).status_code == 200
    assert board.get(reverse("export_job_file", args=[*BOARD, job.pk])).status_code == 404


def test_a_lost_job_whose_worker_comes_back_keeps_no_file(board, settings):
    """The worker was only slow: by the time its file is whole the job was declared lost. The failure
    stands (the page said so, the user may have asked again) and the late file is removed."""
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    job = ExportJob.objects.create(bloc_year=BlocYear.objects.get(), kind="xlsx")

    def slow(job):
        later = timezone.now() + dt.timedelta(minutes=16)
        assert jobs.expire_lost_jobs(later) == 1
        return b"PK late"

    assert jobs.export_job_run(job_id=job.pk, build=slow) == ""
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "quá 15 phút" in job.error and not job.file
    assert files_in(Path(settings.MEDIA_ROOT)) == []


def finished(kind: str, days_ago: float, status=ExportJob.Status.DONE) -> ExportJob:
    job = ExportJob.objects.create(bloc_year=BlocYear.objects.get(), kind=kind)
    at = timezone.now() - dt.timedelta(days=days_ago)
    name = jobs.write_whole(f"exports/TMTH/2022/{job.pk}.{kind}", b"data") if status == "done" else ""
    ExportJob.objects.filter(pk=job.pk).update(
        status=status, file=name, error="" if name else "Không tạo được tệp.", started_at=at, finished_at=at
    )
    return job


def aged(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_pruning_removes_old_jobs_with_their_files_and_files_no_job_names(board, settings):
    media = Path(settings.MEDIA_ROOT)
    old_done, old_failed = finished("xlsx", 31), finished("pdf", 40, ExportJob.Status.FAILED)
    recent = finished("pdf", 2)
    # died 40 days ago and nobody looked since: marked failed now, kept as long as any failed job
    lost = lost_job(minutes_ago=60 * 24 * 40)
    queued = ExportJob.objects.create(bloc_year=BlocYear.objects.get(), kind="xlsx")
    # a worker killed between writing a file and recording it, and a half-written temporary file
    orphan = media / "exports/TMTH/2022/mo-coi.xlsx"
    orphan.write_bytes(b"PK")
    partial = media / "exports/TMTH/2021/.dang-ghi-abc"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"PK")
    for path in (orphan, partial, partial.parent):
        aged(path, 2)
    # written a moment ago, its job about to be marked done: not an orphan yet
    fresh = media / "exports/TMTH/2022/vua-ghi.xlsx"
    fresh.write_bytes(b"PK")
    old_file = media / ExportJob.objects.get(pk=old_done.pk).file.name
    assert old_file.exists()

    out = StringIO()
    call_command("prune_export_jobs", "--days", "30", stdout=out)

    assert "Đã xóa 2 tệp xuất cũ và 3 tệp trên ổ đĩa, 0 lần nhập cũ." in out.getvalue()
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk, lost.pk}
    assert not ExportJob.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()
    lost.refresh_from_db()
    assert lost.status == ExportJob.Status.FAILED and "máy tạo tệp đã ngừng" in lost.error
    recent.refresh_from_db()
    assert sorted(files_in(media)) == sorted([media / recent.file.name, fresh])
    assert not partial.parent.exists()  # the emptied folder goes too
    # every file left on disk is named by a job, or is younger than the grace period
    named = {media / n for n in ExportJob.objects.exclude(file="").values_list("file", flat=True)}
    assert set(files_in(media)) - named == {fresh}
    assert pruning.GRACE == dt.timedelta(hours=1)


def test_pruning_with_nothing_to_prune_changes_nothing(board, settings):
    recent = finished("xlsx", 1)
    before = files_in(Path(settings.MEDIA_ROOT))
    assert pruning.prune_export_jobs(keep_days=30) == pruning.Pruned(jobs=0, files=0)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert files_in(Path(settings.MEDIA_ROOT)) == before
