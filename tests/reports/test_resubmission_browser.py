"""In a real browser, a year's report through a return: the head sees every warning before signing, signs
and submits; the leader returns the sheet; the agency fixes it and signs again; the leader accepts and
counter-signs. The file the bloc keeps prints the accepted totals; the one signed before is set aside."""

import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from scoring import demo
from scoring.models import Report, Sheet, SupersededReport
from scoring.notation import format_points

from ..browser import log_in, save_draft, sign_and_submit

pytestmark = pytest.mark.browser
PASSWORDS = {u.username: u.password for u in demo.USERS}


@pytest.mark.django_db(transaction=True)
def test_sign_return_fix_sign_again_accept_and_counter_sign(page, server, tmp_path):
    try:
        walk(page, server.url, tmp_path)
    finally:
        connections.close_all()


def as_user(page, base, username):
    page.goto(base + "/")
    if page.locator("text=Đăng xuất").count():
        page.click("text=Đăng xuất")
    log_in(page, base, username, PASSWORDS[username])


def text_of(tmp_path, data: bytes) -> str:
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout.split())


def walk(page, base, tmp_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    sheet = Sheet.objects.get(agency__code="VP", rubric__year=2022, rubric__round="year")

    # The head opens "Ký số và nộp…": every warning "Nộp" showed is there before the certificate is asked.
    as_user(page, base, "vp.thutruong")
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/bao-cao/ky/")
    review = page.locator("section[aria-labelledby=before-submitting]")
    assert "Xem lại trước khi ký và nộp" in review.inner_text()
    assert "đã chấm" in review.inner_text() and "tổng điểm tự chấm" in review.inner_text()
    assert review.bounding_box()["y"] < page.locator("input[name=certificate]").bounding_box()["y"]
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/")
    sign_and_submit(page, "vp.thutruong")
    first = Report.objects.get(sheet=sheet).signed_pdf.read()

    # The leader returns it with a reason.
    as_user(page, base, "ttr.chamdiem")
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/tham-dinh/")
    page.fill("textarea[name=reason]", "Tiêu chí 1.1 cần điểm đúng kế hoạch")
    page.click("button[value=return] >> nth=0")
    page.wait_for_selector("text=Đã trả lại bảng chấm điểm cho Văn phòng UBND tỉnh.")
    page.goto(base + "/khoi/bao-cao-da-nhan/")
    assert "không còn hiệu lực" in page.inner_text("main")
    assert page.locator("a:has-text('Ký xác nhận')").count() == 0

    # The agency fixes 1.1 and the head signs again.
    as_user(page, base, "vp.bientap")
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/cham-diem/")
    box = page.locator(f"input[name='p-{sheet.rubric.criteria.get(key='1:1.1').pk}']")
    box.fill("95")
    save_draft(page)
    as_user(page, base, "vp.thutruong")
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/")
    sign_and_submit(page, "vp.thutruong")
    sheet.refresh_from_db()
    total = format_points(Decimal(sheet.snapshots.order_by("-pk").first().data["total_points"]))

    # The leader accepts, then counter-signs the current report from the received reports.
    as_user(page, base, "ttr.chamdiem")
    page.goto(f"{base}/bang-cham-diem/{sheet.pk}/tham-dinh/")
    page.wait_for_load_state("load")
    page.click("button[value=accept] >> nth=0")
    page.click("dialog[open] button[value=ok]")
    page.wait_for_selector("text=Đã duyệt bảng chấm điểm của Văn phòng UBND tỉnh.")
    page.goto(base + "/khoi/bao-cao-da-nhan/")
    row = page.locator("tr", has_text="Văn phòng UBND tỉnh")
    assert "Bản đã thay thế" in row.inner_text() and f"tổng {total} điểm" in row.inner_text()
    assert row.locator("a:has-text('Ký xác nhận')").count() == 1
    row.locator("a:has-text('Ký xác nhận')").click()
    page.set_input_files("input[name=certificate]", str(Path(settings.DEMO_CERT_DIR) / "ttr.chamdiem.p12"))
    page.fill("input[name=passphrase]", demo.CERT_PASSPHRASE)
    page.wait_for_load_state("load")
    page.click("button[name=sign]")
    page.click("dialog[open] button:text-is('Ký xác nhận')")
    page.wait_for_selector("text=Đã ký xác nhận Báo cáo số")
    assert "(ký xác nhận)" in page.locator("tr", has_text="Văn phòng UBND tỉnh").inner_text()

    with page.expect_download() as download:
        page.locator("tr", has_text="Văn phòng UBND tỉnh").locator("a:has-text('Tải PDF')").click()
    received = Path(download.value.path()).read_bytes()
    accepted = Sheet.objects.get(pk=sheet.pk)
    assert accepted.status == Sheet.Status.ACCEPTED
    assert f"TỔNG CỘNG 950 50 {total} " in text_of(tmp_path, received)
    assert "TỔNG CỘNG 950 50 945 " in text_of(tmp_path, first)
    old = SupersededReport.objects.get(report__sheet=sheet)
    assert old.signed_pdf.read() == first and "Tiêu chí 1.1 cần điểm đúng kế hoạch" in old.reason
    report = Report.objects.get(sheet=sheet)
    assert report.countersigned_at is not None and [s["field"] for s in report.signatures] == [
        "Signature1",
        report.countersign_field,
    ]
