"""Issue 14's whole walk in chromium, on the demo data: the province's administrator opens 2023 for the bloc
from 2022, edits the new rubric in its tree editor (a mismatch seen and fixed, a tiered criterion added),
opens it, adds an agency's staff from a spreadsheet; one of the new people sets a password from the
invitation e-mail, logs in and scores the 2023 rubric.

The administrator's page actions (goto, click, fill, select, upload, key press), counted from the home page
after logging in: 29, in 7 form posts (issue 14 counted 27 admin form posts for a smaller bloc and rubric).
  - the new year, 7: Thiết lập, Mở năm thi đua 2023, the leader, the deputy, the legal basis, the deadline, Mở
    (members, the rubric and its award rules come from 2022, the deadline is proposed a year on; 1 post);
  - to the editor, 1: Sửa bảng tiêu chí;
  - the mismatch, 6: Sửa 1.1, 90, Lưu tiêu chí (the mismatch at 1 live, then as saved); Sửa, 100, Enter
    (2 posts);
  - the tiered criterion 8.1, 6: Thêm under 8, its text, its points, the rule, the tiers, Thêm tiêu chí
    (1 post);
  - opening, 2: Mở chấm điểm, the confirmation's Mở chấm điểm (1 post);
  - the staff, 7: Thiết lập (the editor has no setup tabs), Người dùng, Thêm từ tệp Excel, the agency, the
    file, Xem trước, Xác nhận (2 posts).
Not counted: the administrator's login, and the new person's own steps (the link, the password twice, the
login, Bắt đầu chấm điểm, a score, a tier, Lưu nháp).
"""

import os
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from openpyxl import Workbook

from scoring.models import Criterion, Rubric, Score, Sheet

from .browser import ADMIN, PASSWORDS, Counted, context_page, log_in, new_page, wait_until
from .test_accessibility import axe_violations, described

NEW_BASIS = "Quyết định số 05/QĐ-TMTH ngày 06/01/2023 của Khối về Quy chế hoạt động năm 2023."
PASSWORD = "mat-khau-cua-toi-2023"
TIERS = "Hoàn thành xuất sắc nhiệm vụ = 20\nHoàn thành tốt nhiệm vụ = 15\nHoàn thành nhiệm vụ = 10\n"
TIERS += "Không hoàn thành nhiệm vụ = 0"


def roster(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "E-mail", "Vai trò"])
    ws.append(["Đặng Thu Trang", "trang@stc.gov.vn", "Cán bộ nhập liệu"])
    ws.append(["Hồ Văn Quý", "quy@stc.gov.vn", "Thủ trưởng"])
    wb.save(path)
    return path


def row(page, key: str):
    return page.locator(f'tr[data-key="{key}"]')


@pytest.mark.django_db(transaction=True)
def test_the_province_sets_up_2023_and_a_new_editor_of_a_member_scores_it(
    browser, server, settings, tmp_path
):
    settings.SITE_URL = server.url  # the invitation's link
    # the staff list's import runs as a job: here at once, in the server's own request (ImmediateBackend);
    # tests/accounts/test_people_browser.py follows one through the real worker
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # bypassing the CSP only so that axe can be injected into the editor page
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN", bypass_csp=True)
    errors = []
    try:
        run_the_walk(browser, context_page(context, errors), server.url, tmp_path)
    finally:
        context.close()
        connections.close_all()
    assert errors == []


