"""Writes that touch several rows or change a status. Each runs in one transaction."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import notifications, rollup
from .models import (
    BlocYear,
    Citation,
    Component,
    ComponentRating,
    Criterion,
    Document,
    Report,
    Rubric,
    Score,
    ScoreChange,
    Sheet,
    SheetSnapshot,
    SheetTransition,
    Tier,
)
from .numbers import format_points


class RubricLocked(Exception):
    """The rubric has sheets that were submitted; its criteria no longer change."""


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
def rubric_write_criteria(*, rubric: Rubric, criteria) -> None:
    """Create a rubric's tree from parsed criteria (parents before children, in document order).

    Each item has key, code, text, max_points, max_bonus, rule, parent (an item or None), children,
    components [(name, may_be_missing)] and tiers [(component name or "", label, points)].
    """
    if rubric.is_locked:
        raise RubricLocked(str(rubric))
    created: dict[str, Criterion] = {}
    positions: dict[str | None, int] = {}
    for item in criteria:
        parent_key = item.parent.key if item.parent else None
        positions[parent_key] = positions.get(parent_key, 0) + 1
        criterion = Criterion.objects.create(
            rubric=rubric,
            parent=created[parent_key] if parent_key else None,
            position=positions[parent_key],
            key=item.key,
            code=item.code,
            text=item.text,
            max_points=item.max_points,
            max_bonus=item.max_bonus,
            rule=item.rule,
        )
        created[item.key] = criterion
        components = {
            name: Component.objects.create(
                criterion=criterion, position=i, name=name, may_be_missing=optional
            )
            for i, (name, optional) in enumerate(item.components, start=1)
        }
        Tier.objects.bulk_create(
            Tier(criterion=criterion, component=components.get(comp), position=i, label=label, points=points)
            for i, (comp, label, points) in enumerate(item.tiers, start=1)
        )


@dataclass
class CriterionSpec:
    """A criterion to write, as the importer reads it or as an existing rubric has it."""

    key: str
    code: str
    text: str
    max_points: Decimal
    max_bonus: Decimal
    rule: str
    parent: "CriterionSpec | None"
    components: list[tuple[str, bool]] = field(default_factory=list)
    tiers: list[tuple[str, str, Decimal]] = field(default_factory=list)


def criterion_specs(rtree) -> list[CriterionSpec]:
    """An existing rubric's tree (selectors.rubric_tree) as specs, parents first."""
    specs: dict[int, CriterionSpec] = {}
    for c in rtree.criteria:
        specs[c.pk] = CriterionSpec(
            key=c.key,
            code=c.code,
            text=c.text,
            max_points=c.max_points,
            max_bonus=c.max_bonus,
            rule=c.rule,
            parent=specs[c.parent_id] if c.parent_id else None,
            components=[(comp.name, comp.may_be_missing) for comp in c.component_list],
            tiers=[("", t.label, t.points) for t in c.tier_list]
            + [(comp.name, t.label, t.points) for comp in c.component_list for t in comp.tier_list],
        )
    return list(specs.values())


@transaction.atomic
def rubric_copy(*, rubric: Rubric, year: int, title: str = "") -> Rubric:
    """The same criteria for another year: no scores, statuses or evidence come along."""
    from .selectors import rubric_tree

    new = Rubric.objects.create(
        bloc=rubric.bloc,
        year=year,
        title=title or rubric.title.replace(str(rubric.year), str(year)),
        legal_basis=rubric.legal_basis,
        status=Rubric.Status.DRAFT,
    )
    rubric_write_criteria(rubric=new, criteria=criterion_specs(rubric_tree(rubric)))
    return new


@transaction.atomic
def sheet_for(*, rubric: Rubric, agency, by=None) -> Sheet:
    """The agency's sheet for the rubric, created as a draft the first time."""
    sheet, created = Sheet.objects.get_or_create(rubric=rubric, agency=agency)
    if created:
        SheetTransition.objects.create(sheet=sheet, by=by, from_status="", to_status=Sheet.Status.DRAFT)
    return sheet


@transaction.atomic
def sheet_transition(*, sheet: Sheet, to_status: str, by=None, reason: str = "") -> Sheet:
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=sheet.status, to_status=to_status, reason=reason
    )
    sheet.status = to_status
    sheet.save(update_fields=["status", "updated_at"])
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


