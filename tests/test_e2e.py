"""Once through in a real browser: Debian's chromium driven by Playwright, against the live server."""

import os
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connections

from scoring.models import Citation, Score, Sheet
from scoring.sheets.queries import sheet_view

from .browser import log_in, save_draft, sign_and_submit, wait_for_value
from .factories import PDF


@pytest.mark.django_db(transaction=True)
def test_editor_fills_every_criterion_cites_a_pdf_saves_and_head_submits(page, server, tmp_path):
    # Under Playwright's sync API the test body runs in a greenlet whose context gets its own database
    # connection: close it at the end, or PostgreSQL keeps a session open on the test database.
    try:
        run_the_scenario(page, server.url, tmp_path)
    finally:
        connections.close_all()


def run_the_scenario(page, base, tmp_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    pdf = tmp_path / "ke-hoach-495.pdf"
    pdf.write_bytes(PDF)

    log_in(page, base, "vp.bientap", "demo-VP-bien-tap-2022")
    page.click("text=Sổ tài liệu kiểm chứng")
    page.click("text=Thêm tài liệu")
    page.wait_for_load_state("load")  # the page's script listens for typing once it has run
    page.fill("#id_citation", "Kế hoạch số 495/KH-VP ngày 29/3/2022 về thực hiện quy chế dân chủ ở cơ sở")
    wait_for_value(page, "#id_number", "495/KH-VP")
    assert page.input_value("#id_issued_on") == "29/03/2022"
    page.set_input_files("#id_upload", str(pdf))
    page.click("input[type=submit], button[type=submit]:has-text('Lưu tài liệu')")
    page.wait_for_selector("text=Đã lưu Kế hoạch số 495/KH-VP ngày 29/3/2022")

    page.goto(base + "/")
    page.click("a.btn-primary:has-text('Chấm điểm')")
    page.wait_for_selector("#sheet-form")
    # Every criterion: a number one below its maximum, the top bonus, a tier, a rating per organisation.
    for box in page.query_selector_all("input[name^='p-']"):
        maximum = D(box.get_attribute("data-max"))
        box.fill(f"{maximum - D('0.5'):f}".rstrip("0").rstrip(".").replace(".", ","))
    for box in page.query_selector_all("input[name^='b-']"):
        box.fill(f"{D(box.get_attribute('data-max')):f}".rstrip("0").rstrip("."))
    for group in page.query_selector_all("fieldset[id^='id_t-'], fieldset[id^='id_c-']"):
        group.query_selector_all("input[type=radio]")[1].check()  # the first tier, after "Chưa chọn"
    page.click("[data-pick] >> nth=0")
    page.fill("#evidence-search", "495")
    page.click("#evidence-options button:has-text('495/KH-VP')")
    page.click("#evidence-picker [data-close] >> nth=-1")
    typed_total = page.inner_text("#grand-points")
    save_draft(page)
    assert page.inner_text("#grand-points") == typed_total

    sheet = Sheet.objects.get(agency__code="VP")
    view = sheet_view(sheet)
    leaves = [c for c in view.rubric_tree.criteria if not view.rubric_tree.tree.children[c.key]]
    manual = sum(c.max_points - D("0.5") for c in leaves if c.rule == "manual")
    expected = manual + 20 + 60  # the first tier (20) and every organisation's first rating (20 + 20 + 20)
    assert view.grand_total.points == expected
    assert view.grand_total.bonus == 50
    assert typed_total == f"{expected:f}".rstrip("0").rstrip(".").replace(".", ",")
    assert Citation.objects.filter(document__number="495/KH-VP").count() == 1
    page.click("text=Đăng xuất")

    log_in(page, base, "vp.thutruong", "demo-VP-thu-truong-2022")
    page.click("a.btn-primary:has-text('Chấm điểm')")
    sign_and_submit(page, "vp.thutruong")
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED and sheet.submitted_by.username == "vp.thutruong"
    assert Score.objects.get(sheet=sheet, criterion__key="1:1.1").points == D("99.5")


@pytest.mark.django_db(transaction=True)
def test_the_leader_returns_a_sheet_the_agency_fixes_it_and_the_leader_accepts_it(page, server):
    try:
        review_round(page, server.url)
    finally:
        connections.close_all()


def row_of(page, agency: str):
    return page.locator("tr", has_text=agency)


def review_round(page, base):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    log_in(page, base, "ttr.chamdiem", "demo-TTR-cham-diem-2022")
    page.click("text=Khối các cơ quan Tham mưu - Tổng hợp – năm 2022")
    row_of(page, "Sở Tài chính").locator("a:text-is('Thẩm định')").click()
    page.fill("textarea[name=reason]", "Tiêu chí 1.1 chưa có kế hoạch năm kèm theo")
    page.click("button[value=return] >> nth=0")
    page.wait_for_selector("text=Đã trả lại bảng chấm điểm cho Sở Tài chính.")
    assert "Bị trả lại" in row_of(page, "Sở Tài chính").inner_text()
    page.click("text=Đăng xuất")

    log_in(page, base, "stc.bientap", "demo-STC-bien-tap-2022")
    page.click("a.btn-primary:has-text('Chấm điểm')")
    page.wait_for_selector("text=Tiêu chí 1.1 chưa có kế hoạch năm kèm theo")
    page.locator("input[name^='p-']").first.fill("99")
    save_draft(page)
    page.click("text=Đăng xuất")

    log_in(page, base, "stc.thutruong", "demo-STC-thu-truong-2022")
    page.click("a.btn-primary:has-text('Chấm điểm')")
    sign_and_submit(page, "stc.thutruong")
    page.click("text=Đăng xuất")

    log_in(page, base, "ttr.chamdiem", "demo-TTR-cham-diem-2022")
    page.click("text=Khối các cơ quan Tham mưu - Tổng hợp – năm 2022")
    row_of(page, "Sở Tài chính").locator("a:text-is('Thẩm định')").click()
    page.click("button[value=accept] >> nth=0")
    page.click("dialog[open] button[value=ok]")  # "Duyệt" asks first
    page.wait_for_selector("text=Đã duyệt bảng chấm điểm của Sở Tài chính.")
    assert "Đã duyệt" in row_of(page, "Sở Tài chính").inner_text()
    page.click("text=Xếp hạng")
    first = page.locator("tbody tr").first.inner_text()
    assert "Sở Tài chính" in first and "Cờ thi đua của UBND tỉnh" in first
    sheet = Sheet.objects.get(agency__code="STC")
    assert sheet.status == Sheet.Status.ACCEPTED
    assert Score.objects.get(sheet=sheet, criterion__key="1:1.1").reviewed_points == 99
