"""Writes of a sheet by its agency: saving drafts (recorded change by change), submitting, importing."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import notifications
from ..accounts.names import full_name
from ..evidence.versions import freeze_cited
from ..models import (
    Citation,
    Component,
    ComponentRating,
    Criterion,
    Document,
    ReviewedRating,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
    SheetSnapshot,
    SheetTransition,
    Tier,
)
from ..rubrics.services import ensure_open
from . import changes, merge
from .merge import SaveResult, ScoreInput
from .queries import sheet_view


class SheetLocked(Exception):
    """The sheet is submitted or accepted: the agency cannot change it until it is returned."""


class SheetConflict(Exception):
    """Somebody saved the sheet after the version the user started from; `changes` are theirs."""

    def __init__(self, changes: list[ScoreChange]):
        super().__init__(f"{len(changes)} changes since")
        self.changes = changes


@transaction.atomic
def sheet_for(*, rubric: Rubric, agency, by=None) -> Sheet:
    """The agency's sheet for the rubric, created as a draft the first time."""
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if created:
        record_transition(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT)
    return sheet


def record_transition(*, sheet: Sheet, by, from_status: str, to_status: str, reason: str = "") -> None:
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=from_status, to_status=to_status, reason=reason
    )


def advance_version(sheet: Sheet, base_version: int, statuses, **fields) -> bool:
    """Move the sheet one version on (and set `fields`) only if nobody saved since `base_version` and its
    status is one of `statuses`: a conditional UPDATE, which guards on SQLite as on PostgreSQL."""
    fields.setdefault("updated_at", timezone.now())
    return bool(
        Sheet.objects.filter(pk=sheet.pk, version=base_version, status__in=statuses).update(
            version=F("version") + 1, **fields
        )
    )


@transaction.atomic
def sheet_save(
    *,
    sheet: Sheet,
    base_version: int,
    values: dict[str, ScoreInput],
    bases: dict[str, ScoreInput] | None = None,
    by=None,
) -> SaveResult:
    """Write what the user typed, criterion by criterion, recording each change.

    With `bases` (what the user's page showed, per criterion) the save merges field by field under a lock
    of the sheet (sheets/merge.py): fields somebody else changed meanwhile are left as stored and returned
    as conflicts, the rest is written. Without (imports, older callers), the write goes through only if
    nobody saved since `base_version` (see `advance_version`).
    """
    ensure_open(sheet.rubric)
    if bases is not None:
        return _save_merged(sheet=sheet, base_version=base_version, values=values, bases=bases, by=by)
    documents = _register_pasted(sheet=sheet, values=values, by=by)
    current = _current(sheet, values)
    plan = changes.plan(current, sheet, values)
    if not plan.changes:
        if Sheet.objects.filter(pk=sheet.pk, version=base_version).exists():
            return SaveResult(version=base_version, documents=documents)
        raise_stale(sheet, base_version)
    now = timezone.now()
    if not advance_version(sheet, base_version, Sheet.EDITABLE, updated_at=now):
        raise_stale(sheet, base_version)
    sheet.version = base_version + 1
    _write(plan, current, sheet=sheet, now=now, by=by)
    return SaveResult(version=sheet.version, documents=documents)


def lock_sheet(sheet: Sheet, statuses) -> int:
    """Hold the sheet's row until the transaction ends (SQLite's IMMEDIATE transactions already hold the
    whole database); its version now. `SheetLocked` if its status is not one of `statuses`."""
    locked = Sheet.objects.select_for_update().only("pk", "status", "version").get(pk=sheet.pk)
    if locked.status not in statuses:
        sheet.status = locked.status
        raise SheetLocked(locked.get_status_display())
    return locked.version


def bump_version(sheet: Sheet, version: int, now) -> int:
    """One version on, under the lock of `lock_sheet`."""
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1, updated_at=now)
    sheet.version = version + 1
    return sheet.version


