"""Years side by side: an agency's totals, sections, rank and award year after year, and a bloc's members.

Plain values over the rounds `rounds.year_rounds` reads; no database. The number compared from year to year
is the total that ranks: after review where the sheet was reviewed, else the agency's own ("Tổng điểm").
Sections are compared where two years' rubrics have the same section (same position, code and title); where
a year's rubric has a section the year before did not, its change is "không so sánh được".
"""

from dataclasses import dataclass, field
from decimal import Decimal

from ..notation import format_change, format_percent
from .rounds import Section, YearRound

INCOMPARABLE = "không so sánh được"


@dataclass(frozen=True)
class Change:
    """This year's number against the one before (`since`); not comparable where the rubrics differ."""

    since: int
    points: Decimal | None = None
    percent: Decimal | None = None
    comparable: bool = True

    @property
    def lines(self) -> list[str]:
        """The text in two short lines for narrow cells: ["+1,5", "(+0,2 %)"]."""
        if not self.comparable or self.points is None:
            return [self.text] if self.text else []
        return [format_change(self.points)] + (
            [f"({format_percent(self.percent)})"] if self.percent is not None else []
        )

    @property
    def text(self) -> str:
        if not self.comparable:
            return INCOMPARABLE
        if self.points is None:
            return ""
        percent = f" ({format_percent(self.percent)})" if self.percent is not None else ""
        return f"{format_change(self.points)}{percent}"


def change(since: int, before: Decimal | None, now: Decimal | None) -> Change:
    """(now - before) and its share of `before`: 800 → 1.000 is +200 (+25,0 %); nothing to say without both."""
    if before is None or now is None:
        return Change(since)
    percent = (now - before) * 100 / before if before else None
    return Change(since, now - before, percent)


@dataclass
class Column:
    """A section as the table heads it: the newest year's code and title of that section."""

    identity: tuple[str, str]
    section: Section
    years: list[int] = field(default_factory=list)  # the years whose rubric has it
    renamed: bool = False  # another column holds the section at the same position, worded otherwise


@dataclass
class SectionCell:
    points: Decimal | None = None
    present: bool = False  # the year's rubric has this section
    change: Change | None = None


@dataclass
class AgencyYear:
    year: int
    bloc: object
    status: str
    draft: bool  # the agency's own draft: its numbers are shown to the agency alone, and rank nothing
    own: Decimal | None
    reviewed: Decimal | None  # None until the sheet is reviewed (standings.Member.reviewed)
    bonus: Decimal | None
    sections: list[SectionCell]
    rank: int | None
    ranked: int
    members: int
    award: str
    award_provisional: bool
    change: Change | None = None
    incomparable: list[str] = field(default_factory=list)  # this year's sections the year before lacked

    @property
    def total(self) -> Decimal | None:
        return self.reviewed if self.reviewed is not None else self.own

    @property
    def rank_text(self) -> str:
        return f"{self.rank}/{self.members}" if self.rank else ""


@dataclass
class AgencyComparison:
    agency: object
    columns: list[Column]
    years: list[AgencyYear]  # oldest first


def columns_of(rounds: list[YearRound]) -> list[Column]:
    """Every section any year has, by position; a renamed section gets a column of its own after it."""
    found: dict[tuple[str, str], Column] = {}
    for state in reversed(rounds):  # the newest year's wording heads the column
        for section in state.sections:
            found.setdefault(section.identity, Column(section.identity, section)).years.insert(0, state.year)
    order = {identity: i for i, identity in enumerate(found)}
    columns = sorted(found.values(), key=lambda c: (_position(c.section.key), order[c.identity]))
    for column in columns:
        column.renamed = sum(c.section.key == column.section.key for c in columns) > 1
    return columns


def _position(key: str) -> tuple:
    return (0, int(key)) if key.isdigit() else (1, key)


def agency_comparison(agency, rounds: list[YearRound], *, drafts: bool) -> AgencyComparison:
    """`rounds`: the years the viewer may see of this agency, oldest first. With `drafts` (the agency's own
    people), a year still in draft shows its own numbers, unranked."""
    columns = columns_of(rounds)
    years = []
    for state in rounds:
        row = _agency_year(agency, state, columns, drafts=drafts)
        if row is not None:
            years.append(row)
    for before, now in zip(years, years[1:], strict=False):
        now.change = change(before.year, before.total, now.total)
        for column, was, cell in zip(columns, before.sections, now.sections, strict=True):
            if cell.present and not was.present:
                cell.change = Change(before.year, comparable=False)
                now.incomparable.append(column.section.label)
            elif cell.present:
                cell.change = change(before.year, was.points, cell.points)
    return AgencyComparison(agency, columns, years)


