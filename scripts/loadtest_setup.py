"""The load test's scratch database: blocs of BLOC_SIZE agencies (the 2022 rubric copied for each bloc), an
editor per agency, a reviewer per bloc in its leader agency and a few submitted sheets per bloc for the
reviewers to open. Sessions are written straight into the database: logging 500 people in would spend
minutes of Argon2 on the two cores and measure nothing the test is about."""

import os
import time

import psycopg

BLOC_SIZE = int(os.environ.get("LOADTEST_BLOC_SIZE", "20"))
SUBMITTED_PER_BLOC = 2


def recreate_database(url: str) -> None:
    admin_url, _, name = url.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from scoring.accounts.middleware import SessionLifetimeMiddleware

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "scoring.accounts.auth.AgencyBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SessionLifetimeMiddleware.KEY] = time.time()
    session.create()
    return session.session_key


def make_user(username: str, agency, role: str):
    from django.contrib.auth import get_user_model

    from scoring.models import Membership

    user = get_user_model()(username=username, first_name="Người", last_name=username)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def bloc_rubric(base, index: int):
    from scoring.models import Bloc, BlocYear, Rubric
    from scoring.rubrics.services import criterion_specs, rubric_write_criteria
    from scoring.rubrics.tree import rubric_tree

    bloc = Bloc.objects.create(code=f"K{index:02d}", name=f"Khối tải {index:02d}")
    rubric = Rubric.objects.create(
        bloc=bloc, year=base.year, title=base.title, legal_basis=base.legal_basis, status=base.status
    )
    rubric_write_criteria(rubric=rubric, criteria=criterion_specs(rubric_tree(base)))
    return rubric, BlocYear.objects.create(bloc=bloc, year=base.year)


def typed_fields(rubric) -> list[tuple[str, str]]:
    """(form field, maximum) of the criteria an editor types points into: manual leaves."""
    from scoring.models import Criterion

    leaves = Criterion.objects.filter(rubric=rubric, rule="manual", children__isnull=True, max_points__gt=0)
    return [(f"p-{c.pk}", str(c.max_points)) for c in leaves]


def submitted_sheets(rubric, bloc_year, index: int) -> list[int]:
    from scoring.models import BlocMember, Membership
    from scoring.sheets.services import sheet_for, sheet_submit
    from tests.factories import make_agency

    pks = []
    for j in range(SUBMITTED_PER_BLOC):
        agency = make_agency(f"N{index:02d}{j}", f"Đơn vị đã nộp {index:02d}-{j}")
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        head = make_user(f"nop{index:02d}{j}", agency, Membership.Role.HEAD)
        sheet = sheet_for(rubric=rubric, agency=agency)
        pks.append(sheet_submit(sheet=sheet, base_version=sheet.version, by=head).pk)
    return pks


def one_bloc(base, index: int, editors: int, people: dict) -> None:
    from scoring.models import BlocMember, Membership
    from scoring.sheets.services import sheet_for
    from tests.factories import make_agency

    rubric, bloc_year = bloc_rubric(base, index)
    fields = typed_fields(rubric)
    for j in range(editors):
        number = len(people["editors"])
        agency = make_agency(f"L{number:03d}", f"Đơn vị tải {number:03d}")
        BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
        if j == 0:
            bloc_year.leader = agency
            bloc_year.save()
        user = make_user(f"tai{number:03d}", agency, Membership.Role.EDITOR)
        sheet = sheet_for(rubric=rubric, agency=agency)
        people["editors"].append(
            {"session": session_for(user), "sheet": sheet.pk, "code": agency.code, "fields": fields}
        )
    review = submitted_sheets(rubric, bloc_year, index)
    reviewer = make_user(f"chamdiem{index:02d}", bloc_year.leader, Membership.Role.REVIEWER)
    people["reviewers"].append({"session": session_for(reviewer), "bloc": f"K{index:02d}", "sheets": review})


def prepare(url: str, editors: int) -> dict:
    """A fresh database for `editors` editors; what each client needs (session key, sheet, fields)."""
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from scoring.models import Rubric

    call_command("migrate", verbosity=0)
    call_command("loaddata", "rubric_tmth_2022", verbosity=0)
    base = Rubric.objects.get(bloc__code="TMTH", year=2022)
    people = {"editors": [], "reviewers": []}
    index = 0
    while len(people["editors"]) < editors:
        one_bloc(base, index, min(BLOC_SIZE, editors - len(people["editors"])), people)
        index += 1
    return people


def stored_points(sheet: int, fields: list[str]) -> dict:
    """The points stored for a sheet's `p-<criterion>` fields (None where there are none)."""
    from scoring.models import Score

    pks = [int(name[2:]) for name in fields]
    stored = dict.fromkeys(fields)
    rows = Score.objects.filter(sheet_id=sheet, criterion_id__in=pks).values_list("criterion_id", "points")
    for criterion, points in rows:
        stored[f"p-{criterion}"] = points
    return stored
