"""The rounds of an emulation year and what each round kind changes, in one place.

`Round` is the stored choice; `KINDS` holds one `RoundKind` per value, and every page, document, export,
rule and message asks the kind (`rubric.round_kind`, `Round.kind(value)`) rather than naming a round. A new
round kind is its choice here, its entry in `KINDS`, and a migration for the choice (tests/test_round_kinds.py
adds one); the province's setup pages still offer only the six-month round to open (`setup_mid_year`), and
`rubrics.rounds.round_open` opens any kind.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models


class Round(models.TextChoices):
    """The rounds of an emulation year: the year-end review every bloc has, and an optional six-month one
    (sơ kết 6 tháng), each with its own rubric, deadline and sheets."""

    YEAR_END = "year", "Tổng kết năm"
    MID_YEAR = "mid", "Sơ kết 6 tháng"

    @classmethod
    def kind(cls, round: str) -> "RoundKind":
        return KINDS[round]

    @classmethod
    def of_year(cls, round: str) -> str:
        """How a message names a round before its year: "năm" 2022, "sơ kết 6 tháng năm" 2022."""
        return KINDS[round].of_year

    @classmethod
    def closed_phrase(cls, round: str) -> str:
        """How a refusal names the closed round: "Năm thi đua đã khóa sổ", "Vòng sơ kết 6 tháng đã khóa sổ"."""
        return KINDS[round].closed_phrase

    @classmethod
    def file_suffix(cls, round: str) -> str:
        """What a downloaded file's name adds for the round: "-so-ket-6-thang", nothing for the year-end."""
        return KINDS[round].file_suffix


@dataclass(frozen=True)
class RoundKind:
    """What a round kind decides. The year-end round is the unmarked one: its pages, files and addresses add
    nothing after the year, where another round adds its `tag` (pages), `url_segment` (addresses, files)."""

    value: str
    order: int  # where the round falls in its year, the earliest first
    name: str  # the round as a sentence's subject: "Năm thi đua", "Vòng sơ kết 6 tháng"
    called: str  # the round named on its own: "năm thi đua", "sơ kết 6 tháng"
    named: str  # its sheet, rubric or deadline: bảng "tổng kết năm", hạn nộp "sơ kết 6 tháng"
    of_year: str  # before a year: "năm" 2022, "sơ kết 6 tháng năm" 2022
    in_full: str  # before a year, in a confirmation: "năm thi đua" 2022, "sơ kết 6 tháng năm" 2022
    this_one: str  # "năm này", "vòng sơ kết này"
    tag: str  # after the year on a page: "" or "sơ kết 6 tháng"
    short_tag: str  # where room is short (a workbook's tab, 31 characters): "" or "sơ kết"
    report_word: str  # what the report does: Báo cáo "tổng kết", "sơ kết"
    period: str  # what the round covers, with {year}: "năm {year}", "6 tháng đầu năm {year}"
    next_period: str  # what the report's second part plans for, with {year} and {next_year}
    plans_for: str  # the report's plans field names it: "năm sau", "6 tháng cuối năm"
    ends_in_month: int  # the period's last month: the report is issued then, its documents dated by its end
    url_segment: str  # the addresses' segment after the year, and the file names': "" or "so-ket-6-thang"
    proposes_awards: bool  # whether its ranking proposes awards (Cờ thi đua, Bằng khen …)
    starts_from: str | None  # the round of the same year whose sheet a new sheet may start from
    opened_from: str | None  # the round of the same year whose rubric this round's is copied from

    @property
    def closed_phrase(self) -> str:
        return f"{self.name} đã khóa sổ"

    @property
    def file_suffix(self) -> str:
        return f"-{self.url_segment}" if self.url_segment else ""

    @property
    def refuses_awards(self) -> str:
        return f"{self.name} chỉ xếp hạng, không đề nghị khen thưởng."

    def period_of(self, year: int) -> str:
        return self.period.format(year=year)

    def titled_period(self, year: int) -> str:
        """The period as a title names it: "năm 2022", "sơ kết 6 tháng đầu năm 2022"."""
        period = self.period_of(year)
        return f"{self.report_word} {period}" if self.tag else period

    def next_period_of(self, year: int) -> str:
        return self.next_period.format(year=year, next_year=year + 1)

    def period_end(self, year: int) -> datetime.date:
        return datetime.date(year, self.ends_in_month, calendar.monthrange(year, self.ends_in_month)[1])

    def with_tag(self, text: str, sep: str = " ") -> str:
        """`text` with the round's tag after it: "2022", "2022 – sơ kết 6 tháng" (sep " – ")."""
        return f"{text}{sep}{self.tag}" if self.tag else text

    def report_subject(self, year: int) -> str:
        """ "Tổng kết công tác thi đua, khen thưởng năm 2022 và phương hướng, nhiệm vụ năm 2023"."""
        return (
            f"{self.report_word.capitalize()} công tác thi đua, khen thưởng {self.period_of(year)} "
            f"và phương hướng, nhiệm vụ {self.next_period_of(year)}"
        )

    def closing_words(self, year: int, agency_name: str) -> str:
        """The report's last sentence."""
        return (
            f"Trên đây là Báo cáo {self.report_word} công tác thi đua, khen thưởng {self.period_of(year)} "
            f"của {agency_name}./."
        )


_KINDS = (
    RoundKind(
        value=Round.MID_YEAR.value,
        order=1,
        name="Vòng sơ kết 6 tháng",
        called="sơ kết 6 tháng",
        named="sơ kết 6 tháng",
        of_year="sơ kết 6 tháng năm",
        in_full="sơ kết 6 tháng năm",
        this_one="vòng sơ kết này",
        tag="sơ kết 6 tháng",
        short_tag="sơ kết",
        report_word="sơ kết",
        period="6 tháng đầu năm {year}",
        next_period="6 tháng cuối năm {year}",
        plans_for="6 tháng cuối năm",
        ends_in_month=6,
        url_segment="so-ket-6-thang",
        proposes_awards=False,  # awards are proposed from the year-end ranking only
        starts_from=None,
        opened_from=Round.YEAR_END.value,
    ),
    RoundKind(
        value=Round.YEAR_END.value,
        order=2,
        name="Năm thi đua",
        called="năm thi đua",
        named="tổng kết năm",
        of_year="năm",
        in_full="năm thi đua",
        this_one="năm này",
        tag="",
        short_tag="",
        report_word="tổng kết",
        period="năm {year}",
        next_period="năm {next_year}",
        plans_for="năm sau",
        ends_in_month=12,
        url_segment="",
        proposes_awards=True,
        starts_from=Round.MID_YEAR.value,
        opened_from=None,  # made by the province, or copied from another year's
    ),
)
KINDS: dict[str, RoundKind] = {kind.value: kind for kind in _KINDS}