def run_the_walk(browser, page, base, tmp_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    log_in(page, base, ADMIN, PASSWORDS[ADMIN])
    walk = Counted(page)

    # 1. the new year, from last year's
    walk.click("nav >> text=Thiết lập")
    walk.click("text=Mở năm thi đua 2023")
    page.wait_for_selector("h1:has-text('Mở năm thi đua 2023')")
    walk.select_option("#id_leader", label="Sở Nội vụ")
    walk.select_option("#id_deputy_leader", label="Thanh tra tỉnh")
    walk.fill("#id_legal_basis", NEW_BASIS)
    walk.fill("#id_deadline", "01/12/2023")
    walk.click("button:has-text('Mở năm thi đua 2023')")
    page.wait_for_selector("text=Đã mở năm thi đua 2023 của Khối các cơ quan Tham mưu - Tổng hợp")
    rubric = Rubric.objects.get(year=2023)
    assert rubric.status == Rubric.Status.DRAFT
    assert len(walk.actions) == 7, walk.actions

    # 2. the new draft's tree editor, from the setup page
    walk.click(".setup-year:has-text('2023') >> a:has-text('Sửa bảng tiêu chí')")
    page.wait_for_url(f"{base}/tinh/thiet-lap/bang-tieu-chi/{rubric.pk}/")
    page.wait_for_selector("#open-ready")  # copied with its deadline and award rules: ready to open
    violations = axe_violations(page)
    assert not violations, described(violations)

    # 3. 1.1 to 90: the mismatch at criterion 1 while typing, and once saved; then put back
    sub = Criterion.objects.get(rubric=rubric, key="1:1.1")
    mismatch = row(page, "1:1").locator("[data-mismatch]")
    walk.click(f"#c-{sub.pk} a:has-text('Sửa')")
    walk.fill(f"#id_e{sub.pk}-max_points", "90")
    wait_until(
        page, lambda: mismatch.inner_text() == "Tổng các tiêu chí con 390, tiêu chí cha 400", "live mismatch"
    )
    assert page.inner_text("#live-summary") == "Có 1 chỗ lệch (xem các dòng tô đỏ)."
    walk.click(f"#edit-{sub.pk} button:has-text('Lưu tiêu chí')")
    page.wait_for_selector("text=Đã lưu tiêu chí 1.1")
    assert "Tổng các tiêu chí con 390, tiêu chí cha 400" in mismatch.inner_text()
    assert "Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390" in page.inner_text("#open-problems")
    walk.click(f"#c-{sub.pk} a:has-text('Sửa')")
    walk.fill(f"#id_e{sub.pk}-max_points", "100")
    wait_until(page, lambda: not mismatch.is_visible(), "the mismatch gone while typing")
    walk.press(f"#id_e{sub.pk}-max_points", "Enter")
    page.wait_for_selector("text=Đã lưu tiêu chí 1.1")
    assert not mismatch.is_visible()
    page.wait_for_selector("#open-ready")

    # 4. a tiered criterion 8.1 of 20 points under criterion 8 (20 points): the sums still agree
    eight = Criterion.objects.get(rubric=rubric, key="2:8")
    walk.click(f"#c-{eight.pk} a:has-text('Thêm')")
    walk.fill(f"#id_a{eight.pk}-text", "Kết quả đánh giá, xếp loại chi bộ")
    walk.fill(f"#id_a{eight.pk}-max_points", "20")
    walk.select_option(f"#id_a{eight.pk}-rule", "tiered")
    walk.fill(f"#id_a{eight.pk}-tiers", TIERS)
    walk.click(f"#add-{eight.pk} button:has-text('Thêm tiêu chí')")
    page.wait_for_selector("text=Đã lưu tiêu chí 8.1")
    assert "Chọn một mức: 20 / 15 / 10 / 0" in row(page, "2:8.1").inner_text()
    assert page.inner_text("#total-points") == "950"

    # 5. open it, through the confirmation
    walk.click("button:has-text('Mở chấm điểm')")
    walk.click("dialog[open] button[value=ok]")
    page.wait_for_selector("text=Đã mở bảng tiêu chí cho các đơn vị chấm điểm.")
    assert page.inner_text("#rubric-status") == "Đang chấm điểm"
    rubric.refresh_from_db()
    assert rubric.status == Rubric.Status.OPEN and str(rubric.deadline) == "2023-12-01"

    # 6. Sở Tài chính's new staff from a spreadsheet: preview, confirm
    sent = len(mail.outbox)  # opening the rubric told the members' people
    walk.click("nav >> text=Thiết lập")  # the editor has no setup tabs: back through the menu bar
    walk.click("a.nav-link:text-is('Người dùng')")
    walk.click("text=Thêm từ tệp Excel")
    walk.select_option("#id_agency", "STC")
    walk.set_input_files("#id_upload", str(roster(tmp_path / "danh-sach-stc.xlsx")))
    walk.click("button:has-text('Xem trước'), input[value='Xem trước']")
    page.wait_for_selector("text=Xem trước: 2 người cho Sở Tài chính")
    assert len(mail.outbox) == sent  # nobody invited before the confirmation
    walk.click("button:has-text('Xác nhận: thêm 2 người')")
    page.wait_for_selector("text=Đã thêm 2 người vào Sở Tài chính")

    assert len(walk.actions) == 29, walk.actions
    assert len(walk.posts) == 7, walk.posts

    # 7. the new editor: the e-mailed link, a password, the login, the 2023 sheet, a score and a tier
    message = next(m for m in mail.outbox if m.to == ["trang@stc.gov.vn"])
    link = re.search(r"http\S+/moi/\S+/", message.body).group(0)
    person = new_page(browser)
    try:
        person.goto(link)
        person.fill("#id_new_password1", PASSWORD)
        person.fill("#id_new_password2", PASSWORD)
        person.click("button:has-text('Đặt mật khẩu')")
        person.wait_for_selector("text=Đã đặt mật khẩu")
        person.fill("#id_username", "trang@stc.gov.vn")
        person.fill("#id_password", PASSWORD)
        person.click("button[type=submit]")
        person.wait_for_url(base + "/")
        person.wait_for_selector("text=Đơn vị chưa bắt đầu chấm điểm năm 2023.")
        person.click("button:has-text('Bắt đầu chấm điểm')")
        person.wait_for_selector("#sheet-form")
        sheet = Sheet.objects.get(agency__code="STC", rubric=rubric)
        assert person.url == f"{base}/bang-cham-diem/{sheet.pk}/cham-diem/"
        added = Criterion.objects.get(rubric=rubric, key="2:8.1")
        assert "Kết quả đánh giá, xếp loại chi bộ" in person.inner_text("#sheet-form")
        person.fill(f"input[name='p-{sub.pk}']", "95")
        person.check(f"#id_t-{added.pk} input[type=radio] >> nth=1")  # the first tier, after "Chưa chọn"
        person.click("button[name=save] >> nth=0")
        person.wait_for_selector("#autosave-status.autosave-saved:has-text('Đã lưu bảng chấm điểm lúc')")
    finally:
        person.context.close()
    assert person.errors == []
    assert Score.objects.get(sheet=sheet, criterion=sub).points == Decimal(95)
    tiered = Score.objects.get(sheet=sheet, criterion=added)
    assert tiered.tier.points == 20
