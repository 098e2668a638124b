"""The dossier's pages read a fixed number of queries, whatever the number of lines and decisions."""

import datetime

import pytest
from django.urls import reverse

from scoring.awards import services
from scoring.models import Dossier, DossierLine

from .conftest import number, sign, start

pytestmark = pytest.mark.django_db

# page → queries, the session and the user included
PREPARER_PAGES = {"dossier_home": 11, "dossier_line_add": 9, "dossier_sign": 7}
PROVINCE_PAGES = {"dossiers_received": 7, "dossier_decide": 9}


def more_lines(dossier, agencies, n: int) -> None:
    DossierLine.objects.bulk_create(
        DossierLine(
            dossier=dossier,
            kind="individual",
            agency=agencies["VP"],
            full_name=f"Người {i}",
            award="Bằng khen",
            order=i,
        )
        for i in range(n)
    )


def url(name: str, dossier) -> str:
    if name == "dossier_home":
        return reverse(name, args=["TMTH", 2022])
    return reverse(name, args=[] if name == "dossiers_received" else [dossier.pk])


def test_the_preparers_pages_have_constant_queries(
    client, cast, closed_round, agencies, django_assert_num_queries
):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    number(client, dossier)
    for extra in (0, 8):
        more_lines(dossier, agencies, extra)
        for name, queries in PREPARER_PAGES.items():
            with django_assert_num_queries(queries):
                assert client.get(url(name, dossier)).status_code == 200


def test_the_provinces_pages_have_constant_queries(
    client, cast, closed_round, agencies, django_assert_num_queries
):
    client.force_login(cast["reviewer"])
    start(client)
    dossier = Dossier.objects.get()
    more_lines(dossier, agencies, 3)
    number(client, dossier)
    assert sign(client, dossier).status_code == 302
    client.force_login(cast["admin"])
    for decided in (0, 4):
        lines = dossier.lines.filter(granted__isnull=True).order_by("pk")[:decided]
        if decided:
            services.decisions_record(
                dossier=dossier,
                number="898/QĐ-UBND",
                issued_on=datetime.date(2023, 1, 25),
                issuer="UBND tỉnh Quảng Ngãi",
                outcomes={line.pk: True for line in lines},
                by=cast["admin"],
            )
        for name, queries in PROVINCE_PAGES.items():
            with django_assert_num_queries(queries):
                assert client.get(url(name, dossier)).status_code == 200
