"""The partnership health check: how answers are grouped so nobody is exposed, the figures
of each group, and whether a change since the last round is more than noise.

Anonymity rule (the page states it in plain words; every view, download and API document
is built from the same groups, so none can be combined with another to expose anyone):

1. Answers carry no link to the person who gave them, only their organisation and its
   sector. A round's results exist only once it has closed, so nobody can watch the
   figures move as one person answers.
2. Every figure shown is for a *cell* of at least ``MINIMUM_ANSWERS`` answers, and the
   cells are one partition of the round's answers, built once:

   - within each sector, an organisation with at least three answers is a cell of its
     own; its sector's smaller organisations are pooled into one cell. If that pool
     would hold one or two answers, the sector's smallest organisations are added to it
     until it holds three (so "the sector minus the organisations shown" never leaves
     one or two people);
   - a sector with fewer than three answers in all joins one cross-sector cell ("other
     sectors"); if that cell would hold one or two answers, the smallest whole sectors
     join it until it holds three;
   - a round with fewer than three answers in all shows nothing.

3. Views are unions of cells: "by organisation" shows the organisations that are cells,
   and "other partners" for all the rest; "by sector" shows the sectors outside the
   cross-sector cell, and "other sectors" for it; "all partners" is every cell. The
   difference of any two figures shown is again a union of whole cells, so subtracting
   one view from another can never isolate fewer than three answers.
4. Comments are shown without organisation or sector, only for the whole round (at
   least three answers), in alphabetical order rather than the order they were written.
5. Rounds are separate sets of answers with no link between them, so comparing rounds
   compares groups, never a person with themselves.

Known limits, which no grouping rule can remove without adding noise to the figures (and
so making them less honest wherever the case does not arise): comparing two rounds could
give away a newcomer's answer if every other person of their group repeated all nine
ratings exactly; and when every person in a cell gives the same rating, the cell's
figures say what each of them answered.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from localvision.domain.vocabulary import HealthStatement

MINIMUM_ANSWERS = 3
RATINGS = (1, 2, 3, 4, 5)
# Splits of two rounds' answers enumerated exactly up to this many; beyond it, sampled.
EXACT_SPLITS_UP_TO = 20_000
RANDOM_SPLITS = 5_000
SIGNIFICANCE_LEVEL = 0.05

OTHER_SECTORS = "other sectors"


@dataclass(frozen=True)
class Partition:
    """Which cell each organisation's answers fall in.

    ``organisations_shown``: organisations that are a cell of their own.
    ``sectors_shown``: sectors outside the cross-sector cell.
    ``cell_of``: organisation id → cell key: ``("organisation", id)``, ``("sector", sector)``
    for a sector's pool of smaller organisations, or ``("other sectors",)``.
    ``suppressed``: fewer than the minimum in all; nothing is shown.
    """

    organisations_shown: tuple[int, ...]
    sectors_shown: tuple[str, ...]
    cell_of: Mapping[int, tuple]
    suppressed: bool


def partition(answers_by_organisation: Mapping[int, tuple[str, int]], minimum: int = MINIMUM_ANSWERS) -> Partition:
    """Group a round's answers into cells of at least ``minimum`` answers.

    ``answers_by_organisation`` maps an organisation id to its sector and its number of
    answers. Ties are broken by id and sector name, so the same answers always give the
    same cells."""
    counts = {org: (sector, n) for org, (sector, n) in answers_by_organisation.items() if n > 0}
    total = sum(n for _, n in counts.values())
    if total < minimum:
        return Partition((), (), {org: (OTHER_SECTORS,) for org in counts}, suppressed=True)

    by_sector: dict[str, list[int]] = {}
    for org, (sector, _) in counts.items():
        by_sector.setdefault(sector, []).append(org)

    def size(orgs: Iterable[int]) -> int:
        return sum(counts[org][1] for org in orgs)

    # Within each sector: organisations of their own, and a pool of at least ``minimum`` or none.
    sector_cells: dict[str, tuple[list[int], list[int]]] = {}
    pooled_sectors: list[str] = []
    for sector, orgs in sorted(by_sector.items()):
        own = sorted((org for org in orgs if counts[org][1] >= minimum), key=lambda org: (counts[org][1], -org))
        pool = [org for org in orgs if counts[org][1] < minimum]
        while 0 < size(pool) < minimum and own:
            pool.append(own.pop(0))  # the smallest, latest-registered organisation first
        if size(own) + size(pool) < minimum:
            pooled_sectors.append(sector)
        else:
            sector_cells[sector] = (own, pool)

    # Across sectors: the small sectors' cell holds at least ``minimum`` or nothing.
    while 0 < size(org for sector in pooled_sectors for org in by_sector[sector]) < minimum and sector_cells:
        smallest = min(sector_cells, key=lambda sector: (size(by_sector[sector]), sector))
        del sector_cells[smallest]
        pooled_sectors.append(smallest)

    cell_of: dict[int, tuple] = {}
    for sector in pooled_sectors:
        for org in by_sector[sector]:
            cell_of[org] = (OTHER_SECTORS,)
    for sector, (own, pool) in sector_cells.items():
        for org in own:
            cell_of[org] = ("organisation", org)
        for org in pool:
            cell_of[org] = ("sector", sector)
    return Partition(
        organisations_shown=tuple(sorted(org for own, _ in sector_cells.values() for org in own)),
        sectors_shown=tuple(sorted(sector_cells)),
        cell_of=cell_of,
        suppressed=False,
    )


@dataclass(frozen=True)
class StatementFigures:
    """One statement's answers in one group: how many, the mean, how many gave each rating,
    and the share agreeing (4 or 5)."""

    answers: int
    mean: float | None
    counts: tuple[int, int, int, int, int]
    agreeing_share: float | None


def statement_figures(ratings: Sequence[int]) -> StatementFigures:
    if any(rating not in RATINGS for rating in ratings):
        raise ValueError("ratings are whole numbers from 1 to 5")
    n = len(ratings)
    counts = tuple(sum(1 for rating in ratings if rating == value) for value in RATINGS)
    return StatementFigures(
        answers=n,
        mean=sum(ratings) / n if n else None,
        counts=counts,  # type: ignore[arg-type]
        agreeing_share=(counts[3] + counts[4]) / n if n else None,
    )


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def permutation_p_value(before: Sequence[int], after: Sequence[int], *, seed: int = 0,
                        exact_up_to: int = EXACT_SPLITS_UP_TO, random_splits: int = RANDOM_SPLITS) -> float | None:
    """Two-sided permutation test of the difference in means (after − before).

    If nothing had changed, which round an answer came from would not matter: every way of
    splitting the pooled answers into groups of the two rounds' sizes would be as likely as
    the real split. The p-value is the share of splits whose means differ by at least as
    much as the real ones. All splits are counted when there are at most ``exact_up_to``;
    otherwise ``random_splits`` are drawn (with a fixed seed, so a result never changes on
    recomputing) and the real split counts as one of them, so p is never 0.
    None when either round has no answers."""
    if not before or not after:
        return None
    # Sorted, so the drawn splits depend on the answers alone, not on the order they were read in.
    pooled = sorted(before) + sorted(after)
    total, n_after = sum(pooled), len(after)
    n_before = len(before)
    observed = abs(_mean(after) - _mean(before))
    tolerance = 1e-9

    def difference(after_sum: int) -> float:
        return abs(after_sum / n_after - (total - after_sum) / n_before)

    splits = math.comb(len(pooled), n_after)
    if splits <= exact_up_to:
        extreme = sum(1 for chosen in itertools.combinations(pooled, n_after)
                      if difference(sum(chosen)) >= observed - tolerance)
        return extreme / splits
    generator = random.Random(seed)
    extreme = sum(1 for _ in range(random_splits)
                  if difference(sum(generator.sample(pooled, n_after))) >= observed - tolerance)
    return (extreme + 1) / (random_splits + 1)


def holm_adjusted(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment, so that asking about nine statements at once does not
    make a chance difference look real: the smallest p is multiplied by the number of
    tests, the next by one fewer, and so on, never decreasing and never above 1."""
    present = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    m = len(present)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


