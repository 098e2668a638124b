"""The sheet import page: the dry run's findings as a preview that writes nothing, confirm to write (a job, run
here at once by django-tasks' ImmediateBackend: `confirm_now`; the real worker in
tests/accounts/test_import_jobs.py)."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.jobs import staging
from scoring.models import ImportJob, Score, Sheet
from scoring.sheets.queries import sheet_view

from ..factories import SEED_SHEET

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, cast, bloc_2022):
    client.force_login(cast["admin"])
    return client


def preview(client, content: bytes | None = None, **data):
    upload = SimpleUploadedFile(
        "bang-cham-diem.xlsx", SEED_SHEET.read_bytes() if content is None else content
    )
    return client.post(reverse("sheet_import"), {"agency": "VP", "year": "2022", "upload": upload, **data})


def test_the_preview_shows_the_dry_runs_errors_warnings_and_totals_and_keeps_nothing(admin):
    response = preview(admin)
    page = response.content.decode()
    assert (
        "Nội dung 2 (trang tính “Bảng chấm điểm”, dòng 26): dòng tiêu đề ghi điểm tự chấm 200, "
        "nhưng các tiêu chí cộng lại là 195."
    ) in page
    assert (
        "Nội dung 2, tiêu chí 3 (trang tính “Bảng chấm điểm”, dòng 29): điểm thưởng tự chấm 10 vượt mức tối đa 1."
        in page
    )
    assert "Có 1 lỗi: không ghi gì." in page
    assert "điểm tự chấm <strong>945</strong>, điểm thưởng tự chấm <strong>48</strong>" in page
    assert not Sheet.objects.exists() and not Score.objects.exists()
    assert response.context["staged"] is None and staging.leftovers() == []  # an error: nothing to confirm


def test_with_clamp_the_preview_writes_nothing_and_confirm_writes_945_48(
    admin, agencies, confirm_now, django_assert_num_queries
):
    response = preview(admin, clamp="on")
    assert "tính bằng 1 (--clamp)" in response.content.decode()
    assert not Sheet.objects.exists() and len(staging.leftovers()) == 2
    done = confirm_now(
        admin,
        reverse("sheet_import_confirm"),
        {"token": response.context["staged"].token, "action": "confirm"},
    )
    job = ImportJob.objects.get()
    assert (
        done.status_code == 302 and done["Location"] == reverse("sheet_import") + f"?tac-vu={job.pk}#tac-vu"
    )
    sheet = Sheet.objects.get(agency=agencies["VP"])
    view = sheet_view(sheet)
    assert (view.grand_total.points, view.grand_total.bonus) == (D(945), D(48))
    assert staging.leftovers() == []
    # session, user, roles, jobs past their lease, the job, the form's agencies; the session's update (3)
    with django_assert_num_queries(9):
        page = admin.get(done["Location"]).content.decode()
    assert (
        "Đã ghi vào bảng chấm điểm năm 2022 của Cơ quan VP: điểm tự chấm 945, điểm thưởng tự chấm 48." in page
    )


def test_a_sheet_submitted_between_preview_and_confirm_is_not_overwritten(admin, vp_sheet, confirm_now):
    """Found only when the job writes: the preview saw a draft."""
    response = preview(admin, clamp="on")
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    done = confirm_now(
        admin,
        reverse("sheet_import_confirm"),
        {"token": response.context["staged"].token, "action": "confirm"},
    )
    job = ImportJob.objects.get()
    assert job.status == "failed" and len(job.errors) == 1 and "không nhập đè được" in job.errors[0]
    assert not Score.objects.exists() and staging.leftovers() == []
    page = admin.get(done["Location"]).content.decode()
    assert "Không nhập gì: có lỗi (xem dưới)." in page and "không nhập đè được" in page


def test_a_broken_workbook_writes_nothing_and_leaves_no_file(admin):
    content = SEED_SHEET.read_bytes()[:2000]  # cut short: not a workbook any more
    response = preview(admin, content, clamp="on")
    assert "Không đọc được tệp Excel" in response.content.decode()
    assert not Sheet.objects.exists() and staging.leftovers() == []


def test_a_submitted_sheet_is_not_overwritten(admin, vp_sheet):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    response = preview(admin, clamp="on")
    assert "không nhập đè được" in response.content.decode()
    assert response.context["staged"] is None and not Score.objects.exists()


def test_an_agency_outside_every_bloc_is_told_so(admin):
    response = preview(admin, agency="OTHER")
    assert "không thuộc khối thi đua nào có bảng tiêu chí năm 2022" in response.content.decode()
    assert staging.leftovers() == []


def test_the_landing_links_both_imports(admin, django_assert_num_queries):
    # session, user, roles, the session's update (savepoint, update, release)
    with django_assert_num_queries(6):
        response = admin.get(reverse("import_home"))
    page = response.content.decode()
    assert reverse("rubric_import") in page and reverse("sheet_import") in page
