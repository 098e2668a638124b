"""Backups taken while people save are snapshots; a broken archive is refused with a message and leaves
nothing; restoring a large file takes constant memory."""

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import threading
import time
import tracemalloc
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from scoring.backups import BackupError, backup, restore
from scoring.models import Agency, Citation, Document, Score, ScoreChange, Sheet, SheetSnapshot
from scoring.sheets.changes import documents_text, shown
from scoring.sheets.services import ScoreInput, SheetConflict, sheet_for, sheet_save

from .factories import PDF

SAVING_SECONDS = 2.5
BACKUPS = 4
KEYS = ("1:1.1", "1:1.2")


def _empty(settings) -> None:
    call_command("flush", interactive=False, verbosity=0)
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*"), reverse=True) if root.exists() else ():
        path.unlink() if path.is_file() else path.rmdir()


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*")] if root.exists() else []


def _keep_saving(sheet: Sheet, stop: threading.Event, errors: list) -> None:
    """One agency's editor: a new document with its file, cited under a criterion, saved again and again."""
    try:
        n = 0
        while not stop.is_set():
            n += 1
            document = Document(agency=sheet.agency, kind="KH", number=f"{n}/KH-{sheet.agency.code}")
            document.issued_on = date(2022, 1 + n % 12, 1)
            document.file.save("kh.pdf", ContentFile(PDF + str(n).encode()), save=False)
            document.save()
            key = KEYS[n % len(KEYS)]
            values = {key: ScoreInput(points=Decimal(n % 50), documents=[document.pk])}
            try:
                sheet_save(sheet=sheet, base_version=Sheet.objects.get(pk=sheet.pk).version, values=values)
            except SheetConflict:  # pragma: no cover - one writer per sheet
                pass
    except Exception as exc:  # pragma: no cover - reported by the test
        errors.append(exc)
    finally:
        connection.close()


