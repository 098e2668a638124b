"""Writes of the evidence register."""

from django.core.files.storage import default_storage
from django.db import transaction

from ..models import Document, evidence_path


def evidence_save(*, document: Document, agency, upload=None, file_kind=None, by=None) -> Document:
    """Save a register entry and its file under a generated name; a failed save leaves no file behind."""
    document.agency = agency
    if document.pk is None:
        document.created_by = by
    replaced = document.file.name if document.pk and upload and document.file else None
    stored = None
    if upload is not None:
        stored = default_storage.save(evidence_path(document, f"tep{file_kind.extension}"), upload)
        document.file.name = stored
        document.original_name = upload.name[-255:]
        document.file_type = file_kind.code
        document.file_size = upload.size
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    if replaced:
        transaction.on_commit(lambda: default_storage.delete(replaced))
    return document
