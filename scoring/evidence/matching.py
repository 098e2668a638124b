"""Citations written in an explanation, matched to the agency's register.

A citation matches a register document of the same agency with the same kind, the same number/symbol
(compared without case, spaces or the leading zeros of its number: "02/QĐ-VP" is "2/qđ-vp") and the same
year of issue. Numbers restart every year, so kind, number and year name one document; the day and month
are not compared because a slip in them (the seed writes 2153/KH-VP with two dates) must not hide the
document the agency meant — the sheet's warnings point the slip out. Where the register holds two
documents of that kind, number and year, the one with the written date is meant, and if neither has it
the citation links to neither: a link that may be wrong is worse than none.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from ..models import Document
from .citations import ParsedCitation, citation_spans

Key = tuple[str, str, int]


def number_key(number: str) -> str:
    """A number/symbol as compared: NFC, no spaces, upper case, no leading zeros ("02/QĐ-VP" → "2/QĐ-VP")."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFC", number)).upper()
    return re.sub(r"^0+(?=\d)", "", text)


def written_year(citation: ParsedCitation) -> int:
    """The year as written, also for a date that does not exist (31/4/2019 is still of 2019)."""
    return int(citation.written_date.rsplit("/", 1)[1])


@dataclass(frozen=True)
class Piece:
    """A run of an explanation: plain text, or a citation with the register document it names (or None)."""

    text: str
    citation: ParsedCitation | None = None
    document: Document | None = None


class Register:
    """An agency's register, loaded once per page, that the citations of every explanation are matched to."""

    def __init__(self, documents, *, agency_code: str = "", href=None):
        self.documents = list(documents)
        self.agency_code = agency_code
        self._href = href
        self._pieces: dict[str, list[Piece]] = {}  # each explanation is read once per page
        self._by_key: dict[Key, list[Document]] = {}
        for document in self.documents:
            key = (document.kind, number_key(document.number), document.issued_on.year)
            self._by_key.setdefault(key, []).append(document)

    def match(self, citation: ParsedCitation) -> Document | None:
        found = self._by_key.get((citation.kind, number_key(citation.number), written_year(citation)), [])
        if len(found) == 1:
            return found[0]
        return next((d for d in found if d.issued_on == citation.issued_on), None)

    def pieces(self, text: str) -> list[Piece]:
        """The text cut at its citations, each with its document: every character of the text once. A
        text is read once: asked again (the same explanation shown and checked), the same pieces."""
        text = unicodedata.normalize("NFC", text or "")
        if text not in self._pieces:
            self._pieces[text] = self._cut(text)
        return self._pieces[text]

    def cites(self, text: str) -> bool:
        """Whether the text writes a citation at all, registered or not (`cites_something`, read once)."""
        return any(piece.citation is not None for piece in self.pieces(text))

    def _cut(self, text: str) -> list[Piece]:
        pieces, at = [], 0
        for start, end, citation in citation_spans(text):
            if start > at:
                pieces.append(Piece(text[at:start]))
            pieces.append(Piece(text[start:end], citation, self.match(citation)))
            at = end
        if at < len(text):
            pieces.append(Piece(text[at:]))
        return pieces

    def unregistered(self, text: str) -> list[ParsedCitation]:
        """The citations of the text that name no register document and could enter it (their date exists),
        each document once."""
        found, seen = [], set()
        for piece in self.pieces(text):
            citation = piece.citation
            if citation is None or piece.document is not None or not citation.is_valid:
                continue
            key = (citation.kind, number_key(citation.number), citation.issued_on)
            if key not in seen:
                seen.add(key)
                found.append(citation)
        return found

    def href(self, document: Document) -> str:
        """Where a link to the document goes: its file, else its entry in the register's list; "" for no link
        (a page that gives its own `href`)."""
        if self._href is not None:
            return self._href(document)
        if document.file:
            return reverse("evidence_file", args=[self.agency_code, document.pk])
        query = urlencode({"q": document.number})
        return f"{reverse('evidence_list', args=[self.agency_code])}?{query}"


def agency_register(agency, *, href=None) -> Register:
    """The agency's whole register in one query."""
    documents = Document.objects.filter(agency=agency).order_by("-issued_on", "number")
    return Register(documents, agency_code=agency.code, href=href)


def cites_something(explanation: str) -> bool:
    """Whether an explanation writes a citation at all, registered or not."""
    return bool(explanation) and any(True for _ in citation_spans(explanation))


def _text(text: str) -> str:
    """Escaped, its line breaks kept, as `linebreaksbr` writes them."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def linked_html(explanation, citing: Register | None) -> SafeString:
    """An explanation (user text, escaped) with each citation of a register document linked to its file
    or entry (none where the register's `href` gives ""), and each citation the register lacks marked so."""
    if citing is None:
        return mark_safe(_text(explanation or ""))
    parts = []
    for piece in citing.pieces(explanation or ""):
        if piece.citation is None:
            parts.append(_text(piece.text))
        elif piece.document is not None and not (href := citing.href(piece.document)):
            parts.append(
                format_html('<span class="cited-registered">{}</span>', mark_safe(_text(piece.text)))
            )
        elif piece.document is not None:
            parts.append(
                format_html(
                    '<a class="cited-link" href="{}" title="{}">{}</a>',
                    href,
                    "Mở tệp" if piece.document.file else "Xem trong sổ tài liệu",
                    mark_safe(_text(piece.text)),
                )
            )
        else:
            parts.append(
                format_html(
                    '<span class="cited-missing">{}</span> <span class="small text-muted">(chưa có trong sổ)</span>',
                    mark_safe(_text(piece.text)),
                )
            )
    return mark_safe("".join(parts))  # every part escaped above
