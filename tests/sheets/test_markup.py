"""The inputs' HTML (scoring/sheets/markup.py): every value escaped as a template escapes it, the
attributes the form marks safe kept as they are."""

import pytest
from django.utils.html import format_html

from scoring.sheets import markup

BAD = '<b onclick="x">"\'&'
ESCAPED = "&lt;b onclick=&quot;x&quot;&gt;&quot;&#x27;&amp;"


def item(**extra) -> dict:
    invalid = format_html(' aria-invalid="true" aria-describedby="{}_error"', "id_p-1")
    return {"name": "p-1", "id": "id_p-1", "label": BAD, "error": BAD, "invalid": invalid} | extra


WRITTEN = [
    ("points", lambda: markup.points(item(value=BAD, max="10", what=BAD))),
    ("text", lambda: markup.text(item(value=BAD, rows=2, help=BAD, attrs=item()["invalid"]))),
    ("check", lambda: markup.check(item(checked=True))),
    (
        "choice",
        lambda: markup.choice(item(choices=[{"value": BAD, "label": BAD, "checked": True, "id": "o"}])),
    ),
    (
        "documents",
        lambda: markup.documents(
            item(
                cited=[{"box": "b", "pk": 3, "number": BAD, "date": "1/1/2022", "subject": BAD, "label": BAD}]
            ),
            BAD,
        ),
    ),
]


@pytest.mark.parametrize(("kind", "write"), WRITTEN, ids=[kind for kind, _ in WRITTEN])
def test_it_escapes_every_value_and_keeps_the_safe_attributes(kind, write):
    html = str(write())
    assert "<b onclick" not in html and ESCAPED in html
    assert ' aria-invalid="true" aria-describedby="id_p-1_error"' in html


def test_the_written_citations_escape_what_the_explanation_wrote():
    html = str(
        markup.written(
            [
                {"text": BAD, "href": "/a?q=1&b=2", "register": "", "invalid": ""},
                {"text": BAD, "href": "", "register": f"7|{BAD}", "invalid": ""},
                {"text": BAD, "href": "", "register": "", "invalid": BAD},
            ],
            "n-7",
        )
    )
    assert "<b onclick" not in html and html.count(ESCAPED) == 6
    assert 'href="/a?q=1&amp;b=2"' in html and 'data-register="n-7"' in html
    assert markup.written([], "n-7") == ""