def _check_invariants(settings) -> None:
    """What a consistent instant satisfies: versions, scores and citations agree with the history."""
    for sheet in Sheet.objects.all():
        versions = [1, *sheet.changes.values_list("version", flat=True)]
        versions += SheetSnapshot.objects.filter(sheet=sheet).values_list("version", flat=True)
        assert sheet.version == max(versions), sheet
        last: dict[tuple[int, str], str] = {}
        for change in ScoreChange.objects.filter(sheet=sheet).order_by("version", "pk"):
            last[change.criterion_id, change.field] = change.new
        for score in Score.objects.filter(sheet=sheet).prefetch_related("documents"):
            assert last.get((score.criterion_id, "points"), "") == shown(score.points)
            cited = {d.pk: d.citation for d in score.documents.all()}
            assert last.get((score.criterion_id, "documents"), "") == documents_text(cited, cited)
    document_ids = set(Document.objects.values_list("pk", flat=True))
    assert set(Citation.objects.values_list("document_id", flat=True)) <= document_ids
    for document in Document.objects.exclude(file=""):
        assert (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes().startswith(PDF)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_people_save_restores_to_a_consistent_state(
    settings, tmp_path, bloc_2022, agencies
):
    rubric = bloc_2022.bloc.rubrics.get(year=2022)
    sheets = [sheet_for(rubric=rubric, agency=agencies[code]) for code in ("VP", "TTR", "STC")]
    stop, errors = threading.Event(), []
    writers = [threading.Thread(target=_keep_saving, args=(s, stop, errors)) for s in sheets]
    for writer in writers:
        writer.start()
    archives = []
    try:
        started = time.monotonic()
        for i in range(BACKUPS):
            time.sleep(max(0, started + (i + 1) * SAVING_SECONDS / BACKUPS - time.monotonic()))
            archives.append(tmp_path / f"sao-luu-{i}.zip")
            backup(archives[-1])
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
    assert not errors
    assert ScoreChange.objects.count() > BACKUPS  # the backups did run while people saved

    for archive in archives:
        _empty(settings)
        restore(archive)
        _check_invariants(settings)


def _valid_archive(tmp_path_factory, agencies_fixture) -> bytes:
    """One small archive with a document and its file, made once per test."""
    document = Document(
        agency=agencies_fixture["VP"], kind="KH", number="1/KH-VP", issued_on=date(2022, 3, 1)
    )
    document.file.save("kh.pdf", ContentFile(PDF), save=False)
    document.save()
    path = tmp_path_factory.mktemp("sao-luu") / "goc.zip"
    backup(path)
    return path.read_bytes()


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _reads_the_same(content: bytes, members: dict[str, bytes]) -> bool:
    try:
        return _members(content) == members
    except Exception:
        return False


def _zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _edit_manifest(members: dict[str, bytes], edit) -> bytes:
    manifest = json.loads(members["manifest.json"])
    edit(manifest)
    return _zipped({**members, "manifest.json": json.dumps(manifest).encode()})


def _mutations(valid: bytes):
    members = _members(valid)
    media = next(name for name in members if name.startswith("media/"))
    data = members["data.json"]
    return st.one_of(
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        st.tuples(st.integers(0, len(valid) - 1), st.integers(1, 255)).map(
            lambda f: valid[: f[0]] + bytes([valid[f[0]] ^ f[1]]) + valid[f[0] + 1 :]
        ),
        st.sampled_from(sorted(members)).map(
            lambda gone: _zipped({k: v for k, v in members.items() if k != gone})
        ),
        st.just(_edit_manifest(members, lambda m: m["files"].__setitem__(media[6:], "0" * 64))),
        st.just(_edit_manifest(members, lambda m: m.__setitem__("data_sha256", "0" * 64))),
        st.just(_edit_manifest(members, lambda m: m.__setitem__("migrations", [["scoring", "9999_khac"]]))),
        st.just(_edit_manifest(members, lambda m: m.__setitem__("migrations", "x"))),
        st.just(_edit_manifest(members, lambda m: m.pop("files"))),
        st.sampled_from([b"", b"{}", b"[1]", b"null", b"\xff"]).map(
            lambda text: _zipped({**members, "manifest.json": text})
        ),
        st.integers(0, len(data) - 1).map(
            lambda n: _zipped({**members, "data.json": data[:n] + b"1" + data[n + 1 :]})
        ),
    )


def _hashed_data(members: dict[str, bytes], data: bytes) -> bytes:
    """data.json replaced and the manifest's hash updated to match: a well-formed archive of bad data."""
    digest = hashlib.sha256(data).hexdigest()
    return _edit_manifest({**members, "data.json": data}, lambda m: m.__setitem__("data_sha256", digest))


@pytest.mark.django_db(transaction=True)
def test_every_broken_archive_is_refused_with_a_message_and_leaves_nothing(
    settings, tmp_path, tmp_path_factory, agencies
):
    valid = _valid_archive(tmp_path_factory, agencies)
    members = _members(valid)
    bad_data = [b"[{", b"[{}]", b'[{"model": "scoring.nothing", "fields": {}}]', b"[1, 2]"]
    # rows that do not fit together: a document of an agency the archive does not have, a score of letters
    bad_data.append(members["data.json"].replace(b'"agency": ["VP"]', b'"agency": ["KHONG"]'))
    bad_data.append(members["data.json"].replace(b'"file_size": null', b'"file_size": "abc"'))
    assert members["data.json"] not in bad_data
    wrongly_hashed = st.sampled_from([_hashed_data(members, data) for data in bad_data])
    _empty(settings)
    source = tmp_path / "hong.zip"

    @hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(_mutations(valid), wrongly_hashed))
    def refused(content: bytes):
        assume(not _reads_the_same(content, members))  # a flip in a header's date or attributes is harmless
        source.write_bytes(content)
        try:
            restore(source)
        except BackupError as exc:
            assert str(exc)
        else:
            _empty(settings)
            pytest.fail("restored a broken archive")
        assert not Document.objects.exists() and not Sheet.objects.exists()
        assert _media_files(settings) == []

    refused()
    source.write_bytes(valid)
    restore(source)  # after all those refusals, a retry with the good archive works
    assert Document.objects.get().file.read() == PDF