@dataclass(frozen=True)
class Change:
    """A statement's change in mean since the last round, and whether it is more than noise."""

    difference: float | None
    p_value: float | None
    adjusted_p_value: float | None
    more_than_noise: bool = field(default=False)


def changes(before: Mapping[str, Sequence[int]], after: Mapping[str, Sequence[int]],
            statements: Sequence[str]) -> dict[str, Change]:
    """Each statement's change from ``before`` to ``after``, tested by permutation and
    adjusted across statements by Holm's method."""
    raw = [permutation_p_value(before.get(statement, ()), after.get(statement, ()), seed=index)
           for index, statement in enumerate(statements)]
    adjusted = holm_adjusted(raw)
    result = {}
    for statement, p, adjusted_p in zip(statements, raw, adjusted):
        old, new = before.get(statement, ()), after.get(statement, ())
        difference = _mean(new) - _mean(old) if old and new else None
        result[statement] = Change(difference, p, adjusted_p,
                                   more_than_noise=adjusted_p is not None and adjusted_p < SIGNIFICANCE_LEVEL)
    return result


@dataclass(frozen=True)
class Spread:
    """Where the sectors see a statement most differently: the highest and lowest sector means."""

    highest_sector: str
    highest_mean: float
    lowest_sector: str
    lowest_mean: float

    @property
    def gap(self) -> float:
        return self.highest_mean - self.lowest_mean


def spread(sector_means: Mapping[str, float | None]) -> Spread | None:
    """The gap between the highest and lowest sector means; None with fewer than two sectors."""
    means = sorted(((mean, sector) for sector, mean in sector_means.items() if mean is not None),
                   key=lambda pair: (-pair[0], pair[1]))
    if len(means) < 2:
        return None
    (high, high_sector), (low, low_sector) = means[0], means[-1]
    return Spread(high_sector, high, low_sector, low)


# What opening a round and answering it need. Each rule is here once: the service refuses
# with its words and the form shows them before anything is saved.
TITLE_LENGTH = 200
TITLE_NEEDED = "Enter a title for the round"
TITLE_TOO_LONG = f"Title must be {TITLE_LENGTH} characters or fewer"
COMMENT_LENGTH = 2000
COMMENT_TOO_LONG = f"Comments must be {COMMENT_LENGTH:,} characters or fewer"


def rating_needed(statement: HealthStatement) -> str:
    return f"Choose how far you agree: {statement.short_label}"
