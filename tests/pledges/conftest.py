import pytest

from scoring.models import AwardTitle, BlocYear, Pledge

from ..replay import load_demo


@pytest.fixture
def demo_round(db):
    """The demo round: the catalogue, every member's pledge sent but Văn phòng UBND tỉnh's (a draft)."""
    load_demo()
    return BlocYear.objects.select_related("bloc", "leader").get(year=2022)


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def title_ids(*names) -> list[int]:
    return [AwardTitle.objects.get(name=name).pk for name in names]


def vp_pledge() -> Pledge:
    return Pledge.objects.prefetch_related("titles").get(agency__code="VP", bloc_year__year=2022)


def pledge_state() -> tuple:
    pledge = vp_pledge()
    return pledge.status, pledge.commitments, sorted(t.name for t in pledge.titles.all())
