"""The versions that sheets submitted before versions were kept (0007_document_versions) should hold.

Every register entry gets a row for its current version, taken from the entry as it is (before 0007 an entry
was its only state). The latest submission of each sheet still locked for its agency is linked to the
versions of the documents the sheet cites, so that their files are kept and shown as submitted whatever the
agency edits later: of each document, the latest version recorded by the time of the submission (an entry
edited since 0007 has kept the state it replaced as an earlier version), else its first.

Nothing is undone going back: the rows say nothing the older schema cannot hold.
"""

from django.db import migrations

# the fields scoring.evidence.versions.COPIED names, as of this migration
COPIED = (
    "kind",
    "number",
    "issued_on",
    "issuer",
    "subject",
    "file",
    "original_name",
    "file_type",
    "file_size",
    "link",
)
LOCKED = ("submitted", "accepted")  # Sheet.Status outside Sheet.EDITABLE
BATCH = 500


def first_versions(apps, schema_editor):
    Document = apps.get_model("scoring", "Document")
    DocumentVersion = apps.get_model("scoring", "DocumentVersion")
    kept = set(DocumentVersion.objects.values_list("document_id", "version"))
    missing = []
    for document in Document.objects.order_by("pk").iterator(chunk_size=BATCH):
        if (document.pk, document.version) in kept:
            continue
        version = DocumentVersion(
            document_id=document.pk,
            version=document.version,
            recorded_at=document.created_at,
            recorded_by_id=document.created_by_id if document.version == 1 else None,
            changes=[],
        )
        for name in COPIED:
            setattr(version, name, getattr(document, name))
        missing.append(version)
    DocumentVersion.objects.bulk_create(missing, batch_size=BATCH)


def hold_submitted(apps, schema_editor):
    Citation = apps.get_model("scoring", "Citation")
    DocumentVersion = apps.get_model("scoring", "DocumentVersion")
    Held = DocumentVersion.snapshots.through
    held = []
    for snapshot in _latest_snapshots(apps):
        if Held.objects.filter(sheetsnapshot_id=snapshot.pk).exists():
            continue  # submitted since 0007: it names its versions already
        cited = Citation.objects.filter(score__sheet_id=snapshot.sheet_id).values("document_id")
        chosen = {}
        for version in DocumentVersion.objects.filter(document_id__in=cited).order_by("version"):
            first = version.document_id not in chosen
            if first or version.recorded_at <= snapshot.taken_at:
                chosen[version.document_id] = version
        held += [Held(sheetsnapshot_id=snapshot.pk, documentversion_id=v.pk) for v in chosen.values()]
    Held.objects.bulk_create(held, batch_size=BATCH)


def _latest_snapshots(apps):
    Sheet = apps.get_model("scoring", "Sheet")
    SheetSnapshot = apps.get_model("scoring", "SheetSnapshot")
    for sheet_id in Sheet.objects.filter(status__in=LOCKED).order_by("pk").values_list("pk", flat=True):
        latest = SheetSnapshot.objects.filter(sheet_id=sheet_id).order_by("-taken_at", "-pk").first()
        if latest is not None:
            yield latest


def backfill(apps, schema_editor):
    first_versions(apps, schema_editor)
    hold_submitted(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0011_import_jobs"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