def _agency_year(agency, state: YearRound, columns: list[Column], *, drafts: bool) -> AgencyYear | None:
    member = state.member(agency.pk)
    if member is None or member.sheet is None:
        return None
    draft = not member.shown
    sums = state.drafts.get(member.sheet.pk) if draft else None
    if draft and not drafts:
        return None
    if draft:
        own = (sums.total.points + sums.total.bonus) if sums else Decimal(0)
        points = sums.points if sums else [Decimal(0)] * len(state.sections)
        bonus = sums.total.bonus if sums else Decimal(0)
        reviewed = None
    else:
        own = member.own.points + member.own.bonus
        points = member.sections
        bonus = member.final.bonus
        reviewed = member.final_total
    by_identity = {s.identity: value for s, value in zip(state.sections, points, strict=True)}
    cells = [
        SectionCell(by_identity[c.identity], True) if c.identity in by_identity else SectionCell()
        for c in columns
    ]
    return AgencyYear(
        year=state.year,
        bloc=state.rubric.bloc,
        status=member.status,
        draft=draft,
        own=own,
        reviewed=reviewed,
        bonus=bonus,
        sections=cells,
        rank=member.rank,
        ranked=len(state.ranked),
        members=len(state.members),
        award=member.award,
        award_provisional=bool(member.award) and state.awards_provisional,
    )


# ---------------------------------------------------------------- a bloc across years


@dataclass
class MemberCell:
    member: bool  # a member of the bloc that year
    status: str = ""
    total: Decimal | None = None  # after review where reviewed, else own; None for a draft or no sheet
    reviewed: bool = False
    rank: int | None = None
    award: str = ""
    change: Change | None = None


@dataclass
class MemberLine:
    agency: object
    cells: list[MemberCell]  # one per year, oldest first


@dataclass
class BlocYearSummary:
    state: YearRound
    average: Decimal | None  # of the totals shown that year
    counted: int
    joined: list = field(default_factory=list)
    left: list = field(default_factory=list)
    change: Change | None = None  # of the average

    @property
    def year(self) -> int:
        return self.state.year


@dataclass
class BlocComparison:
    bloc: object
    years: list[BlocYearSummary]
    lines: list[MemberLine]


def member_total(member) -> Decimal | None:
    """The total that ranks, for a sheet the bloc sees: after review where reviewed, else the agency's own."""
    if not member.shown:
        return None
    return member.final.points + member.final.bonus


def bloc_comparison(bloc, rounds: list[YearRound]) -> BlocComparison:
    agencies: dict[int, object] = {}
    for state in rounds:
        for m in state.members:
            agencies.setdefault(m.agency.pk, m.agency)
    years = []
    for state in rounds:
        totals = [t for m in state.members if (t := member_total(m)) is not None]
        average = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
        years.append(BlocYearSummary(state, average, len(totals)))
    for before, now in zip(years, years[1:], strict=False):
        was = {m.agency.pk for m in before.state.members}
        is_ = {m.agency.pk for m in now.state.members}
        now.joined = sorted((agencies[pk] for pk in is_ - was), key=lambda a: a.name)
        now.left = sorted((agencies[pk] for pk in was - is_), key=lambda a: a.name)
        now.change = change(before.year, before.average, now.average)
    lines = []
    for agency in sorted(agencies.values(), key=lambda a: a.name):
        cells = []
        for state in rounds:
            m = state.member(agency.pk)
            if m is None:
                cells.append(MemberCell(member=False))
                continue
            cells.append(MemberCell(True, m.status, member_total(m), m.reviewed, m.rank, m.award))
        for i in range(1, len(cells)):
            if cells[i].member and cells[i - 1].member:
                cells[i].change = change(rounds[i - 1].year, cells[i - 1].total, cells[i].total)
        lines.append(MemberLine(agency, cells))
    return BlocComparison(bloc, years, lines)
