"""An uploaded workbook kept between its preview and the administrator's confirmation, and no longer.

The file goes to a private folder beside MEDIA_ROOT (`<MEDIA_ROOT>/../staging/<user id>/`), never under a URL,
under a random name; what it is for (kind and parameters) sits beside it in a JSON file. Confirming or
cancelling removes both (a confirmed file stays until the import job that writes it has run:
jobs.imports); whatever else is left over for more than STAGING_SECONDS is swept away by the next
upload. Only the user who uploaded a file reaches it again: the token is looked up in their own folder.
"""

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ..models import ImportJob

STAGING_SECONDS = 60 * 60
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
ZIP_MAGIC = b"PK\x03\x04"


class UploadRefused(Exception):
    """An upload that is not an Excel workbook (.xlsx) we may read; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Staged:
    token: str
    kind: str
    params: dict
    name: str  # the name the file had on the uploader's computer
    path: Path


def root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve().parent / "staging"


def _folder(user) -> Path:
    return root() / str(int(user.pk))


def check_xlsx(upload) -> None:
    """Refuse what cannot be an .xlsx before it is written anywhere."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"Tệp lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: một bảng tiêu chí hay danh sách không lớn như vậy."
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != ZIP_MAGIC:
        raise UploadRefused(
            "Tệp không phải là tệp Excel .xlsx (tệp .xls cũ, .csv hay tệp khác): hãy mở bằng Excel hoặc "
            "LibreOffice, lưu dưới dạng “Excel Workbook (.xlsx)” rồi tải lên lại."
        )


def stage(upload, *, user, kind: str, params: dict) -> Staged:
    """Keep the upload for `user`; returns what confirm() will need."""
    check_xlsx(upload)
    sweep()
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_hex(16)
    path = folder / f"{token}.xlsx"
    meta = {"kind": kind, "params": params, "name": str(upload.name)[:200]}
    try:
        with open(path, "xb") as out:
            path.chmod(0o600)
            for chunk in upload.chunks():
                out.write(chunk)
        (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    except BaseException:  # a full disk, a broken connection: no half file stays behind
        discard(token, user=user)
        raise
    return Staged(token, kind, params, meta["name"], path)


def staged(token: str, *, user, kind: str, fresh: bool = True) -> Staged | None:
    """The user's staged file of that kind, if it is still there (and fresh, unless an import job confirmed
    it: the job may wait for its worker); None otherwise."""
    if not TOKEN.match(token or ""):
        return None
    folder = _folder(user)
    path, meta_path = folder / f"{token}.xlsx", folder / f"{token}.json"
    try:
        if fresh and time.time() - path.stat().st_mtime > STAGING_SECONDS:
            discard(token, user=user)
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("kind") != kind:
        return None
    return Staged(token, kind, meta.get("params", {}), meta.get("name", ""), path)


def discard(token: str, *, user) -> None:
    if not TOKEN.match(token or ""):
        return
    for suffix in (".xlsx", ".json"):
        (_folder(user) / f"{token}{suffix}").unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Remove every staged file older than STAGING_SECONDS, whoever left it, except those an import job
    still waits to write; how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    if not root().is_dir():
        return 0
    waiting = set(ImportJob.objects.unfinished().values_list("token", flat=True))
    for path in root().glob("*/*"):
        try:
            if path.stem not in waiting and now - path.stat().st_mtime > STAGING_SECONDS:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def leftovers() -> list[Path]:
    """Every file the staging folder holds (for tests and the operator)."""
    return sorted(p for p in root().glob("*/*") if p.is_file()) if root().is_dir() else []
