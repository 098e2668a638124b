"""Score arithmetic over plain values: sums, caps, the average rule, rubric consistency, ranking.

No database here. A rubric is a list of `Node`s in document order; a sheet is a dict of `Entry`s by key.

Bonus points sit where the rubric puts them: a node whose children carry no bonus owns its bonus
(criterion 1 of Nội dung 1 owns 20 although its sub-criteria carry none); a node whose children carry
bonus only sums theirs (a section's 30 is 20 + 2 + 2 + 2 + 2 + 2).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Node:
    key: str
    parent: str | None
    label: str
    max_points: Decimal
    max_bonus: Decimal = ZERO
    # Best points a choice can give (the top tier, or the components' top ratings added up), and what the
    # stated maximum is then compared with, in words; None where the points are typed.
    choice_max: Decimal | None = None
    choice_words: str = ""


@dataclass(frozen=True)
class Entry:
    points: Decimal | None = None
    bonus: Decimal | None = None


@dataclass(frozen=True)
class Total:
    points: Decimal = ZERO
    bonus: Decimal = ZERO

    def __add__(self, other: "Total") -> "Total":
        return Total(self.points + other.points, self.bonus + other.bonus)


@dataclass(frozen=True)
class Mismatch:
    key: str
    label: str
    what: str
    stated: Decimal
    computed: Decimal


@dataclass
class Tree:
    nodes: Sequence[Node]
    children: dict[str | None, list[Node]] = field(init=False)
    by_key: dict[str, Node] = field(init=False)

    def __post_init__(self):
        self.children = defaultdict(list)
        self.by_key = {}
        for node in self.nodes:
            self.children[node.parent].append(node)
            self.by_key[node.key] = node

    def node(self, key: str) -> Node:
        return self.by_key[key]

    @property
    def roots(self) -> list[Node]:
        return self.children[None]

    def own_bonus_max(self, node: Node) -> Decimal:
        """The bonus entered on this node itself: zero where its children carry the bonus."""
        if any(child.max_bonus for child in self.children[node.key]):
            return ZERO
        return node.max_bonus

    def is_leaf(self, key: str) -> bool:
        return not self.children[key]


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def component_points(ratings: Sequence[Decimal | None]) -> Decimal:
    """Points of a components criterion; `None` is an organisation the agency does not have.

    A missing organisation gets the average of those the agency has. The page scripts' copy, for their
    running totals, is `average` in static/js/rules.js.
    """
    present = [r for r in ratings if r is not None]
    if not present:
        return ZERO
    average = sum(present, ZERO) / len(present)
    return quantize(sum(present, ZERO) + average * (len(ratings) - len(present)))


def reviewed_or_own(own: Decimal | None, reviewed: Decimal | None) -> Decimal | None:
    """What counts once a sheet is reviewed: the reviewer's number where they wrote one, else the agency's."""
    return reviewed if reviewed is not None else own


def final_entry(points, bonus, reviewed_points, reviewed_bonus) -> Entry:
    return Entry(reviewed_or_own(points, reviewed_points), reviewed_or_own(bonus, reviewed_bonus))


def cap(value: Decimal | None, maximum: Decimal) -> Decimal:
    if value is None:
        return ZERO
    return min(max(value, ZERO), maximum)


def rollup(tree: Tree, entries: Mapping[str, Entry], *, capped: bool = True) -> dict[str, Total]:
    """Totals of every node: leaves from their entries, parents as sums of their children.

    With `capped`, a value above its maximum counts as the maximum (the way totals are reported
    while an over-maximum value is still being corrected).
    """
    totals: dict[str, Total] = {}

    def clip(value: Decimal | None, maximum: Decimal) -> Decimal:
        if capped:
            return cap(value, maximum)
        return value or ZERO

    def visit(node: Node) -> Total:
        entry = entries.get(node.key, Entry())
        kids = tree.children[node.key]
        own_bonus_max = tree.own_bonus_max(node)
        own_bonus = clip(entry.bonus, own_bonus_max) if own_bonus_max else ZERO
        if kids:
            total = Total(ZERO, own_bonus)
            for kid in kids:
                total = total + visit(kid)
        else:
            total = Total(clip(entry.points, node.max_points), own_bonus)
        totals[node.key] = total
        return total

    for root in tree.roots:
        visit(root)
    return totals


def grand_total(tree: Tree, totals: Mapping[str, Total]) -> Total:
    result = Total()
    for root in tree.roots:
        result = result + totals[root.key]
    return result


def rubric_totals(tree: Tree) -> Total:
    """What the rubric says it is worth: its sections' stated maxima added up."""
    return Total(
        sum((root.max_points for root in tree.roots), ZERO),
        sum((root.max_bonus for root in tree.roots), ZERO),
    )


