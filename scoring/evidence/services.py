"""Writes of the evidence register, and storing a file so that a full disk leaves nothing behind."""

import errno

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.db import transaction

from ..models import Document, evidence_path
from . import versions

FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


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


def evidence_save(*, document: Document, agency, upload=None, file_kind=None, by=None) -> Document:
    """Save a register entry and its file under a generated name; a failed save leaves no file behind.

    Each save that changes something is a new version (who, when, what changed). A replaced file is kept
    while a submitted sheet cites a version holding it; otherwise it is removed."""
    document.agency = agency
    if document.pk is None:
        document.created_by = by
    stored = None
    if upload is not None:
        stored = store(default_storage, evidence_path(document, f"tep{file_kind.extension}"), upload)
        document.file.name = stored
        document.original_name = upload.name[-255:]
        document.file_type = file_kind.code
        document.file_size = upload.size
    try:
        with transaction.atomic():
            replaced = _save_version(document, by)
            # decided under the document's lock, which a submission takes too (versions.freeze_cited)
            if replaced and not versions.is_frozen(document, replaced):
                transaction.on_commit(lambda: default_storage.delete(replaced))
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return document


def _save_version(document: Document, by) -> str | None:
    """Save the entry and, if it changed, its new version; the name of the file it replaced, if any."""
    if document.pk is None:
        document.version = 1
        document.save()
        versions.version_of(document, by=by).save()
        return None
    previous = Document.objects.select_for_update().get(pk=document.pk)
    changes = versions.version_changes(previous, document)
    if not changes:
        document.save()
        return None
    versions.ensure_current([previous])
    document.version = previous.version + 1
    document.save()
    versions.version_of(document, by=by, changes=changes).save()
    replaced = previous.file.name
    return replaced if replaced and replaced != document.file.name else None
