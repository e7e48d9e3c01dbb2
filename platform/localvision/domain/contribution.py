"""Contribution maths on figures already aggregated by the database.

Decisions are grouped by the set of sectors that funded them, written as a bit mask (one bit
per sector): a partnership has at most a few hundred distinct sets however many decisions it
takes, so the pair matrix and the cross-sector share are worked out here from those groups.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Hashable, Iterable, Mapping, Sequence, TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class SectorSetGroup:
    mask: int  # bit i set: sector i of the ordered sector list funded these decisions
    decisions: int
    amount: Decimal


def share(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part / whole, or None when there is no whole to take a share of."""
    return float(part) / float(whole) if whole else None


def shares(amounts: Mapping[Key, int | Decimal]) -> dict[Key, float | None]:
    total = sum(amounts.values(), Decimal(0))
    return {key: share(amount, total) for key, amount in amounts.items()}


def sectors_in(mask: int, sectors: Sequence[Key]) -> list[Key]:
    return [sector for index, sector in enumerate(sectors) if mask & (1 << index)]


def cross_sector_decisions(groups: Iterable[SectorSetGroup]) -> int:
    """Decisions funded by two or more sectors."""
    return sum(group.decisions for group in groups if group.mask.bit_count() >= 2)


def decisions_by_sector(groups: Iterable[SectorSetGroup], sectors: Sequence[Key]) -> dict[Key, int]:
    """Decisions each sector helped fund, counting a decision once however many of its organisations gave."""
    counts: dict[Key, int] = {}
    for group in groups:
        for sector in sectors_in(group.mask, sectors):
            counts[sector] = counts.get(sector, 0) + group.decisions
    return counts


def sector_pairs(groups: Iterable[SectorSetGroup], sectors: Sequence[Key]) -> dict[tuple[Key, Key], tuple[int, Decimal]]:
    """For each pair of sectors, the decisions both funded and those decisions' whole value.

    A decision funded by three sectors counts once for each of its three pairs.
    """
    matrix: dict[tuple[Key, Key], tuple[int, Decimal]] = {}
    for group in groups:
        for pair in combinations(sectors_in(group.mask, sectors), 2):
            decisions, amount = matrix.get(pair, (0, Decimal(0)))
            matrix[pair] = (decisions + group.decisions, amount + group.amount)
    return matrix
