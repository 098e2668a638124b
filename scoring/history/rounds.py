"""Many bloc-years' rounds at once, for comparing years: the same numbers as review/standings.py's
`bloc_round` gives for each year, read in a fixed number of queries whatever the number of years and members.

A rubric's limits come from its criteria alone (one query for every year's rubric); the scores of every year
are read once and added to their sheet's section sums. A draft's numbers are read only for the agencies named
in `drafts_of` (the viewer's own agency): the bloc never sees them, and they rank nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .. import rollup
from ..models import AwardRule, BlocMember, BlocYear, Criterion, Rubric, Score, Sheet
from ..review.standings import Member, SheetSums, rank_members


@dataclass(frozen=True)
class Section:
    """A rubric's top-level section: years are compared section by section where key and title agree."""

    key: str
    code: str
    title: str
    max_points: Decimal
    max_bonus: Decimal

    @property
    def label(self) -> str:
        """ "Nội dung 1: Thi đua …" as the rubric writes it (its text usually starts with its code)."""
        if self.title.startswith(self.code):
            return self.title
        return f"{self.code}: {self.title}" if self.code else self.title

    @property
    def identity(self) -> tuple[str, str]:
        return (self.key, " ".join(f"{self.code} {self.title}".split()).casefold())


@dataclass
class YearRound:
    bloc_year: BlocYear
    rubric: Rubric
    sections: list[Section]
    members: list[Member]
    quotas: list[rollup.Quota]
    # the viewer's own drafts: sheet pk → its own sums, never shown to the bloc
    drafts: dict[int, rollup.SectionSums]

    @property
    def year(self) -> int:
        return self.bloc_year.year

    @property
    def complete(self) -> bool:
        return bool(self.members) and all(m.accepted for m in self.members)

    @property
    def awards_provisional(self) -> bool:
        """As standings.BlocRound says it: awards proposed before every member is accepted are "tạm tính"."""
        return not self.complete and any(m.award for m in self.members)

    @property
    def ranked(self) -> list[Member]:
        return sorted((m for m in self.members if m.rank), key=lambda m: (m.rank, m.agency.name))

    def member(self, agency_id: int) -> Member | None:
        return next((m for m in self.members if m.agency.pk == agency_id), None)


def year_rounds(bloc_years: list[BlocYear], *, drafts_of: frozenset[int] = frozenset()) -> list[YearRound]:
    """The rounds of `bloc_years` (with bloc, leader and deputy selected), oldest first; a bloc-year with no
    rubric is left out. Six queries, whatever the number of years and members."""
    if not bloc_years:
        return []
    wanted = {(b.bloc_id, b.year): b for b in bloc_years}
    rubrics = [
        r
        for r in Rubric.objects.year_end()
        .filter(bloc_id__in={b for b, _ in wanted}, year__in={y for _, y in wanted})
        .select_related("bloc")
        if (r.bloc_id, r.year) in wanted
    ]
    rubric_ids = [r.pk for r in rubrics]
    trees = _trees(rubric_ids)
    members: dict[int, list] = {}
    for row in BlocMember.objects.filter(bloc_year__in=[b.pk for b in bloc_years]).select_related("agency"):
        members.setdefault(row.bloc_year_id, []).append(row.agency)
    sheets = {(s.rubric_id, s.agency_id): s for s in Sheet.objects.filter(rubric_id__in=rubric_ids)}
    quotas: dict[int, list[rollup.Quota]] = {}
    for rule in AwardRule.objects.filter(rubric_id__in=rubric_ids).order_by("position"):
        quotas.setdefault(rule.rubric_id, []).append(
            rollup.Quota(rule.award, rule.max_count, rule.max_percent, rule.min_total)
        )
    sums = _sums(rubric_ids, trees, drafts_of)
    result = []
    for rubric in sorted(rubrics, key=lambda r: (r.year, r.bloc.name)):
        bloc_year = wanted[(rubric.bloc_id, rubric.year)]
        _, sections, limits = trees.get(rubric.pk) or ({}, [], rollup.limits(rollup.Tree([])))
        agencies = sorted(members.get(bloc_year.pk, []), key=lambda a: a.name)
        state = _round(rubric, agencies, sheets, sums, limits, quotas.get(rubric.pk, []))
        drafts = {pk: found.own for pk, found in sums.items() if found.rubric_id == rubric.pk and found.draft}
        result.append(YearRound(bloc_year, rubric, sections, state, quotas.get(rubric.pk, []), drafts))
    return result


def _trees(rubric_ids: list[int]) -> dict[int, tuple[dict[int, str], list[Section], rollup.Limits]]:
    """Each rubric's criterion keys by pk, its sections and its limits, from one query."""
    rows: dict[int, list] = {}
    for row in Criterion.objects.filter(rubric_id__in=rubric_ids).order_by("position", "pk"):
        rows.setdefault(row.rubric_id, []).append(row)
    trees = {}
    for rubric_id, criteria in rows.items():
        key_of = {c.pk: c.key for c in criteria}
        nodes = [
            rollup.Node(c.key, key_of.get(c.parent_id), c.code, c.max_points, c.max_bonus) for c in criteria
        ]
        tree = rollup.Tree(nodes)
        by_key = {c.key: c for c in criteria}
        sections = [
            Section(n.key, by_key[n.key].code, by_key[n.key].text, n.max_points, n.max_bonus)
            for n in tree.roots
        ]
        trees[rubric_id] = (key_of, sections, rollup.limits(tree))
    return trees


def _sums(rubric_ids, trees, drafts_of: frozenset[int]) -> dict[int, SheetSums]:
    """sheet pk → its SheetSums, with its rubric and whether it is a draft, in one query."""
    sums: dict[int, SheetSums] = {}
    seen = Q(sheet__status__in=Sheet.SEEN_BY_BLOC) | Q(sheet__agency_id__in=drafts_of)
    rows = Score.objects.filter(seen, sheet__rubric_id__in=rubric_ids).values_list(
        "sheet_id",
        "sheet__rubric_id",
        "sheet__status",
        "criterion_id",
        "points",
        "bonus",
        "reviewed_points",
        "reviewed_bonus",
    )
    for sheet_id, rubric_id, status, criterion_id, points, bonus, r_points, r_bonus in rows:
        key_of, _, limits = trees[rubric_id]
        found = sums.get(sheet_id)
        if found is None:
            draft = status not in Sheet.SEEN_BY_BLOC
            found = sums[sheet_id] = SheetSums.empty(limits, rubric_id=rubric_id, draft=draft)
        found.add(key_of[criterion_id], points, bonus, r_points, r_bonus)
    return sums


def _round(rubric, agencies, sheets, sums, limits, quotas) -> list[Member]:
    """The members of one year, ranked and awarded as standings.bloc_round does it."""
    by_agency = {a.pk: sheets.get((rubric.pk, a.pk)) for a in agencies}
    return rank_members(agencies, by_agency, sums, limits, quotas)
