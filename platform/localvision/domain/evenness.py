"""How evenly something is spread across organisations or sectors.

The summary states the measure it uses: normalised Shannon entropy, 1 when every
participant gives the same, 0 when one gives everything. 1 − Gini is given beside it
for readers who know inequality measures from public health.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Iterable

Number = int | float | Decimal


def shannon_evenness(amounts: Iterable[Number]) -> float | None:
    """Entropy of the shares divided by its maximum, log(n), over the n participants.

    Participants who gave nothing count: a partnership of ten where one gives all scores 0.
    None when there is nothing to spread (no participants, or every amount is zero).
    """
    values = [float(amount) for amount in amounts]
    if any(value < 0 for value in values):
        raise ValueError("amounts cannot be negative")
    total = sum(values)
    if not values or total == 0:
        return None
    if len(values) == 1:
        return 1.0
    entropy = -sum((value / total) * math.log(value / total) for value in values if value > 0)
    return entropy / math.log(len(values))


def one_minus_gini(amounts: Iterable[Number]) -> float | None:
    """1 − the Gini coefficient of the amounts: 1 for perfect equality, near 0 when one holds all."""
    values = sorted(float(amount) for amount in amounts)
    if any(value < 0 for value in values):
        raise ValueError("amounts cannot be negative")
    total = sum(values)
    if not values or total == 0:
        return None
    count = len(values)
    weighted = sum((index + 1) * value for index, value in enumerate(values))
    gini = (2 * weighted) / (count * total) - (count + 1) / count
    return 1 - gini
