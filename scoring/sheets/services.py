"""Writes of a sheet by its agency: saving drafts (recorded change by change), submitting, importing."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import notifications, rollup
from ..models import (
    Citation,
    Component,
    ComponentRating,
    Criterion,
    Document,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
    SheetSnapshot,
    SheetTransition,
    Tier,
)
from ..notation import format_points
from ..rubrics.services import ensure_open
from .queries import sheet_view


class SheetLocked(Exception):
    """The sheet is submitted or accepted: the agency cannot change it until it is returned."""


class SheetConflict(Exception):
    """Somebody saved the sheet after the version the user started from; `changes` are theirs."""

    def __init__(self, changes: list[ScoreChange]):
        super().__init__(f"{len(changes)} changes since")
        self.changes = changes


@dataclass
class ScoreInput:
    """What an agency says about one criterion."""

    points: Decimal | None = None
    bonus: Decimal | None = None
    explanation: str = ""
    provisional: bool = False
    tier: Tier | None = None
    # component pk → chosen tier, None where the agency has no such organisation
    ratings: dict[int, Tier | None] = field(default_factory=dict)
    # cited documents' pks; None leaves the citations as they are
    documents: list[int] | None = None
    # citations pasted as text: found in the register or entered into it, then cited
    new_citations: list = field(default_factory=list)


@transaction.atomic
def sheet_for(*, rubric: Rubric, agency, by=None) -> Sheet:
    """The agency's sheet for the rubric, created as a draft the first time."""
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if created:
        SheetTransition.objects.create(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT)
    return sheet


def derived_points(criterion: Criterion, value: ScoreInput) -> Decimal | None:
    """A choice decides the points: the tier's, or the component ratings with the average rule."""
    if criterion.rule == Criterion.Rule.TIERED and value.tier is not None:
        return value.tier.points
    if criterion.rule == Criterion.Rule.COMPONENTS and value.ratings:
        return rollup.component_points([tier.points if tier else None for tier in value.ratings.values()])
    return value.points


def _ratings_text(ratings: dict[int, Tier | None], names: dict[int, str]) -> str:
    return "; ".join(
        f"{names.get(pk, pk)}: {tier.label if tier else 'không có tổ chức này'}"
        for pk, tier in sorted(ratings.items())
    )


def _documents_text(pks, citations: dict[int, str]) -> str:
    return "; ".join(sorted(citations.get(pk, str(pk)) for pk in pks))


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return format_points(value)
    return str(value)


@transaction.atomic
def sheet_save(*, sheet: Sheet, base_version: int, values: dict[str, ScoreInput], by=None) -> int:
    """Write what the user typed, criterion by criterion, recording each change; returns the new version.

    The sheet's version guards against silent overwrites, on SQLite as on PostgreSQL: the write goes
    through only if nobody saved since `base_version` (a conditional UPDATE, not a row lock).
    """
    ensure_open(sheet.rubric)
    _register_pasted(sheet=sheet, values=values, by=by)
    criteria = {c.key: c for c in Criterion.objects.filter(rubric_id=sheet.rubric_id, key__in=values)}
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet).select_related("tier")}
    ratings: dict[int, dict[int, Tier | None]] = {}
    for rating in ComponentRating.objects.filter(score__sheet=sheet).select_related("tier"):
        ratings.setdefault(rating.score_id, {})[rating.component_id] = rating.tier
    cited: dict[int, set[int]] = {}
    for score_id, document_id in Citation.objects.filter(score__sheet=sheet).values_list(
        "score_id", "document_id"
    ):
        cited.setdefault(score_id, set()).add(document_id)
    wanted_documents = {pk for v in values.values() for pk in (v.documents or ())}
    citations = {
        d.pk: d.citation
        for d in Document.objects.filter(
            agency_id=sheet.agency_id, pk__in=wanted_documents | {pk for pks in cited.values() for pk in pks}
        )
    }
    names = dict(Component.objects.filter(criterion__rubric_id=sheet.rubric_id).values_list("pk", "name"))

    changes: list[tuple[Criterion, str, str, str]] = []
    to_create, to_update = [], []
    new_ratings: dict[Criterion, dict[int, Tier | None]] = {}
    new_citations: dict[Criterion, set[int]] = {}
    for key, value in values.items():
        criterion = criteria[key]
        score = scores.get(criterion.pk)
        is_new = score is None
        if is_new:
            score = Score(sheet=sheet, criterion=criterion)
        fields = {
            "points": derived_points(criterion, value),
            "bonus": value.bonus,
            "tier": value.tier,
            "explanation": value.explanation,
            "provisional": value.provisional,
        }
        changed = False
        for name, new in fields.items():
            old = getattr(score, name)
            if (old.pk if isinstance(old, Tier) else old) != (new.pk if isinstance(new, Tier) else new):
                changes.append((criterion, name, shown(old), shown(new)))
                setattr(score, name, new)
                changed = True
        numbers_changed = any(c[0] is criterion and c[1] in ("points", "bonus", "tier") for c in changes)
        if numbers_changed and (score.reviewed_points is not None or score.reviewed_bonus is not None):
            # An old review never stands for new numbers: the reviewer scores this criterion again.
            for name in ("reviewed_points", "reviewed_bonus"):
                if getattr(score, name) is not None:
                    changes.append((criterion, name, shown(getattr(score, name)), ""))
                    setattr(score, name, None)
        old_ratings = ratings.get(score.pk, {}) if not is_new else {}
        new_rating_map = value.ratings if criterion.rule == Criterion.Rule.COMPONENTS else {}
        if {k: t.pk if t else None for k, t in old_ratings.items()} != {
            k: t.pk if t else None for k, t in new_rating_map.items()
        }:
            changes.append(
                (
                    criterion,
                    "ratings",
                    _ratings_text(old_ratings, names),
                    _ratings_text(new_rating_map, names),
                )
            )
            new_ratings[criterion] = new_rating_map
        if value.documents is not None:
            old_docs = cited.get(score.pk, set()) if not is_new else set()
            if set(value.documents) != old_docs:
                changes.append(
                    (
                        criterion,
                        "documents",
                        _documents_text(old_docs, citations),
                        _documents_text(value.documents, citations),
                    )
                )
                new_citations[criterion] = set(value.documents)
        if is_new and (changed or criterion in new_ratings or criterion in new_citations):
            to_create.append(score)
        elif changed:
            to_update.append(score)

    if not changes:
        if Sheet.objects.filter(pk=sheet.pk, version=base_version).exists():
            return base_version
        raise_stale(sheet, base_version)
    now = timezone.now()
    if not Sheet.objects.filter(pk=sheet.pk, version=base_version, status__in=Sheet.EDITABLE).update(
        version=F("version") + 1, updated_at=now
    ):
        raise_stale(sheet, base_version)
    version = base_version + 1

    for score in to_update:
        score.updated_at = now
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(
        to_update,
        [
            "points",
            "bonus",
            "tier",
            "explanation",
            "provisional",
            "reviewed_points",
            "reviewed_bonus",
            "updated_at",
        ],
    )
    by_criterion = {s.criterion_id: s for s in [*scores.values(), *to_create]}
    if new_ratings:
        touched = [by_criterion[c.pk] for c in new_ratings]
        ComponentRating.objects.filter(score__in=touched).delete()
        ComponentRating.objects.bulk_create(
            ComponentRating(score=by_criterion[c.pk], component_id=pk, tier=tier)
            for c, chosen in new_ratings.items()
            for pk, tier in chosen.items()
        )
    if new_citations:
        touched = [by_criterion[c.pk] for c in new_citations]
        Citation.objects.filter(score__in=touched).delete()
        Citation.objects.bulk_create(
            Citation(score=by_criterion[c.pk], document_id=pk)
            for c, pks in new_citations.items()
            for pk in pks
        )
    ScoreChange.objects.bulk_create(
        ScoreChange(sheet=sheet, criterion=c, field=name, old=old, new=new, version=version, by=by)
        for c, name, old, new in changes
    )
    sheet.version = version
    return version


