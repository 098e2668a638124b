"""The report editor never loses the head's text: "Lưu rồi ký số và nộp…" saves it, then goes to signing."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from scoring.models import Report

TEXT = "Năm 2022 đơn vị có 45 cán bộ, công chức.\n\nHoàn thành tốt nhiệm vụ được giao."


def report_data(report: Report, **typed) -> dict:
    """The editor's form as it is on the page, with `typed` on top."""
    fields = [
        "number",
        "subject",
        "recipients",
        "distribution",
        "situation",
        "results",
        "assessment",
        "plans",
    ]
    data = {name: getattr(report, name) for name in fields}
    data["issued_on"] = report.issued_on.strftime("%d/%m/%Y") if report.issued_on else ""
    return data | typed


def as_user(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))


def test_sign_from_the_editor_saves_the_text_then_opens_signing(client, round_2022):
    as_user(client, "vp.thutruong")
    report = round_2022.report
    url = reverse("report_edit", args=[round_2022.pk])
    response = client.post(url, report_data(report, situation=TEXT, then="sign"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "report_sign", args=[round_2022.pk]
    )
    report.refresh_from_db()
    assert report.situation == TEXT
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu báo cáo." in page and "Ký số Báo cáo số 25/BC-VP" in page


def test_a_bad_box_keeps_everything_typed_and_does_not_go_to_signing(client, round_2022):
    as_user(client, "vp.thutruong")
    report = round_2022.report
    response = client.post(
        reverse("report_edit", args=[round_2022.pk]),
        report_data(report, number="25a", situation=TEXT, then="sign"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số báo cáo chỉ gồm chữ số" in page and TEXT in page
    report.refresh_from_db()
    assert report.situation == "" and report.number == "25"


def test_an_editor_who_may_not_sign_just_saves(client, round_2022):
    as_user(client, "vp.bientap")
    url = reverse("report_edit", args=[round_2022.pk])
    response = client.post(url, report_data(round_2022.report, plans="Tiếp tục cải cách.", then="sign"))
    assert response["Location"] == url
    round_2022.report.refresh_from_db()
    assert round_2022.report.plans == "Tiếp tục cải cách."
    assert "Lưu rồi ký số và nộp…" not in client.get(url).content.decode()


def test_the_sign_button_belongs_to_the_editors_form_which_warns_before_leaving(client, round_2022):
    as_user(client, "vp.thutruong")
    page = client.get(reverse("report_edit", args=[round_2022.pk])).content.decode()
    assert re.search(r'<form [^>]*data-warn-unsaved="" id="report-form"', page)
    assert (
        '<button class="btn btn-success" type="submit" form="report-form" name="then" value="sign">' in page
    )
    assert '<script src="/static/js/unsaved.js"></script>' in page
    assert 'href="/bang-cham-diem/' in page and 'data-download="Đang tạo tệp…"' in page
