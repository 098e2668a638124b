"""The province's desk in a real browser: the administrator asks for the province's table, the worker (a
real `db_worker` process) builds it, and the page offers “Tải tệp” without a reload; a job whose worker
died shows its Vietnamese reason once its lease is over."""

import datetime as dt

import pytest
from django.db import connections
from django.utils import timezone

from scoring.models import ExportJob
from tests.browser import browser_page, wait_until

from ..review.test_export_jobs import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    connections.close_all()  # the greenlet Playwright runs the test in has its own connection


def test_the_desk_follows_the_province_table_until_it_can_be_downloaded(
    browser, server, cast, province, settings
):
    with browser_page(browser, server, cast["admin"]) as page:
        page.goto(f"{server.url}/tinh/")
        page.click("button:has-text('Tạo bảng toàn tỉnh (Excel)')")
        page.wait_for_selector("text=Đã nhận yêu cầu tạo bảng tổng hợp toàn tỉnh năm 2022 (Excel)")
        item = page.locator("li[data-export-job]")
        assert item.count() == 1 and "Đang chờ" in item.inner_text()
        assert page.locator("[data-job-download]").is_hidden()

        run_worker(settings)

        wait_until(page, lambda: page.locator("[data-job-download]").is_visible(), "the download link shows")
        assert "Đã xong" in item.inner_text()
        assert page.locator("[data-job-announce]").inner_text() == "Tệp đã tạo xong: bấm “Tải tệp”."
        with page.expect_download() as download:
            page.click("[data-job-download]")
        assert download.value.suggested_filename == "bang-tong-hop-toan-tinh-2022.xlsx"


def test_a_job_whose_worker_died_shows_why_once_its_lease_is_over(browser, server, cast, province, settings):
    job = ExportJob.objects.create(year=2022, kind="pdf")
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(minutes=14, seconds=54)
    )
    with browser_page(browser, server, cast["admin"]) as page:
        page.goto(f"{server.url}/tinh/")
        assert "Đang tạo" in page.locator("li[data-export-job]").inner_text()
        wait_until(
            page,
            lambda: "quá 15 phút chưa xong" in page.locator("[data-job-error]").inner_text(),
            "the lost job shows as failed",
        )
        assert "Không tạo được" in page.locator("li[data-export-job]").inner_text()
