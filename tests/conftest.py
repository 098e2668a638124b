"""The cast: an editor and a head of one agency, a user of another agency, a bloc reviewer, the province's
administrator, and "admin" memberships of ordinary agencies (which reach nothing beyond their agency)."""

import dataclasses
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scoring.models import Agency, Bloc, BlocMember, BlocYear, Criterion, Document, Membership, Rubric, Sheet
from scoring.rubrics.services import CriterionSpec, criterion_specs, rubric_write_criteria
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.forms import SheetForm
from scoring.sheets.queries import sheet_state, sheet_view

from .replay import load_fixture

pytest_plugins = ["tests.browser"]  # the browser tests' chromium, live server and page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_SHEET = FIXTURES / "seed_2022_sheet.xlsx"
D = Decimal


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


def make_agency(code: str, name: str | None = None) -> Agency:
    return Agency.objects.create(
        code=code,
        name=name or f"Cơ quan {code}",
        governing_body="UBND TỈNH QUẢNG NGÃI",
        header_name=(name or code).upper(),
        symbol=code,
        place="Quảng Ngãi",
        head_title="Giám đốc",
        head_name="Nguyễn Văn A",
    )


PASSWORD_FOR_CAST = "mat-khau-thu-nghiem-1"


def make_user(django_user_model, username: str, agency: Agency | None, role: str = Membership.Role.EDITOR):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD_FOR_CAST)
    if agency is not None:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def make_workbook(
    path: Path, rows: list[list], *, titles: list[str] = (), header: list[str] | None = None
) -> Path:
    """A workbook with title rows, a header row and the given rows below it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiêu chí"
    for title in titles:
        ws.append([title])
    if titles:
        ws.append([])
    ws.append(header or ["TT", "Tiêu chí", "Điểm chuẩn", "Điểm thưởng"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def recalculated(tmp_path: Path, content: bytes, name: str = "book.xlsx"):
    """The workbook as LibreOffice computes it: every formula read back as its value."""
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "recalculated"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return load_workbook(out / name, data_only=True)


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


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def field(sheet: Sheet, prefix: str, key: str, component: int | None = None) -> str:
    """The form field name of a criterion: field(sheet, "p", "1:1.1") → "p-12"."""
    pk = Criterion.objects.get(rubric_id=sheet.rubric_id, key=key).pk
    return f"{prefix}-{pk}" + (f"-{component}" if component else "")


def edit_data(sheet: Sheet, **overrides) -> dict:
    """What the scoring page would post back untouched, with `overrides` typed on top."""
    sheet.refresh_from_db()
    rtree = rubric_tree(sheet.rubric)
    view = sheet_view(sheet, rtree)
    state = sheet_state(view)
    initial = SheetForm.initial_from(rtree, sheet.version, view.scores, state.ratings, state.citations)
    form = SheetForm(
        initial=initial, rtree=rtree, documents=list(Document.objects.filter(agency=sheet.agency))
    )
    data = {}
    for name, form_field in form.fields.items():
        value = form.get_initial_for_field(form_field, name)
        if value not in (None, "", False, []):
            data[name] = "on" if value is True else value
    data.update(overrides)
    return data


def make_tenfold_rubric(source: Rubric, code: str = "BENCH") -> Rubric:
    """The source rubric's three sections, each ten times over (340 criteria for 2022), open, in a bloc of its
    own with that year's BlocYear (no members yet)."""
    bloc = Bloc.objects.create(code=code, name="Khối thử tải")
    rubric = Rubric.objects.create(bloc=bloc, year=source.year, title="Bảng tiêu chí thử tải", status="open")
    BlocYear.objects.create(bloc=bloc, year=source.year)
    specs = criterion_specs(rubric_tree(source))
    copies = []
    for copy in range(10):
        clones: dict[int, CriterionSpec] = {}
        for spec in specs:
            section, _, key = spec.key.partition(":")
            index = copy * 3 + int(section)
            clone = dataclasses.replace(
                spec,
                key=f"{index}:{key}" if key else str(index),
                parent=clones[id(spec.parent)] if spec.parent else None,
            )
            clones[id(spec)] = clone
            copies.append(clone)
    rubric_write_criteria(rubric=rubric, criteria=copies)
    return rubric
