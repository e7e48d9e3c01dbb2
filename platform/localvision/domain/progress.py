"""Progress of an outcome indicator from its baseline towards its target.

Plain values in, plain values out: no database, no request. Values are exact decimals;
"higher is better" is passed as a flag so these rules need no model.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

from localvision.domain.vocabulary import Frequency

HUNDRED = Decimal(100)
# A figure one period late is usual (figures are published after the period ends); when a
# second period passes without one, the latest figure no longer says how things stand.
STALE_AFTER = {Frequency.MONTHLY: timedelta(days=62), Frequency.QUARTERLY: timedelta(days=183),
               Frequency.ANNUAL: timedelta(days=731)}
# The tolerance a project sets for "at risk", in whole percent of the baseline-to-target gap.
TOLERANCE_RANGE = (0, 100)
TOLERANCE_REFUSED = f"Tolerance must be from {TOLERANCE_RANGE[0]} to {TOLERANCE_RANGE[1]}"


class Status(enum.Enum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    NO_RECENT_DATA = "no recent data"
    NO_DATA = "no data"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Point:
    period: date
    value: Decimal


@dataclass(frozen=True)
class Goal:
    """Where an indicator started and where the partnership wants it to be."""

    higher_is_better: bool
    baseline: Point | None
    target: Point | None


@dataclass(frozen=True)
class Change:
    absolute: Decimal
    percent: Decimal | None  # None when the baseline is zero
    improved: bool


class TargetOutcome(enum.Enum):
    """Once the target date has passed: was the target met by then?"""

    MET = "met"
    MISSED = "missed"
    NOT_KNOWN = "not known"  # no measurement on or before the target date


@dataclass(frozen=True)
class Progress:
    latest: Point | None
    change: Change | None
    share_of_way: Decimal | None  # 1 means the target is met; above 1, overshot
    target_reached: bool
    expected: Decimal | None  # where the trajectory says it should be at the latest date
    status: Status
    target_outcome: TargetOutcome | None = None  # None until the target date has passed


def latest(points: Sequence[Point]) -> Point | None:
    return max(points, key=lambda point: point.period, default=None)


def _better_sign(higher_is_better: bool) -> int:
    return 1 if higher_is_better else -1


def change_since_baseline(baseline: Decimal, value: Decimal, higher_is_better: bool) -> Change:
    absolute = value - baseline
    percent = absolute / abs(baseline) * HUNDRED if baseline != 0 else None
    return Change(absolute=absolute, percent=percent, improved=absolute * _better_sign(higher_is_better) > 0)


def share_of_way(baseline: Decimal, target: Decimal, value: Decimal) -> Decimal | None:
    """How much of the way from baseline to target the value has come: 0 at the
    baseline, 1 at the target, negative when it moved away. Direction is implied by
    which side of the baseline the target lies; with no gap there is no way to measure."""
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def target_reached(target: Decimal, value: Decimal, higher_is_better: bool) -> bool:
    return (value - target) * _better_sign(higher_is_better) >= 0


def trajectory_value(baseline: Point, target: Point, on: date) -> Decimal:
    """The straight line from baseline to target, held flat before and after them."""
    total_days = (target.period - baseline.period).days
    if total_days <= 0 or on >= target.period:
        return target.value
    if on <= baseline.period:
        return baseline.value
    elapsed = Decimal((on - baseline.period).days) / Decimal(total_days)
    return baseline.value + (target.value - baseline.value) * elapsed


def status(goal: Goal, value: Point | None, tolerance_percent: Decimal | int) -> tuple[Status, Decimal | None]:
    """The status at the value's date, with the trajectory's expected value.

    On track: at or better than the trajectory. At risk: behind it by no more than the
    tolerance (a percentage of the baseline-to-target gap). Off track: further behind.
    No data: no measurement, or no baseline or target to draw a trajectory from.
    """
    if value is None or goal.baseline is None or goal.target is None:
        return Status.NO_DATA, None
    expected = trajectory_value(goal.baseline, goal.target, value.period)
    shortfall = (expected - value.value) * _better_sign(goal.higher_is_better)
    if shortfall <= 0:
        return Status.ON_TRACK, expected
    allowed = abs(goal.target.value - goal.baseline.value) * Decimal(tolerance_percent) / HUNDRED
    return (Status.AT_RISK if shortfall <= allowed else Status.OFF_TRACK), expected


def is_stale(latest_point: Point, frequency: Frequency, today: date) -> bool:
    """Whether two periods have passed since the latest figure without a newer one."""
    return today - latest_point.period > STALE_AFTER[frequency]


def target_outcome(goal: Goal, points: Sequence[Point], today: date) -> TargetOutcome | None:
    """Whether the target was met, judged by the last figure for a date on or before the
    target date; None while the target date is still to come."""
    if goal.target is None or today <= goal.target.period:
        return None
    by_then = latest([point for point in points if point.period <= goal.target.period])
    if by_then is None:
        return TargetOutcome.NOT_KNOWN
    met = target_reached(goal.target.value, by_then.value, goal.higher_is_better)
    return TargetOutcome.MET if met else TargetOutcome.MISSED


def progress(goal: Goal, points: Sequence[Point], tolerance_percent: Decimal | int,
             frequency: Frequency | None = None, today: date | None = None) -> Progress:
    """Progress as of today: a status from a figure older than the frequency allows
    would mislead, so such an indicator has no recent data instead."""
    today = today or date.today()
    now = latest(points)
    change = share = None
    reached = False
    if now is not None and goal.baseline is not None:
        change = change_since_baseline(goal.baseline.value, now.value, goal.higher_is_better)
    if now is not None and goal.target is not None:
        reached = target_reached(goal.target.value, now.value, goal.higher_is_better)
        if goal.baseline is not None:
            share = share_of_way(goal.baseline.value, goal.target.value, now.value)
    current_status, expected = status(goal, now, tolerance_percent)
    if now is not None and frequency is not None and is_stale(now, frequency, today):
        current_status, expected = Status.NO_RECENT_DATA, None
    return Progress(latest=now, change=change, share_of_way=share, target_reached=reached,
                    expected=expected, status=current_status, target_outcome=target_outcome(goal, points, today))
