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
# Possessive quantifiers (`*+`, `++`) never give back what they took: each way of matching is tried once, so
# the time grows with the text, not with its cube ("?q=" + "1/a" × 1,000 held a worker 34 s).
_DATE = (
    r"ngày\s*+(?P<d>\d{1,2})\s*+(?:[/.\-]|tháng\s++)\s*+(?P<m>\d{1,2})\s*+(?:[/.\-]|năm\s++)\s*+(?P<y>\d{4})"
)
_PART = r"[0-9A-Za-zĐđ&]"
CITATION = re.compile(
    rf"(?:(?P<kind>{_KIND})\s++)?(?:số\s*+:?\s*+)?"
    # the number, which begins a symbol (not inside one: each symbol is scanned once), then at least one part
    # that begins with a letter: `495/KH-VP`, not `12/2022`
    rf"(?<![0-9A-Za-zĐđ&/\-])(?=\d++(?:[/\-][0-9&]{_PART}*+)*+[/\-][A-Za-zĐđ])"
    rf"(?P<number>\d++(?:[/\-]{_PART}++)++)"
    rf"\s*+,?\s*+{_DATE}",
    re.IGNORECASE,
)
SUBJECT = re.compile(r"\s*(?:của\s+[^,;]*?\s+)?(?:về\s+việc|v/v|về)\s+(?P<subject>[^;()\n]+)", re.IGNORECASE)
# what joins a subject to the next citation ("… về việc thi đua và Kế hoạch số …") is not the subject's
TRAILING = re.compile(r"(?:[\s,;:.]|\b(?:và|tại|theo|cùng|với)\b)+$", re.IGNORECASE)
SUBJECT_WINDOW = 500  # a subject is read from this many characters after the date at most
MAX_LINE = 2_000  # a longer line is no citation a person wrote; it is not read


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


def _readable(text: str) -> str:
    """The text with every line longer than MAX_LINE blanked out by newlines: what is left keeps its
    offsets, so a citation's place in the text is its place in what was read."""
    if len(text) <= MAX_LINE:
        return text
    lines = text.splitlines(keepends=True)
    return "".join("\n" * len(line) if len(line) > MAX_LINE else line for line in lines)


def _read(text: str, match: re.Match, limit: int) -> ParsedCitation:
    """The citation of `match`; its subject is read up to `limit` (where the next citation begins)."""
    number = match.group("number")
    kind, issuer = _kind_and_issuer(number, match.group("kind"))
    day, month, year = (int(match.group(g)) for g in ("d", "m", "y"))
    try:
        issued_on = datetime.date(year, month, day)
    except ValueError:
        issued_on = None
    subject = SUBJECT.match(text[match.end() : min(match.end() + SUBJECT_WINDOW, limit)])
    return ParsedCitation(
        kind=kind,
        number=number,
        issued_on=issued_on,
        written_date=f"{day}/{month}/{year}",
        issuer=issuer,
        subject=TRAILING.sub("", subject.group("subject")).strip(" .,:") if subject else "",
        text=match.group(0),
    )


def citation_spans(text: str) -> list[tuple[int, int, ParsedCitation]]:
    """(start, end, citation) of every citation in the NFC form of a text, in order. Lines longer than
    MAX_LINE are not read."""
    text = _readable(_nfc(text or ""))
    matches = list(CITATION.finditer(text))
    limits = [m.start() for m in matches[1:]] + [len(text)] * bool(matches)
    return [(m.start(), m.end(), _read(text, m, limit)) for m, limit in zip(matches, limits, strict=True)]


def find_citations(text: str) -> list[ParsedCitation]:
    """Every citation in a text, in order; a document cited twice appears twice. Lines longer than MAX_LINE
    are not read."""
    return [citation for _, _, citation in citation_spans(text)]


def parse_citation(text: str) -> ParsedCitation | None:
    """The one citation a person pasted, or None when there is none to read."""
    found = find_citations(text)
    return found[0] if found else None
