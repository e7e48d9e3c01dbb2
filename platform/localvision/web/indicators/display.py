"""How indicator figures read on pages and in the chart script."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from localvision.models import Indicator, Measurement
from localvision.domain.vocabulary import Unit
from localvision.queries.indicators import goal_of
from localvision.web.indicators import blueprint

EPOCH = date(1970, 1, 1)
UNIT_SUFFIXES = {Unit.RATE_PER_1000: " per 1,000", Unit.RATE_PER_100000: " per 100,000", Unit.DAYS: " days",
                 Unit.MINUTES: " minutes", Unit.PERCENTAGE: "%"}


def day_number(period: date) -> int:
    return (period - EPOCH).days


@blueprint.app_template_filter("indicator_value")
def format_indicator_value(value: Decimal | None, indicator: Indicator, signed: bool = False) -> str:
    """A value as readers expect it: 13,000; 45.5%; £1,200; 12.3 per 1,000; 34 days."""
    if value is None:
        return ""
    places = indicator.decimal_places
    # Half up, as people round by hand (Python's default rounds half to even).
    number = f"{abs(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    if indicator.unit == Unit.POUNDS:
        return f"{sign}£{number}"
    return f"{sign}{number}{UNIT_SUFFIXES.get(indicator.unit, '')}"


@blueprint.app_template_filter("indicator_percent")
def format_indicator_percent(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:{'+' if signed else ''},.1f}%"


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
