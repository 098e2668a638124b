"""Dates are day first everywhere, in our forms and the admin's: 01/12/2023 is 1 December 2023, and
15/12/2023 (no 15th month) is a date, not an error."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import formats

from scoring.models import Document, Report, Rubric

pytestmark = pytest.mark.django_db

DECEMBER_1 = datetime.date(2023, 12, 1)
DECEMBER_15 = datetime.date(2023, 12, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01/12/2023", DECEMBER_1),
        ("1/12/2023", DECEMBER_1),
        ("15/12/2023", DECEMBER_15),
        ("2023-12-01", DECEMBER_1),
    ],
)
def test_a_plain_date_field_reads_the_day_first(typed, expected):
    assert forms.DateField().clean(typed) == expected


def test_a_date_is_shown_day_first():
    assert forms.DateInput().format_value(DECEMBER_1) == "01/12/2023"
    assert formats.date_format(DECEMBER_1) == "01/12/2023"
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"  # the admin's calendar writes this


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("sieuquantri", password="mat-khau-quan-tri-1")
    )
    return client


def rubric_form(rubric: Rubric, deadline: str) -> dict:
    return {
        "bloc": rubric.bloc_id,
        "year": rubric.year,
        "title": rubric.title,
        "legal_basis": rubric.legal_basis,
        "deadline": deadline,
        "award_rules-TOTAL_FORMS": "0",
        "award_rules-INITIAL_FORMS": "0",
        "round_events-TOTAL_FORMS": "0",
        "round_events-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize(("typed", "expected"), [("01/12/2023", DECEMBER_1), ("15/12/2023", DECEMBER_15)])
def test_the_admin_reads_a_deadline_day_first(superuser_client, rubric_2022, typed, expected):
    url = reverse("admin:scoring_rubric_change", args=[rubric_2022.pk])
    response = superuser_client.post(url, rubric_form(rubric_2022, typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    rubric_2022.refresh_from_db()
    assert rubric_2022.deadline == expected
    assert 'value="' + typed + '"' in superuser_client.get(url).content.decode()


def test_the_admin_refuses_a_date_that_does_not_exist(superuser_client, rubric_2022):
    url = reverse("admin:scoring_rubric_change", args=[rubric_2022.pk])
    before = rubric_2022.deadline
    response = superuser_client.post(url, rubric_form(rubric_2022, "31/02/2023"))
    assert response.status_code == 200 and "Nhập một ngày hợp lệ" in response.content.decode()
    rubric_2022.refresh_from_db()
    assert rubric_2022.deadline == before


@pytest.mark.parametrize(("typed", "expected"), [("01/12/2023", DECEMBER_1), ("15/12/2023", DECEMBER_15)])
def test_the_evidence_form_reads_the_day_first(client, cast, vp_sheet, typed, expected):
    client.force_login(cast["editor"])
    response = client.post(
        reverse("evidence_create", args=["VP"]), {"kind": "QĐ", "number": "9/QĐ-VP", "issued_on": typed}
    )
    assert response.status_code == 302
    assert Document.objects.get(number="9/QĐ-VP").issued_on == expected


@pytest.mark.parametrize(("typed", "expected"), [("01/12/2023", DECEMBER_1), ("15/12/2023", DECEMBER_15)])
def test_the_report_form_reads_the_day_first(client, cast, vp_sheet, typed, expected):
    client.force_login(cast["head"])
    url = reverse("report_edit", args=[vp_sheet.pk])
    response = client.post(url, {"number": "26", "issued_on": typed, "subject": "Báo cáo"})
    assert response.status_code == 302
    assert Report.objects.get(sheet=vp_sheet).issued_on == expected
    assert f'value="{typed}"' in client.get(url).content.decode()