def _save_merged(*, sheet: Sheet, base_version: int, values, bases, by) -> SaveResult:
    version = lock_sheet(sheet, Sheet.EDITABLE)
    documents = _register_pasted(sheet=sheet, values=values, by=by)
    current = _current(sheet, values)
    merged, conflicts = merge.merge_sheet(current, values, bases)
    plan = changes.plan(current, sheet, merged)
    sheet.version = version
    if plan.changes:
        now = timezone.now()
        bump_version(sheet, version, now)
        _write(plan, current, sheet=sheet, now=now, by=by)
    merge.attribute(sheet, conflicts, upto=version)
    return SaveResult(
        version=sheet.version,
        conflicts=conflicts,
        documents=documents,
        base_version=base_version,
        found_version=version,
    )


def _current(sheet: Sheet, values: dict[str, ScoreInput]) -> changes.Current:
    """The stored scores, ratings and citations of the sheet, in a fixed number of queries."""
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet).select_related("tier")}
    ratings: dict[int, dict[int, Tier | None]] = {}
    for rating in ComponentRating.objects.filter(score__sheet=sheet).select_related("tier"):
        ratings.setdefault(rating.score_id, {})[rating.component_id] = rating.tier
    cited: dict[int, set[int]] = {}
    for score_id, document_id in Citation.objects.filter(score__sheet=sheet).values_list(
        "score_id", "document_id"
    ):
        cited.setdefault(score_id, set()).add(document_id)
    wanted = {pk for v in values.values() for pk in (v.documents or ())}
    wanted |= {pk for pks in cited.values() for pk in pks}
    return changes.Current(
        criteria={c.key: c for c in Criterion.objects.filter(rubric_id=sheet.rubric_id, key__in=values)},
        scores=scores,
        ratings=ratings,
        cited=cited,
        citations={
            d.pk: d.citation for d in Document.objects.filter(agency_id=sheet.agency_id, pk__in=wanted)
        },
        names=dict(Component.objects.filter(criterion__rubric_id=sheet.rubric_id).values_list("pk", "name")),
    )


def _write(plan: changes.Plan, current: changes.Current, *, sheet: Sheet, now, by) -> None:
    for score in plan.to_update:
        score.updated_at = now
    Score.objects.bulk_create(plan.to_create)
    Score.objects.bulk_update(plan.to_update, [*changes.SCORE_FIELDS, *changes.REVIEW_FIELDS, "updated_at"])
    by_criterion = {s.criterion_id: s for s in [*current.scores.values(), *plan.to_create]}
    if plan.ratings:
        ComponentRating.objects.filter(score__in=[by_criterion[c.pk] for c in plan.ratings]).delete()
        ComponentRating.objects.bulk_create(
            ComponentRating(score=by_criterion[c.pk], component_id=pk, tier=tier)
            for c, chosen in plan.ratings.items()
            for pk, tier in chosen.items()
        )
    _clear_reviewed_ratings(plan, current)
    if plan.citations:
        Citation.objects.filter(score__in=[by_criterion[c.pk] for c in plan.citations]).delete()
        Citation.objects.bulk_create(
            Citation(score=by_criterion[c.pk], document_id=pk)
            for c, pks in plan.citations.items()
            for pk in pks
        )
    record_changes(sheet=sheet, version=sheet.version, changes=plan.changes, by=by)


def _clear_reviewed_ratings(plan: changes.Plan, current: changes.Current) -> None:
    """The reviewer's ratings of criteria whose review the save clears, recorded as cleared and deleted."""
    if not plan.cleared:
        return
    found: dict[int, dict] = {}
    scores = [score for _, score in plan.cleared]
    for rating in ReviewedRating.objects.filter(score__in=scores).select_related("tier"):
        found.setdefault(rating.score_id, {})[rating.component_id] = rating.tier
    for criterion, score in plan.cleared:
        if score.pk in found:
            text = changes.ratings_text(found[score.pk], current.names)
            plan.note(criterion, ScoreChange.Field.REVIEWED_RATINGS, text, "")
    if found:
        ReviewedRating.objects.filter(score_id__in=list(found)).delete()


def record_changes(*, sheet: Sheet, version: int, changes, by) -> None:
    """The history: (criterion, field, old, new) as shown, each with the version it made."""
    ScoreChange.objects.bulk_create(
        ScoreChange(sheet=sheet, criterion=c, field=name, old=old, new=new, version=version, by=by)
        for c, name, old, new in changes
    )


