"""In a real browser: the reviewer opens the PDF that 1.1 cites from the review page, rates an organisation of
criterion 2.7 and comments on 1.1, returns the sheet; the agency changes 1.1; its scoring page and the review
page show the comment as stale."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from scoring.models import Document, Score, Sheet
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.queries import STALE_COMMENT
from scoring.sheets.services import ScoreInput, sheet_save, sheet_submit
from tests.browser import browser_page, wait_until

from ..factories import PDF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    connections.close_all()


def test_the_reviewer_rates_comments_returns_and_the_comment_goes_stale(browser, server, vp_sheet, cast):
    """Văn phòng: 1.1 = 90; Công đoàn and Đoàn thanh niên 20, no Hội CCB: 60. Reviewed Công đoàn 15:
    15 + 20 + (15 + 20) / 2 = 52,5, so the total after review is 90 + 52,5 = 142,5."""
    seven = rubric_tree(vp_sheet.rubric).by_key()["2:7"]
    union, youth, veterans = seven.component_list
    top = {c.pk: next(t for t in c.tier_list if t.points == 20) for c in (union, youth)}
    plan = Document.objects.create(
        agency=vp_sheet.agency, kind="KH", number="495/KH-VP", issued_on="2022-03-29"
    )
    plan.file.save("kh.pdf", SimpleUploadedFile("kh.pdf", PDF))
    Document.objects.filter(pk=plan.pk).update(file_type="pdf")
    sheet_save(
        sheet=vp_sheet,
        base_version=1,
        values={
            "1:1.1": ScoreInput(points=D(90), documents=[plan.pk]),
            "2:7": ScoreInput(ratings={**top, veterans.pk: None}),
        },
        by=cast["editor"],
    )
    vp_sheet.refresh_from_db()
    sheet_submit(sheet=vp_sheet, base_version=vp_sheet.version, by=cast["head"])
    eleven = rubric_tree(vp_sheet.rubric).by_key()["1:1.1"]
    fifteen = next(t for t in union.tier_list if t.points == 15)

    with browser_page(browser, server, cast["reviewer"]) as page:
        page.goto(f"{server.url}/bang-cham-diem/{vp_sheet.pk}/tham-dinh/")
        assert "chưa thẩm định" in page.locator("#reviewed-total").inner_text()
        # the evidence desk: 1.1's plan, opened from the review page in a new tab, as a PDF shown inline
        link = page.locator(".evidence-desk a", has_text="495/KH-VP")
        with page.context.expect_page() as opened:
            link.click()
        tab = opened.value
        wait_until(tab, lambda: "/tai-lieu/" in tab.url, "the file's tab")
        assert tab.url == server.url + link.get_attribute("href")
        tab.close()
        file = page.request.get(server.url + link.get_attribute("href"))
        assert file.status == 200 and file.body() == PDF
        assert file.headers["content-disposition"].startswith("inline")
        page.check(f"#id_rr-{seven.pk}-{union.pk}_{fifteen.pk}")
        page.fill(f"#id_rc-{eleven.pk}", "trừ 2,5 điểm: thiếu kế hoạch năm")
        page.locator("button[value=save]").first.click()
        page.wait_for_selector("#reviewed-total:not(:has(#reviewed-pending))")
        assert page.locator("#reviewed-total").inner_text() == "Sau thẩm định: 142,5 + 0 thưởng"
        page.fill("#id_reason", "Bổ sung tài liệu 1.1")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("button[value=return]").click()
        page.wait_for_url(f"{server.url}/khoi/TMTH/2022/")
    assert Sheet.objects.get(pk=vp_sheet.pk).status == Sheet.Status.RETURNED
    assert Score.objects.get(sheet=vp_sheet, criterion__key="2:7").reviewed_points == D("52.5")

    with browser_page(browser, server, cast["editor"]) as page:
        page.goto(f"{server.url}/bang-cham-diem/{vp_sheet.pk}/cham-diem/")
        assert page.locator(".stale-comment").count() == 0
        page.fill(f"#id_p-{eleven.pk}", "95")
        page.locator("button[name=save]").first.click()
        wait_until(
            page, lambda: Score.objects.get(sheet=vp_sheet, criterion__key="1:1.1").points == 95, "saved"
        )
        page.reload()
        assert page.locator(".stale-comment").inner_text() == f"{STALE_COMMENT}."
