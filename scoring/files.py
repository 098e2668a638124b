"""Files in and out: storing one so that a full disk or a failure after it leaves nothing behind, and
handing one to the browser.

No `Cache-Control` here: `accounts.middleware.NoStoreMiddleware` marks every answer of the app, a streamed
file included, private and no-store."""

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StorageFailed(ValidationError):
    """The server could not write a file; the message is Vietnamese and says what the user can do."""

    def __init__(self, exc: OSError):
        if exc.errno in FULL:
            message = "Máy chủ hết chỗ lưu tệp nên chưa lưu được; xin báo cho quản trị rồi thử lại sau."
        else:
            message = "Máy chủ không ghi được tệp nên chưa lưu được; xin báo cho quản trị rồi thử lại sau."
        super().__init__(message, code="storage")


def store(storage: Storage, name: str, content) -> str:
    """Save `content` under `name` (or the free name next to it); on a failed write, whatever part of the
    file reached the disk is removed and `StorageFailed` says why."""
    name = storage.get_available_name(name)
    try:
        return storage.save(name, content)
    except OSError as exc:
        try:
            if storage.exists(name):  # a half-written file: the storage writes in place
                storage.delete(name)
        except OSError:
            pass
        raise StorageFailed(exc) from exc


@contextmanager
def kept(field_file: FieldFile, filename: str, data: bytes) -> Iterator[str]:
    """Store `data` as the next file of `field_file` (under the name its field gives `filename`) and give
    the stored name to the block, which records it; if the block fails, the file goes again."""
    name = field_file.field.generate_filename(field_file.instance, filename)
    stored = store(field_file.storage, name, ContentFile(data))
    try:
        yield stored
    except BaseException:
        field_file.storage.delete(stored)
        raise


def download(content, filename: str, content_type: str, *, inline: bool = False) -> HttpResponseBase:
    """A file for the browser to save under `filename` (or, `inline`, to show): `content` is either the bytes
    of a document built for this request or an open file, streamed. The browser must take it for what
    `content_type` says, never for what it guesses from the bytes.

    A built document's name (a kind, a year, a code) is written quoted as it is; a stored file's name — an
    uploaded one may be Vietnamese — is written by FileResponse as RFC 6266 asks: quoted if ASCII,
    `filename*=utf-8''…` if not."""
    response: HttpResponse | FileResponse
    if hasattr(content, "read"):
        response = FileResponse(
            content, as_attachment=not inline, filename=filename, content_type=content_type
        )
    else:
        response = HttpResponse(content, content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
