"""Actions that are hard to undo ask first, and slow ones show their progress: the pages carry what
static/js/confirm.js and static/js/progress.js act on, and without those scripts the actions still work.
(tests/test_page_scripts.py shows the scripts at work in a browser.)"""

import re

import pytest
from django.urls import reverse

from scoring.models import Rubric
from scoring.reports.services import report_for

pytestmark = pytest.mark.django_db


def form_of(page: str, action: str) -> str:
    return re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)[0]


def test_every_page_loads_the_two_scripts(client, cast):
    client.force_login(cast["editor"])
    for url in (reverse("home"), reverse("login")):
        page = client.get(url).content.decode()
        assert '<script src="/static/js/confirm.js"></script>' in page
        assert '<script src="/static/js/progress.js"></script>' in page


def test_closing_and_reopening_the_year_ask_first_saying_what_will_happen(client, cast, bloc_2022):
    client.force_login(cast["admin"])
    board = reverse("bloc_board", args=["TMTH", 2022])
    close = form_of(client.get(board).content.decode(), reverse("round_close", args=["TMTH", 2022]))
    assert 'data-confirm="Khóa sổ năm thi đua 2022 của ' in close and "cho đến khi mở lại" in close
    assert 'data-confirm-ok="Khóa sổ"' in close
    # Without the script the form posts as it always did.
    assert client.post(reverse("round_close", args=["TMTH", 2022])).status_code == 302
    rubric = Rubric.objects.get(bloc__code="TMTH", year=2022)
    assert rubric.status == Rubric.Status.CLOSED

    reopen = form_of(client.get(board).content.decode(), reverse("round_reopen", args=["TMTH", 2022]))
    assert (
        'data-confirm="Mở lại năm thi đua 2022 của ' in reopen
        and 'data-confirm-ok="Mở lại năm 2022"' in reopen
    )
    assert '<label class="visually-hidden" for="reopen-reason">Lý do mở lại</label>' in reopen
    assert re.search(r'<input [^>]*name="reason"[^>]*required>', reopen)


def test_signing_asks_first_and_shows_its_progress(client, cast, vp_sheet):
    report = report_for(sheet=vp_sheet)
    client.force_login(cast["head"])
    page = client.get(reverse("report_sign", args=[vp_sheet.pk])).content.decode()
    button = re.search(r'<button [^>]*name="sign"[^>]*>', page)[0]
    assert 'type="submit"' in button and 'data-busy="Đang ký số…"' in button
    assert f'data-confirm="Ký số Báo cáo số {report.reference} bằng chứng thư số đã chọn' in button
    assert 'data-confirm-ok="Ký số và nộp"' in button


def test_downloads_show_progress(client, cast, vp_sheet, bloc_2022):
    client.force_login(cast["editor"])
    detail = client.get(reverse("sheet_detail", args=[vp_sheet.pk])).content.decode()
    for name in ("sheet_pdf", "sheet_xlsx"):
        href = reverse(name, args=[vp_sheet.pk])
        assert f'href="{href}" data-download="Đang tạo tệp…"' in detail
    client.force_login(cast["reviewer"])
    board = client.get(reverse("bloc_board", args=["TMTH", 2022])).content.decode()
    # the bloc's tables are background jobs: asking for one shows that it is being sent
    for name in ("export_job_start_pdf", "export_job_start_xlsx"):
        assert f'action="{reverse(name, args=["TMTH", 2022])}"' in board
    assert board.count('data-busy="Đang gửi yêu cầu…"') == 2
