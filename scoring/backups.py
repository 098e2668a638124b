"""One archive with everything the app keeps: the database content and the uploaded files.

`backup` dumps the database inside one read transaction (REPEATABLE READ on PostgreSQL, a WAL read
snapshot on SQLite), so that the archive is one instant of the data however many people save meanwhile;
the files are those the dumped rows name. Its manifest records the app version, the applied migrations
of that instant, and the SHA-256 of data.json and of every file.

`restore` checks the whole archive before it touches anything — every hash, the manifest's fields, the
migrations against this database's — then loads it into an empty database in one transaction and
streams the files to disk. Any failure rolls the database back and removes what it wrote, so a retry
starts clean; every broken archive gives one Vietnamese message (`BackupError`).

An archive holds every password hash and every agency's files, so only its owner may read it (0600).
"""

import datetime
import hashlib
import io
import json
import os
import re
import stat
import tempfile
import tomllib
import zipfile
import zlib
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from .models import Agency, Bloc, Rubric

APPS = ["auth.group", "auth.user", "scoring"]
FORMAT = 2
CHUNK = 1024 * 1024
MANIFEST_LIMIT = 10 * 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """The archive cannot be made or restored here; the message says why, in Vietnamese."""


def app_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.is_file():
        return tomllib.loads(pyproject.read_text())["project"]["version"]
    return metadata.version("vpub")  # pragma: no cover - an installed copy without its sources


def _copy(source, target=None) -> str:
    """Copy `source` to `target` (when given) a chunk at a time; the SHA-256 of what went through."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------- backup


def backup(target: Path) -> dict:
    """Write the archive to a private temporary file beside `target`, then rename it into place: the
    archive is 0600 from its first byte, whatever the umask, and `target` is never half-written."""
    target = Path(target)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            manifest = _write_archive(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return manifest


def readable_by_others(path: Path) -> bool:
    return bool(Path(path).stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


@contextmanager
def _snapshot():
    """One read transaction for everything inside: every query sees the same instant.

    Inside a caller's transaction (a test's, say) that transaction already is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The project's SQLite connections BEGIN IMMEDIATE, which would hold the write lock for the whole
        # dump; a DEFERRED transaction only reads, and WAL fixes its snapshot at the first SELECT.
        mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        try:
            with transaction.atomic():
                connection.transaction_mode = mode
                yield
        finally:
            connection.transaction_mode = mode
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"))


def _file_names(objects: list[dict]) -> list[str]:
    """The uploaded files the dumped rows name: what the archive carries, not whatever is on disk."""
    fields = {
        model._meta.label_lower: [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
        for model in apps.get_models()
    }
    return sorted(
        {o["fields"][name] for o in objects for name in fields.get(o["model"], ()) if o["fields"].get(name)}
    )


def _write_archive(out) -> dict:
    data = io.StringIO()
    with _snapshot():
        migrations = _applied_migrations()  # also the first SELECT, which fixes SQLite's snapshot
        call_command(
            "dumpdata",
            *APPS,
            format="backup_json",  # Django's JSON, each natural key looked up once (backup_serializer.py)
            natural_foreign=True,
            natural_primary=True,
            indent=None,
            stdout=data,
        )
        dumped = data.getvalue().encode()
        objects = json.loads(dumped)
        manifest = {
            "format": FORMAT,
            "version": app_version(),
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "migrations": migrations,
            "objects": len(objects),
            "data_sha256": hashlib.sha256(dumped).hexdigest(),
            "files": {},
            "missing": [],
        }
        media = Path(settings.MEDIA_ROOT)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", dumped)
            for name in _file_names(objects):
                path = media / name
                if not path.is_file():
                    manifest["missing"].append(name)
                    continue
                with (
                    path.open("rb") as source,
                    archive.open(f"media/{name}", "w", force_zip64=True) as member,
                ):
                    manifest["files"][name] = _copy(source, member)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# --------------------------------------------------------------------------------------------- restore


def _database_is_empty() -> bool:
    return not any(m.objects.exists() for m in (get_user_model(), Agency, Bloc, Rubric))


def _safe_name(name) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "." not in path.parts


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        info = archive.getinfo("manifest.json")
    except KeyError:
        raise BackupError("Tệp sao lưu thiếu manifest.json.") from None
    if info.file_size > MANIFEST_LIMIT:
        raise BackupError("manifest.json trong tệp sao lưu lớn bất thường.")
    try:
        manifest = json.loads(archive.read(info))
    except ValueError:
        raise BackupError("manifest.json trong tệp sao lưu không đọc được.") from None
    if not isinstance(manifest, dict):
        raise BackupError("manifest.json trong tệp sao lưu không hợp lệ.")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Tệp sao lưu có định dạng {manifest.get('format')!r}, phần mềm này đọc định dạng {FORMAT}:"
            " hãy khôi phục bằng phiên bản phần mềm đã tạo bản sao lưu."
        )
    _check_fields(manifest)
    return manifest