def _shown(value) -> str:
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
                changes.append((criterion, name, _shown(old), _shown(new)))
                setattr(score, name, new)
                changed = True
        numbers_changed = any(c[0] is criterion and c[1] in ("points", "bonus", "tier") for c in changes)
        if numbers_changed and (score.reviewed_points is not None or score.reviewed_bonus is not None):
            # An old review never stands for new numbers: the reviewer scores this criterion again.
            for name in ("reviewed_points", "reviewed_bonus"):
                if getattr(score, name) is not None:
                    changes.append((criterion, name, _shown(getattr(score, name)), ""))
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
        _raise_stale(sheet, base_version)
    now = timezone.now()
    if not Sheet.objects.filter(pk=sheet.pk, version=base_version, status__in=Sheet.EDITABLE).update(
        version=F("version") + 1, updated_at=now
    ):
        _raise_stale(sheet, base_version)
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


def _raise_stale(sheet: Sheet, base_version: int):
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


def scores_import(*, sheet: Sheet, values: dict[str, ScoreInput], by=None) -> int:
    """Put imported self-scores on a sheet (keys as in Criterion.key), recorded like any other save."""
    return sheet_save(sheet=sheet, base_version=sheet.version, values=values, by=by)


def sheet_snapshot_data(sheet: Sheet) -> dict:
    """Everything the agency said, exactly, in plain JSON."""
    from .selectors import sheet_view

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
        _raise_stale(sheet, base_version)
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=sheet.status, to_status=Sheet.Status.SUBMITTED
    )
    sheet.refresh_from_db()
    SheetSnapshot.objects.create(
        sheet=sheet, version=sheet.version, taken_by=by, data=sheet_snapshot_data(sheet)
    )
    notifications.sheet_submitted(sheet)
    return sheet


def document_save(*, document: Document, agency, upload=None, file_kind=None, by=None) -> Document:
    """Save a register entry and its file under a generated name; a failed save leaves no file behind."""
    from django.core.files.storage import default_storage

    from .models import evidence_path

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


def report_for(*, sheet: Sheet) -> Report:
    """The sheet's report, created with the usual addressees the first time."""
    report = Report.objects.filter(sheet=sheet).first()
    if report is not None:
        return report
    bloc_year = (
        BlocYear.objects.filter(bloc=sheet.rubric.bloc, year=sheet.rubric.year)
        .select_related("leader")
        .first()
    )
    leader = bloc_year.leader.name if bloc_year and bloc_year.leader else "Khối trưởng Khối thi đua"
    report = Report(sheet=sheet, recipients=f"{leader} (Khối trưởng {sheet.rubric.bloc.name})")
    report.subject = report.default_subject()
    report.distribution = "\n".join(
        ["Như trên;", "Sở Nội vụ;", "Ban Thi đua - Khen thưởng tỉnh;", f"Lưu: VT, {sheet.agency.symbol}."]
    )
    report.save()
    return report


@transaction.atomic
def report_sign(*, report: Report, p12: bytes, passphrase: bytes, by) -> Report:
    """Sign the report (and the sheet attached to it) with the head's certificate, then submit the sheet.

    The certificate is used for this signing only; a failure at any step changes nothing.
    """
    from django.core.files.base import ContentFile

    from . import signing
    from .exports.pdf import report_pdf_with_signature_box

    sheet = Sheet.objects.select_for_update().get(pk=report.sheet_id)
    if not sheet.is_editable:
        raise SheetLocked(sheet.get_status_display())
    signer = signing.load_signer(p12, passphrase)
    signer_name = signer.signing_cert.subject.native.get("common_name") or sheet.agency.head_name
    pdf, page, box = report_pdf_with_signature_box(report)
    signed = signing.sign_pdf(
        pdf,
        signer,
        box=box,
        page=page,
        signer_name=signer_name,
        reason=f"Ký Báo cáo số {report.reference}",
        location=sheet.agency.place,
    )
    report.signed_pdf.save(f"bao-cao-{report.pk}.pdf", ContentFile(signed), save=False)
    stored = report.signed_pdf.name
    try:
        report.signed_at = timezone.now()
        report.signed_by = by
        report.signer_name = signer_name
        report.save()
        sheet_submit(sheet=sheet, base_version=sheet.version, by=by)
    except Exception:
        report.signed_pdf.storage.delete(stored)
        raise
    return report


# ---------------------------------------------------------------- the bloc leader's review


class RoundClosed(Exception):
    """The year's round is closed: nothing changes until an administrator reopens it."""


def ensure_open(rubric: Rubric) -> None:
    if rubric.status == Rubric.Status.CLOSED:
        raise RoundClosed(str(rubric))


@dataclass
class ReviewInput:
    points: Decimal | None = None
    bonus: Decimal | None = None
    comment: str = ""


