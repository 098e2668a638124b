"""The review page as the evidence desk: each criterion's cited documents as the sheet cites them (as
submitted, while it is locked), the reviewed total, and what the page's filter picks out."""

from dataclasses import dataclass

from .. import rollup
from ..evidence import uploads
from ..evidence.matching import Register
from ..evidence.versions import evidence_changes, file_url, frozen_versions, last_return
from ..models import Citation, ScoreChange
from ..notation import format_date, format_points
from ..rubrics.rules import rule_of
from ..sheets.queries import AGENCY_FIELDS, RatingMaps, SheetView, reviewed_totals

FILTERS = {
    "no-evidence": "Tiêu chí có điểm nhưng không có tài liệu kiểm chứng",
    "provisional": "Tiêu chí tạm tính",
    "changed": "Thay đổi từ lần thẩm định trước",
}


@dataclass
class Desk:
    documents: dict[str, list[dict]]  # criterion key → the cited documents as shown
    flags: dict[str, set[str]]  # criterion key → FILTERS it matches (a parent: any of its criteria's)
    counts: dict[str, int]  # filter → criteria (leaves and bonus owners) it picks out
    reviewed_total: rollup.Total  # the agency's own until the sheet is reviewed
    reviewed: bool  # a reviewer wrote a number, or the sheet was accepted (queries.is_reviewed)
    returned_at: object  # when the sheet was last returned, or None
    evidence_changes: list[str]

    @property
    def filters(self) -> list[dict]:
        return [{"value": v, "label": label, "count": self.counts[v]} for v, label in FILTERS.items()]


def evidence_desk(view: SheetView, transitions: list, citing: Register) -> Desk:
    """Four queries at most: the citations, the submitted versions (a locked sheet), and once the sheet was
    returned, the agency's changes since and the snapshot it was returned in. `citing` reads the citations
    written in explanations (once: the page shows them with the same register)."""
    sheet, rtree = view.sheet, view.rubric_tree
    cited = _cited(view)
    returned = last_return(transitions)
    labels = {c.key: c.label for c in rtree.criteria}
    changes = evidence_changes(
        sheet, labels, {k: [e["shown"] for e in v] for k, v in cited.items()}, returned
    )
    changed = {key for key, _ in changes}
    if returned is not None:
        keys = {c.pk: c.key for c in rtree.criteria}
        rows = ScoreChange.objects.filter(sheet=sheet, at__gt=returned.at, field__in=AGENCY_FIELDS)
        changed |= {keys[pk] for pk in rows.values_list("criterion_id", flat=True).distinct() if pk in keys}
    flags, counts = _flags(view, cited, changed, citing)
    # until a reviewer writes a number, what counts is the agency's own: the page's totals already
    totals = reviewed_totals(view)
    return Desk(
        documents={k: [e["entry"] for e in v] for k, v in cited.items()},
        flags=flags,
        counts=counts,
        reviewed_total=rollup.grand_total(rtree.tree, totals) if totals is not None else view.grand_total,
        reviewed=totals is not None,
        returned_at=returned.at if returned else None,
        evidence_changes=[line for _, line in changes],
    )


def _cited(view: SheetView) -> dict[str, list[dict]]:
    frozen = frozen_versions(view.sheet)
    key_of = {s.pk: key for key, s in view.scores.items()}
    cited: dict[str, list[dict]] = {}
    citations = Citation.objects.filter(score__sheet=view.sheet).select_related("document").order_by("pk")
    for citation in citations:
        current = citation.document
        shown = frozen.get(current.pk, current)
        cited.setdefault(key_of[citation.score_id], []).append(
            {"shown": shown, "entry": _entry(view.sheet, shown, newer=current.version > shown.version)}
        )
    return cited


def _entry(sheet, document, *, newer: bool) -> dict:
    kind = uploads.KINDS.get(document.file_type)
    url = ""
    if document.file:
        url = file_url(sheet, document)
    return {
        "citation": document.citation,
        "number": document.number,
        "date": format_date(document.issued_on),
        "issuer": document.issuer,
        "subject": document.subject,
        "url": url,
        "inline": document.inline,
        "file_label": f"Mở {kind.label}"
        if document.inline
        else f"Tải tệp {kind.label if kind else ''}".strip(),
        "link": document.link,
        "document": document.document_ref,
        "version": document.version,
        "newer": newer,
    }


def _flags(
    view: SheetView, cited: dict, changed: set[str], citing: Register
) -> tuple[dict[str, set[str]], dict[str, int]]:
    tree = view.rubric_tree.tree
    flags: dict[str, set[str]] = {}
    counts = dict.fromkeys(FILTERS, 0)
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        own = set()
        if score is not None and criterion.parent_id is not None:
            has_points = (score.points or 0) > 0 or (score.bonus or 0) > 0
            evidenced = cited.get(criterion.key) or citing.cites(score.explanation)
            if tree.is_leaf(criterion.key) and has_points and not evidenced:
                own.add("no-evidence")
            if score.provisional:
                own.add("provisional")
        if criterion.key in changed:
            own.add("changed")
        for name in own:
            counts[name] += 1
        key = criterion.key
        while key is not None:  # a parent shows whenever one of its criteria does
            flags.setdefault(key, set()).update(own)
            key = tree.node(key).parent
    return flags, counts


def own_values(form, view: SheetView) -> dict[str, str]:
    """Box name → the agency's own number, which stands where the reviewer leaves a box empty."""
    values = {}
    for row in form.rows:
        score = row["score"]
        for name in row["names"]:
            if name.startswith(("rp-", "rb-")):
                number = (score.points if name.startswith("rp-") else score.bonus) if score else None
                values[name] = format_points(number) if number is not None else "0"
    return values


def rating_groups(view: SheetView, ratings: RatingMaps) -> list[dict]:
    """The criteria whose reviewed points review.js works out from the reviewer's ratings, as the server does
    (each rule's `review_script`)."""
    groups = []
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        own = ratings.own.get(score.pk, {}) if score else {}
        group = rule_of(criterion).review_script(criterion, score, own)
        if group is not None:
            groups.append(group)
    return groups
