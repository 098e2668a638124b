"""Confirmed workbook imports as background jobs, run by the real worker (`manage.py db_worker` in its own
process, on the test database): the page follows the job and shows what it wrote, or why it wrote nothing;
a failing job writes nothing; the staged file is gone once the job has run; only the administrator who
confirmed it sees the job; lost jobs are shown failed after the lease, old ones pruned."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from scoring.jobs import imports as import_jobs
from scoring.jobs import pruning, staging
from scoring.jobs.imports import Plan
from scoring.models import Criterion, ImportJob, Membership, Rubric, Score, Sheet

from ..factories import SEED_SHEET, make_user
from ..review.test_export_jobs import run_worker

User = get_user_model()
STAFF = [
    ("Trần Văn An", "an@stc.gov.vn", "Cán bộ nhập liệu"),
    ("Phạm Thị Bích Ngọc", "ngoc@stc.gov.vn", "Thủ trưởng"),
]
REFUSED = ("editor", "head", "reviewer", "own_admin", "other_admin", "leader_admin", "same_bloc", "other")


@pytest.fixture
def admin(cast, bloc_2022):
    client = Client()
    client.force_login(cast["admin"])
    return client


def roster_upload(tmp_path: Path, rows) -> SimpleUploadedFile:
    wb = Workbook()
    wb.active.append(["Họ và tên", "E-mail", "Vai trò"])
    for row in rows:
        wb.active.append(list(row))
    wb.save(tmp_path / "roster.xlsx")
    return SimpleUploadedFile("danh-sach.xlsx", (tmp_path / "roster.xlsx").read_bytes())


def seed(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEED_SHEET.read_bytes())


def staged_token(client, page: str, data: dict) -> str:
    response = client.post(reverse(page), data)
    assert response.context["staged"] is not None, response.content.decode()[:2000]
    return response.context["staged"].token


def previews(client, tmp_path) -> dict[str, str]:
    """The three uploads previewed, each waiting for its confirmation: page → token."""
    return {
        "rubric_import": staged_token(
            client, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
        ),
        "sheet_import": staged_token(
            client,
            "sheet_import",
            {"agency": "VP", "year": "2022", "clamp": "on", "upload": seed("bang-cham-diem.xlsx")},
        ),
        "people_import": staged_token(
            client, "people_import", {"agency": "STC", "upload": roster_upload(tmp_path, STAFF)}
        ),
    }


def confirm(client, page: str, token: str) -> ImportJob:
    response = client.post(reverse(f"{page}_confirm"), {"token": token, "action": "confirm"})
    job = ImportJob.objects.get(token=token)
    assert response.status_code == 302
    assert response["Location"] == reverse(page) + f"?tac-vu={job.pk}#tac-vu"
    return job


def state(client, job) -> dict:
    return client.get(reverse("import_job_status", args=[job.pk])).json()


def page_of(client, page: str, job) -> str:
    return client.get(reverse(page), {"tac-vu": job.pk}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_each_confirmed_import_and_the_page_shows_what_it_wrote(admin, settings, tmp_path):
    tokens = previews(admin, tmp_path)
    jobs = {page: confirm(admin, page, token) for page, token in tokens.items()}
    assert all(job.task_id for job in jobs.values())  # queued once the request committed
    assert state(admin, jobs["rubric_import"]) == {
        "status": "queued",
        "label": "Đang chờ",
        "finished": False,
        "message": "",
        "errors": [],
    }
    waiting = page_of(admin, "sheet_import", jobs["sheet_import"])
    assert "Đang chờ" in waiting and "js/import-job.js" in waiting and "Xem tiếp" in waiting
    assert len(staging.leftovers()) == 6  # each file waits for its job
    assert not Rubric.objects.filter(year=2023).exists() and not Score.objects.exists()

    run_worker(settings)

    for job in jobs.values():
        job.refresh_from_db()
        assert (job.status, job.errors) == ("done", []) and job.finished_at, job.message
    assert Rubric.objects.get(year=2023).criteria.count() == 34
    assert Score.objects.filter(sheet__agency__code="VP").exists()
    assert set(User.objects.filter(email__endswith="@stc.gov.vn").values_list("username", flat=True)) == {
        "an@stc.gov.vn",
        "ngoc@stc.gov.vn",
    }
    assert staging.leftovers() == []
    answer = state(admin, jobs["people_import"])
    assert answer["label"] == "Đã nhập xong" and answer["finished"]
    assert answer["message"] == "Đã thêm 2 người vào Cơ quan STC. Đã gửi thư mời đặt mật khẩu cho từng người."
    shown = page_of(admin, "rubric_import", jobs["rubric_import"])
    assert (
        "Đã nhập “BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022” – khối TMTH, năm 2023: 3 nội dung, 31 tiêu chí." in shown
    )
    assert "Xem tiếp" in shown and "data-job-pending hidden" in shown


@pytest.mark.django_db(transaction=True)
def test_a_job_that_fails_writes_nothing_says_why_in_vietnamese_and_leaves_no_file(
    admin, settings, tmp_path, vp_sheet
):
    tokens = previews(admin, tmp_path)
    # after the previews: the rubric's file is spoilt on the server, VP's sheet is submitted, an address taken
    (
        staging.root() / str(User.objects.get(username="quantri").pk) / f"{tokens['rubric_import']}.xlsx"
    ).write_bytes(b"PK\x03\x04 no longer a workbook")
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    User.objects.create_user(username="ngoc@stc.gov.vn", email="ngoc@stc.gov.vn")
    jobs = {page: confirm(admin, page, token) for page, token in tokens.items()}

    run_worker(settings)

    for job in jobs.values():
        job.refresh_from_db()
        assert job.status == "failed" and job.message == import_jobs.REFUSED and job.errors, job.errors
    assert any("Không đọc được tệp Excel" in e for e in jobs["rubric_import"].errors)
    assert "không nhập đè được" in jobs["sheet_import"].errors[0]
    assert jobs["people_import"].errors == [
        "Dòng 3: E-mail ngoc@stc.gov.vn đã có tài khoản (ngoc@stc.gov.vn): không thêm lần nữa."
    ]
    # nothing written, not even the rows before the refused one
    assert not Rubric.objects.filter(year=2023).exists() and not Score.objects.exists()
    assert not User.objects.filter(username="an@stc.gov.vn").exists()
    assert staging.leftovers() == []
    answer = state(admin, jobs["sheet_import"])
    assert answer["label"] == "Không nhập được" and answer["finished"]
    shown = page_of(admin, "people_import", jobs["people_import"])
    assert "Không nhập gì: có lỗi (xem dưới). Sửa tệp rồi tải lên lại." in shown
    assert "ngoc@stc.gov.vn đã có tài khoản" in shown


@pytest.mark.django_db
def test_only_the_administrator_who_confirmed_sees_the_job(admin, cast, agencies, tmp_path, client):
    token = staged_token(
        admin, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
    )
    job = confirm(admin, "rubric_import", token)
    assert admin.get(reverse("import_job_status", args=[job.pk])).status_code == 200
    assert admin.get(reverse("rubric_import"), {"tac-vu": job.pk}).status_code == 200
    # a job of the rubric page is not the sheet page's, and a page asked for no job that exists
    assert admin.get(reverse("sheet_import"), {"tac-vu": job.pk}).status_code == 404
    assert admin.get(reverse("rubric_import"), {"tac-vu": "x"}).status_code == 404
    assert admin.get(reverse("import_job_status", args=[job.pk + 1])).status_code == 404

    colleague = make_user(User, "quantri2", agencies["BTDKT"], Membership.Role.ADMIN)
    for user in [colleague, *(cast[role] for role in REFUSED)]:
        other = Client()
        other.force_login(user)
        assert other.get(reverse("import_job_status", args=[job.pk])).status_code == 404, user
        assert other.get(reverse("rubric_import"), {"tac-vu": job.pk}).status_code == 404, user
    # another administrator cannot confirm (or cancel) the upload either
    other = Client()
    other.force_login(colleague)
    other.post(reverse("rubric_import_confirm"), {"token": token, "action": "cancel"})
    assert ImportJob.objects.get().status == "queued" and len(staging.leftovers()) == 2
    anonymous = client.get(reverse("import_job_status", args=[job.pk]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_confirmed_file_outlives_the_staging_hour_until_its_job_has_run(admin, settings, tmp_path):
    token = staged_token(
        admin, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
    )
    confirm(admin, "rubric_import", token)
    later = time.time() + staging.STAGING_SECONDS + 60  # the worker was down for more than an hour
    assert staging.sweep(now=later) == 0 and len(staging.leftovers()) == 2
    # cancelling a confirmed upload leads to its job: the file is the job's now
    again = admin.post(reverse("rubric_import_confirm"), {"token": token, "action": "cancel"})
    assert again["Location"].endswith(f"?tac-vu={ImportJob.objects.get().pk}#tac-vu")
    assert len(staging.leftovers()) == 2


def running_job(client, minutes_ago: float) -> ImportJob:
    """A confirmed rubric import whose worker took it `minutes_ago` and then died."""
    token = staged_token(
        client, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
    )
    job = confirm(client, "rubric_import", token)
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=started)
    return job


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_shown_failed_after_the_lease_and_its_file_goes(admin, settings):
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    job = running_job(admin, minutes_ago=14)
    assert state(admin, job)["label"] == "Đang nhập" and len(staging.leftovers()) == 2
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(minutes=16))
    answer = state(admin, job)
    assert answer["status"] == "failed" and answer["message"] == (
        "Không nhập gì: quá 15 phút chưa xong, máy nhập đã ngừng giữa chừng. "
        "Hãy tải tệp lên lại; nếu vẫn không được, báo quản trị hệ thống."
    )
    assert staging.leftovers() == []
    assert "máy nhập đã ngừng giữa chừng" in page_of(admin, "rubric_import", job)


@pytest.mark.django_db
def test_a_job_declared_lost_while_it_runs_writes_nothing(admin, settings):
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    token = staged_token(
        admin, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
    )
    job = confirm(admin, "rubric_import", token)

    def prepare(job, path):
        # a long parse: meanwhile a page found the job past its lease and declared it failed
        ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(minutes=16))
        assert import_jobs.expire_lost_imports() == 1

        def write():
            Rubric.objects.create(bloc=Rubric.objects.get().bloc, year=2023, title="Nửa chừng")
            return "Đã nhập."

        return Plan(write)

    assert import_jobs.import_job_run(job_id=job.pk, prepare=prepare) == "failed"
    assert not Rubric.objects.filter(year=2023).exists() and staging.leftovers() == []


@pytest.mark.django_db
def test_a_job_that_breaks_says_so_with_its_task_id_and_writes_nothing(admin):
    token = staged_token(
        admin, "rubric_import", {"bloc": "TMTH", "year": "2023", "upload": seed("bang-tieu-chi.xlsx")}
    )
    job = confirm(admin, "rubric_import", token)
    ImportJob.objects.filter(pk=job.pk).update(task_id="abc123")

    def prepare(job, path):
        def write():
            Criterion.objects.filter(rubric__year=2022).delete()
            raise RuntimeError("a bug halfway")

        return Plan(write)

    with pytest.raises(RuntimeError):
        import_jobs.import_job_run(job_id=job.pk, prepare=prepare)
    job.refresh_from_db()
    assert job.status == "failed" and "báo quản trị kèm mã tác vụ abc123" in job.message
    assert Criterion.objects.filter(rubric__year=2022).count() == 34 and staging.leftovers() == []
    # run twice (a retried task): nothing happens the second time
    assert import_jobs.import_job_run(job_id=job.pk, prepare=prepare) == "failed"


@pytest.mark.django_db
def test_pruning_removes_import_jobs_finished_long_ago(admin, settings):
    settings.EXPORT_JOB_LEASE_MINUTES = 15
    old, recent = running_job(admin, 60), running_job(admin, 5)
    queued = running_job(admin, 1)
    ImportJob.objects.filter(pk=queued.pk).update(status=ImportJob.Status.QUEUED, started_at=None)
    ImportJob.objects.filter(pk=recent.pk).update(
        status=ImportJob.Status.DONE, message="Đã nhập.", finished_at=timezone.now() - dt.timedelta(days=29)
    )
    # `old` lost its worker: marked failed now, so it stays until it is as old as the others
    assert pruning.prune_export_jobs(keep_days=30).imports == 0
    assert ImportJob.objects.get(pk=old.pk).status == "failed"
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=31))
    assert pruning.prune_export_jobs(keep_days=30) == pruning.Pruned(jobs=0, files=0, imports=1)
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk}
