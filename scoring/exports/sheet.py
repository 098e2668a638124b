"""The Bảng chấm điểm as rows, shared by the PDF and the Excel file."""

from dataclasses import dataclass, field
from decimal import Decimal

from .. import rollup
from ..evidence.versions import frozen_versions_of
from ..models import Citation, Criterion, Document, Report, ReviewedRating, Sheet
from ..notation import format_date
from ..rubrics.rules import rule_of, tier_choice
from ..sheets import queries
from ..sheets.queries import SheetView, sheet_state, sheet_view, sheet_views

RATED = "Xếp loại khi thẩm định: "


@dataclass
class Row:
    key: str
    parent: str | None
    depth: int
    code: str  # empty for sections, as printed
    text: str
    max_points: Decimal
    max_bonus: Decimal
    own_bonus: bool
    is_leaf: bool
    points: Decimal | None
    bonus: Decimal | None
    explanation: str
    documents: list[str]
    provisional: bool
    reviewed_points: Decimal | None = None
    reviewed_bonus: Decimal | None = None
    comment: str = ""
    # written before the agency last changed the criterion (queries.stale_comments)
    comment_stale: bool = False
    # "Xếp loại khi thẩm định: …", the ratings the reviewed points follow from
    reviewed_ratings: str = ""
    children: list[str] = field(default_factory=list)


@dataclass
class SheetDocument:
    sheet: Sheet
    view: SheetView
    rows: list[Row]
    total: rollup.Total
    rubric_total: rollup.Total
    reviewed: bool
    reviewed_total: rollup.Total | None
    issued_with: str  # the "(Ban hành kèm theo Báo cáo số … ngày … của …)" line

    @property
    def title(self) -> str:
        return f"BẢNG CHẤM ĐIỂM THI ĐUA {self.sheet.rubric.period.upper()}"


def issued_with_line(sheet: Sheet, report: Report | None) -> str:
    agency = sheet.agency
    if report and report.number and report.issued_on:
        when = format_date(report.issued_on)
        return f"(Ban hành kèm theo Báo cáo số {report.reference} ngày {when} của {agency.name})"
    number = report.reference if report and report.number else f"     /BC-{agency.symbol}"
    month = sheet.rubric.round_kind.ends_in_month  # the report is issued in its period's last month
    return f"(Ban hành kèm theo Báo cáo số {number} ngày     /{month}/{sheet.rubric.year} của {agency.name})"


def sheet_document(sheet: Sheet, rtree=None) -> SheetDocument:
    view = sheet_view(sheet, rtree)
    report = Report.objects.filter(sheet=sheet).first()
    if report is not None:
        report.sheet = sheet  # its reference names the agency: no query for the sheet, then its agency
    return _document(
        view,
        sheet_state(view, with_ratings=False).cited,
        report,
        queries.stale_comments([view])[sheet.pk],
        reviewed_ratings([view])[sheet.pk],
    )


def reviewed_ratings(views: list[SheetView]) -> dict[int, dict[str, str]]:
    """Per sheet pk, per criterion key, the organisations as the reviewer rated them, as printed: what the
    reviewed points of a components criterion follow from. One query, none if no sheet is reviewed or the
    rubric rates no organisation."""
    found: dict[int, dict[str, list[str]]] = {v.sheet.pk: {} for v in views}
    reviewed = [v for v in views if queries.is_reviewed(v)]
    if not reviewed or not any(rule_of(c).reviewed == "ratings" for c in reviewed[0].rubric_tree.criteria):
        return {pk: {} for pk in found}
    key_of = {s.pk: (v.sheet.pk, key) for v in reviewed for key, s in v.scores.items()}
    for rating in (
        ReviewedRating.objects.filter(score_id__in=list(key_of))
        .select_related("component", "tier")
        .order_by("component__position")
    ):
        sheet_pk, key = key_of[rating.score_id]
        chosen = tier_choice(rating.tier) if rating.tier else "không có tổ chức này (tính trung bình)"
        found[sheet_pk].setdefault(key, []).append(f"{rating.component.name}: {chosen}")
    return {
        pk: {key: RATED + "; ".join(lines) + "." for key, lines in by_key.items()}
        for pk, by_key in found.items()
    }


