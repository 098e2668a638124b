import datetime
import re
from pathlib import Path

import pytest

from scoring.evidence.citations import find_citations, parse_citation

DATA = Path(__file__).parent / "data" / "seed_citations.txt"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_CITATIONS = DATA.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("text", "kind", "number", "date", "issuer"),
    [
        ("Kế hoạch số 495/KH-VP ngày 29/3/2022", "KH", "495/KH-VP", (2022, 3, 29), "VP"),
        ("Kế hoạch số 274-KH/ĐU ngày 31/3/2022", "KH", "274-KH/ĐU", (2022, 3, 31), "ĐU"),
        ("Quyết định số 02/QĐ-VP ngày 04/01/2022", "QĐ", "02/QĐ-VP", (2022, 1, 4), "VP"),
        ("Công văn số 1028/TMTH ngày 10/11/2022", "CV", "1028/TMTH", (2022, 11, 10), "TMTH"),
        ("Thông báo số 08-TB/ĐTN ngày 24/10/2022", "TB", "08-TB/ĐTN", (2022, 10, 24), "ĐTN"),
        ("Nghị định số 130/2020/NĐ-CP ngày 30/10/2020", "NĐ", "130/2020/NĐ-CP", (2020, 10, 30), "CP"),
        ("(số 2153/KH-VP ngày 31/12/2021)", "KH", "2153/KH-VP", (2021, 12, 31), "VP"),
        ("Chỉ thị 07/CT-TTg ngày 19/3/2014", "CT", "07/CT-TTg", (2014, 3, 19), "TTg"),
        ("Công văn số 1905/VP-HCQT ngày 02/11/2022", "CV", "1905/VP-HCQT", (2022, 11, 2), "VP-HCQT"),
        ("Tờ trình số 1495/TTr-VP ngày 31/8/2022", "TTr", "1495/TTr-VP", (2022, 8, 31), "VP"),
        ("Quyết định số 02/QĐ-VP ngày 04 tháng 01 năm 2022", "QĐ", "02/QĐ-VP", (2022, 1, 4), "VP"),
        ("số 1229-KH-VP ngày 20/7/2023", "KH", "1229-KH-VP", (2023, 7, 20), "VP"),
    ],
)
def test_it_reads_type_number_date_and_issuer(text, kind, number, date, issuer):
    citation = parse_citation(text)
    assert (citation.kind, citation.number, citation.issued_on, citation.issuer) == (
        kind,
        number,
        datetime.date(*date),
        issuer,
    )


def test_it_takes_the_subject_after_ve_viec():
    citation = parse_citation(
        "Công văn số 1905/VP-HCQT ngày 02/11/2022 về việc điều chỉnh thực hiện nhiệm vụ; khác"
    )
    assert citation.subject == "điều chỉnh thực hiện nhiệm vụ"


def test_it_finds_every_citation_in_a_sentence():
    found = find_citations(
        "Quyết định số 111/QĐ-VP ngày 31/8/2021 và 111/QĐ-VP ngày 19/10/2022, Kế hoạch số 1975/KH-TKT48 ngày 10/11/2022"
    )
    assert [(c.number, c.issued_on.isoformat()) for c in found] == [
        ("111/QĐ-VP", "2021-08-31"),
        ("111/QĐ-VP", "2022-10-19"),
        ("1975/KH-TKT48", "2022-11-10"),
    ]


def test_it_flags_a_date_that_does_not_exist():
    citation = parse_citation("Quyết định số 31/QĐ-VP ngày 31/4/2019")
    assert citation.number == "31/QĐ-VP" and citation.issued_on is None and not citation.is_valid
    assert citation.written_date == "31/4/2019"


def test_it_finds_nothing_where_there_is_no_citation():
    assert parse_citation("Thực hiện đầy đủ các báo cáo") is None
    assert parse_citation("99,8% rất hài lòng, 12.400 văn bản ngày 5/5/2022") is None


@pytest.mark.parametrize("text", SEED_CITATIONS)
def test_it_reads_every_citation_in_the_seeds(text):
    citation = parse_citation(text)
    number, _, date = re.sub(r"^.*?(\d+[/-])", r"\1", text, count=1).partition(" ngày ")
    assert citation is not None
    assert citation.number == number.strip(" ,")
    assert citation.written_date == "/".join(str(int(p)) for p in re.split(r"[/.-]", date.strip()))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds sit beside the project only on the team's machines")
def test_the_seed_citation_list_is_complete():
    texts = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    written = set(re.findall(r"\b\d+(?:[/-][0-9A-Za-zĐđ&]+)+(?=\s*,?\s*ngày\s*\d)", texts))
    parsed = {c.number for c in find_citations(texts)}
    assert written <= parsed
    assert written <= {parse_citation(t).number for t in SEED_CITATIONS}
