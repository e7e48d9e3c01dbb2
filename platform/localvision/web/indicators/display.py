"""How indicator figures read in the chart script."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from localvision.models import Indicator, Measurement
from localvision.queries.indicators import goal_of

EPOCH = date(1970, 1, 1)


def day_number(period: date) -> int:
    return (period - EPOCH).days


def chart_data(indicator: Indicator, measurements: list[Measurement]) -> dict:
    """What the chart script draws: the same figures as the table, as plain numbers, on a
    time axis counted in days since 1 January 1970 so that uneven gaps stay uneven."""
    goal = goal_of(indicator)
    ends = [point for point in (goal.baseline, goal.target) if point is not None]
    days = [day_number(m.period) for m in measurements] + [day_number(point.period) for point in ends]
    first, last = min(days), max(days)

    def level(value: Decimal | None) -> list[dict]:
        return [] if value is None else [{"x": first, "y": float(value)}, {"x": last, "y": float(value)}]

    trajectory = []
    if goal.baseline is not None and goal.target is not None:
        trajectory = [{"x": day_number(point.period), "y": float(point.value)} for point in ends]
        if last > trajectory[-1]["x"]:
            trajectory.append({"x": last, "y": float(goal.target.value)})
    return {
        "from": first,
        "to": last,
        "measurements": [{"x": day_number(m.period), "y": float(m.value)} for m in measurements],
        "trajectory": trajectory,
        "baseline": level(indicator.baseline_value),
        "target": level(indicator.target_value),
        "decimalPlaces": indicator.decimal_places,
    }
