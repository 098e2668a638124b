"""Reading citations of Vietnamese official documents: "Kế hoạch số 495/KH-VP ngày 29/3/2022".

The symbol after the number names the document type and the issuing body: `495/KH-VP` is a Kế hoạch of
VP; Party documents put the type before a dash (`274-KH/ĐU`); a Công văn carries no type (`1028/TMTH`).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

# Words that name a document type, longest first so "Chương trình" wins over nothing shorter.
KIND_WORDS = {
    "quyết định": "QĐ",
    "kế hoạch": "KH",
    "báo cáo": "BC",
    "công văn": "CV",
    "thông báo": "TB",
    "tờ trình": "TTr",
    "chỉ thị": "CT",
    "nghị quyết": "NQ",
    "kết luận": "KL",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "nghị định": "NĐ",
    "thông tư": "TT",
    "quy chế": "QC",
}
# Type codes as they appear in a symbol.
TYPE_CODES = {
    "QĐ": "QĐ",
    "KH": "KH",
    "BC": "BC",
    "TB": "TB",
    "TTR": "TTr",
    "CT": "CT",
    "NQ": "NQ",
    "KL": "KL",
    "HD": "HD",
    "CTR": "CTr",
    "NĐ": "NĐ",
    "TT": "TT",
    "QC": "QC",
}

_KIND = "|".join(sorted(KIND_WORDS, key=len, reverse=True))
_DATE = (
    r"ngày\s*(?P<d>\d{1,2})\s*(?:[/.\-]|\s+tháng\s+)\s*(?P<m>\d{1,2})\s*(?:[/.\-]|\s+năm\s+)\s*(?P<y>\d{4})"
)
CITATION = re.compile(
    rf"(?:(?P<kind>{_KIND})\s+)?(?:số\s*:?\s*)?"
    r"(?P<number>\d+(?:[/\-][0-9A-Za-zĐđ&]+)*[/\-][A-Za-zĐđ][0-9A-Za-zĐđ&]*(?:[/\-][0-9A-Za-zĐđ&]+)*)"
    rf"\s*,?\s*{_DATE}",
    re.IGNORECASE,
)
SUBJECT = re.compile(r"^\s*(?:của\s+[^,;]*?\s+)?(?:về\s+việc|v/v|về)\s+(?P<subject>[^;()\n]+)", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedCitation:
    kind: str  # a Document.Kind value
    number: str
    issued_on: datetime.date | None  # None when the written date does not exist (31/4/2019)
    written_date: str
    issuer: str
    subject: str
    text: str

    @property
    def is_valid(self) -> bool:
        return self.issued_on is not None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _kind_and_issuer(number: str, kind_word: str | None) -> tuple[str, str]:
    tokens = [t for t in re.split(r"[/\-]", number)[1:] if not re.fullmatch(r"\d{4}", t)]
    type_at = next((i for i, t in enumerate(tokens) if t.upper() in TYPE_CODES), None)
    if type_at is not None:
        kind = TYPE_CODES[tokens[type_at].upper()]
        issuer = "-".join(tokens[type_at + 1 :] or tokens[:type_at])
    else:
        kind = "CV"
        issuer = "-".join(tokens)
    if kind_word:
        kind = KIND_WORDS[kind_word.lower()]
    return kind, issuer


def find_citations(text: str) -> list[ParsedCitation]:
    """Every citation in a text, in order; a document cited twice appears twice."""
    text = _nfc(text or "")
    found = []
    for match in CITATION.finditer(text):
        number = match.group("number")
        kind, issuer = _kind_and_issuer(number, match.group("kind"))
        day, month, year = (int(match.group(g)) for g in ("d", "m", "y"))
        try:
            issued_on = datetime.date(year, month, day)
        except ValueError:
            issued_on = None
        subject = SUBJECT.match(text[match.end() :])
        found.append(
            ParsedCitation(
                kind=kind,
                number=number,
                issued_on=issued_on,
                written_date=f"{day}/{month}/{year}",
                issuer=issuer,
                subject=subject.group("subject").strip(" .") if subject else "",
                text=match.group(0),
            )
        )
    return found


def parse_citation(text: str) -> ParsedCitation | None:
    """The one citation a person pasted, or None when there is none to read."""
    found = find_citations(text)
    return found[0] if found else None
