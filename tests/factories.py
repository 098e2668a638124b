"""What tests build their data with: agencies, users, workbooks, a sheet's form data, the seed's files;
the fixtures that use them are in conftest.py."""

import dataclasses
import datetime
import functools
import subprocess
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scoring import signing
from scoring.models import Agency, Bloc, BlocYear, Criterion, Document, Membership, Rubric, Sheet
from scoring.rubrics.services import CriterionSpec, criterion_specs, rubric_write_criteria
from scoring.rubrics.tree import rubric_tree
from scoring.sheets.forms import SheetForm
from scoring.sheets.queries import sheet_state, sheet_view

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


SEED_SHEET = FIXTURES / "seed_2022_sheet.xlsx"


D = Decimal


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


@functools.cache
def head_certificate() -> bytes:
    """A head's PKCS#12 (passphrase HEAD_PASSPHRASE), made once per test run."""
    now = datetime.datetime.now(datetime.UTC)
    return signing.make_demo_p12(
        "Vũ Minh Tâm",
        HEAD_PASSPHRASE.encode(),
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365),
    )


HEAD_PASSPHRASE = "mat-khau-thu-truong"


def sign_and_submit(client, sheet: Sheet, *, version: int | None = None, **options):
    """Submit as the head does: sign the report with a certificate (the sheet goes with it), having seen
    the sheet at `version` (by default, as it is now)."""
    if version is None:
        version = Sheet.objects.values_list("version", flat=True).get(pk=sheet.pk)
    data = {
        "certificate": SimpleUploadedFile("chung-thu.p12", head_certificate()),
        "passphrase": HEAD_PASSPHRASE,
        "version": version,
    }
    return client.post(reverse("report_sign", args=[sheet.pk]), data, **options)
