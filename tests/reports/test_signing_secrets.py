"""The passphrase typed to sign never shows on an error page, even with DEBUG on."""

import datetime
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import signing
from scoring.models import Sheet
from scoring.reports import services
from scoring.reports.services import report_for
from scoring.signing import sign

from ..replay import load_demo

pytestmark = pytest.mark.django_db
PASSPHRASE = secrets.token_hex(8)  # not a literal: the page shows this file's source lines


def boom(*args, **kwargs):
    raise RuntimeError("test: signing failed half way")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        pytest.param(services, "report_pdf_with_signature_box", id="in-the-service"),
        pytest.param(sign, "SimpleCertificateStore", id="while-loading-the-certificate"),
    ],
)
def test_the_debug_error_page_hides_the_passphrase(
    client, django_user_model, settings, monkeypatch, module, name
):
    load_demo()
    sheet = Sheet.objects.get(agency__code="VP")
    report = report_for(sheet=sheet)
    report.number, report.issued_on = "25", datetime.date(2022, 12, 12)
    report.save()
    client.force_login(django_user_model.objects.get(username="vp.thutruong"))
    now = datetime.datetime.now(datetime.UTC)
    certificate = signing.make_demo_p12(
        "Vũ Minh Tâm",
        PASSPHRASE.encode(),
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=30),
    )
    monkeypatch.setattr(module, name, boom)
    settings.DEBUG = True
    client.raise_request_exception = False
    response = client.post(
        reverse("report_sign", args=[sheet.pk]),
        {
            "certificate": SimpleUploadedFile("chung-thu.p12", certificate),
            "passphrase": PASSPHRASE,
            "version": sheet.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 500
    assert "test: signing failed half way" in page and "Local vars" in page  # Django's technical page
    assert PASSPHRASE not in page
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.DRAFT