def _register_pasted(*, sheet: Sheet, values: dict[str, ScoreInput], by) -> list[Document]:
    """Pasted citations become register entries (once) and join the criterion's cited documents; the
    entries they resolved to."""
    found = []
    for value in values.values():
        for citation in value.new_citations:
            document, _ = Document.objects.get_or_create(
                agency_id=sheet.agency_id,
                kind=citation.kind,
                number=citation.number,
                issued_on=citation.issued_on,
                defaults={"issuer": citation.issuer, "subject": citation.subject, "created_by": by},
            )
            value.documents = sorted({*(value.documents or ()), document.pk})
            found.append(document)
        value.new_citations = []
    return found


def raise_stale(sheet: Sheet, base_version: int, statuses=Sheet.EDITABLE):
    """A write from `base_version` did not go through: `SheetLocked` if the sheet has left `statuses` (the
    ones the writer may change it in), otherwise `SheetConflict` with what was saved since."""
    sheet.refresh_from_db()
    if sheet.status not in statuses:
        raise SheetLocked(sheet.get_status_display())
    raise SheetConflict(changes_between(sheet, base_version))


def changes_between(sheet: Sheet, after: int, upto: int | None = None) -> list[ScoreChange]:
    """The changes saved after version `after` (up to version `upto`), in order."""
    found = ScoreChange.objects.filter(sheet=sheet, version__gt=after)
    if upto is not None:
        found = found.filter(version__lte=upto)
    return list(found.select_related("criterion", "by").order_by("version", "pk"))


def describe_changes(changes) -> list[str]:
    return [
        f"{c.criterion.code} – {c.get_field_display()}: “{c.old or '(trống)'}” → “{c.new or '(trống)'}”"
        f" ({full_name(c.by) or 'hệ thống'}, {timezone.localtime(c.at):%H:%M})"
        for c in changes
    ]


def scores_import(*, sheet: Sheet, values: dict[str, ScoreInput], by=None) -> int:
    """Put imported self-scores on a sheet (keys as in Criterion.key), recorded like any other save."""
    return sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by).version


def sheet_snapshot_data(sheet: Sheet) -> dict:
    """Everything the agency said, exactly, in plain JSON."""
    view = sheet_view(sheet)
    rows = []
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        total = view.totals[criterion.key]
        cited = list(score.documents.all()) if score else []
        rows.append(
            {
                "key": criterion.key,
                "code": criterion.code,
                "total_points": str(total.points),
                "total_bonus": str(total.bonus),
                "points": str(score.points) if score and score.points is not None else None,
                "bonus": str(score.bonus) if score and score.bonus is not None else None,
                "tier": score.tier.label if score and score.tier else None,
                "ratings": {r.component.name: (r.tier.label if r.tier else None) for r in score.ratings.all()}
                if score
                else {},
                "explanation": score.explanation if score else "",
                "provisional": bool(score and score.provisional),
                "documents": [d.citation for d in cited],
                # [document pk, version]: the versions this submission cites (evidence/versions.py)
                "document_versions": [[d.pk, d.version] for d in cited],
            }
        )
    return {
        "version": sheet.version,
        "total_points": str(view.grand_total.points),
        "total_bonus": str(view.grand_total.bonus),
        "criteria": rows,
    }


@transaction.atomic
def sheet_submit(*, sheet: Sheet, base_version: int, by) -> Sheet:
    """The head submits: the sheet locks for the agency, and an exact snapshot is kept."""
    ensure_open(sheet.rubric)
    now = timezone.now()
    if not advance_version(
        sheet,
        base_version,
        Sheet.EDITABLE,
        status=Sheet.Status.SUBMITTED,
        submitted_at=now,
        submitted_by=by,
        updated_at=now,
    ):
        raise_stale(sheet, base_version)
    record_transition(sheet=sheet, by=by, from_status=sheet.status, to_status=Sheet.Status.SUBMITTED)
    sheet.refresh_from_db()
    snapshot = SheetSnapshot.objects.create(
        sheet=sheet, version=sheet.version, taken_by=by, data=sheet_snapshot_data(sheet)
    )
    freeze_cited(snapshot)
    notifications.sheet_submitted(sheet)
    return sheet
