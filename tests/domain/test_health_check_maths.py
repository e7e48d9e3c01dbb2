"""The health check's grouping rule and statistics, on data worked by hand."""
import itertools

import pytest

from localvision.domain.health_checks import (
    OTHER_SECTORS,
    changes,
    holm_adjusted,
    partition,
    permutation_p_value,
    spread,
    statement_figures,
)


def cells_of(result):
    cells = {}
    for org, cell in result.cell_of.items():
        cells.setdefault(cell, set()).add(org)
    return cells


def test_organisations_of_three_or_more_are_shown_and_the_rest_pooled_by_sector():
    # NHS: 1 has 5, 2 has 1, 3 has 2 -> 1 shown, pool {2, 3} of 3.
    result = partition({1: ("nhs", 5), 2: ("nhs", 1), 3: ("nhs", 2), 4: ("police", 4)})
    assert result.organisations_shown == (1, 4)
    assert result.sectors_shown == ("nhs", "police")
    assert cells_of(result) == {("organisation", 1): {1}, ("sector", "nhs"): {2, 3}, ("organisation", 4): {4}}


def test_a_pool_of_one_or_two_takes_in_the_sectors_smallest_organisation():
    # Council: 1 has 6, 2 has 3, 3 has 1. Showing 1 and 2 would let "council minus 1 minus 2"
    # expose organisation 3's single answer, so 2 (the smaller) joins the pool: {2, 3} = 4.
    result = partition({1: ("local_authority", 6), 2: ("local_authority", 3), 3: ("local_authority", 1)})
    assert result.organisations_shown == (1,)
    assert cells_of(result) == {("organisation", 1): {1}, ("sector", "local_authority"): {2, 3}}


def test_small_sectors_join_one_cross_sector_cell_of_at_least_three():
    # Police has 1, housing 1: together 2, too few; the smallest whole sector (fire, 3) joins them.
    result = partition({1: ("police", 1), 2: ("housing", 1), 3: ("fire_and_rescue", 3), 4: ("nhs", 7)})
    assert result.sectors_shown == ("nhs",)
    assert result.organisations_shown == (4,)
    assert cells_of(result) == {(OTHER_SECTORS,): {1, 2, 3}, ("organisation", 4): {4}}


def test_fewer_than_three_answers_in_all_shows_nothing():
    assert partition({1: ("nhs", 1), 2: ("police", 1)}).suppressed
    assert not partition({1: ("nhs", 1), 2: ("police", 2)}).suppressed


def test_no_difference_of_views_isolates_fewer_than_three_answers():
    """Every combination of small organisations: each figure shown is a union of cells,
    and every cell holds at least three answers."""
    sectors = ["nhs", "nhs", "police", "police", "voluntary_and_community"]
    for sizes in itertools.product(range(0, 5), repeat=len(sectors)):
        counts = {org: (sectors[org], n) for org, n in enumerate(sizes) if n}
        result = partition(counts)
        if result.suppressed:
            assert sum(sizes) < 3
            continue
        for members in cells_of(result).values():
            assert sum(counts[org][1] for org in members) >= 3, (sizes, result)
        # An organisation shown on its own is a cell on its own; a sector shown is whole cells.
        for org in result.organisations_shown:
            assert result.cell_of[org] == ("organisation", org)
        for org, (sector, _) in counts.items():
            assert (sector in result.sectors_shown) == (result.cell_of[org] != (OTHER_SECTORS,))


def test_statement_figures_by_hand():
    figures = statement_figures([5, 4, 4, 2, 1])
    assert figures.answers == 5
    assert figures.mean == pytest.approx(16 / 5)
    assert figures.counts == (1, 1, 0, 2, 1)
    assert figures.agreeing_share == pytest.approx(3 / 5)
    with pytest.raises(ValueError):
        statement_figures([6])


def test_exact_permutation_test_worked_by_hand():
    # Pooled {1, 2, 4, 5}; 6 ways to pick the later round's two. Their differences in means:
    # {4,5} +3, {1,2} -3, {1,4} -1, {2,5} +1, {1,5} 0, {2,4} 0. Two of six reach |3|.
    assert permutation_p_value([1, 2], [4, 5]) == pytest.approx(2 / 6)
    # Nothing changed: every split is as extreme as the real one.
    assert permutation_p_value([3, 3, 3], [3, 3, 3]) == 1.0
    # {1,1,1} then {5,5,5}: only the real split and its mirror of C(6,3)=20 reach |4|.
    assert permutation_p_value([1, 1, 1], [5, 5, 5]) == pytest.approx(2 / 20)
    assert permutation_p_value([], [4]) is None


def test_sampled_permutation_test_is_repeatable_and_close_to_exact():
    before, after = [2, 3, 3, 2, 4, 3, 2, 3, 3, 2], [4, 4, 3, 5, 4, 3, 4, 5, 4, 4]
    exact = permutation_p_value(before, after, exact_up_to=10**6)
    sampled = permutation_p_value(before, after, exact_up_to=10, random_splits=4000, seed=7)
    assert sampled == permutation_p_value(before, after, exact_up_to=10, random_splits=4000, seed=7)
    assert sampled == pytest.approx(exact, abs=0.01)
    assert exact < 0.01


def test_holm_adjustment_by_hand():
    # Sorted 0.01, 0.03, 0.04 times 3, 2, 1 -> 0.03, 0.06, 0.04 -> never decreasing: 0.03, 0.06, 0.06.
    assert holm_adjusted([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm_adjusted([0.5, None, 0.9]) == [1.0, None, 1.0]


def test_changes_mark_only_adjusted_differences_below_five_percent():
    before = {"direction": [1, 1, 1, 1, 2], "alignment": [3, 3, 4]}
    after = {"direction": [5, 5, 4, 5, 5], "alignment": [3, 4, 3]}
    result = changes(before, after, ["direction", "alignment"])
    # direction: C(10,5) = 252 splits; only the real one and its mirror reach |3.6|.
    assert result["direction"].difference == pytest.approx(3.6)
    assert result["direction"].p_value == pytest.approx(2 / 252)
    assert result["direction"].adjusted_p_value == pytest.approx(4 / 252)
    assert result["direction"].more_than_noise
    assert result["alignment"].difference == pytest.approx(0)
    assert not result["alignment"].more_than_noise


def test_spread_between_sectors():
    result = spread({"nhs": 4.2, "police": 2.5, "voluntary_and_community": 3.0, "housing": None})
    assert (result.highest_sector, result.lowest_sector) == ("nhs", "police")
    assert result.gap == pytest.approx(1.7)
    assert spread({"nhs": 4.0}) is None
