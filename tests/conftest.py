"""The cast: an editor and a head of one agency, a user of another agency, a bloc reviewer, the province's
administrator, and "admin" memberships of ordinary agencies (which reach nothing beyond their agency)."""

import pytest
from django.urls import reverse

from scoring.models import Agency, Bloc, BlocMember, BlocYear, Membership, Rubric, Sheet

from .factories import make_agency, make_user
from .replay import load_fixture

pytest_plugins = ["tests.browser"]  # the browser tests' chromium, live server and page


def pytest_collection_modifyitems(items):
    """Every test that drives chromium is a `browser` test, whichever way it reaches the browser fixture:
    scripts/test.sh runs them in the SQLite pass only (the pages are the same on either database)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_CERT_DIR = tmp_path / "certs"


@pytest.fixture
def confirm_now(settings, django_capture_on_commit_callbacks):
    """Post an import's confirmation and run the job it queues at once, in this process (django-tasks'
    ImmediateBackend, once the request's work is committed); the real worker process runs import jobs in
    tests/accounts/test_import_jobs.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def post(client, url: str, data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def bloc_tables(settings, django_capture_on_commit_callbacks):
    """The bloc's tables as the board gets them: `bloc_tables(client, "TMTH", 2022, "xlsx") -> bytes` asks
    for the job, the task runs at once (ImmediateBackend, when the request commits; the real worker is
    tests/review/test_export_jobs.py's), the status says done and the file is downloaded."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def build(client, code: str, year: int, fmt: str, round: str = "year") -> bytes:
        from scoring.models import ExportJob

        before = set(ExportJob.objects.values_list("pk", flat=True))
        args = [code, year] + (["mid"] if round == "mid" else [])  # the six-month round's twin address
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(f"export_job_start_{fmt}", args=args))
        assert response.status_code == 302, response.status_code
        (job,) = ExportJob.objects.exclude(pk__in=before)
        state = client.get(reverse("export_job_status", args=[code, year, job.pk])).json()
        assert state["status"] == "done", state
        download = client.get(state["download"])
        assert download.status_code == 200
        return b"".join(download.streaming_content)

    return build


@pytest.fixture
def rubric_2022(db) -> Rubric:
    """The 2022 rubric of Khối Tham mưu - Tổng hợp, from the committed fixture."""
    load_fixture("rubric_tmth_2022")
    return Rubric.objects.get(bloc__code="TMTH", year=2022)


@pytest.fixture
def agencies(db):
    made = {code: make_agency(code) for code in ("VP", "TTR", "STC", "OTHER", "BTDKT")}
    Agency.objects.filter(code="BTDKT").update(is_province_office=True)  # the province's emulation office
    made["BTDKT"].refresh_from_db()
    return made


@pytest.fixture
def bloc_2022(rubric_2022, agencies) -> BlocYear:
    bloc_year = BlocYear.objects.create(
        bloc=Bloc.objects.get(code="TMTH"), year=2022, leader=agencies["TTR"], deputy_leader=agencies["STC"]
    )
    for code in ("VP", "TTR", "STC"):
        BlocMember.objects.create(bloc_year=bloc_year, agency=agencies[code])
    return bloc_year


@pytest.fixture
def cast(django_user_model, agencies):
    return {
        "editor": make_user(django_user_model, "bientap", agencies["VP"], Membership.Role.EDITOR),
        "head": make_user(django_user_model, "thutruong", agencies["VP"], Membership.Role.HEAD),
        "other": make_user(django_user_model, "donvikhac", agencies["OTHER"], Membership.Role.EDITOR),
        "reviewer": make_user(django_user_model, "chamdiem", agencies["TTR"], Membership.Role.REVIEWER),
        # the province's administrator: "admin" in the province's emulation office
        "admin": make_user(django_user_model, "quantri", agencies["BTDKT"], Membership.Role.ADMIN),
        # "admin" of an ordinary agency, made past Membership.clean (as older versions of the app allowed):
        # of an agency outside the bloc, of a member of the bloc, of the bloc's leader
        "other_admin": make_user(django_user_model, "khac.quantri", agencies["OTHER"], Membership.Role.ADMIN),
        "own_admin": make_user(django_user_model, "vp.quantri", agencies["VP"], Membership.Role.ADMIN),
        "leader_admin": make_user(django_user_model, "ttr.quantri", agencies["TTR"], Membership.Role.ADMIN),
        # an editor of another member of the same bloc
        "same_bloc": make_user(django_user_model, "stc.bientap", agencies["STC"], Membership.Role.EDITOR),
        # a reviewer who works in VP itself: sees VP's sheet but does not score it
        "own_reviewer": make_user(django_user_model, "vp.chamdiem", agencies["VP"], Membership.Role.REVIEWER),
    }


@pytest.fixture
def vp_sheet(bloc_2022, agencies) -> Sheet:
    return Sheet.objects.create(rubric=bloc_2022.bloc.rubrics.get(year=2022), agency=agencies["VP"])
