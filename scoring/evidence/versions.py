"""Versions of register entries: every save keeps the entry as it was, and a submitted sheet keeps the
versions it cited (its snapshot names them), whatever the agency edits in its register later."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from ..accounts.names import full_name
from ..models import Citation, Document, DocumentVersion, Sheet, SheetSnapshot, SheetTransition
from ..notation import format_date

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
)
COPIED = (*COPIED, "link")
SHOWN = ("kind", "number", "issued_on", "issuer", "subject", "link")


def _shown(document, name: str) -> str:
    value = getattr(document, name)
    if name == "kind":
        return document.get_kind_display()
    if name == "issued_on":
        return format_date(value) if value else ""
    return str(value or "")


def version_changes(old: Document | None, new: Document) -> list[list[str]]:
    """[label, old, new] for each field that differs, as people read them; the file by its name."""
    if old is None:
        return []
    changes = [
        [str(Document._meta.get_field(name).verbose_name), _shown(old, name), _shown(new, name)]
        for name in SHOWN
        if getattr(old, name) != getattr(new, name)
    ]
    if old.file.name != new.file.name:
        changes.append(["tệp", old.original_name or "(không có)", new.original_name or "(không có)"])
    return changes


def version_of(document: Document, *, by=None, changes=(), at=None) -> DocumentVersion:
    """The document's current state as a version row (not saved)."""
    version = DocumentVersion(
        document=document,
        version=document.version,
        recorded_by=by,
        changes=list(changes),
        recorded_at=at or timezone.now(),
    )
    for name in COPIED:
        setattr(version, name, getattr(document, name))
    version.file.name = document.file.name
    return version


def ensure_current(documents: list[Document]) -> list[DocumentVersion]:
    """Each document's current version, written now if it has none yet (entries made before versions were
    kept, or registered from a pasted citation: the first version is the entry as it was made).

    Two requests may both find a version missing and both write it (two readers opening the same file): the
    second insert is skipped rather than failing, and both get the row that was stored."""
    found = _versions(documents)
    missing = [
        version_of(d, at=d.created_at if d.version == 1 else None)
        for d in documents
        if (d.pk, d.version) not in found
    ]
    if missing:
        for version in missing:
            version.recorded_by_id = version.document.created_by_id if version.version == 1 else None
        # ignore_conflicts leaves the new rows without their pk on some databases: read them back
        DocumentVersion.objects.bulk_create(missing, ignore_conflicts=True)
        found = _versions(documents)
    return [found[key] for key in dict.fromkeys((d.pk, d.version) for d in documents)]


def _versions(documents: list[Document]) -> dict[tuple[int, int], DocumentVersion]:
    rows = DocumentVersion.objects.filter(document__in=documents)
    return {(v.document_id, v.version): v for v in rows}


def freeze_cited(snapshot: SheetSnapshot) -> None:
    """The submitted sheet keeps the versions of the documents it cites.

    The documents' rows are locked (in one order) as an edit locks the one it saves, so that an edit and a
    submission at the same moment take turns: the submission holds the version the edit replaced, or the
    edit's new one, and the edit decides whether to delete its old file after the submission committed."""
    cited = Citation.objects.filter(score__sheet_id=snapshot.sheet_id).values("document_id")
    documents = list(Document.objects.filter(pk__in=cited).order_by("pk").select_for_update())
    snapshot.document_versions.add(*ensure_current(documents))


def is_frozen(document: Document, file_name: str) -> bool:
    """A version holding this file is kept by a submitted sheet. Asked under the lock of the document's row
    (see `freeze_cited`), so that no submission holding it can commit unseen."""
    return DocumentVersion.objects.filter(document=document, file=file_name, snapshots__isnull=False).exists()


def _latest_snapshot(sheet: Sheet):
    return SheetSnapshot.objects.filter(sheet=sheet).order_by("-taken_at", "-pk").values("pk")[:1]


def frozen_versions(sheet: Sheet) -> dict[int, DocumentVersion]:
    """Document pk → the version the sheet's latest submission cited; one query. Empty for a sheet the agency
    may edit: what it shows is its register as it is now."""
    if sheet.is_editable:
        return {}
    rows = DocumentVersion.objects.filter(snapshots__in=Subquery(_latest_snapshot(sheet)))
    return {v.document_id: v for v in rows}


def file_url(sheet: Sheet, document) -> str:
    """Where the bloc's side opens a file the sheet cites: that version (a Document or a DocumentVersion)."""
    return reverse("sheet_evidence_file", args=[sheet.pk, document.document_ref, document.version])