def _register_pasted(*, sheet: Sheet, values: dict[str, ScoreInput], by) -> None:
    """Pasted citations become register entries (once) and join the criterion's cited documents."""
    pasted = [(value, c) for value in values.values() for c in value.new_citations]
    if not pasted:
        return
    for value, citation in pasted:
        document, _ = Document.objects.get_or_create(
            agency_id=sheet.agency_id,
            kind=citation.kind,
            number=citation.number,
            issued_on=citation.issued_on,
            defaults={"issuer": citation.issuer, "subject": citation.subject, "created_by": by},
        )
        value.documents = sorted({*(value.documents or ()), document.pk})
        value.new_citations = []


def raise_stale(sheet: Sheet, base_version: int):
    sheet.refresh_from_db()
    if not sheet.is_editable:
        raise SheetLocked(sheet.get_status_display())
    raise SheetConflict(
        list(
            ScoreChange.objects.filter(sheet=sheet, version__gt=base_version)
            .select_related("criterion", "by")
            .order_by("version", "pk")
        )
    )


def describe_changes(changes) -> list[str]:
    return [
        f"{c.criterion.code} – {c.get_field_display()}: “{c.old or '(trống)'}” → “{c.new or '(trống)'}”"
        f" ({(c.by.get_full_name() or c.by.username) if c.by else 'hệ thống'}, {timezone.localtime(c.at):%H:%M})"
        for c in changes
    ]


def scores_import(*, sheet: Sheet, values: dict[str, ScoreInput], by=None) -> int:
    """Put imported self-scores on a sheet (keys as in Criterion.key), recorded like any other save."""
    return sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by)


def sheet_snapshot_data(sheet: Sheet) -> dict:
    """Everything the agency said, exactly, in plain JSON."""
    view = sheet_view(sheet)
    rows = []
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        total = view.totals[criterion.key]
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
                "documents": [d.citation for d in score.documents.all()] if score else [],
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
    if not Sheet.objects.filter(pk=sheet.pk, version=base_version, status__in=Sheet.EDITABLE).update(
        version=F("version") + 1,
        status=Sheet.Status.SUBMITTED,
        submitted_at=now,
        submitted_by=by,
        updated_at=now,
    ):
        raise_stale(sheet, base_version)
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=sheet.status, to_status=Sheet.Status.SUBMITTED
    )
    sheet.refresh_from_db()
    SheetSnapshot.objects.create(
        sheet=sheet, version=sheet.version, taken_by=by, data=sheet_snapshot_data(sheet)
    )
    notifications.sheet_submitted(sheet)
    return sheet
