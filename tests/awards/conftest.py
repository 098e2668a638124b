"""A closed, complete round of the cast's bloc (VP, TTR leading, STC deputy), with award rules."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import signing
from scoring.models import AwardRule, Criterion, Membership, Rubric, Score, Sheet

from ..factories import make_user

PASSPHRASE = "dung-mat-khau"
# points of the first leaf criterion: VP first, STC second, TTR third
POINTS = {"VP": 50, "STC": 40, "TTR": 30}


def p12(name: str = "Nguyễn Văn A", **dates) -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    dates = dates or {
        "not_before": now - datetime.timedelta(days=1),
        "not_after": now + datetime.timedelta(days=30),
    }
    return signing.make_demo_p12(name, PASSPHRASE.encode(), **dates)


@pytest.fixture
def closed_round(bloc_2022, agencies, cast):
    rubric = Rubric.objects.get(bloc=bloc_2022.bloc, year=2022)
    AwardRule.objects.create(rubric=rubric, position=1, award="Cờ thi đua của UBND tỉnh", max_count=1)
    AwardRule.objects.create(rubric=rubric, position=2, award="Bằng khen của Chủ tịch UBND tỉnh", max_count=1)
    criterion = Criterion.objects.filter(rubric=rubric, children__isnull=True).order_by("pk").first()
    for code, points in POINTS.items():
        sheet = Sheet.objects.create(rubric=rubric, agency=agencies[code], status=Sheet.Status.ACCEPTED)
        Score.objects.create(sheet=sheet, criterion=criterion, points=points)
    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.CLOSED)
    return bloc_2022


@pytest.fixture
def deputy_reviewer(django_user_model, agencies):
    return make_user(django_user_model, "stc.chamdiem", agencies["STC"], Membership.Role.REVIEWER)


def start(client) -> None:
    client.post(reverse("dossier_start", args=["TMTH", 2022]))


def add_individual(client, dossier, agency, **overrides):
    data = {
        "full_name": "Nguyễn Thị Hoa",
        "position": "Phó Chánh Văn phòng",
        "agency": agency.pk,
        "award": "Bằng khen của Chủ tịch UBND tỉnh",
        "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2022.",
        **overrides,
    }
    return client.post(reverse("dossier_line_add", args=[dossier.pk]), data)


def number(client, dossier, n: str = "12", day: str = "20/12/2022"):
    return client.post(
        reverse("dossier_home", args=["TMTH", 2022]),
        {
            "number": n,
            "issued_on": day,
            "recipients": dossier.recipients,
            "distribution": dossier.distribution,
        },
    )


def sign(client, dossier, certificate: bytes | None = None, passphrase: str = PASSPHRASE):
    return client.post(
        reverse("dossier_sign", args=[dossier.pk]),
        {"certificate": SimpleUploadedFile("ky.p12", certificate or p12()), "passphrase": passphrase},
    )
