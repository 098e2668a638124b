"""The citation parser takes time in proportion to the text: "?q=" + "1/a" × 1,000 held a worker 34 s."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.evidence.citations import MAX_LINE, find_citations, parse_citation

PATHOLOGICAL = {
    "1/a × 1000": "1/a" * 1000,
    "số × 5000": "số " * 5000,
    "digits": "1" * 20_000,
    "digits and slashes": "1/" * 5000,
    "kind, số and symbol parts": "Kế hoạch số 1/KH-" * 600 + "ngày 1/1",
    "dates without a year": "số 1/KH ngày 1/1/" * 500,
    "spaces inside the date": "số 1/KH ngày 1" + " " * 3000 + "tháng",
    "lines of symbol parts": ("1/a" * 600 + "\n") * 50,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_read_in_a_fraction_of_a_second(text):
    started = time.monotonic()
    parse_citation(text)
    find_citations(text)
    assert time.monotonic() - started < 0.5


def test_a_citation_on_a_line_of_its_own_is_read_next_to_a_line_too_long_to_read():
    text = "x" * (MAX_LINE + 1) + "\nKế hoạch số 495/KH-VP ngày 29/3/2022 về việc thi đua"
    [citation] = find_citations(text)
    assert (citation.number, citation.issued_on.isoformat(), citation.subject) == (
        "495/KH-VP",
        "2022-03-29",
        "thi đua",
    )


def test_a_line_longer_than_the_limit_is_not_read():
    padding = "Kế hoạch số 495/KH-VP ngày 29/3/2022 " + "x" * MAX_LINE
    assert parse_citation(padding) is None


@settings(max_examples=200, deadline=1000)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789/-.:, ađĐKHVPQsốngàytháámn\n")) | st.characters(),
        max_size=3000,
    )
)
def test_any_text_is_read_without_an_exception_in_bounded_time(text):
    found = find_citations(text)
    assert parse_citation(text) == (found[0] if found else None)
