"""In a real browser: the province's administrator opens 2023 for a bloc from its 2022, rotating the leader
and the deputy, in one form; once the rubric is opened, the members' editors score it.

The administrator's walk, counted: 7 page actions from the home page (issue 14 counted 27 admin posts for a
smaller bloc): Thiết lập, Mở năm thi đua 2023, the leader, the deputy, the legal basis, the deadline, Mở.
"""

import os

import pytest
from django.core.management import call_command
from django.db import connections

from scoring import demo
from scoring.models import BlocYear, Rubric, Sheet

from .browser import ADMIN, PASSWORDS, Counted, log_in

NEW_BASIS = "Quyết định số 05/QĐ-TMTH ngày 06/01/2023 của Khối về Quy chế hoạt động năm 2023."


@pytest.mark.django_db(transaction=True)
def test_the_province_opens_2023_from_2022_and_the_members_score_it(page, server):
    try:
        run_the_walk(page, server.url)
    finally:
        connections.close_all()


def run_the_walk(page, base):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    agencies = {a.code: a for y in BlocYear.objects.filter(year=2022) for a in y.members.all()}
    log_in(page, base, ADMIN, PASSWORDS[ADMIN])
    walk = Counted(page)
    walk.click("nav >> text=Thiết lập")
    page.wait_for_selector("h1:has-text('Thiết lập năm thi đua')")
    walk.click("text=Mở năm thi đua 2023")
    page.wait_for_selector("h1:has-text('Mở năm thi đua 2023')")
    # last year's choices are there to confirm: the members ticked, the deadline a year later
    assert page.is_checked(f"input[name=members][value='{agencies['STP'].pk}']")
    assert page.input_value("#id_deadline") == "15/12/2023"
    # the rotation: Sở Nội vụ (deputy in 2022) leads, Thanh tra tỉnh (leader in 2022) is deputy
    walk.select_option("#id_leader", label="Sở Nội vụ")
    walk.select_option("#id_deputy_leader", label="Thanh tra tỉnh")
    walk.fill("#id_legal_basis", NEW_BASIS)
    walk.fill("#id_deadline", "01/12/2023")
    walk.click("button:has-text('Mở năm thi đua 2023')")
    page.wait_for_selector("text=Đã mở năm thi đua 2023 của Khối các cơ quan Tham mưu - Tổng hợp")
    assert len(walk.actions) == 7, walk.actions

    new = BlocYear.objects.select_related("leader", "deputy_leader").get(year=2023)
    assert (new.leader.code, new.deputy_leader.code) == ("SNV", "TTR")
    assert sorted(new.members.values_list("code", flat=True)) == sorted(demo.MEMBERS)
    rubric = Rubric.objects.get(year=2023)
    assert rubric.status == Rubric.Status.DRAFT and rubric.criteria.count() == 34
    assert rubric.deadline.isoformat() == "2023-12-01" and rubric.legal_basis == NEW_BASIS
    assert rubric.award_rules.count() == len(demo.AWARDS)
    page.wait_for_selector(".setup-year:has-text('2023') >> text=Đang soạn – các đơn vị chưa thấy")

    editor = page.context.browser.new_context(locale="vi-VN").new_page()
    log_in(editor, base, "stc.bientap", PASSWORDS["stc.bientap"])
    assert "năm 2023" not in editor.inner_text("main")  # a draft is not the members' yet
    Rubric.objects.filter(pk=rubric.pk).update(
        status=Rubric.Status.OPEN
    )  # the tree editor's "Mở" (issue 14.2)
    editor.goto(base + "/")
    editor.wait_for_selector("text=Đơn vị chưa bắt đầu chấm điểm năm 2023.")
    editor.click("button:has-text('Bắt đầu chấm điểm')")
    editor.wait_for_selector("#sheet-form")
    sheet = Sheet.objects.get(agency__code="STC", rubric=rubric)
    assert editor.url == f"{base}/bang-cham-diem/{sheet.pk}/cham-diem/"
    editor.context.close()
