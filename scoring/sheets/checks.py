"""Warnings that help an agency before it submits: shown, never blocking."""

from dataclasses import dataclass

from ..evidence.citations import find_citations
from ..models import Document
from ..notation import format_date
from .queries import SheetView


@dataclass(frozen=True)
class SheetWarning:
    key: str  # the criterion's key; "" for the whole sheet
    label: str
    message: str
    kind: str  # "evidence" | "date" | "conflicting_dates" | "provisional"


def sheet_warnings(view: SheetView, cited: dict[str, list[Document]]) -> list[SheetWarning]:
    """`cited` maps criterion keys to the register documents cited there."""
    year = view.sheet.rubric.year
    found: list[SheetWarning] = []
    dates_by_number: dict[str, dict[str, list[str]]] = {}

    def note(number: str, date, label: str) -> None:
        labels = dates_by_number.setdefault(number, {}).setdefault(format_date(date), [])
        if label not in labels:
            labels.append(label)

    for criterion in view.rubric_tree.criteria:
        score = view.scores.get(criterion.key)
        if score is None or criterion.parent_id is None:
            continue
        documents = cited.get(criterion.key, [])
        is_leaf = not view.rubric_tree.tree.children[criterion.key]
        has_points = (score.points or 0) > 0 or (score.bonus or 0) > 0
        if is_leaf and has_points and not documents:
            found.append(
                SheetWarning(
                    criterion.key, criterion.label, "Có điểm nhưng chưa có tài liệu kiểm chứng.", "evidence"
                )
            )
        for document in documents:
            if document.issued_on.year != year:
                found.append(
                    SheetWarning(
                        criterion.key,
                        criterion.label,
                        f"{document.citation}: ngày ban hành nằm ngoài năm {year}.",
                        "date",
                    )
                )
            note(document.number, document.issued_on, criterion.label)
        for citation in find_citations(score.explanation):
            if not citation.is_valid:
                found.append(
                    SheetWarning(
                        criterion.key,
                        criterion.label,
                        f"Giải trình ghi văn bản {citation.number} ngày {citation.written_date}: ngày này không có thật.",
                        "date",
                    )
                )
                continue
            note(citation.number, citation.issued_on, criterion.label)
        if score.provisional:
            found.append(
                SheetWarning(
                    criterion.key,
                    criterion.label,
                    "Điểm tạm tính: cập nhật khi có kết quả trước khi nộp.",
                    "provisional",
                )
            )
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