def sheet_documents(sheets: list[Sheet], rtree) -> dict[int, SheetDocument]:
    """Many sheets of one rubric (each with its agency and rubric loaded), by pk, in a fixed number of queries."""
    views = sheet_views(sheets, rtree)
    key_of = {score.pk: key for view in views.values() for key, score in view.scores.items()}
    cited: dict[int, dict[str, list[Document]]] = {sheet.pk: {} for sheet in sheets}
    frozen = frozen_versions_of(sheets)  # a locked sheet prints the versions it was submitted with
    for citation in (
        Citation.objects.filter(score__sheet_id__in=list(views))
        .select_related("document", "score")
        .order_by("pk")
    ):
        by_key = cited[citation.score.sheet_id]
        document = frozen[citation.score.sheet_id].get(citation.document_id, citation.document)
        by_key.setdefault(key_of[citation.score_id], []).append(document)
    reports = {r.sheet_id: r for r in Report.objects.filter(sheet_id__in=list(views))}
    by_pk = {sheet.pk: sheet for sheet in sheets}
    for report in reports.values():
        report.sheet = by_pk[report.sheet_id]
    stale = queries.stale_comments(list(views.values()))
    rated = reviewed_ratings(list(views.values()))
    return {
        pk: _document(view, cited[pk], reports.get(pk), stale[pk], rated[pk]) for pk, view in views.items()
    }


def _document(
    view: SheetView,
    cited: dict[str, list[Document]],
    report: Report | None,
    stale: set[str],
    rated: dict[str, str],
) -> SheetDocument:
    sheet = view.sheet
    tree = view.rubric_tree.tree
    reviewed_totals = queries.reviewed_totals(view)
    reviewed = reviewed_totals is not None
    rows = [_row(c, view, cited, reviewed_totals) for c in view.rubric_tree.criteria]
    for row in rows:
        row.comment_stale = bool(row.comment) and row.key in stale
        row.reviewed_ratings = rated.get(row.key, "") if reviewed else ""
    return SheetDocument(
        sheet=sheet,
        view=view,
        rows=rows,
        total=view.grand_total,
        rubric_total=rollup.rubric_totals(tree),
        reviewed=reviewed,
        reviewed_total=rollup.grand_total(tree, reviewed_totals) if reviewed_totals else None,
        issued_with=issued_with_line(sheet, report),
    )


def _row(
    c: Criterion,
    view: SheetView,
    cited: dict[str, list[Document]],
    reviewed_totals: dict[str, rollup.Total] | None,
) -> Row:
    """A criterion's line: a leaf's figures stay blank until scored, and so do the reviewed ones."""
    tree = view.rubric_tree.tree
    node = tree.node(c.key)
    score = view.scores.get(c.key)
    total = view.totals[c.key]
    is_leaf = not tree.children[c.key]
    own_bonus = bool(tree.own_bonus_max(node))
    row = Row(
        key=c.key,
        parent=node.parent,
        depth=c.depth,
        code="" if c.parent_id is None else c.code,
        text=c.text,
        max_points=c.max_points,
        max_bonus=c.max_bonus,
        own_bonus=own_bonus,
        is_leaf=is_leaf,
        points=total.points if (not is_leaf or (score and score.points is not None)) else None,
        bonus=total.bonus if (not is_leaf and total.bonus) or (score and score.bonus is not None) else None,
        explanation=score.explanation if score else "",
        documents=[d.citation for d in cited.get(c.key, [])],
        provisional=bool(score and score.provisional),
        children=[k.key for k in tree.children[c.key]],
    )
    if reviewed_totals is not None:
        r = reviewed_totals[c.key]
        row.reviewed_points = r.points if row.points is not None else None
        row.reviewed_bonus = r.bonus if row.bonus is not None else None
        row.comment = score.review_comment if score else ""
    return row
