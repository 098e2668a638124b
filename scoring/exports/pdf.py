"""PDF with WeasyPrint: A4, Nghị định 30/2020 margins, a Times-metric font embedded (Tinos)."""

import os
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from ..models import AwardTitle, Report, Sheet
from .sheet import sheet_document
from .templates import render_to_string

FONT_DIR = Path("/usr/share/fonts/truetype/croscore")
CSS_FILE = Path(settings.BASE_DIR) / "templates" / "documents" / "documents.css"
# The family name is ours, so that `pdffonts` proves which font was really used.
FONT_FAMILY = "VPUB Serif"
FONT_FACES = [
    ("Tinos-Regular.ttf", "normal", "normal"),
    ("Tinos-Bold.ttf", "bold", "normal"),
    ("Tinos-Italic.ttf", "normal", "italic"),
    ("Tinos-BoldItalic.ttf", "bold", "italic"),
]


def _real_path(url: str) -> str | None:
    """The real path a file URL names, decoded until nothing is left to decode; None if it is not one."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    path = parts.path
    while (decoded := unquote(path)) != path:
        path = decoded
    path = url2pathname(path)
    if "\0" in path or not os.path.isabs(path):
        return None
    return os.path.realpath(path)


class LocalOnlyFetcher(URLFetcher):
    """Documents may load our font files and nothing else: no network, no other file on the server.

    The URL is decoded and resolved (``..``, symlinks) before it is compared with the real paths of the
    fonts, and the file read is the resolved one: what is checked is what is read.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.allowed = frozenset(os.path.realpath(FONT_DIR / name) for name, _, _ in FONT_FACES)

    def fetch(self, url, headers=None):
        real = _real_path(url)
        if real is None or real not in self.allowed:
            raise ValueError(f"refused to fetch {url!r} while rendering a document")
        return super().fetch(Path(real).as_uri(), headers)


def font_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONT_DIR / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FONT_FACES
    )


@cache
def _stylesheets() -> tuple:
    fetcher = LocalOnlyFetcher()
    config = FontConfiguration()
    css = CSS(
        string=font_css() + CSS_FILE.read_text(encoding="utf-8"),
        font_config=config,
        url_fetcher=fetcher,
        base_url=FONT_DIR.as_uri() + "/",
    )
    return config, css, fetcher


def render(html: str):
    """A WeasyPrint document, laid out (its pages carry the anchors of elements with an id)."""
    config, css, fetcher = _stylesheets()
    return HTML(string=html, url_fetcher=fetcher, base_url=FONT_DIR.as_uri() + "/").render(
        stylesheets=[css], font_config=config
    )


def sheet_html(sheet: Sheet, *, standalone: bool = True) -> str:
    context = {
        "doc": sheet_document(sheet),
        "standalone": standalone,
        "pledged": list(AwardTitle.objects.pledged_for(sheet)),
    }
    return render_to_string("documents/sheet.html", context)


def sheet_pdf(sheet: Sheet) -> bytes:
    return render(sheet_html(sheet)).write_pdf()


@cache
def _markdown():
    """Only the report is written in markup: a sheet's PDF does not import mistune."""
    import mistune
    from mistune.util import striptags

    class TextOnlyRenderer(mistune.HTMLRenderer):
        """An image in the report's text is shown as its description: no file or URL is ever fetched."""

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return striptags(text)  # the description is already rendered, so already escaped

    return mistune.create_markdown(escape=True, renderer=TextOnlyRenderer(escape=True))


def markup(text: str) -> str:
    """Paragraphs, **bold**, *italics* and "- " lists; any HTML typed is shown as text."""
    return _markdown()(text or "")


def dateline(place: str, day, year: int) -> str:
    """ "Quảng Ngãi, ngày 04 tháng 01 năm 2022": two-digit days, and months 1 and 2 (Nghị định 30/2020)."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def next_period(rubric) -> str:
    """What the report's second part plans for: the rest of the year after six months, else next year."""
    return rubric.round_kind.next_period_of(rubric.year).upper()


def report_html(report: Report) -> str:
    sheet = report.sheet
    agency = sheet.agency
    year = sheet.rubric.year
    context = {
        "report": report,
        "agency": agency,
        "year": year,
        "dateline": dateline(agency.place, report.issued_on, year),
        "subject": report.subject or report.default_subject(),
        "recipients": [line.strip() for line in report.recipients.splitlines() if line.strip()],
        "distribution": [line.strip() for line in report.distribution.splitlines() if line.strip()],
        "closing_words": sheet.rubric.round_kind.closing_words(year, agency.name),
        "sections": [
            (
                "PHẦN THỨ NHẤT",
                f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CÔNG TÁC THI ĐUA, KHEN THƯỞNG {sheet.rubric.period.upper()}",
                [
                    ("I. ĐẶC ĐIỂM, TÌNH HÌNH", markup(report.situation)),
                    ("II. KẾT QUẢ THỰC HIỆN", markup(report.results)),
                    ("III. ĐÁNH GIÁ CHUNG", markup(report.assessment)),
                ],
            ),
            (
                "PHẦN THỨ HAI",
                f"PHƯƠNG HƯỚNG, NHIỆM VỤ {next_period(sheet.rubric)}",
                [("", markup(report.plans))],
            ),
        ],
        "sheet_html": sheet_html(sheet, standalone=False),
    }
    return render_to_string("documents/report.html", context)


SIGNATURE_BOX_ID = "signature-box"
PX_TO_PT = 0.75


def report_pdf(report: Report) -> bytes:
    return render(report_html(report)).write_pdf()


def report_pdf_with_signature_box(report: Report) -> tuple[bytes, int, tuple[float, float, float, float]]:
    """The report and where its signature block's empty space is: (page index, box in PDF points)."""
    return pdf_with_signature_box(report_html(report))


def pdf_with_signature_box(html: str) -> tuple[bytes, int, tuple[float, float, float, float]]:
    """The document and where the empty space with id SIGNATURE_BOX_ID is: (page index, box in PDF points)."""
    document = render(html)
    for index, page in enumerate(document.pages):
        if SIGNATURE_BOX_ID in page.anchors:
            # The anchor is the empty space's box in CSS pixels from the top left; PDF counts points from
            # the bottom left.
            x1, y1, x2, y2 = (value * PX_TO_PT for value in page.anchors[SIGNATURE_BOX_ID])
            height = page.height * PX_TO_PT
            inset = 4
            return (
                document.write_pdf(),
                index,
                (x1 + inset, height - y2 + inset, x2 - inset, height - y1 - inset),
            )
    raise LookupError("the document has no signature block")
