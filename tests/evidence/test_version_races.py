"""Evidence versions when two requests meet: an edit and a submission at the same moment, two readers writing
the same missing version. The threads hold real connections of their own, so these tests commit."""

import datetime
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from scoring import notifications
from scoring.evidence import versions
from scoring.models import Document, DocumentVersion, SheetSnapshot
from scoring.sheets.services import sheet_submit

from ..factories import PDF
from .test_versions import cite, edit_after_submission, file_url, logged_in, register

pytestmark = pytest.mark.django_db(transaction=True)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions run one writer at a time: the requests cannot overlap there",
)
WAIT = 10  # seconds; a test that waits this long has failed


class Worker(threading.Thread):
    """`work()` in a thread with its own database connection; what it raised is kept for the test."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.error, self.result = work, None, None

    def run(self):
        try:
            self.result = self.work()
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc
        finally:
            connections.close_all()

    def finish(self):
        self.join(WAIT)
        assert not self.is_alive(), "the thread is still waiting"
        if self.error:
            raise self.error
        return self.result


def submit(cast, sheet):
    sheet.refresh_from_db()
    return lambda: sheet_submit(sheet=sheet, base_version=sheet.version, by=cast["head"])


@postgres_only
def test_an_edit_during_a_submission_keeps_the_file_the_submission_holds(cast, vp_sheet, monkeypatch):
    editor = logged_in(cast["editor"])
    document = register(editor, upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    cite(vp_sheet, document)
    first = document.file.name
    frozen, go = threading.Event(), threading.Event()

    def hold(sheet):  # the submission has frozen what it cites and has not committed yet
        frozen.set()
        assert go.wait(WAIT)

    monkeypatch.setattr(notifications, "sheet_submitted", hold)
    submitting = Worker(submit(cast, vp_sheet))
    submitting.start()
    assert frozen.wait(WAIT)
    editing = Worker(lambda: edit_after_submission(editor, document))
    editing.start()
    editing.join(1)  # it waits for the submission's lock of the document
    assert editing.is_alive(), "the edit went ahead while the submission held the document"
    go.set()
    submitting.finish()
    assert editing.finish().version == 2
    held = SheetSnapshot.objects.get(sheet=vp_sheet).document_versions.get()
    assert (held.version, held.file.name) == (1, first)
    assert default_storage.exists(first)  # the submitted file is still there


@postgres_only
def test_a_submission_during_an_edit_holds_the_edited_version(cast, vp_sheet, monkeypatch, settings):
    editor = logged_in(cast["editor"])
    document = register(editor, upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    cite(vp_sheet, document)
    first = document.file.name
    locked, go = threading.Event(), threading.Event()
    changes = versions.version_changes

    def slow(old, new):  # the edit holds the document's row
        locked.set()
        assert go.wait(WAIT)
        return changes(old, new)

    monkeypatch.setattr(versions, "version_changes", slow)
    editing = Worker(lambda: edit_after_submission(editor, document))
    editing.start()
    assert locked.wait(WAIT)
    submitting = Worker(submit(cast, vp_sheet))
    submitting.start()
    submitting.join(1)
    assert submitting.is_alive(), "the submission froze the document while an edit held it"
    go.set()
    editing.finish()
    submitting.finish()
    held = SheetSnapshot.objects.get(sheet=vp_sheet).document_versions.get()
    assert held.version == 2 and default_storage.exists(held.file.name)
    assert not default_storage.exists(first)  # nothing submitted holds the replaced file


def unversioned(agency) -> Document:
    """A register entry with no version yet (registered from a pasted citation, or before versions)."""
    name = default_storage.save(f"evidence/{agency.code}/cu.pdf", ContentFile(PDF))
    return Document.objects.create(
        agency=agency,
        kind="KH",
        number="7/KH-VP",
        issued_on=datetime.date(2023, 1, 10),
        file=name,
        original_name="cu.pdf",
        file_type="pdf",
        file_size=len(PDF),
    )


def test_a_version_written_meanwhile_by_another_request_is_the_one_returned(agencies, monkeypatch):
    document = unversioned(agencies["VP"])
    write = versions.version_of

    def raced(doc, **kwargs):  # the other request writes the version between our look-up and our insert
        write(doc, **kwargs).save()
        return write(doc, **kwargs)

    monkeypatch.setattr(versions, "version_of", raced)
    [version] = versions.ensure_current([document])
    assert version.pk == DocumentVersion.objects.get(document=document).pk


@postgres_only
def test_two_readers_opening_a_file_with_no_version_yet_both_get_it(cast, vp_sheet, monkeypatch):
    document = unversioned(vp_sheet.agency)
    cite(vp_sheet, document)
    url = file_url(vp_sheet, document, 1)
    both = threading.Barrier(2, timeout=WAIT)
    write = versions.version_of

    def together(doc, **kwargs):  # both found no version; now both write it
        both.wait()
        return write(doc, **kwargs)

    monkeypatch.setattr(versions, "version_of", together)
    readers = [Worker(lambda: logged_in(cast["editor"]).get(url)) for _ in range(2)]
    for reader in readers:
        reader.start()
    assert [reader.finish().status_code for reader in readers] == [200, 200]
    assert DocumentVersion.objects.filter(document=document).count() == 1
