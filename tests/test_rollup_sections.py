"""The one-pass section sums (rollup.Limits, rollup.SectionSums) against the tree walk (rollup.rollup) they
replace in the ranking: the same numbers, digit for digit, on generated rubrics and sheets."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import rollup
from scoring.rollup import Entry, Node, Tree

AMOUNTS = st.decimals(min_value=-5, max_value=120, places=2, allow_nan=False, allow_infinity=False)
MAXIMA = st.sampled_from([D(0), D(1), D("2.5"), D(10), D(20), D("40.00"), D(100)])


@st.composite
def sheets(draw):
    """A rubric of up to 40 nodes (each node's parent drawn among the nodes before it), and a sheet's entries
    on any of its keys: over and under the maxima, blank, on parents as well as on leaves."""
    count = draw(st.integers(min_value=0, max_value=40))
    nodes = []
    for i in range(count):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        nodes.append(
            Node(
                f"k{i}", None if parent is None else f"k{parent}", f"tiêu chí {i}", draw(MAXIMA), draw(MAXIMA)
            )
        )
    keys = [n.key for n in nodes]
    entries = {}
    if keys:
        for key in draw(st.lists(st.sampled_from(keys), unique=True)):
            entries[key] = Entry(draw(st.one_of(st.none(), AMOUNTS)), draw(st.one_of(st.none(), AMOUNTS)))
    return Tree(nodes), entries


def walked(tree: Tree, entries: dict[str, Entry]) -> tuple[list[rollup.Total], rollup.Total]:
    """The old path: every node's totals by the tree walk, then the sections and the grand total."""
    totals = rollup.rollup(tree, entries)
    return [totals[root.key] for root in tree.roots], rollup.grand_total(tree, totals)


def summed(tree: Tree, entries: dict[str, Entry]) -> tuple[list[rollup.Total], rollup.Total]:
    sums = rollup.SectionSums(rollup.limits(tree))
    for key, entry in entries.items():
        sums.add(key, entry.points, entry.bonus)
    return sums.sections, sums.total


def same_digits(a: list[rollup.Total], b: list[rollup.Total]) -> bool:
    """Equal and written alike ("40.00" is not "40"): what the tables print must not change either."""
    return [(str(t.points), str(t.bonus)) for t in a] == [(str(t.points), str(t.bonus)) for t in b]


@settings(max_examples=400, deadline=None)
@given(sheets())
def test_it_gives_each_section_what_the_tree_walk_gives(sheet):
    tree, entries = sheet
    (old_sections, old_total), (new_sections, new_total) = walked(tree, entries), summed(tree, entries)
    assert old_sections == new_sections and old_total == new_total
    assert same_digits(old_sections + [old_total], new_sections + [new_total])


def test_it_caps_leaves_and_counts_only_the_bonus_a_node_owns():
    """Section 1 (100 / 5): criterion 1 (60 / 5, owns its bonus) = 1.1 (40) + 1.2 (20); 2 (40).
    1.1 typed 45 → 40, 1.2 typed −3 → 0, 2 = 30; criterion 1's bonus 9 → 5; a bonus on 1.1 (which owns none)
    and points on criterion 1 (a parent) count nothing: 40 + 0 + 30 = 70 / 5."""
    tree = Tree(
        [
            Node("1", None, "Nội dung 1", D(100), D(5)),
            Node("1:1", "1", "Nội dung 1, tiêu chí 1", D(60), D(5)),
            Node("1:1.1", "1:1", "Nội dung 1, tiêu chí 1.1", D(40)),
            Node("1:1.2", "1:1", "Nội dung 1, tiêu chí 1.2", D(20)),
            Node("1:2", "1", "Nội dung 1, tiêu chí 2", D(40)),
        ]
    )
    entries = {
        "1:1.1": Entry(D(45), D(3)),
        "1:1.2": Entry(D(-3)),
        "1:1": Entry(D(50), D(9)),
        "1:2": Entry(D(30)),
    }
    assert (
        summed(tree, entries)
        == walked(tree, entries)
        == ([rollup.Total(D(70), D(5))], rollup.Total(D(70), D(5)))
    )
