"""The scoring page in a real browser: citing through the shared picker, by mouse and by keyboard, and the
page at a phone's width. Screenshots go to $SCREENSHOTS when it is set (to look at them)."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from scoring.models import Document, Score, Sheet
from tests.browser import log_in, new_page, save_draft
from tests.factories import PASSWORD_FOR_CAST, field

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(vp_sheet):
    agency = vp_sheet.agency
    return {
        "plan": Document.objects.create(
            agency=agency,
            kind="KH",
            number="495/KH-VP",
            issued_on=date(2022, 3, 29),
            subject="Quy chế dân chủ",
        ),
        "report": Document.objects.create(
            agency=agency,
            kind="BC",
            number="2097/BC-VP",
            issued_on=date(2022, 11, 24),
            subject="Báo cáo tổng kết",
        ),
        "notice": Document.objects.create(
            agency=agency, kind="TB", number="12/TB-VP", issued_on=date(2022, 1, 5), subject="Lịch trực Tết"
        ),
    }


@pytest.fixture
def closes_connections():
    # Playwright's sync API runs the test in a greenlet with a database connection of its own: close it, or
    # PostgreSQL keeps a session open on the test database.
    yield
    connections.close_all()


def screenshot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        out = Path(os.environ["SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=out / name)


def cited(sheet, key: str) -> set[str]:
    score = Score.objects.filter(sheet=sheet, criterion__key=key).first()
    return set(score.documents.values_list("number", flat=True)) if score else set()


def test_picking_a_cited_document_again_never_uncites_it(
    page, server, cast, vp_sheet, register, closes_connections
):
    first, second = field(vp_sheet, "d", "1:1.1"), field(vp_sheet, "d", "1:1.2")
    log_in(page, server.url, "bientap", PASSWORD_FOR_CAST)
    page.goto(server.url + reverse("sheet_edit", args=[vp_sheet.pk]))
    page.fill(f"#id_{field(vp_sheet, 'p', '1:1.1')}", "90")

    page.click(f"[data-pick='{first}']")
    page.fill("#evidence-search", "495")
    option = page.locator("#evidence-options button:visible")
    assert option.count() == 1
    option.click()
    # A second click on the cited document: it says so and changes nothing (aria-disabled, which
    # Playwright would wait on; a person can click it all the same).
    option.click(force=True)
    assert "đã được trích dẫn" in page.inner_text("#evidence-picker-status")
    assert option.get_attribute("aria-disabled") == "true"
    page.fill("#evidence-search", "")
    page.click("#evidence-options button:has-text('2097/BC-VP')")
    page.keyboard.press("Escape")
    assert page.locator(f"[data-pick='{first}']").evaluate("el => el === document.activeElement")
    boxes = page.locator(f"#id_{first} input[type=checkbox]")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))
    # "Bỏ" is the one way to uncite; the report goes, the plan stays.
    page.click(f"#id_{first} li:has-text('2097/BC-VP') [data-uncite]")
    assert page.locator(f"#id_{first} input[type=checkbox]").count() == 1

    # By keyboard: open from the button, search without diacritics, arrow down, Enter, Escape.
    page.focus(f"[data-pick='{second}']")
    page.keyboard.press("Enter")
    assert page.locator("#evidence-search").evaluate("el => el === document.activeElement")
    page.keyboard.type("lich truc tet")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert page.locator(f"[data-pick='{second}']").evaluate("el => el === document.activeElement")
    assert page.locator(f"#id_{second} label").inner_text().startswith("12/TB-VP · 05/01/2022")

    save_draft(page)
    assert cited(vp_sheet, "1:1.1") == {"495/KH-VP"}
    assert cited(vp_sheet, "1:1.2") == {"12/TB-VP"}


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_every_criterion_and_choice_reads_whole_at_desktop_and_phone_widths(
    browser, server, cast, vp_sheet, register, closes_connections, width, height
):
    page = new_page(browser, width, height)
    log_in(page, server.url, "bientap", PASSWORD_FOR_CAST)
    page.goto(server.url + reverse("sheet_edit", args=[vp_sheet.pk]))
    page.click(f"[data-pick='{field(vp_sheet, 'd', '1:1.1')}']")
    page.click("#evidence-options button:has-text('495/KH-VP')")
    page.keyboard.press("Escape")
    screenshot(page, f"scoring-{width}x{height}.png")
    page.locator("#row-2\\:7").scroll_into_view_if_needed()
    screenshot(page, f"scoring-{width}x{height}-components.png")
    page.click(f"[data-pick='{field(vp_sheet, 'd', '1:1.2')}']")
    screenshot(page, f"scoring-{width}x{height}-picker.png")
    page.keyboard.press("Escape")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    text = page.locator("#row-1\\:1\\.1 .criterion-text").bounding_box()
    assert text["width"] >= (300 if width < 500 else 400)
    labels = page.locator(".choice-group .form-check-label")
    assert labels.count() > 10
    for i in range(labels.count()):
        label = labels.nth(i)
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), label.inner_text()
        assert label.bounding_box()["x"] + label.bounding_box()["width"] <= width
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_review_page_reads_whole_at_desktop_and_phone_widths(
    browser, server, cast, vp_sheet, closes_connections, width, height
):
    Sheet.objects.filter(pk=vp_sheet.pk).update(status=Sheet.Status.SUBMITTED)
    page = new_page(browser, width, height)
    log_in(page, server.url, "chamdiem", PASSWORD_FOR_CAST)
    page.goto(server.url + reverse("sheet_review", args=[vp_sheet.pk]))
    screenshot(page, f"review-{width}x{height}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("td.criterion-text").nth(1).bounding_box()["width"] >= (300 if width < 500 else 250)
    box = page.locator(f"#id_{field(vp_sheet, 'rp', '1:1.1')}").bounding_box()
    assert box["x"] + box["width"] <= width
    assert page.errors == []
