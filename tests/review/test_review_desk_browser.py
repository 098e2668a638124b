"""The review page as the evidence desk, in chromium: the reviewed total follows what the reviewer types, the
filter hides what does not match, and the cited PDF opens in the browser."""

from decimal import Decimal as D

import pytest

from scoring.models import Criterion, Score, Sheet
from scoring.notation import format_points, parse_points
from tests.browser import REVIEWER, demo_site, wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """Replaces the suite's per-test settings: the module's hold for the module (tests/browser.py)."""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_site(django_db_blocker, tmp_path_factory.mktemp("desk")) as site:
        yield site


def test_the_reviewed_total_follows_the_boxes_and_the_filter_picks_criteria(site):
    sheet = Sheet.objects.get(agency__code="STC")
    score = Score.objects.get(sheet=sheet, citations__document__number="15/QĐ-STC")
    criterion = Criterion.objects.get(pk=score.criterion_id)
    page = site.context(REVIEWER).new_page()
    try:
        page.goto(site.base + site.urls["review"])
        before = page.inner_text("#reviewed-points")
        assert before == page.inner_text("#own-points")  # nobody reviewed yet: the agency's numbers stand
        box = f"#id_rp-{criterion.pk}"
        page.fill(box, "0,5")  # "2,5" and "2.5" both count
        expected = format_points(parse_points(before) - score.points + D("0.5"))
        wait_until(
            page, lambda: page.inner_text("#reviewed-points") == expected, f"the reviewed total {expected}"
        )
        assert page.inner_text("#own-points") == before
        page.fill(box, "")  # an empty box: the agency's own number stands again
        wait_until(page, lambda: page.inner_text("#reviewed-points") == before, "the total to come back")
        page.fill(box, "abc")
        wait_until(page, lambda: "không hợp lệ" in page.inner_text("#reviewed-note"), "the note")
        page.fill(box, "")
        # the filter: only criteria with points and no evidence (and the sections holding them)
        page.select_option("#desk-filter-select", "no-evidence")
        shown = page.locator("#review-table tbody tr:not([hidden])")
        assert 0 < shown.count() < page.locator("#review-table tbody tr").count()
        assert all(
            "no-evidence" in flags.split() for flags in shown.evaluate_all("r => r.map(x => x.dataset.flags)")
        )
        assert page.is_hidden(f"tr:has({box})")  # it cites a document: not picked
        page.select_option("#desk-filter-select", "")
        assert page.locator("#review-table tbody tr[hidden]").count() == 0
        # the cited PDF, inline
        link = page.locator(".evidence-desk a", has_text="15/QĐ-STC")
        response = page.request.get(site.base + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-disposition"].startswith("inline")
        assert response.headers["content-type"] == "application/pdf"
    finally:
        page.close()
