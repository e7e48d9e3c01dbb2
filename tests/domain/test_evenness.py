import math
from decimal import Decimal

import pytest

from localvision.domain.evenness import one_minus_gini, shannon_evenness


def test_equal_shares_are_perfectly_even():
    assert shannon_evenness([Decimal("100.00")] * 4) == pytest.approx(1.0)
    assert one_minus_gini([5, 5, 5, 5]) == pytest.approx(1.0)


def test_one_giver_among_many_is_not_even():
    assert shannon_evenness([1000, 0, 0, 0]) == pytest.approx(0.0)
    assert one_minus_gini([1000, 0, 0, 0]) == pytest.approx(0.25)  # Gini of 0.75 for n = 4


def test_hand_computed_shares():
    # shares 1/2, 1/4, 1/4: entropy = 1.5 ln 2, maximum ln 3
    assert shannon_evenness([2, 1, 1]) == pytest.approx(1.5 * math.log(2) / math.log(3))
    # Gini of (1, 1, 2): mean absolute difference 4/9 over twice the mean 8/3 -> 1/6
    assert one_minus_gini([1, 1, 2]) == pytest.approx(5 / 6)


@pytest.mark.parametrize("measure", [shannon_evenness, one_minus_gini])
def test_nothing_to_spread_has_no_measure(measure):
    assert measure([]) is None
    assert measure([0, 0]) is None


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        shannon_evenness([1, -1])
