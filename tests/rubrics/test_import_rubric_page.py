"""The rubric import page: the command's findings as a preview that writes nothing, confirm to write (a job,
run here at once by django-tasks' ImmediateBackend: `confirm_now`; the real worker in
tests/accounts/test_import_jobs.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from scoring.jobs import staging
from scoring.models import Bloc, Criterion, ImportJob, Rubric, Sheet

from ..factories import SEED_SHEET

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, cast):
    Bloc.objects.create(code="TMTH", name="Khối các cơ quan Tham mưu - Tổng hợp")
    client.force_login(cast["admin"])
    return client


def upload(content: bytes = None, name="bang-tieu-chi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEED_SHEET.read_bytes() if content is None else content)


def broken_seed(tmp_path) -> bytes:
    """The seed with criterion 1.1 worth 90: its parent still says 400."""
    wb = load_workbook(SEED_SHEET)
    ws = wb.active
    row = next(r for r in ws.iter_rows() if str(r[0].value).strip() == "1.1")
    row[2].value = 90
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    return path.read_bytes()


def preview(client, **data):
    return client.post(reverse("rubric_import"), {"bloc": "TMTH", "year": "2023", "upload": upload(), **data})


def test_the_preview_shows_the_commands_totals_and_writes_nothing(admin, django_assert_max_num_queries):
    response = preview(admin)
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 nội dung, 31 tiêu chí." in page
    assert "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022" in page
    totals = response.context["preview"].total
    assert (totals.points, totals.bonus) == (950, 50)
    assert not Rubric.objects.exists() and not Criterion.objects.exists()
    assert len(staging.leftovers()) == 2 and response.context["staged"] is not None


def test_confirm_writes_the_rubric_as_a_job_the_page_follows_and_removes_the_file(
    admin, cast, confirm_now, django_assert_num_queries
):
    token = preview(admin).context["staged"].token
    response = confirm_now(admin, reverse("rubric_import_confirm"), {"token": token, "action": "confirm"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rubric_import") + f"?tac-vu={job.pk}#tac-vu"
    assert (job.kind, job.status, job.requested_by, job.file_name) == (
        "rubric",
        "done",
        cast["admin"],
        "bang-tieu-chi.xlsx",
    )
    rubric = Rubric.objects.get(bloc__code="TMTH", year=2023)
    assert rubric.criteria.count() == 34 and rubric.title == "BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022"
    assert staging.leftovers() == []
    # the session, the user, their roles, jobs past their lease, the job, the blocs; the session's update
    # (in a savepoint: three)
    with django_assert_num_queries(9):
        page = admin.get(response["Location"]).content.decode()
    assert "Đã nhập xong" in page
    assert "Đã nhập “BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2022” – khối TMTH, năm 2023: 3 nội dung, 31 tiêu chí." in page
    # the token served once
    again = confirm_now(admin, reverse("rubric_import_confirm"), {"token": token, "action": "confirm"})
    assert again["Location"] == response["Location"] and Rubric.objects.count() == 1
    assert ImportJob.objects.count() == 1


def test_a_rubric_locked_between_preview_and_confirm_is_not_written_and_says_why(
    admin, confirm_now, agencies
):
    """Written while the job runs: the rubric of 2023 gets a submitted sheet after the preview."""
    token = preview(admin, replace="on").context["staged"].token
    rubric = Rubric.objects.create(bloc=Bloc.objects.get(code="TMTH"), year=2023, title="Đang dùng")
    Sheet.objects.create(rubric=rubric, agency=agencies["VP"], status=Sheet.Status.SUBMITTED)
    response = confirm_now(admin, reverse("rubric_import_confirm"), {"token": token, "action": "confirm"})
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.message.startswith("Không nhập gì")
    assert job.errors == ["Bảng tiêu chí TMTH năm 2023 đã có đơn vị nộp bảng chấm điểm: không thay được."]
    page = admin.get(response["Location"]).content.decode()
    assert "Không nhập được" in page and "đã có đơn vị nộp bảng chấm điểm: không thay được." in page
    assert Rubric.objects.get().title == "Đang dùng" and not Criterion.objects.exists()
    assert staging.leftovers() == []


def test_a_broken_workbook_shows_the_mismatch_writes_nothing_and_keeps_no_file(admin, tmp_path):
    response = admin.post(
        reverse("rubric_import"), {"bloc": "TMTH", "year": "2023", "upload": upload(broken_seed(tmp_path))}
    )
    errors = response.context["preview"].errors
    assert any("ghi điểm chuẩn 400, nhưng các phần cộng lại là 390" in e for e in errors), errors
    assert "Không nhập gì: hãy sửa tệp rồi tải lên lại." in response.content.decode()
    assert response.context["staged"] is None and staging.leftovers() == []
    assert not Rubric.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"TT;Ti\xeau ch\xed\n", "không phải là tệp Excel .xlsx"),
        (b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel"),
    ],
)
def test_files_that_are_not_workbooks_get_a_vietnamese_message(admin, content, message):
    response = admin.post(
        reverse("rubric_import"), {"bloc": "TMTH", "year": "2023", "upload": upload(content)}
    )
    text = response.content.decode()
    assert message in text
    assert not Rubric.objects.exists() and staging.leftovers() == []


def test_a_rubric_that_exists_is_replaced_only_when_asked(admin, confirm_now):
    token = preview(admin).context["staged"].token
    confirm_now(admin, reverse("rubric_import_confirm"), {"token": token, "action": "confirm"})
    refused = preview(admin)
    assert any("đã có bảng tiêu chí năm 2023" in e for e in refused.context["preview"].errors)
    assert staging.leftovers() == []
    replaced = preview(admin, replace="on", title="Bảng tiêu chí 2023")
    confirm_now(
        admin,
        reverse("rubric_import_confirm"),
        {"token": replaced.context["staged"].token, "action": "confirm"},
    )
    assert Rubric.objects.get().title == "Bảng tiêu chí 2023"


def test_cancel_writes_nothing(admin):
    token = preview(admin).context["staged"].token
    admin.post(reverse("rubric_import_confirm"), {"token": token, "action": "cancel"})
    assert not Rubric.objects.exists() and staging.leftovers() == [] and not ImportJob.objects.exists()


def test_another_users_token_reaches_nothing(admin, cast, client):
    token = preview(admin).context["staged"].token
    from django.test import Client

    other = Client()
    other.force_login(cast["reviewer"])
    assert (
        other.post(reverse("rubric_import_confirm"), {"token": token, "action": "confirm"}).status_code == 404
    )
    assert not Rubric.objects.exists() and len(staging.leftovers()) == 2 and not ImportJob.objects.exists()
