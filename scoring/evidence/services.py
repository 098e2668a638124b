"""Writes of the evidence register; a file is stored through `scoring.files.store`."""

from django.core.files.storage import default_storage
from django.db import transaction

from ..files import store
from ..models import Document, evidence_path
from . import versions


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
