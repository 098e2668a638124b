"""Backup and restore of a full round: every score, citation, file and history row comes back."""

import hashlib
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from scoring import demo
from scoring.models import Document, Sheet
from scoring.reports.services import report_for, report_sign
from scoring.review.services import sheet_return

from .factories import PDF, edit_data, field

MODELS = [
    "auth.User",
    "scoring.Agency",
    "scoring.BlocYear",
    "scoring.BlocMember",
    "scoring.Membership",
    "scoring.Rubric",
    "scoring.Criterion",
    "scoring.Tier",
    "scoring.Component",
    "scoring.AwardRule",
    "scoring.Sheet",
    "scoring.SheetTransition",
    "scoring.Score",
    "scoring.ComponentRating",
    "scoring.Document",
    "scoring.Citation",
    "scoring.ScoreChange",
    "scoring.SheetSnapshot",
    "scoring.Report",
    "scoring.RoundEvent",
]


MILLISECONDS_ZERO = re.compile(r"\.000Z")


def state() -> dict:
    """Everything, with natural keys standing for the primary keys of the models that have them: a restore
    may renumber those (PostgreSQL's flush restarts its sequences), and nothing refers to them by number.

    Times as the archive keeps them, to the millisecond (Django's serializer): a time 0.4 ms past a second
    reads "…:30.000Z" before and "…:30Z" once restored, the same instant to the archive's precision."""
    return {
        label: MILLISECONDS_ZERO.sub(
            "Z",
            serializers.serialize(
                "json",
                apps.get_model(label).objects.order_by("pk"),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            ),
        )
        for label in MODELS
    }


def files(settings) -> dict:
    root = settings.MEDIA_ROOT
    return (
        {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*")
            if p.is_file()
        }
        if root.exists()
        else {}
    )


@pytest.mark.django_db(transaction=True)
def test_a_full_round_comes_back_exactly(settings, tmp_path, django_user_model):
    call_command("load_demo", stdout=StringIO())
    vp = Sheet.objects.get(agency__code="VP")
    client = Client()
    client.force_login(django_user_model.objects.get(username="vp.bientap"))
    client.post(
        reverse("evidence_create", args=["VP"]),
        {"citation": "Kế hoạch số 495/KH-VP ngày 29/3/2022", "upload": SimpleUploadedFile("kh.pdf", PDF)},
    )
    document = Document.objects.get()
    client.post(
        reverse("sheet_edit", args=[vp.pk]),
        edit_data(vp, **{field(vp, "p", "1:1.1"): "99,5", field(vp, "d", "1:1.1"): [document.pk]}),
    )
    report = report_for(sheet=vp)
    report_sign(
        base_version=Sheet.objects.get(pk=vp.pk).version,
        report=report,
        p12=(settings.DEMO_CERT_DIR / "vp.thutruong.p12").read_bytes(),
        passphrase=demo.CERT_PASSPHRASE.encode(),
        by=django_user_model.objects.get(username="vp.thutruong"),
    )
    stc = Sheet.objects.get(agency__code="STC")
    sheet_return(sheet=stc, base_version=stc.version, reason="Bổ sung", by=None)
    before, before_files = state(), files(settings)
    assert len(before_files) == 2  # the evidence file and the signed report

    archive = tmp_path / "sao-luu.zip"
    out = StringIO()
    call_command("backup", "-o", str(archive), stdout=out)
    assert f"tệp vào {archive}" in out.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(settings.MEDIA_ROOT.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert files(settings) == {} and not Sheet.objects.exists()

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Đã khôi phục" in out.getvalue()
    assert state() == before
    assert files(settings) == before_files

    with pytest.raises(CommandError, match="Cơ sở dữ liệu không trống"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_and_writes_nothing(tmp_path, settings):
    import json
    import zipfile

    from scoring.backups import _applied_migrations, app_version

    bad = tmp_path / "hong.zip"
    manifest = {
        "format": 2,
        "version": app_version(),
        "created": "x",
        "migrations": _applied_migrations(),
        "objects": 0,
        "data_sha256": hashlib.sha256(b"[]").hexdigest(),
        "files": {"evidence/a.pdf": "0" * 64},
    }
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", "[]")
        archive.writestr("media/evidence/a.pdf", b"%PDF-1.4")
    with pytest.raises(CommandError, match="Tệp evidence/a.pdf trong bản sao lưu bị hỏng"):
        call_command("restore", str(bad))
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("manifest.json", json.dumps({**manifest, "format": 1}))
    with pytest.raises(CommandError, match="Tệp sao lưu có định dạng 1, phần mềm này đọc định dạng 2"):
        call_command("restore", str(bad))
    with pytest.raises(CommandError, match="Không đọc được tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.zip"))
    assert not (settings.MEDIA_ROOT / "evidence").exists()


@pytest.mark.django_db
def test_the_backups_dump_is_djangos_json_to_the_byte_with_each_natural_key_read_once(
    django_assert_max_num_queries,
):
    """dumpdata with natural keys asks each row for the key of every row it points at (a score: its criterion,
    the criterion's rubric, the rubric's bloc); the backup's serializer asks once per related row."""
    from .replay import load_demo

    load_demo()
    dumps = {}
    for fmt in ("json", "backup_json"):
        out = StringIO()
        call_command(
            "dumpdata", "auth.group", "auth.user", "scoring", format=fmt, natural_foreign=True,
            natural_primary=True, indent=None, stdout=out,
        )  # fmt: skip
        dumps[fmt] = out.getvalue()
    assert dumps["backup_json"] == dumps["json"] and len(dumps["json"]) > 100_000
    with django_assert_max_num_queries(300):  # Django's own json: over 3,000 for the demo
        call_command(
            "dumpdata", "auth.group", "auth.user", "scoring", format="backup_json", natural_foreign=True,
            natural_primary=True, indent=None, stdout=StringIO(),
        )  # fmt: skip
