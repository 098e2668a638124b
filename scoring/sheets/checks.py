"""Warnings that help an agency before it submits: shown, never blocking."""

from dataclasses import dataclass

from ..evidence.citations import ParsedCitation, find_citations
from ..evidence.matching import Register
from ..models import Criterion, Document, Score
from ..notation import format_date
from .queries import SheetView


@dataclass(frozen=True)
class SheetWarning:
    key: str  # the criterion's key; "" for the whole sheet
    label: str
    message: str
    kind: str  # "evidence" | "unregistered" | "date" | "conflicting_dates" | "provisional"


DatesByNumber = dict[str, dict[str, list[str]]]  # document number -> written date -> criterion labels


def sheet_warnings(
    view: SheetView, cited: dict[str, list[Document]], register: Register | None = None
) -> list[SheetWarning]:
    """`cited` maps criterion keys to the register documents cited there; `register` is the agency's.

    For each scored criterion in rubric order: points without evidence (neither a cited document nor a
    citation written in the explanation), citations written that the register lacks, documents issued
    outside the year, dates in the explanation that do not exist, a provisional score; then, for the whole
    sheet, each document number written with different dates in different places.
    """
    found: list[SheetWarning] = []
    dates_by_number: DatesByNumber = {}
    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        if score is None or criterion.parent_id is None:
            continue
        documents = cited.get(criterion.key, [])
        citations = find_citations(score.explanation)
        is_leaf = not view.rubric_tree.tree.children[criterion.key]
        found += _missing_evidence(criterion, score, documents or citations, is_leaf=is_leaf)
        found += _unregistered(criterion, score, register)
        found += _issued_outside_year(criterion, documents, view.sheet.rubric)
        found += _impossible_dates(criterion, citations)
        found += _provisional(criterion, score)
        _note_dates(dates_by_number, criterion.label, documents, citations)
    found += _one_number_two_dates(dates_by_number)
    return found


def _warning(criterion: Criterion, message: str, kind: str) -> SheetWarning:
    return SheetWarning(criterion.key, criterion.label, message, kind)


def _missing_evidence(
    criterion: Criterion, score: Score, evidence: list, *, is_leaf: bool
) -> list[SheetWarning]:
    """`evidence`: the documents cited, or else the citations written in the explanation."""
    has_points = (score.points or 0) > 0 or (score.bonus or 0) > 0
    if is_leaf and has_points and not evidence:
        return [_warning(criterion, "Có điểm nhưng chưa có tài liệu kiểm chứng.", "evidence")]
    return []


def _unregistered(criterion: Criterion, score: Score, register: Register | None) -> list[SheetWarning]:
    # One message for every criterion, so that the warnings list them on one line.
    if register is not None and register.unregistered(score.explanation):
        message = (
            "Giải trình trích dẫn văn bản chưa có trong sổ tài liệu kiểm chứng: đưa vào sổ và đính kèm tệp"
            " để khối đối chiếu được."
        )
        return [_warning(criterion, message, "unregistered")]
    return []


def _issued_outside_year(criterion: Criterion, documents: list[Document], rubric) -> list[SheetWarning]:
    """Documents issued outside the year, and those issued after the round's period (30 June for the six-month
    round, or its deadline where that is later: the round's report is issued by then)."""
    year = rubric.year
    warnings = [
        _warning(criterion, f"{document.citation}: ngày ban hành nằm ngoài năm {year}.", "date")
        for document in documents
        if document.issued_on.year != year
    ]
    kind = rubric.round_kind
    end = max(kind.period_end(year), rubric.deadline or kind.period_end(year))  # 31/12 or later at year-end
    warnings += [
        _warning(
            criterion,
            f"{document.citation}: ngày ban hành sau kỳ {kind.report_word} {rubric.period} (sau {end:%d/%m/%Y}).",
            "date",
        )
        for document in documents
        if document.issued_on.year == year and document.issued_on > end
    ]
    return warnings


def _impossible_dates(criterion: Criterion, citations: list[ParsedCitation]) -> list[SheetWarning]:
    return [
        _warning(
            criterion,
            f"Giải trình ghi văn bản {citation.number} ngày {citation.written_date}: ngày này không có thật.",
            "date",
        )
        for citation in citations
        if not citation.is_valid
    ]


def _provisional(criterion: Criterion, score: Score) -> list[SheetWarning]:
    if score.provisional:
        return [_warning(criterion, "Điểm tạm tính: cập nhật khi có kết quả trước khi nộp.", "provisional")]
    return []


def _note_dates(
    dates_by_number: DatesByNumber, label: str, documents: list[Document], citations: list[ParsedCitation]
) -> None:
    """Add where each number is written with which date: register documents first, then the explanation."""
    written = [(d.number, d.issued_on) for d in documents]
    written += [(c.number, c.issued_on) for c in citations if c.is_valid]
    for number, date in written:
        labels = dates_by_number.setdefault(number, {}).setdefault(format_date(date), [])
        if label not in labels:
            labels.append(label)


def _one_number_two_dates(dates_by_number: DatesByNumber) -> list[SheetWarning]:
    found = []
    for number, dates in dates_by_number.items():
        places = [set(labels) for labels in dates.values()]
        # Numbers restart every year: two dates listed side by side in one place are two documents;
        # the same number dated differently in different places is the slip to catch.
        disjoint = any(a.isdisjoint(b) for i, a in enumerate(places) for b in places[i + 1 :])
        if len(dates) > 1 and disjoint:
            where = "; ".join(f"ngày {day} ({', '.join(codes)})" for day, codes in dates.items())
            found.append(
                SheetWarning(
                    "",
                    "Cả bảng",
                    f"Văn bản số {number} được ghi với hai ngày khác nhau: {where}.",
                    "conflicting_dates",
                )
            )
    return found


def grouped(warnings: list[SheetWarning]) -> list[tuple[str, list[str]]]:
    """One line per message, naming every criterion it concerns, in the order they first appear."""
    lines: dict[str, list[str]] = {}
    for warning in warnings:
        lines.setdefault(warning.message, []).append(warning.label)
    return list(lines.items())