def frozen_versions_of(sheets: list[Sheet]) -> dict[int, dict[int, DocumentVersion]]:
    """`frozen_versions` for many sheets (a bloc's tables): sheet pk → document pk → version, one query."""
    locked = [sheet.pk for sheet in sheets if not sheet.is_editable]
    frozen: dict[int, dict[int, DocumentVersion]] = {sheet.pk: {} for sheet in sheets}
    if not locked:
        return frozen
    latest = (
        SheetSnapshot.objects.filter(sheet=OuterRef("sheet")).order_by("-taken_at", "-pk").values("pk")[:1]
    )
    snapshots = SheetSnapshot.objects.filter(sheet_id__in=locked, pk=Subquery(latest)).values("pk")
    held = DocumentVersion.snapshots.through.objects.filter(sheetsnapshot_id__in=snapshots)
    for row in held.select_related("documentversion", "sheetsnapshot"):
        version = row.documentversion
        frozen[row.sheetsnapshot.sheet_id][version.document_id] = version
    return frozen


def as_submitted(sheet: Sheet, cited: dict[str, list]) -> dict[str, list]:
    """`cited` (criterion key → Documents) with each document replaced by the version the sheet was
    submitted with, while the sheet is locked for the agency."""
    frozen = frozen_versions(sheet)
    if not frozen:
        return cited
    return {key: [frozen.get(d.pk, d) for d in documents] for key, documents in cited.items()}


def last_return(transitions) -> SheetTransition | None:
    """The latest return among a sheet's transitions (in their order)."""
    returns = [t for t in transitions if t.to_status == Sheet.Status.RETURNED]
    return returns[-1] if returns else None


def evidence_changes(sheet: Sheet, labels: dict[str, str], cited: dict[str, list], returned) -> list[tuple]:
    """(criterion key, line) for what changed in the evidence since the submission the reviewer last
    returned (`returned`, a transition): documents cited or no longer cited per criterion, and each cited
    document edited since (who, when, what). `cited` is what the sheet cites now (as `as_submitted` gives
    it). Empty if the sheet was never returned."""
    if returned is None:
        return []
    snapshot = (
        SheetSnapshot.objects.filter(sheet=sheet, taken_at__lte=returned.at)
        .order_by("-taken_at", "-pk")
        .first()
    )
    if snapshot is None:
        return []
    then = {row["key"]: row.get("document_versions", []) for row in snapshot.data["criteria"]}
    now = {key: [(d.document_ref, d.version) for d in documents] for key, documents in cited.items()}
    pks = {pk for pairs in [*then.values(), *now.values()] for pk, _ in pairs}
    versions = {}
    for v in DocumentVersion.objects.filter(document_id__in=pks).select_related("recorded_by"):
        versions[(v.document_id, v.version)] = v
    lines = []
    for key, label in labels.items():
        before, after = dict(then.get(key, [])), dict(now.get(key, []))
        for pk in sorted(after.keys() - before.keys()):
            lines.append((key, f"{label} – thêm {_citation(versions, pk, after[pk])}."))
        for pk in sorted(before.keys() - after.keys()):
            lines.append((key, f"{label} – bỏ {_citation(versions, pk, before[pk])}."))
        for pk in sorted(before.keys() & after.keys()):
            lines += [(key, line) for line in _edited(label, versions, pk, before[pk], after[pk])]
    return lines


def _citation(versions, pk: int, version: int) -> str:
    found = versions.get((pk, version))
    return found.citation if found else "một tài liệu"


def _edited(label: str, versions, pk: int, old: int, new: int) -> list[str]:
    lines = []
    for number in range(old + 1, new + 1):
        version = versions.get((pk, number))
        if version is None:
            continue
        what = "; ".join(f"{name} “{a or '(trống)'}” → “{b or '(trống)'}”" for name, a, b in version.changes)
        who = full_name(version.recorded_by) or "hệ thống"
        when = timezone.localtime(version.recorded_at).strftime("%d/%m/%Y %H:%M")
        lines.append(
            f"{label} – {_citation(versions, pk, old)} sửa thành phiên bản {number}: {what} ({who}, {when})."
        )
    return lines


def cited_version(sheet: Sheet, document_pk: int, version: int) -> DocumentVersion | None:
    """The version if the sheet cites it: as one of its submissions did, or as it cites it now — unless the
    sheet is locked with that document frozen: then only what was submitted."""
    document = Document.objects.filter(pk=document_pk, agency_id=sheet.agency_id).first()
    if document is None:
        return None
    frozen = frozen_versions(sheet).get(document.pk)
    cites_now = Citation.objects.filter(score__sheet=sheet, document=document).exists()
    if frozen is None and document.version == version and cites_now:
        return ensure_current([document])[0]
    return DocumentVersion.objects.filter(document=document, version=version, snapshots__sheet=sheet).first()
