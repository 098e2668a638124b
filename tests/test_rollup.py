from decimal import Decimal as D

from scoring import rollup
from scoring.rollup import Entry, Node, Total, Tree


def small_tree() -> Tree:
    """Section 1 (100 / 5): criterion 1 (60 / 5, own bonus) = 1.1 (40) + 1.2 (20); criterion 2 (40)."""
    return Tree(
        [
            Node("1", None, "Nội dung 1", D(100), D(5)),
            Node("1:1", "1", "Nội dung 1, tiêu chí 1", D(60), D(5)),
            Node("1:1.1", "1:1", "Nội dung 1, tiêu chí 1.1", D(40)),
            Node("1:1.2", "1:1", "Nội dung 1, tiêu chí 1.2", D(20)),
            Node("1:2", "1", "Nội dung 1, tiêu chí 2", D(40)),
        ]
    )


def test_it_gives_a_missing_organisation_the_average_of_the_others():
    """Hội CCB missing: (20 + 20) / 2 = 20, so 20 + 20 + 20 = 60."""
    assert rollup.component_points([D(20), D(20), None]) == D(60)


def test_it_averages_unequal_ratings_for_a_missing_organisation():
    """Đoàn thanh niên missing: (20 + 15) / 2 = 17,5, so 20 + 17,5 + 15 = 52,5."""
    assert rollup.component_points([D(20), None, D(15)]) == D("52.5")


def test_it_fills_two_missing_organisations_with_the_only_one_there():
    """Only Công đoàn, rated 15: 15 + 15 + 15 = 45."""
    assert rollup.component_points([D(15), None, None]) == D(45)


def test_it_gives_nothing_when_no_organisation_exists():
    assert rollup.component_points([None, None]) == D(0)


def test_it_sums_children_and_keeps_the_bonus_where_it_is_entered():
    """1.1 = 35, 1.2 = 20, 2 = 30 → criterion 1 = 55, section = 85; criterion 1's own bonus 4 reaches the section."""
    tree = small_tree()
    totals = rollup.rollup(
        tree, {"1:1.1": Entry(D(35)), "1:1.2": Entry(D(20)), "1:1": Entry(bonus=D(4)), "1:2": Entry(D(30))}
    )
    assert totals["1:1"] == Total(D(55), D(4))
    assert totals["1"] == Total(D(85), D(4))
    assert rollup.grand_total(tree, totals) == Total(D(85), D(4))


def test_it_counts_a_value_above_its_maximum_at_the_maximum():
    """1.2 typed as 25 (max 20), bonus 9 (max 5): counted 20 and 5."""
    tree = small_tree()
    entries = {"1:1.2": Entry(D(25)), "1:1": Entry(bonus=D(9))}
    assert rollup.rollup(tree, entries)["1"] == Total(D(20), D(5))
    assert rollup.rollup(tree, entries, capped=False)["1"] == Total(D(25), D(9))


def test_it_finds_the_bonus_owner():
    tree = small_tree()
    nodes = {n.key: n for n in tree.nodes}
    assert tree.own_bonus_max(nodes["1"]) == D(0)  # its child carries the bonus
    assert tree.own_bonus_max(nodes["1:1"]) == D(5)


def test_it_reports_each_parent_that_disagrees_with_its_children():
    tree = Tree(
        [
            Node("1", None, "Nội dung 1", D(100), D(3)),
            Node("1:1", "1", "Nội dung 1, tiêu chí 1", D(50), D(2)),
            Node("1:2", "1", "Nội dung 1, tiêu chí 2", D(45), D(2)),
            Node(
                "1:3",
                "1",
                "Nội dung 1, tiêu chí 3",
                D(20),
                choice_max=D(15),
                choice_words="điểm chuẩn so với mức cao nhất",
            ),
        ]
    )
    found = {(m.label, m.what, m.stated, m.computed) for m in rollup.mismatches(tree)}
    assert found == {
        ("Nội dung 1", "điểm chuẩn", D(100), D(115)),
        ("Nội dung 1", "điểm thưởng", D(3), D(4)),
        ("Nội dung 1, tiêu chí 3", "điểm chuẩn so với mức cao nhất", D(20), D(15)),
    }
    assert rollup.rubric_totals(tree) == Total(D(100), D(3))


def standing(name, points, bonus=0, first=0):
    return rollup.Standing(name, name, D(points), D(bonus), D(first))


def test_it_ranks_by_total_then_standard_then_the_first_section():
    """A 940+48=988; B 945+43=988 (more standard points) → B before A; C 930+50=980 and
    D 930+50=980 with Nội dung 1 640 against 650 → D before C; E ties D exactly → shares its rank."""
    ranked = rollup.rank(
        [
            standing("A", 940, 48, 640),
            standing("B", 945, 43, 640),
            standing("C", 930, 50, 640),
            standing("D", 930, 50, 650),
            standing("E", 930, 50, 650),
        ]
    )
    assert [(r, s.name) for r, s in ranked] == [(1, "B"), (2, "A"), (3, "D"), (3, "E"), (5, "C")]


def test_it_proposes_awards_within_their_quotas_without_splitting_a_tie():
    """Cờ: at most 1. Bằng khen: at most 40 % of 5 = 2; D and E tie for places 3–4 but only one place
    is left, so neither gets it."""
    ranked = rollup.rank(
        [
            standing("A", 950, 50),
            standing("B", 949, 50),
            standing("C", 948, 50),
            standing("D", 900, 40),
            standing("E", 900, 40),
        ]
    )
    quotas = [rollup.Quota("Cờ thi đua", max_count=1), rollup.Quota("Bằng khen", max_percent=D(40))]
    assert rollup.propose_awards(ranked, quotas, members=5) == {
        "A": "Cờ thi đua",
        "B": "Bằng khen",
        "C": "Bằng khen",
    }


def test_an_award_needs_its_minimum_total():
    ranked = rollup.rank([standing("A", 800, 0), standing("B", 700, 0)])
    quotas = [rollup.Quota("Bằng khen", max_count=5, min_total=D(750))]
    assert rollup.propose_awards(ranked, quotas, members=2) == {"A": "Bằng khen"}
