import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.models import Sheet
from scoring.reports.services import report_for
from tests.replay import load_demo


@pytest.fixture
def round_2022(db):
    """The demo round, with Văn phòng UBND tỉnh's report numbered and dated, ready to be signed."""
    load_demo()
    sheet = Sheet.objects.get(agency__code="VP")
    report = report_for(sheet=sheet)
    report.number, report.issued_on = "25", datetime.date(2022, 12, 12)
    report.save()
    return sheet


def sign(client, sheet, certificate: bytes, passphrase: str):
    """Post the signing form as the head would: the certificate file and its passphrase."""
    return client.post(
        reverse("report_sign", args=[sheet.pk]),
        {
            "certificate": SimpleUploadedFile("chung-thu.p12", certificate),
            "passphrase": passphrase,
            "version": Sheet.objects.values_list("version", flat=True).get(pk=sheet.pk),
        },
    )
