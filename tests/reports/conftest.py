import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import signing
from scoring.models import Sheet
from scoring.reports.services import report_for
from tests.replay import load_demo
from tests.signing.ca import pki  # noqa: F401 (the fixture: a CA hierarchy with its CRL and OCSP service)

TOKEN_HOLDER = "Vũ Minh Tâm (USB token)"


@pytest.fixture(scope="module")
def token():
    """The key on the head's USB token: not the demo certificate, never seen by the app."""
    now = datetime.datetime.now(datetime.UTC)
    p12 = signing.make_demo_p12(
        TOKEN_HOLDER,
        b"token-pin",
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=30),
    )
    return signing.load_signer(p12, b"token-pin")


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
