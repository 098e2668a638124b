"""The register's documents as the scoring page's citation picker shows them (json_script `evidence-data`,
the cited documents under each criterion, the autosave's new entries)."""

from ..models import Document


def document_entry(document: Document) -> dict:
    return {
        "pk": document.pk,
        "label": document.citation,
        "number": document.number,
        "date": document.issued_on.strftime("%d/%m/%Y"),
        "subject": document.subject,
    }
