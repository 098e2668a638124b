"""`load_demo --earlier-year`: the demo's 2021 round, so that the comparison has two years."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scoring.models import BlocYear, Rubric, Sheet

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_2021_round_to_compare_with(django_user_model):
    call_command("load_demo", "--earlier-year", stdout=StringIO())
    call_command("load_demo", "--earlier-year", stdout=StringIO())  # again: nothing changes
    old = Rubric.objects.get(bloc__code="TMTH", year=2021)
    assert old.status == Rubric.Status.CLOSED
    assert set(Sheet.objects.filter(rubric=old).values_list("status", flat=True)) == {Sheet.Status.ACCEPTED}
    assert Sheet.objects.filter(rubric=old).count() == 6 and BlocYear.objects.count() == 2
    client = Client()
    client.force_login(django_user_model.objects.get(username="ttr.chamdiem"))
    bloc = client.get(reverse("bloc_history", args=["TMTH"])).context["comparison"]
    assert [s.year for s in bloc.years] == [2021, 2022]
    assert [a.code for a in bloc.years[1].joined] == ["STP"]
    assert [m.rank for m in bloc.years[0].state.ranked] == [1, 2, 3, 4, 5, 6]
    client.force_login(django_user_model.objects.get(username="vp.bientap"))
    years = client.get(reverse("agency_history", args=["VP"])).context["comparison"].years
    assert [(y.year, y.draft, y.rank is not None) for y in years] == [
        (2021, False, True),
        (2022, True, False),
    ]
