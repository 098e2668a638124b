"""The bloc's tables as background jobs, run by the real worker (`manage.py db_worker` in its own process,
on the test database): asked for on the board, shown as they progress, downloadable only by those who see
the bloc's tables; a job that fails says why in Vietnamese and leaves no file."""

import errno
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.jobs import exports as jobs
from scoring.models import BlocYear, ExportJob, Sheet
from scoring.review.jobs import bloc_tables

ROOT = Path(__file__).resolve().parent.parent.parent
ALLOWED = ("reviewer", "admin")  # who follows the bloc: the leader's reviewer, the province's administrator
REFUSED = ("editor", "head", "own_reviewer", "own_admin", "same_bloc", "other", "other_admin", "leader_admin")


def database_url() -> str:
    """The test database, as the worker's DATABASE_URL (the SQLite file's name carries this process's id)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def run_worker(settings) -> str:
    """Every queued task, run by a worker process that then exits (--batch)."""
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def board(vp_sheet, cast):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    client = Client()
    client.force_login(cast["reviewer"])
    return client


def ask(client, fmt: str) -> ExportJob:
    response = client.post(reverse(f"export_job_start_{fmt}", args=["TMTH", 2022]))
    assert response.status_code == 302
    assert response["Location"] == reverse("bloc_board", args=["TMTH", 2022]) + "#tep-xuat"
    return ExportJob.objects.get(kind=fmt, status=ExportJob.Status.QUEUED)


def status(client, job) -> dict:
    return client.get(reverse("export_job_status", args=["TMTH", 2022, job.pk])).json()


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_files_and_only_the_blocs_followers_download_them(board, cast, settings):
    xlsx, pdf = ask(board, "xlsx"), ask(board, "pdf")
    assert xlsx.requested_by == cast["reviewer"] and xlsx.task_id  # queued once the request committed
    assert status(board, xlsx) == {
        "status": "queued",
        "label": "Đang chờ",
        "finished": False,
        "error": "",
        "download": "",
    }
    page = board.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    assert "Bảng tổng hợp (Excel)" in page and "Đang chờ" in page and "js/export-jobs.js" in page
    assert board.get(reverse("export_job_file", args=["TMTH", 2022, xlsx.pk])).status_code == 404  # not yet

    run_worker(settings)

    xlsx.refresh_from_db()
    assert xlsx.status == ExportJob.Status.DONE and xlsx.finished_at and xlsx.error == ""
    assert xlsx.file.name.startswith("exports/TMTH/2022/") and xlsx.file.name.endswith(".xlsx")
    answer = status(board, xlsx)
    assert answer["label"] == "Đã xong" and answer["finished"]
    assert answer["download"] == reverse("export_job_file", args=["TMTH", 2022, xlsx.pk])
    names = [p.name for p in files_in(Path(settings.MEDIA_ROOT))]
    assert len(names) == 2 and not any(n.startswith(".") for n in names)  # two whole files, no leftovers

    for role in ALLOWED:
        client = Client()
        client.force_login(cast[role])
        response = client.get(answer["download"])
        assert response.status_code == 200, role
        assert response["Content-Disposition"] == 'attachment; filename="bang-tong-hop-TMTH-2022.xlsx"'
        assert response["Cache-Control"] == "private, no-store"  # a streamed file too (NoStoreMiddleware)
        wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
        assert wb.sheetnames[:2] == ["Tổng hợp", "Ma trận điểm"]
        pdf_file = client.get(reverse("export_job_file", args=["TMTH", 2022, pdf.pk]))
        assert b"".join(pdf_file.streaming_content).startswith(b"%PDF")
    for role in REFUSED:
        client = Client()
        client.force_login(cast[role])
        assert client.get(answer["download"]).status_code == 404, role
        assert client.get(reverse("export_job_status", args=["TMTH", 2022, xlsx.pk])).status_code == 404
    # the file belongs to its bloc-year: through another bloc's address it is not found either
    assert board.get(reverse("export_job_file", args=["OTHER", 2022, xlsx.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_says_why_in_vietnamese_and_leaves_no_file(board, settings):
    job = ask(board, "xlsx")
    # the disk refuses: where the bloc's files go is taken by a plain file
    blocked = Path(settings.MEDIA_ROOT) / "exports" / "TMTH"
    blocked.parent.mkdir(parents=True)
    blocked.write_bytes(b"")

    log = run_worker(settings)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.file.name == "" and job.finished_at
    assert job.error == jobs.NOT_WRITTEN and "export job" in log
    assert files_in(Path(settings.MEDIA_ROOT)) == [blocked]
    assert status(board, job)["error"] == "Không tạo được tệp: máy chủ không ghi được tệp ra ổ đĩa. " + (
        "Xin báo quản trị hệ thống, rồi bấm tạo lại."
    )
    page = board.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    assert "Không tạo được" in page and jobs.NOT_WRITTEN in page
    assert board.get(reverse("export_job_file", args=["TMTH", 2022, job.pk])).status_code == 404


def test_a_disk_full_halfway_leaves_no_partial_file(
    board, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The file is written, then syncing it fails as a full disk does: nothing stays, under any name."""
    with django_capture_on_commit_callbacks(execute=False):
        job = ask(board, "xlsx")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        jobs.export_job_run(job_id=job.pk, build=bloc_tables)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == jobs.DISK_FULL and not job.file
    assert [p for p in files_in(Path(settings.MEDIA_ROOT))] == []
    assert "hết chỗ lưu tệp" in status(board, job)["error"]


def test_deleting_a_job_in_the_admin_deletes_its_file(board, cast, settings, django_user_model):
    job = ExportJob.objects.create(bloc_year=BlocYear.objects.get())
    name = jobs.write_whole("exports/TMTH/2022/tep.xlsx", b"PK")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, file=name)
    admin = django_user_model.objects.create_superuser("sieuquantri", password="mat-khau-thu-nghiem-1")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:scoring_exportjob_delete", args=[job.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ExportJob.objects.exists() and files_in(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "button"), [("xlsx", "Excel"), ("pdf", "PDF")])
def test_an_old_bookmark_of_the_tables_lands_on_the_boards_export_section_and_starts_nothing(
    board, cast, fmt, button
):
    """khoi/TMTH/2022/tong-hop.xlsx built the file inside the request; now the board's buttons ask for it.
    A GET must not start a job: another site's <img> or a browser's prefetch would set the worker going."""
    old = reverse(f"bloc_export_moved_{fmt}", args=["TMTH", 2022])
    assert old == f"/khoi/TMTH/2022/tong-hop.{fmt}"
    response = board.get(old)
    assert response.status_code == 302
    assert response["Location"] == reverse("bloc_board", args=["TMTH", 2022]) + "#tep-xuat"
    page = board.get(response["Location"]).content.decode()
    assert f"bấm “Tạo bảng tổng hợp ({button})” dưới đây" in page
    assert ExportJob.objects.count() == 0
    for role in REFUSED:
        client = Client()
        client.force_login(cast[role])
        assert client.get(old).status_code == 404, role
    assert Client().get(old)["Location"].startswith(reverse("login"))
