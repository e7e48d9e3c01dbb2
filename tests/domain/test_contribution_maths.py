from decimal import Decimal

from localvision.domain.contribution import (
    SectorSetGroup,
    cross_sector_decisions,
    decisions_by_sector,
    sector_pairs,
    sectors_in,
    share,
    shares,
)

SECTORS = ["health", "council", "police", "charity"]
HEALTH, COUNCIL, POLICE, CHARITY = (1 << index for index in range(4))


def test_sectors_are_read_from_the_mask_in_list_order():
    assert sectors_in(HEALTH | POLICE, SECTORS) == ["health", "police"]
    assert sectors_in(0, SECTORS) == []


def test_only_decisions_funded_by_two_or_more_sectors_cross_boundaries():
    groups = [SectorSetGroup(HEALTH, 4, Decimal("100")), SectorSetGroup(HEALTH | COUNCIL, 2, Decimal("50")),
              SectorSetGroup(HEALTH | COUNCIL | CHARITY, 1, Decimal("30"))]
    assert cross_sector_decisions(groups) == 3


def test_a_decision_of_three_sectors_counts_once_for_each_of_its_pairs():
    groups = [SectorSetGroup(HEALTH | COUNCIL | CHARITY, 1, Decimal("30.50")),
              SectorSetGroup(HEALTH | COUNCIL, 2, Decimal("100.00")), SectorSetGroup(POLICE, 5, Decimal("9"))]
    assert sector_pairs(groups, SECTORS) == {
        ("health", "council"): (3, Decimal("130.50")),
        ("health", "charity"): (1, Decimal("30.50")),
        ("council", "charity"): (1, Decimal("30.50")),
    }
    assert decisions_by_sector(groups, SECTORS) == {"health": 3, "council": 3, "charity": 1, "police": 5}


def test_shares_are_exact_fractions_of_the_whole_and_none_of_nothing():
    assert shares({"a": Decimal("30"), "b": Decimal("10")}) == {"a": 0.75, "b": 0.25}
    assert shares({"a": Decimal("0")}) == {"a": None}
    assert share(0, 0) is None