@transaction.atomic
def review_save(*, sheet: Sheet, base_version: int, values: dict[str, ReviewInput], by) -> int:
    """The reviewer's numbers and comments, recorded change by change like the agency's own."""
    ensure_open(sheet.rubric)
    criteria = {c.key: c for c in Criterion.objects.filter(rubric_id=sheet.rubric_id, key__in=values)}
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    changes, to_create, to_update = [], [], []
    for key, value in values.items():
        criterion = criteria[key]
        score = scores.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        changed = False
        for name, new in (
            ("reviewed_points", value.points),
            ("reviewed_bonus", value.bonus),
            ("review_comment", value.comment),
        ):
            old = getattr(score, name)
            if old != new:
                changes.append((criterion, name, _shown(old), _shown(new)))
                setattr(score, name, new)
                changed = True
        if changed:
            (to_update if score.pk else to_create).append(score)
    stale = not Sheet.objects.filter(pk=sheet.pk, version=base_version).exists()
    if stale or not changes:
        if stale:
            _raise_stale(sheet, base_version)
        return base_version
    if not Sheet.objects.filter(pk=sheet.pk, version=base_version, status=Sheet.Status.SUBMITTED).update(
        version=F("version") + 1, updated_at=timezone.now()
    ):
        _raise_stale(sheet, base_version)
    version = base_version + 1
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["reviewed_points", "reviewed_bonus", "review_comment"])
    ScoreChange.objects.bulk_create(
        ScoreChange(sheet=sheet, criterion=c, field=name, old=old, new=new, version=version, by=by)
        for c, name, old, new in changes
    )
    sheet.version = version
    return version


@transaction.atomic
def sheet_return(*, sheet: Sheet, base_version: int, reason: str, by) -> Sheet:
    """Back to the agency, with the reason; its comments per criterion say what to fix."""
    ensure_open(sheet.rubric)
    if not Sheet.objects.filter(pk=sheet.pk, version=base_version, status=Sheet.Status.SUBMITTED).update(
        version=F("version") + 1, status=Sheet.Status.RETURNED, updated_at=timezone.now()
    ):
        _raise_stale_or_state(sheet, base_version)
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=Sheet.Status.SUBMITTED, to_status=Sheet.Status.RETURNED, reason=reason
    )
    sheet.refresh_from_db()
    notifications.sheet_returned(sheet, reason)
    return sheet


@transaction.atomic
def sheet_accept(*, sheet: Sheet, base_version: int, by) -> Sheet:
    """Accept the sheet: where the reviewer wrote nothing, the agency's own number is the reviewed one."""
    ensure_open(sheet.rubric)
    rtree_leaves = _reviewable(sheet)
    values = {}
    for key, score in rtree_leaves.items():
        values[key] = ReviewInput(
            points=score.reviewed_points if score.reviewed_points is not None else score.points,
            bonus=score.reviewed_bonus if score.reviewed_bonus is not None else score.bonus,
            comment=score.review_comment,
        )
    version = review_save(sheet=sheet, base_version=base_version, values=values, by=by)
    if not Sheet.objects.filter(pk=sheet.pk, version=version, status=Sheet.Status.SUBMITTED).update(
        version=F("version") + 1, status=Sheet.Status.ACCEPTED, updated_at=timezone.now()
    ):
        _raise_stale_or_state(sheet, version)
    SheetTransition.objects.create(
        sheet=sheet, by=by, from_status=Sheet.Status.SUBMITTED, to_status=Sheet.Status.ACCEPTED
    )
    sheet.refresh_from_db()
    notifications.sheet_accepted(sheet)
    return sheet


def _reviewable(sheet: Sheet) -> dict[str, Score]:
    """Scores that carry the agency's numbers: leaves and the criteria that own a bonus."""
    from .selectors import rubric_tree

    tree = rubric_tree(sheet.rubric).tree
    scores = {s.criterion.key: s for s in Score.objects.filter(sheet=sheet).select_related("criterion")}
    return {
        key: score
        for key, score in scores.items()
        if not tree.children[key] or tree.own_bonus_max(tree.node(key))
    }


def _raise_stale_or_state(sheet: Sheet, base_version: int):
    sheet.refresh_from_db()
    if sheet.version != base_version:
        _raise_stale(sheet, base_version)
    raise SheetLocked(sheet.get_status_display())


@transaction.atomic
def round_close(*, rubric: Rubric, by, reason: str = "") -> Rubric:
    from .models import RoundEvent

    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.CLOSED)
    RoundEvent.objects.create(rubric=rubric, action=RoundEvent.Action.CLOSE, by=by, reason=reason)
    rubric.refresh_from_db()
    return rubric


@transaction.atomic
def round_reopen(*, rubric: Rubric, by, reason: str) -> Rubric:
    from .models import RoundEvent

    Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.OPEN)
    RoundEvent.objects.create(rubric=rubric, action=RoundEvent.Action.REOPEN, by=by, reason=reason)
    rubric.refresh_from_db()
    return rubric
