""" "Đưa vào sổ tài liệu" in a real browser: one click enters a citation written in an explanation into the
register and cites it, through the autosave, and what else was typed and not yet saved is saved with it."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connections

from scoring.models import Citation, Criterion, Document, Score
from tests.browser import browser_page, wait_until
from tests.factories import field

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    connections.close_all()  # the greenlet Playwright runs the test in has its own connection


def test_one_click_registers_the_citation_and_saves_what_else_was_typed(browser, server, vp_sheet, cast):
    criterion = Criterion.objects.get(rubric=vp_sheet.rubric, key="1:1.1")
    Score.objects.create(
        sheet=vp_sheet,
        criterion=criterion,
        points=90,
        explanation="Theo Quyết định số 02/QĐ-VP ngày 04/01/2022; Kế hoạch số 495/KH-VP ngày 29/3/2022 về việc"
        " thi đua năm 2022",
    )
    points = field(vp_sheet, "p", "1:1.2")
    with browser_page(browser, server, cast["editor"]) as page:
        page.goto(f"{server.url}/bang-cham-diem/{vp_sheet.pk}/cham-diem/")
        page.wait_for_selector("#sheet-form")
        page.fill(f"[name='{points}']", "44")
        wait_until(
            page,
            lambda: Score.objects.filter(sheet=vp_sheet, criterion__key="1:1.2", points=D(44)).exists(),
            "an autosave",
        )
        assert not Document.objects.exists()  # the buttons' values are no part of an autosave
        page.fill(f"[name='{points}']", "45")  # typed, not yet saved (the autosave waits 2 s)
        page.click("button[name=register] >> nth=1")
        wait_until(page, lambda: Document.objects.filter(number="495/KH-VP").exists(), "the entry made")
        page.wait_for_selector(".register-status:has-text('Đã đưa vào sổ tài liệu')")
        plan = Document.objects.get(number="495/KH-VP")
        assert (plan.kind, plan.issued_on, plan.subject) == (
            "KH",
            datetime.date(2022, 3, 29),
            "thi đua năm 2022",
        )
        assert Citation.objects.filter(score__criterion=criterion, document=plan).exists()
        wait_until(
            page,
            lambda: Score.objects.filter(sheet=vp_sheet, criterion__key="1:1.2", points=D(45)).exists(),
            "the typed points saved",
        )
        # the entry is now cited under the criterion, and the paste box is empty again
        assert page.locator(f"#id_d-{criterion.pk}_{plan.pk}").is_checked()
        assert page.input_value(f"[name='n-{criterion.pk}']") == ""
        assert page.locator("button[name=register]").count() == 1  # the decision's, still offered
        assert not Document.objects.filter(number="02/QĐ-VP").exists()
        page.wait_for_selector("#autosave-status.autosave-saved")
        page.screenshot(path="/tmp/cites/one-click.png", full_page=False)
