"""Indicators' progress from the database, through the pure rules in domain.progress."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from sqlalchemy import and_, func, select

from localvision.domain.progress import Goal, Point, Progress, progress
from localvision.extensions import db
from localvision.models import Direction, Indicator, Measurement, Project


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    progress: Progress


def goal_of(indicator: Indicator) -> Goal:
    def point(period, value) -> Point | None:  # type: ignore[no-untyped-def]
        return Point(period, value) if period is not None and value is not None else None

    return Goal(
        higher_is_better=indicator.direction == Direction.HIGHER_IS_BETTER,
        baseline=point(indicator.baseline_date, indicator.baseline_value),
        target=point(indicator.target_date, indicator.target_value),
    )


def progress_of(indicator: Indicator, points: Sequence[Point]) -> Progress:
    return progress(goal_of(indicator), points, Decimal(indicator.project.indicator_tolerance_percent))


def summaries(project: Project) -> list[IndicatorSummary]:
    """Every indicator of the project with its progress, from one query for the latest values."""
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.name)
    ).all()
    if not indicators:
        return []
    latest_period = (
        select(Measurement.indicator_id, func.max(Measurement.period).label("period"))
        .where(Measurement.indicator_id.in_([indicator.id for indicator in indicators]))
        .group_by(Measurement.indicator_id)
        .subquery()
    )
    latest = {
        indicator_id: Point(period, value)
        for indicator_id, period, value in db.session.execute(
            select(Measurement.indicator_id, Measurement.period, Measurement.value).join(
                latest_period,
                and_(Measurement.indicator_id == latest_period.c.indicator_id,
                     Measurement.period == latest_period.c.period),
            )
        )
    }
    return [
        IndicatorSummary(indicator, progress_of(indicator, [latest[indicator.id]] if indicator.id in latest else []))
        for indicator in indicators
    ]
