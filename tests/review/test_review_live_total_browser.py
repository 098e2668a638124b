"""In a real browser: the review page's live total for a criterion rated organisation by organisation (2.7)
agrees with the total the server works out once the review is saved — capped at the criterion's maximum, and
an organisation nobody has rated yet is not counted as one the agency does not have."""

from decimal import Decimal as D

import pytest
from django.db import connections

from scoring.models import Criterion, Score
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.services import ScoreInput, sheet_save, sheet_submit
from tests.browser import browser_page, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    connections.close_all()


def test_the_live_total_of_rated_organisations_is_the_servers(browser, server, vp_sheet, cast):
    """2.7 worth 50 here; the agency rated Công đoàn and Đoàn thanh niên 15 and left Hội CCB unrated: 30, and
    1.1 = 90. The reviewer types 85 for 1.1: 85 + 30 = 115 (Hội CCB is not averaged in). Then every
    organisation 20: 60, capped at 50, so 85 + 50 = 135 — what the server shows after the save."""
    Criterion.objects.filter(rubric=vp_sheet.rubric, key="2:7").update(max_points=50)
    tree = rubric_tree(vp_sheet.rubric).by_key()
    seven, eleven = tree["2:7"], tree["1:1.1"]
    union, youth, veterans = seven.component_list

    def tier(component, points):
        return next(t for t in component.tier_list if t.points == points)

    sheet_save(
        sheet=vp_sheet,
        base_version=1,
        values={
            "1:1.1": ScoreInput(points=D(90)),
            "2:7": ScoreInput(ratings={union.pk: tier(union, 15), youth.pk: tier(youth, 15)}),
        },
        by=cast["editor"],
    )
    vp_sheet.refresh_from_db()
    assert Score.objects.get(sheet=vp_sheet, criterion=seven).points == 30
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])

    with browser_page(browser, server, cast["reviewer"]) as page:
        page.goto(f"{server.url}/bang-cham-diem/{vp_sheet.pk}/tham-dinh/")
        assert page.inner_text("#reviewed-points") == "120"
        page.fill(f"#id_rp-{eleven.pk}", "85")
        wait_until(page, lambda: page.inner_text("#reviewed-points") == "115", "85 + 30")
        assert page.inner_text("#reviewed-note") == "(còn 1 tổ chức chưa xếp loại)"
        for component in (union, youth, veterans):
            page.check(f"#id_rr-{seven.pk}-{component.pk}_{tier(component, 20).pk}")
        wait_until(page, lambda: page.inner_text("#reviewed-points") == "135", "85 + 50, capped")
        assert page.inner_text("#reviewed-note") == ""
        live = page.inner_text("#reviewed-points")
        page.locator("button[value=save]").first.click()
        page.wait_for_selector("#reviewed-total:not(:has(#reviewed-pending))")
        assert page.inner_text("#reviewed-points") == live  # the server's, after the save
    assert Score.objects.get(sheet=vp_sheet, criterion=seven).reviewed_points == 60  # capped in the totals
