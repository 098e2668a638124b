"""The province's table of a year, built by the real worker (`manage.py db_worker` in its own process):
every bloc's members with totals, rank in the bloc and award, as Excel (recomputed by LibreOffice) and PDF
(fonts embedded); downloadable only by the province's administrators."""

import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import AwardRule, ExportJob, Rubric, Sheet

from ..factories import recalculated
from ..review.test_export_jobs import files_in, run_worker

REFUSED = ("editor", "head", "reviewer", "own_reviewer", "own_admin", "same_bloc", "other", "other_admin")


def ask(client, fmt: str) -> ExportJob:
    response = client.post(reverse(f"province_job_start_{fmt}", args=[2022]))
    assert response.status_code == 302
    assert response["Location"] == reverse("province_desk") + "?nam=2022#tep-xuat"
    return ExportJob.objects.get(kind=fmt, status=ExportJob.Status.QUEUED)


def download(client, job) -> bytes:
    response = client.get(reverse("province_job_file", args=[2022, job.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="bang-tong-hop-toan-tinh-2022.{job.kind}"'
    )
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_province_table_and_only_province_administrators_download_it(
    cast, province, settings, tmp_path
):
    Sheet.objects.filter(agency__code="VP").update(status=Sheet.Status.SUBMITTED)
    AwardRule.objects.create(
        rubric=Rubric.objects.get(bloc__code="VHXH"), award="Cờ thi đua", max_count=1, position=1
    )
    admin = Client()
    admin.force_login(cast["admin"])
    xlsx, pdf = ask(admin, "xlsx"), ask(admin, "pdf")
    assert (
        xlsx.bloc_year is None and xlsx.year == 2022 and xlsx.requested_by == cast["admin"] and xlsx.task_id
    )
    desk = admin.get(reverse("province_desk")).content.decode()
    assert "Đang chờ" in desk and reverse("province_job_status", args=[2022, xlsx.pk]) in desk

    run_worker(settings)

    xlsx.refresh_from_db()
    assert xlsx.status == ExportJob.Status.DONE and xlsx.file.name.startswith("exports/tinh/2022/")
    state = admin.get(reverse("province_job_status", args=[2022, xlsx.pk])).json()
    assert state["label"] == "Đã xong" and state["download"] == reverse(
        "province_job_file", args=[2022, xlsx.pk]
    )
    assert len(files_in(Path(settings.MEDIA_ROOT) / "exports")) == 2  # two whole files, no leftovers

    book = download(admin, xlsx)
    ws = load_workbook(BytesIO(book))["Toàn tỉnh"]
    assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM 2022 CỦA CÁC KHỐI THI ĐUA"
    assert ws["F8"].value == "=D8+E8"  # a live formula, which LibreOffice works out below
    values = recalculated(tmp_path, book)["Toàn tỉnh"]
    table = [[cell for cell in row] for row in values.iter_rows(min_row=5, max_row=11, values_only=True)]
    assert table == [
        [None, "Khối các cơ quan Tham mưu - Tổng hợp (khối trưởng: Cơ quan TTR)", *[None] * 9],
        [1, "Cơ quan STC", "Chưa bắt đầu", None, None, None, None, None, None, None, None],
        [2, "Cơ quan TTR", "Chưa bắt đầu", None, None, None, None, None, None, None, None],
        [3, "Cơ quan VP", "Đã nộp", 0, 0, 0, None, None, None, None, None],  # nobody reviewed it yet,
        [None, "Khối Văn hóa - Xã hội (khối trưởng: Sở Y tế)", *[None] * 9],
        [1, "Sở Giáo dục và Đào tạo", "Đã duyệt", 95.5, 0, 95.5, 95.5, 0, 95.5, 1, "Cờ thi đua"],
        [2, "Sở Y tế", "Đã duyệt", 80, 0, 80, 80, 0, 80, 2, None],
    ]

    document = tmp_path / "tinh.pdf"
    document.write_bytes(download(admin, ExportJob.objects.get(pk=pdf.pk)))
    fonts = subprocess.run(["pdffonts", document], capture_output=True, text=True, check=True).stdout
    assert "VPUB-Serif" in fonts and all(" yes yes yes " in line for line in fonts.splitlines()[2:])
    text = " ".join(
        subprocess.run(["pdftotext", document, "-"], capture_output=True, text=True).stdout.split()
    )
    for words in (
        "CỦA CÁC KHỐI THI ĐUA",
        "Khối Văn hóa - Xã hội (khối trưởng: Sở Y tế)",
        "Sở Giáo dục và Đào tạo",
        "95,5",
        "Cờ thi đua",
    ):
        assert words in text

    for role in REFUSED:
        client = Client()
        client.force_login(cast[role])
        assert client.get(reverse("province_job_file", args=[2022, xlsx.pk])).status_code == 404, role
        assert client.get(reverse("province_job_status", args=[2022, xlsx.pk])).status_code == 404, role
        assert client.post(reverse("province_job_start_xlsx", args=[2022])).status_code == 404, role
    # the province's job is no bloc's: not through a board's address, nor through another year
    reviewer = Client()
    reviewer.force_login(cast["reviewer"])
    assert reviewer.get(reverse("export_job_file", args=["TMTH", 2022, xlsx.pk])).status_code == 404
    assert admin.get(reverse("export_job_file", args=["TMTH", 2022, xlsx.pk])).status_code == 404
    assert admin.get(reverse("province_job_file", args=[2021, xlsx.pk])).status_code == 404
    assert ExportJob.objects.count() == 2


def test_a_year_without_blocs_has_no_table_to_ask_for(cast, province):
    admin = Client()
    admin.force_login(cast["admin"])
    assert admin.post(reverse("province_job_start_pdf", args=[2019])).status_code == 404
    assert not ExportJob.objects.exists()


def test_a_job_is_for_a_bloc_or_for_the_provinces_year_never_both_nor_neither(province):
    for fields in ({"bloc_year": province["TMTH"], "year": 2022}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExportJob.objects.create(kind="xlsx", **fields)


def test_the_command_writes_the_same_table(province, tmp_path):
    out = StringIO()
    call_command(
        "export_province", "--year", "2022", "--format", "xlsx", "-o", tmp_path / "tinh.xlsx", stdout=out
    )
    assert "2 khối, 5 đơn vị" in out.getvalue()
    assert (
        load_workbook(tmp_path / "tinh.xlsx")["Toàn tỉnh"]["B9"].value
        == "Khối Văn hóa - Xã hội (khối trưởng: Sở Y tế)"
    )
    with pytest.raises(CommandError, match="Năm 2019 chưa có khối thi đua nào"):
        call_command("export_province", "--year", "2019", "--format", "pdf", "-o", tmp_path / "x.pdf")