def mismatches(tree: Tree) -> list[Mismatch]:
    """Every place where a stated maximum disagrees with what its parts add up to."""
    found: list[Mismatch] = []
    for node in tree.nodes:
        kids = tree.children[node.key]
        if kids:
            child_points = sum((k.max_points for k in kids), ZERO)
            if child_points != node.max_points:
                found.append(Mismatch(node.key, node.label, "điểm chuẩn", node.max_points, child_points))
            child_bonus = sum((k.max_bonus for k in kids), ZERO)
            if child_bonus and child_bonus != node.max_bonus:
                found.append(Mismatch(node.key, node.label, "điểm thưởng", node.max_bonus, child_bonus))
        elif node.choice_max is not None and node.choice_max != node.max_points:
            found.append(Mismatch(node.key, node.label, node.choice_words, node.max_points, node.choice_max))
    return found


# ---------------------------------------------------------------- sections in one pass


@dataclass(frozen=True)
class Limits:
    """Where each entry counts, worked out once per rubric so that many sheets are summed without walking
    the tree: the section each key adds to, a leaf's points maximum, the bonus a node owns (non-zero only).

    A section's total is the sum of its leaves' capped points and of the capped bonuses owned under it,
    which is what `rollup` gives its roots."""

    sections: int
    section_of: dict[str, int]
    leaf_max: dict[str, Decimal]
    own_bonus: dict[str, Decimal]


def limits(tree: Tree) -> Limits:
    section_of: dict[str, int] = {}
    for index, root in enumerate(tree.roots):
        stack = [root]
        while stack:
            node = stack.pop()
            section_of[node.key] = index
            stack.extend(tree.children[node.key])
    return Limits(
        sections=len(tree.roots),
        section_of=section_of,
        leaf_max={n.key: n.max_points for n in tree.nodes if not tree.children[n.key]},
        own_bonus={n.key: b for n in tree.nodes if (b := tree.own_bonus_max(n))},
    )


class SectionSums:
    """One sheet's capped totals per section, fed entry by entry (each key at most once)."""

    __slots__ = ("limits", "points", "bonus")

    def __init__(self, limits_: Limits):
        self.limits = limits_
        self.points = [ZERO] * limits_.sections
        self.bonus = [ZERO] * limits_.sections

    def add(self, key: str, points: Decimal | None, bonus: Decimal | None) -> None:
        section = self.limits.section_of.get(key)
        if section is None:
            return
        maximum = self.limits.leaf_max.get(key)
        if maximum is not None:
            self.points[section] += cap(points, maximum)
        owned = self.limits.own_bonus.get(key)
        if owned is not None:
            self.bonus[section] += cap(bonus, owned)

    @property
    def sections(self) -> list[Total]:
        return [Total(p, b) for p, b in zip(self.points, self.bonus, strict=True)]

    @property
    def total(self) -> Total:
        return Total(sum(self.points, ZERO), sum(self.bonus, ZERO))


# ---------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Standing:
    """One agency's final numbers: reviewed where reviewed, else its own."""

    key: object
    name: str
    points: Decimal
    bonus: Decimal
    first_section: Decimal  # points of Nội dung 1, the second tie-breaker

    @property
    def total(self) -> Decimal:
        return self.points + self.bonus


def tie_key(standing: Standing) -> tuple:
    """The tie rule: the higher total (standard + bonus) first; on equal totals the higher standard total
    (earned, not bonus); then the higher score of Nội dung 1. Agencies still equal share a rank."""
    return (-standing.total, -standing.points, -standing.first_section)


def rank(standings: Iterable[Standing]) -> list[tuple[int, Standing]]:
    """Competition ranking (1, 2, 2, 4); equal agencies are listed by name."""
    ordered = sorted(standings, key=lambda s: (tie_key(s), s.name))
    ranked: list[tuple[int, Standing]] = []
    for position, standing in enumerate(ordered, start=1):
        if ranked and tie_key(ranked[-1][1]) == tie_key(standing):
            ranked.append((ranked[-1][0], standing))
        else:
            ranked.append((position, standing))
    return ranked


@dataclass(frozen=True)
class Quota:
    award: str
    max_count: int | None = None
    max_percent: Decimal | None = None
    min_total: Decimal | None = None

    def limit(self, members: int) -> int:
        limits = [members]
        if self.max_count is not None:
            limits.append(self.max_count)
        if self.max_percent is not None:
            limits.append(int(members * self.max_percent / 100))
        return min(limits)


def propose_awards(ranked: list[tuple[int, Standing]], quotas: Sequence[Quota], members: int) -> dict:
    """Award by rank order, each quota taking the next agencies while it has room.

    A group of agencies tied on the quota's boundary is never split: if all of them do not fit, none of
    them gets that award (they go on to the next one).
    """
    proposals: dict = {}
    queue = list(ranked)
    for quota in quotas:
        room = quota.limit(members)
        while queue and room > 0:
            tied = [entry for entry in queue if entry[0] == queue[0][0]]
            eligible = quota.min_total is None or tied[0][1].total >= quota.min_total
            if not eligible or len(tied) > room:
                break
            for _, standing in tied:
                proposals[standing.key] = quota.award
            queue = queue[len(tied) :]
            room -= len(tied)
    return proposals
