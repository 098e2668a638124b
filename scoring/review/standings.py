"""A bloc's round for a year: every member's status and totals, the ranking and the proposed awards.

Read in a fixed number of queries whatever the number of members. A draft's numbers are never read: the
board, the chart and the bloc's tables show a member still typing by its status alone.

A sheet is *reviewed* once it is accepted or a reviewer wrote a reviewed number on any of its criteria
(changed it, or confirmed the agency's own by accepting): until then it has no "Sau thẩm định" total. A
comment alone reviews nothing. Awards are proposed only from a complete round (every member accepted);
before that they are provisional (`BlocRound.awards_provisional`) and say how many members are missing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .. import rollup
from ..models import Agency, AwardRule, BlocMember, BlocYear, Rubric, Score, Sheet
from ..rubrics.tree import RubricTree, rubric_tree

NOT_STARTED = "Chưa bắt đầu"


@dataclass
class Member:
    agency: Agency
    sheet: Sheet | None
    own: rollup.Total | None = None  # the agency's own numbers
    final: rollup.Total | None = None  # reviewed where reviewed, else own
    sections: list[Decimal] = field(default_factory=list)  # final standard points per section
    section_bonus: list[Decimal] = field(default_factory=list)
    rank: int | None = None
    award: str = ""
    has_reviewed_numbers: bool = False  # a reviewer wrote a reviewed number on one of its criteria

    @property
    def status(self) -> str:
        return self.sheet.get_status_display() if self.sheet else NOT_STARTED

    @property
    def shown(self) -> bool:
        """Whether the bloc sees this member's numbers: never a draft's (Sheet.SEEN_BY_BLOC)."""
        return bool(self.sheet and self.sheet.seen_by_bloc)

    @property
    def accepted(self) -> bool:
        return bool(self.sheet and self.sheet.status == Sheet.Status.ACCEPTED)

    @property
    def reviewed(self) -> bool:
        """Accepted, or a reviewer changed or confirmed one of its numbers: its total after review means
        something. A comment alone does not review a sheet."""
        return self.shown and (self.accepted or self.has_reviewed_numbers)

    @property
    def reviewed_total(self) -> rollup.Total | None:
        """The total after review ("Sau thẩm định"), None until the sheet is reviewed."""
        return self.final if self.reviewed else None

    @property
    def final_total(self) -> Decimal | None:
        total = self.reviewed_total
        return total.points + total.bonus if total else None


@dataclass
class BlocRound:
    rubric: Rubric
    bloc_year: BlocYear
    rtree: RubricTree
    members: list[Member]
    quotas: list[rollup.Quota]

    @property
    def ranked(self) -> list[Member]:
        return sorted((m for m in self.members if m.rank), key=lambda m: (m.rank, m.agency.name))

    @property
    def sections(self):
        return [c for c in self.rtree.criteria if c.parent_id is None]

    @property
    def missing(self) -> int:
        """Members whose sheet is not accepted yet (not started, typing, submitted or returned)."""
        return sum(not m.accepted for m in self.members)

    @property
    def complete(self) -> bool:
        return bool(self.members) and not self.missing

    @property
    def awards_provisional(self) -> bool:
        """Awards proposed before every member is accepted may still change: they are "tạm tính"."""
        return not self.complete and any(m.award for m in self.members)

    @property
    def provisional_note(self) -> str:
        """What the page and the exports say next to provisional awards."""
        return (
            f"Đề nghị khen thưởng còn tạm tính: {self.missing}/{len(self.members)} thành viên chưa được "
            "duyệt bảng chấm điểm; chỉ đề nghị chính thức khi mọi thành viên đã được duyệt."
        )


def bloc_round(rubric: Rubric, bloc_year: BlocYear) -> BlocRound:
    """Every score row read once and added to its sheet's section sums, the rubric's limits worked out once."""
    rtree = rubric_tree(rubric)
    limits = rollup.limits(rtree.tree)
    members = [m.agency for m in BlocMember.objects.filter(bloc_year=bloc_year).select_related("agency")]
    sheets = {s.agency_id: s for s in Sheet.objects.filter(rubric=rubric).select_related("submitted_by")}
    key_of = {c.pk: c.key for c in rtree.criteria}
    sums = _section_sums(rubric, key_of, limits)
    quotas = (
        [
            rollup.Quota(rule.award, rule.max_count, rule.max_percent, rule.min_total)
            for rule in AwardRule.objects.filter(rubric=rubric).order_by("position")
        ]
        if rubric.round_kind.proposes_awards
        else []  # a round that only ranks (the six-month one): awards come from the year-end ranking
    )
    result = rank_members(sorted(members, key=lambda a: a.name), sheets, sums, limits, quotas)
    return BlocRound(rubric=rubric, bloc_year=bloc_year, rtree=rtree, members=result, quotas=quotas)


def rank_members(agencies, sheets: dict, sums: dict, limits, quotas) -> list[Member]:
    """Each agency's Member (its sheet from `sheets` by agency pk, its SheetSums from `sums` by sheet pk), the
    accepted ones ranked and awarded."""
    result = []
    standings = []
    for agency in agencies:
        member = Member(agency=agency, sheet=sheets.get(agency.pk))
        if member.shown:
            found = sums.get(member.sheet.pk) or SheetSums.empty(limits)
            member.own, member.final = found.own.total, found.final.total
            member.sections, member.section_bonus = found.final.points, found.final.bonus
            member.has_reviewed_numbers = found.reviewed
            if member.accepted:
                first = member.sections[0] if member.sections else Decimal(0)
                standings.append(
                    rollup.Standing(agency.pk, agency.name, member.final.points, member.final.bonus, first)
                )
        result.append(member)
    ranked = rollup.rank(standings)
    awards = rollup.propose_awards(ranked, quotas, members=len(agencies))
    by_agency = {m.agency.pk: m for m in result}
    for position, standing in ranked:
        by_agency[standing.key].rank = position
        by_agency[standing.key].award = awards.get(standing.key, "")
    return result


@dataclass
class SheetSums:
    """One sheet's sums as the bloc sees them: its own per section, its final (reviewed-else-own) ones and
    whether any criterion carries a reviewed number; So sánh các năm also notes its rubric and whether it
    is a draft."""

    own: rollup.SectionSums
    final: rollup.SectionSums
    reviewed: bool = False
    rubric_id: int | None = None
    draft: bool = False

    @classmethod
    def empty(cls, limits: rollup.Limits, **noted) -> "SheetSums":
        return cls(rollup.SectionSums(limits), rollup.SectionSums(limits), **noted)

    def add(self, key: str, points, bonus, reviewed_points, reviewed_bonus) -> None:
        self.own.add(key, points, bonus)
        final_points = rollup.reviewed_or_own(points, reviewed_points)
        self.final.add(key, final_points, rollup.reviewed_or_own(bonus, reviewed_bonus))
        self.reviewed = self.reviewed or reviewed_points is not None or reviewed_bonus is not None


def _section_sums(rubric: Rubric, key_of: dict[int, str], limits: rollup.Limits) -> dict[int, SheetSums]:
    """Each sheet the bloc sees, by pk: its SheetSums, in one query."""
    sums: dict[int, SheetSums] = {}
    for sheet_id, criterion_id, points, bonus, r_points, r_bonus in Score.objects.filter(
        sheet__rubric=rubric, sheet__status__in=Sheet.SEEN_BY_BLOC
    ).values_list("sheet_id", "criterion_id", "points", "bonus", "reviewed_points", "reviewed_bonus"):
        found = sums.get(sheet_id)
        if found is None:
            found = sums[sheet_id] = SheetSums.empty(limits)
        found.add(key_of[criterion_id], points, bonus, r_points, r_bonus)
    return sums
