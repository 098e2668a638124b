"""In chromium: the province's administrator changes 1.1 to 90 and sees the mismatch at criterion 1 while
typing, puts it back, adds a tiered criterion with its tiers, sets the deadline and opens the rubric.

The page actions are counted: 18 (each goto, click, fill, select and key press), against the 27 admin form
posts of issue 14 for a smaller job."""

import pytest
from django.core.management import call_command

from scoring.models import Agency, AwardRule, Criterion, Membership, Rubric

from ..browser import browser_page, sign_in, wait_until
from ..factories import make_agency, make_user


@pytest.fixture
def setup(django_user_model):
    call_command("loaddata", "rubric_tmth_2022", verbosity=0)
    rubric = Rubric.objects.get()
    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.DRAFT, deadline=None)
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    office = make_agency("BTDKT", "Ban Thi đua - Khen thưởng tỉnh")
    Agency.objects.filter(pk=office.pk).update(is_province_office=True)
    admin = make_user(django_user_model, "quantri", office, Membership.Role.ADMIN)
    return rubric, admin


class Actions:
    """The page, with every user action counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def __getattr__(self, name):
        action = getattr(self.page, name)

        def counted(*args, **kwargs):
            self.count += 1
            return action(*args, **kwargs)

        return counted


def row(page, key: str):
    return page.locator(f'tr[data-key="{key}"]')


def test_the_administrator_fixes_a_mismatch_adds_a_tiered_criterion_and_opens_the_rubric(
    browser, server, setup
):
    rubric, admin = setup
    sub = Criterion.objects.get(rubric=rubric, key="1:1.1")
    with browser_page(browser, server, admin) as page:
        act = Actions(page)
        act.goto(f"{server.url}/tinh/thiet-lap/bang-tieu-chi/{rubric.pk}/")
        assert "Chưa đặt hạn nộp bảng chấm điểm." in page.inner_text("#open-problems")
        act.click(f"#c-{sub.pk} a:has-text('Sửa')")
        act.fill(f"#id_e{sub.pk}-max_points", "90")
        mismatch = row(page, "1:1").locator("[data-mismatch]")
        # live, before anything is saved
        wait_until(
            page,
            lambda: mismatch.inner_text() == "Tổng các tiêu chí con 390, tiêu chí cha 400",
            "live mismatch",
        )
        # criterion 1 still says 400, so Nội dung 1 and TỔNG CỘNG agree with it
        assert page.inner_text("#total-points") == "950"
        assert not row(page, "1").locator("[data-mismatch]").is_visible()
        assert page.inner_text("#live-summary") == "Có 1 chỗ lệch (xem các dòng tô đỏ)."
        act.click(f"#edit-{sub.pk} button:has-text('Lưu tiêu chí')")
        page.wait_for_selector("text=Đã lưu tiêu chí 1.1")
        assert "Tổng các tiêu chí con 390, tiêu chí cha 400" in mismatch.inner_text()  # as the server sees it
        assert "Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390" in page.inner_text("#open-problems")

        # fixed from the keyboard: the edit link, the box, Enter
        act.focus(f"#c-{sub.pk} a:has-text('Sửa')")
        act.press(f"#c-{sub.pk} a:has-text('Sửa')", "Enter")
        page.wait_for_selector(f"#id_e{sub.pk}-max_points")
        act.fill(f"#id_e{sub.pk}-max_points", "100")
        wait_until(page, lambda: not mismatch.is_visible(), "the mismatch gone while typing")
        act.press(f"#id_e{sub.pk}-max_points", "Enter")
        page.wait_for_selector("text=Đã lưu tiêu chí 1.1")
        assert not mismatch.is_visible()

        eight = Criterion.objects.get(rubric=rubric, key="2:8")
        act.click(f"#c-{eight.pk} a:has-text('Thêm')")
        act.fill(f"#id_a{eight.pk}-text", "Kết quả đánh giá, xếp loại chi bộ")
        act.fill(f"#id_a{eight.pk}-max_points", "20")
        act.select_option(f"#id_a{eight.pk}-rule", "tiered")
        act.fill(
            f"#id_a{eight.pk}-tiers",
            "Hoàn thành xuất sắc nhiệm vụ = 20\nHoàn thành tốt nhiệm vụ = 15\nHoàn thành nhiệm vụ = 10\n"
            "Không hoàn thành nhiệm vụ = 0",
        )
        assert page.is_hidden(f"#id_a{eight.pk}-components")  # only the tiers' box for a tiered rule
        act.click(f"#add-{eight.pk} button:has-text('Thêm tiêu chí')")
        page.wait_for_selector("text=Đã lưu tiêu chí 8.1")
        assert "Chọn một mức: 20 / 15 / 10 / 0" in row(page, "2:8.1").inner_text()

        act.fill("#id_deadline", "15/12/2022")
        act.click("button:has-text('Lưu hạn nộp')")
        page.wait_for_selector("#open-ready")
        act.click("button:has-text('Mở chấm điểm')")
        act.click("dialog[open] button[value=ok]")  # the confirmation (static/js/confirm.js)
        page.wait_for_selector("text=Đã mở bảng tiêu chí cho các đơn vị chấm điểm.")
        assert page.inner_text("#rubric-status") == "Đang chấm điểm"
        assert act.count == 18
    rubric.refresh_from_db()
    assert rubric.status == Rubric.Status.OPEN and str(rubric.deadline) == "2022-12-15"
    added = Criterion.objects.get(rubric=rubric, key="2:8.1")
    assert [t.points for t in added.tiers.order_by("position")] == [20, 15, 10, 0]


def test_without_scripts_the_editor_still_edits_and_refuses_to_open_with_the_reasons(browser, server, setup):
    rubric, admin = setup
    sub = Criterion.objects.get(rubric=rubric, key="1:1.1")
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        sign_in(context, server, admin)
        page = context.new_page()
        page.goto(f"{server.url}/tinh/thiet-lap/bang-tieu-chi/{rubric.pk}/")
        page.click(f"#c-{sub.pk} a:has-text('Sửa')")
        assert page.is_visible(f"#id_e{sub.pk}-tiers")  # no script: every part of the form is shown
        page.fill(f"#id_e{sub.pk}-max_points", "90")
        page.click(f"#edit-{sub.pk} button:has-text('Lưu tiêu chí')")
        page.wait_for_selector("text=Đã lưu tiêu chí 1.1")
        assert (
            row(page, "1:1").locator("[data-mismatch]").inner_text()
            == "Tổng các tiêu chí con 390, tiêu chí cha 400"
        )
        page.click("button:has-text('Mở chấm điểm')")  # no confirmation without the script
        page.wait_for_selector("#open-problems")
        assert "Nội dung 1, tiêu chí 1: Tổng các tiêu chí con 390, tiêu chí cha 400." in page.inner_text(
            "#open-problems"
        )
    finally:
        context.close()
    rubric.refresh_from_db()
    assert rubric.status == Rubric.Status.DRAFT
