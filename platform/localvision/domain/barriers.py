"""Figures of a barrier log: how long the partnership takes to answer and to remove
barriers, by owner organisation and by sector, and how old the open ones are.

Days are calendar days between the dates (raised on Monday, answered on Wednesday: 2),
so every figure can be checked with a calendar. A median of an even count is the mean
of the middle two (3 and 4 days: 3.5).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from localvision.domain.vocabulary import Sector

NOT_ASSIGNED = "Not assigned yet"
# Ages of open barriers, in days since raised: (label, first day, last day or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 2 weeks", 0, 13),
    ("2 to 4 weeks", 14, 27),
    ("4 to 12 weeks", 28, 83),
    ("12 weeks or more", 84, None),
)


@dataclass(frozen=True)
class BarrierDates:
    """What the figures need of one barrier the public may see."""

    raised_on: date
    first_answer_on: date | None
    removed_on: date | None
    is_open: bool
    owner: str | None = None  # the owner organisation's name
    sector: Sector | None = None  # the owner organisation's sector


@dataclass(frozen=True)
class GroupFigures:
    """One row of the figures: all barriers, one owner organisation, or one sector."""

    name: str
    raised: int
    answered: int
    median_days_to_answer: float | None
    removed: int
    median_days_to_removal: float | None
    still_open: int


@dataclass(frozen=True)
class BarrierFigures:
    overall: GroupFigures
    by_owner: list[GroupFigures]
    by_sector: list[GroupFigures]
    open_by_age: list[tuple[str, int]]


def days_between(start: date, end: date) -> int:
    return (end - start).days


def median_days(days: list[int]) -> float | None:
    return float(median(days)) if days else None


def group_figures(name: str, barriers: list[BarrierDates]) -> GroupFigures:
    to_answer = [days_between(b.raised_on, b.first_answer_on) for b in barriers if b.first_answer_on is not None]
    to_removal = [days_between(b.raised_on, b.removed_on) for b in barriers if b.removed_on is not None]
    return GroupFigures(name=name, raised=len(barriers), answered=len(to_answer),
                        median_days_to_answer=median_days(to_answer), removed=len(to_removal),
                        median_days_to_removal=median_days(to_removal),
                        still_open=sum(1 for b in barriers if b.is_open))


def age_band(age_days: int) -> str:
    for label, first, last in AGE_BANDS:
        if age_days >= first and (last is None or age_days <= last):
            return label
    return AGE_BANDS[0][0]  # raised "in the future" by a clock a little ahead: as new


def open_by_age(barriers: list[BarrierDates], today: date) -> list[tuple[str, int]]:
    counts = {label: 0 for label, _first, _last in AGE_BANDS}
    for barrier in barriers:
        if barrier.is_open:
            counts[age_band(days_between(barrier.raised_on, today))] += 1
    return list(counts.items())


def barrier_figures(barriers: list[BarrierDates], today: date) -> BarrierFigures:
    """Groups are listed by name, sectors in the vocabulary's order; barriers nobody owns
    yet form a group of their own under owners and count in no sector."""
    owners: dict[str, list[BarrierDates]] = {}
    sectors: dict[Sector, list[BarrierDates]] = {}
    for barrier in barriers:
        owners.setdefault(barrier.owner or NOT_ASSIGNED, []).append(barrier)
        if barrier.sector is not None:
            sectors.setdefault(barrier.sector, []).append(barrier)
    by_owner = [group_figures(name, owners[name]) for name in sorted(owners, key=lambda n: (n == NOT_ASSIGNED, n))]
    by_sector = [group_figures(sector.label, sectors[sector]) for sector in Sector if sector in sectors]
    return BarrierFigures(overall=group_figures("All barriers", barriers), by_owner=by_owner, by_sector=by_sector,
                          open_by_age=open_by_age(barriers, today))


# What raising a barrier needs: the service refuses with these words and the forms show
# them before anything is saved.
WHAT_NEEDED = "Say what gets in the way"
WHERE_NEEDED = "Say where it gets in the way"
WHO_NEEDED = "Say who it affects"
