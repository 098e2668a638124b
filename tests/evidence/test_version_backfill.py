"""The data migration 0012_backfill_document_versions: a sheet submitted before versions were kept holds the
documents it cites, so that editing one after the migration no longer replaces the file the sheet was
submitted with. The data is made in the schema before the migration, as older versions of the app left it."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from scoring.models import Document, DocumentVersion, SheetSnapshot

from ..factories import PDF
from .test_versions import KEY, PDF_2, body, file_url, logged_in

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("scoring", "0011_import_jobs")]


def migrate(targets):
    """The database migrated to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("scoring")


@pytest.fixture
def old_apps(cast, vp_sheet, bloc_2022):
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest())


def old_document(apps, agency, number, *, by=None):
    """A register entry as the app wrote it before 0007: no version rows."""
    name = default_storage.save(f"evidence/{agency.code}/{number.split('/')[0]}.pdf", ContentFile(PDF))
    return apps.get_model("scoring", "Document").objects.create(
        agency_id=agency.pk,
        kind="KH",
        number=number,
        issued_on=datetime.date(2022, 3, 29),
        subject="Kế hoạch công tác năm",
        file=name,
        original_name="ke-hoach.pdf",
        file_type="pdf",
        file_size=len(PDF),
        created_by_id=by.pk if by else None,
    )


def old_submission(apps, sheet, documents, *, status="submitted"):
    """The sheet citing `documents` under 1.1, and its snapshot as submissions before 0007 wrote them."""
    criterion = apps.get_model("scoring", "Criterion").objects.get(rubric_id=sheet.rubric_id, key=KEY)
    score = apps.get_model("scoring", "Score").objects.create(
        sheet_id=sheet.pk, criterion=criterion, points=10
    )
    for document in documents:
        apps.get_model("scoring", "Citation").objects.create(score=score, document_id=document.pk)
    apps.get_model("scoring", "Sheet").objects.filter(pk=sheet.pk).update(status=status)
    row = {
        "key": KEY,
        "points": "10",
        "documents": [f"Kế hoạch số {d.number} ngày 29/3/2022" for d in documents],
    }
    return apps.get_model("scoring", "SheetSnapshot").objects.create(
        sheet_id=sheet.pk, version=1, data={"version": 1, "criteria": [row]}
    )


def test_a_sheet_submitted_before_versions_keeps_its_file_when_the_document_is_edited(
    old_apps, cast, vp_sheet, agencies
):
    cited = old_document(old_apps, agencies["VP"], "495/KH-VP", by=cast["editor"])
    uncited = old_document(old_apps, agencies["VP"], "12/KH-VP")
    old_submission(old_apps, vp_sheet, [cited])
    migrate(latest())

    first = DocumentVersion.objects.get(document_id=cited.pk)
    assert (first.version, first.number, first.file.name) == (1, "495/KH-VP", cited.file.name)
    assert first.recorded_by == cast["editor"]
    assert DocumentVersion.objects.filter(document_id=uncited.pk, version=1).exists()
    snapshot = SheetSnapshot.objects.get(sheet=vp_sheet)
    assert list(snapshot.document_versions.all()) == [first]

    # the agency edits the document and replaces its file after the migration
    response = logged_in(cast["editor"]).post(
        reverse("evidence_edit", args=["VP", cited.pk]),
        {
            "kind": "KH",
            "number": "495/KH-VP",
            "issued_on": "29/03/2022",
            "subject": "Kế hoạch công tác năm (sửa)",
            "upload": SimpleUploadedFile("ke-hoach-sua.pdf", PDF_2),
        },
    )
    assert response.status_code == 302
    assert Document.objects.get(pk=cited.pk).version == 2
    assert default_storage.exists(cited.file.name)  # the submitted file is kept
    response = logged_in(cast["reviewer"]).get(file_url(vp_sheet, cited, 1))
    assert response.status_code == 200 and body(response) == PDF


def test_a_sheet_the_agency_may_edit_holds_nothing_and_versions_are_not_written_twice(
    old_apps, cast, vp_sheet, agencies
):
    document = old_document(old_apps, agencies["VP"], "495/KH-VP")
    DocumentVersion = old_apps.get_model("scoring", "DocumentVersion")
    DocumentVersion.objects.create(
        document_id=document.pk, version=1, kind="KH", number="495/KH-VP", issued_on=document.issued_on
    )
    snapshot = old_submission(old_apps, vp_sheet, [document], status="returned")
    migrate(latest())

    assert DocumentVersion.objects.filter(document_id=document.pk).count() == 1
    assert not SheetSnapshot.objects.get(pk=snapshot.pk).document_versions.exists()


def test_a_document_edited_after_the_submission_is_held_as_it_was_submitted(
    old_apps, cast, vp_sheet, agencies
):
    """Edited once 0007 was in (its first state kept then), submitted before: the first version is held."""
    document = old_document(old_apps, agencies["VP"], "495/KH-VP")
    snapshot = old_submission(old_apps, vp_sheet, [document])
    DocumentVersion = old_apps.get_model("scoring", "DocumentVersion")
    fields = {"kind": "KH", "issued_on": document.issued_on}
    DocumentVersion.objects.create(
        document_id=document.pk, version=1, number="495/KH-VP", recorded_at=document.created_at, **fields
    )
    DocumentVersion.objects.create(document_id=document.pk, version=2, number="496/KH-VP", **fields)
    old_apps.get_model("scoring", "Document").objects.filter(pk=document.pk).update(
        version=2, number="496/KH-VP"
    )
    migrate(latest())

    held = SheetSnapshot.objects.get(pk=snapshot.pk).document_versions.get()
    assert (held.version, held.number) == (1, "495/KH-VP")