def _check_fields(manifest: dict) -> None:
    files, migrations = manifest.get("files"), manifest.get("migrations")
    problems = [
        not isinstance(manifest.get("version"), str),
        not isinstance(manifest.get("created"), str),
        type(manifest.get("objects")) is not int,
        not isinstance(manifest.get("data_sha256"), str) or not SHA256.fullmatch(manifest["data_sha256"]),
        not isinstance(files, dict)
        or not all(_safe_name(k) and isinstance(v, str) and SHA256.fullmatch(v) for k, v in files.items()),
        not isinstance(manifest.setdefault("missing", []), list)
        or not all(isinstance(m, str) for m in manifest["missing"]),
        not isinstance(migrations, list)
        or not all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(p, str) for p in m) for m in migrations
        ),
    ]
    if any(problems):
        raise BackupError("manifest.json trong tệp sao lưu thiếu thông tin hoặc có giá trị không hợp lệ.")


def _latest(migrations) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in migrations:
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _check_schema(manifest: dict) -> None:
    """The archive's rows fit this database only if both have the same migrations applied."""
    theirs, ours = {tuple(m) for m in manifest["migrations"]}, {tuple(m) for m in _applied_migrations()}
    if theirs == ours:
        return
    apps_differing = sorted({app for app, _ in theirs ^ ours})
    their_latest, our_latest = _latest(theirs), _latest(ours)
    states = "; ".join(
        f"{app}: bản sao lưu ở {their_latest.get(app, '(chưa có)')}, cơ sở dữ liệu này ở {our_latest.get(app, '(chưa có)')}"
        for app in apps_differing
    )
    raise BackupError(
        f"Bản sao lưu (phiên bản {manifest['version']}) được tạo với cấu trúc cơ sở dữ liệu khác: {states}."
        " Hãy khôi phục bằng đúng phiên bản phần mềm đã tạo bản sao lưu, vào một cơ sở dữ liệu mới đã migrate."
    )


def _member(archive: zipfile.ZipFile, name: str):
    try:
        return archive.open(name)
    except KeyError:
        raise BackupError(f"Tệp sao lưu thiếu {name}.") from None


def _verify(archive: zipfile.ZipFile, manifest: dict, data_copy) -> None:
    """Every hash, read a chunk at a time; data.json lands in `data_copy`, the file loaddata reads."""
    with _member(archive, "data.json") as member:
        if _copy(member, data_copy) != manifest["data_sha256"]:
            raise BackupError("data.json trong tệp sao lưu bị hỏng hoặc đã bị sửa (mã băm không khớp).")
    for name, digest in manifest["files"].items():
        with _member(archive, f"media/{name}") as member:
            if _copy(member) != digest:
                raise BackupError(f"Tệp {name} trong bản sao lưu bị hỏng hoặc đã bị sửa (mã băm không khớp).")
    data_copy.flush()


def restore(source: Path) -> dict:
    """Check the archive, then load it into this (empty, migrated) database and MEDIA_ROOT, or nothing."""
    try:
        with zipfile.ZipFile(source) as archive, tempfile.NamedTemporaryFile("wb", suffix=".json") as data:
            manifest = _read_manifest(archive)
            _check_schema(manifest)
            _verify(archive, manifest, data)
            if not _database_is_empty():
                raise BackupError(
                    "Cơ sở dữ liệu không trống: chỉ khôi phục vào một cơ sở dữ liệu mới (đã migrate)."
                )
            _load(archive, manifest, data.name)
    except BackupError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error) as exc:
        # a damaged member fails while it is read: a CRC mismatch (BadZipFile), zlib.error, EOFError
        raise BackupError(f"Không đọc được tệp sao lưu {source}: {exc}") from None
    return manifest


def _load(archive: zipfile.ZipFile, manifest: dict, data: str) -> None:
    written: list[Path] = []
    try:
        with transaction.atomic():
            try:
                call_command("loaddata", data, format="json", verbosity=0)
            except Exception as exc:  # whatever the rows say, the archive is at fault: a message, not a trace
                raise BackupError(f"Dữ liệu trong tệp sao lưu không nạp được: {exc}") from None
            _write_files(archive, manifest, written)
    except BaseException as exc:
        _remove(written)
        if isinstance(exc, DatabaseError):  # a constraint PostgreSQL checks only at COMMIT
            raise BackupError(f"Dữ liệu trong tệp sao lưu không nạp được: {exc}") from None
        raise


def _write_files(archive: zipfile.ZipFile, manifest: dict, written: list[Path]) -> None:
    """Each file streamed to disk, never over an existing one; `written` lists what to remove on failure
    (directories too, in the order made)."""
    media = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["files"].items():
        path = media / name
        try:
            missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
            for directory in reversed(missing):
                directory.mkdir()
                written.append(directory)
            target = path.open("xb")
            written.append(path)
            with target, archive.open(f"media/{name}") as member:
                copied = _copy(member, target)
        except FileExistsError:
            raise BackupError(f"Tệp {name} đã có trong thư mục lưu trữ: không ghi đè.") from None
        except OSError as exc:
            raise BackupError(
                f"Không ghi được tệp {name} vào thư mục lưu trữ {media}: {exc.strerror}."
            ) from None
        if copied != digest:
            raise BackupError(f"Tệp {name} trong bản sao lưu bị hỏng hoặc đã bị sửa (mã băm không khớp).")


def _remove(written: list[Path]) -> None:
    for path in reversed(written):
        if path.is_dir() and not path.is_symlink():
            try:
                path.rmdir()
            except OSError:
                pass
        else:
            path.unlink(missing_ok=True)
