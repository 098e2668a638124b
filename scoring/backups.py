"""One archive with everything the app keeps: the database content and the uploaded files.

`backup` writes a zip with data.json (Django's serialisation, natural keys), every file under
MEDIA_ROOT, and a manifest with each file's SHA-256; `restore` loads it into an empty database in one
transaction and puts the files back, checking every hash. A failure leaves the database as it was.

An archive holds every password hash and every agency's files, so only its owner may read it (0600).
"""

import datetime
import hashlib
import io
import json
import os
import stat
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from .models import Agency, Bloc, Rubric

APPS = ["auth.group", "auth.user", "scoring"]
FORMAT = 1


class BackupError(Exception):
    """The archive cannot be restored here; the message says why, in Vietnamese."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup(target: Path) -> dict:
    """Write the archive to a private temporary file beside `target`, then rename it into place: the
    archive is 0600 from its first byte, whatever the umask, and `target` is never half-written."""
    target = Path(target)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            manifest = _write_archive(out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return manifest


def readable_by_others(path: Path) -> bool:
    return bool(Path(path).stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def _write_archive(out) -> dict:
    data = io.StringIO()
    call_command("dumpdata", *APPS, natural_foreign=True, natural_primary=True, indent=None, stdout=data)
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "objects": len(json.loads(data.getvalue())),
        "files": {},
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data.getvalue())
        for path in files:
            content = path.read_bytes()
            name = path.relative_to(media).as_posix()
            manifest["files"][name] = _sha256(content)
            archive.writestr(f"media/{name}", content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _database_is_empty() -> bool:
    return not any(m.objects.exists() for m in (get_user_model(), Agency, Bloc, Rubric))


def restore(source: Path) -> dict:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {source}: {exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json")
        except KeyError as exc:
            raise BackupError("Tệp sao lưu thiếu manifest.json hoặc data.json.") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(
                f"Tệp sao lưu có định dạng {manifest.get('format')}, phần mềm đọc định dạng {FORMAT}."
            )
        files = {}
        for name, digest in manifest["files"].items():
            content = archive.read(f"media/{name}")
            if _sha256(content) != digest or ".." in Path(name).parts or Path(name).is_absolute():
                raise BackupError(f"Tệp {name} trong bản sao lưu bị hỏng hoặc không hợp lệ.")
            files[name] = content
    if not _database_is_empty():
        raise BackupError("Cơ sở dữ liệu không trống: chỉ khôi phục vào một cơ sở dữ liệu mới (đã migrate).")
    media = Path(settings.MEDIA_ROOT)
    written: list[Path] = []
    try:
        with transaction.atomic(), tempfile.NamedTemporaryFile("wb", suffix=".json") as dump:
            dump.write(data)
            dump.flush()
            call_command("loaddata", dump.name, verbosity=0)
            for name, content in files.items():
                path = media / name
                if path.exists():
                    raise BackupError(f"Tệp {name} đã có trong thư mục lưu trữ: không ghi đè.")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                written.append(path)
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return manifest