@pytest.mark.django_db(transaction=True)
def test_restoring_a_large_file_takes_little_memory(settings, tmp_path, agencies):
    size = 30 * 1024 * 1024
    document = Document(agency=agencies["VP"], kind="BC", number="1/BC-VP", issued_on=date(2022, 3, 1))
    document.file.save("lon.pdf", ContentFile(b""), save=False)
    document.save()
    with open(Path(settings.MEDIA_ROOT) / document.file.name, "wb") as out:
        for block in range(size // 1024 // 1024):
            out.write(hashlib.sha512(str(block).encode()).digest() * (1024 * 1024 // 64))
    archive = tmp_path / "sao-luu.zip"
    backup(archive)
    _empty(settings)

    tracemalloc.start()
    try:
        restore(archive)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (Path(settings.MEDIA_ROOT) / Document.objects.get().file.name).stat().st_size == size
    assert peak < size / 5, peak


@pytest.mark.django_db(transaction=True)
def test_an_archive_of_another_schema_is_refused_naming_both_states(settings, tmp_path, agencies):
    archive = tmp_path / "sao-luu.zip"
    manifest = backup(archive)
    assert manifest["version"] == "0.1.0" and ["scoring", "0001_initial"] in manifest["migrations"]
    assert manifest["data_sha256"] == hashlib.sha256(zipfile.ZipFile(archive).read("data.json")).hexdigest()
    ours = max(name for app, name in manifest["migrations"] if app == "scoring")
    members = _members(archive.read_bytes())
    edited = [m for m in manifest["migrations"] if m[0] != "scoring"] + [["scoring", "0001_initial"]]
    archive.write_bytes(_edit_manifest(members, lambda m: m.__setitem__("migrations", edited)))
    _empty(settings)
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(archive))
    assert f"scoring: bản sao lưu ở 0001_initial, cơ sở dữ liệu này ở {ours}" in str(refusal.value)
    assert not Agency.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_named_by_a_row_but_gone_from_disk_is_reported_not_fatal(settings, tmp_path, agencies):
    document = Document(agency=agencies["VP"], kind="KH", number="1/KH-VP", issued_on=date(2022, 3, 1))
    document.file.save("kh.pdf", ContentFile(PDF), save=False)
    document.save()
    (Path(settings.MEDIA_ROOT) / "evidence" / "VP" / "mo-coi.pdf").write_bytes(PDF)  # named by no row
    (Path(settings.MEDIA_ROOT) / document.file.name).unlink()
    err = StringIO()
    call_command("backup", "-o", str(tmp_path / "sao-luu.zip"), stdout=StringIO(), stderr=err)
    assert (
        f"Cảnh báo: tệp {document.file.name} có trong cơ sở dữ liệu nhưng không có trên đĩa" in err.getvalue()
    )
    assert [n for n in zipfile.ZipFile(tmp_path / "sao-luu.zip").namelist() if n.startswith("media/")] == []
    _empty(settings)
    err = StringIO()
    call_command("restore", str(tmp_path / "sao-luu.zip"), stdout=StringIO(), stderr=err)
    assert f"Cảnh báo: tệp {document.file.name} đã thiếu trên đĩa khi sao lưu" in err.getvalue()
    assert Document.objects.get().file.name == document.file.name and _media_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_on_a_full_disk_says_so_and_leaves_nothing(tmp_path, agencies, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(CommandError, match="Không ghi được tệp sao lưu .*No space left on device"):
        call_command("backup", "-o", str(tmp_path / "sao-luu.zip"), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not shutil.which("pg_restore"), reason="the PostgreSQL client tools are not installed")
@pytest.mark.django_db(transaction=True)
def test_the_documented_pg_dump_drill_restores_the_sheets(tmp_path, bloc_2022, agencies):
    """The backup drill of docs/operations.md: pg_dump --format=custom, pg_restore --exit-on-error into a
    scratch database."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is the PostgreSQL backup")
    sheet_for(rubric=bloc_2022.bloc.rubrics.get(year=2022), agency=agencies["VP"])
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or "", "PGHOST": db["HOST"] or "", "PGUSER": db["USER"]}
    env["PGPORT"] = str(db["PORT"] or 5432)
    dump, scratch = tmp_path / "db.dump", f"{db['NAME']}_drill"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", db["NAME"]], env=env, check=True)
    subprocess.run(["dropdb", "--if-exists", scratch], env=env, check=True)
    subprocess.run(["createdb", scratch], env=env, check=True)
    try:
        restore_cmd = ["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={scratch}", str(dump)]
        subprocess.run(restore_cmd, env=env, check=True)
        count = ["psql", "-tA", scratch, "-c", "select count(*) from scoring_sheet"]
        assert (
            subprocess.run(count, env=env, check=True, capture_output=True, text=True).stdout.strip() == "1"
        )
    finally:
        subprocess.run(["dropdb", scratch], env=env, check=True)
