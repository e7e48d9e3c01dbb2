"""Outcome indicators for pages: progress through the pure rules in domain.progress, the
measurements behind it, the decisions aimed at each indicator, and where an import stands."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from localvision.domain.progress import Goal, Point, Progress, progress
from localvision.domain.vocabulary import DecisionStatus, Direction
from localvision.extensions import db
from localvision.models import (
    Contribution,
    Decision,
    DecisionIndicator,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    Project,
)
from localvision.redis_connection import get_redis

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorProgress:
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
    return progress(goal_of(indicator), points, Decimal(indicator.project.indicator_tolerance_percent),
                    indicator.frequency)


def indicator_progress(project: Project) -> list[IndicatorProgress]:
    """Every indicator of the project with its progress, from one query for the latest values."""
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.name)
    ).all()
    if not indicators:
        return []
    # Each indicator's latest period from the (indicator, period) index: one step per
    # indicator, not a scan of every measurement ever entered.
    latest_period = (
        select(Indicator.id.label("indicator_id"),
               select(func.max(Measurement.period)).where(Measurement.indicator_id == Indicator.id)
               .correlate(Indicator).scalar_subquery().label("period"))
        .where(Indicator.project_id == project.id)
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
        IndicatorProgress(indicator, progress_of(indicator, [latest[indicator.id]] if indicator.id in latest else []))
        for indicator in indicators
    ]


def indicator_of(project: Project, indicator_id: int) -> Indicator | None:
    """The indicator, if it is one of this project's."""
    indicator = db.session.get(Indicator, indicator_id)
    return indicator if indicator is not None and indicator.project_id == project.id else None


def indicator_names(project: Project) -> list[str]:
    return list(db.session.scalars(
        select(Indicator.name).where(Indicator.project_id == project.id).order_by(Indicator.name)))


def measurements_with_history(indicator: Indicator) -> list[Measurement]:
    """Every measurement, oldest period first, with who entered it and the values it replaced."""
    return list(db.session.scalars(
        select(Measurement).where(Measurement.indicator_id == indicator.id).order_by(Measurement.period)
        .options(selectinload(Measurement.entered_by),
                 selectinload(Measurement.revisions).selectinload(MeasurementRevision.entered_by),
                 selectinload(Measurement.revisions).selectinload(MeasurementRevision.replaced_by))
    ))


def measurement_of(indicator: Indicator, measurement_id: int) -> Measurement | None:
    measurement = db.session.get(Measurement, measurement_id)
    return measurement if measurement is not None and measurement.indicator_id == indicator.id else None


def decision_label(decision: Decision) -> str:
    """A decision as the list of decisions to link, and the audit trail of links, name it."""
    return f"{decision.title} ({decision.status.label.lower()})"


def decisions_to_link(project: Project) -> list[Decision]:
    """The decisions a lead may say aim at an indicator: all of the project's, newest first."""
    return list(db.session.scalars(select(Decision).where(Decision.project_id == project.id)
                                   .order_by(Decision.opens_on.desc(), Decision.id.desc())))


@dataclass(frozen=True)
class AimedDecision:
    decision: Decision
    total: Decimal  # every partner's contributions to it, in pounds


@dataclass(frozen=True)
class FundingAimed:
    decisions: list[AimedDecision]

    def total_for(self, status: DecisionStatus) -> Decimal:
        return sum((aimed.total for aimed in self.decisions if aimed.decision.status == status), Decimal("0.00"))

    @property
    def agreed(self) -> Decimal:
        return self.total_for(DecisionStatus.AGREED)

    @property
    def proposed(self) -> Decimal:
        return self.total_for(DecisionStatus.OPEN)


def funding_aimed_at(indicator: Indicator) -> FundingAimed:
    """Totals are public even for commercially sensitive decisions, as on the decision log."""
    rows = db.session.execute(
        select(Decision, func.coalesce(func.sum(Contribution.amount), 0))
        .join(DecisionIndicator, DecisionIndicator.decision_id == Decision.id)
        .outerjoin(Contribution, Contribution.decision_id == Decision.id)
        .where(DecisionIndicator.indicator_id == indicator.id)
        .group_by(Decision.id)
        .order_by(Decision.opens_on, Decision.id)
    ).all()
    return FundingAimed([AimedDecision(decision, Decimal(total).quantize(PENNY)) for decision, total in rows])


def indicators_aimed_at(decision: Decision) -> list[IndicatorProgress]:
    linked = set(db.session.scalars(select(DecisionIndicator.indicator_id).where(DecisionIndicator.decision_id == decision.id)))
    return [progress for progress in indicator_progress(decision.project) if progress.indicator.id in linked] if linked else []


def import_of(project: Project, import_id: int) -> MeasurementImport | None:
    measurement_import = db.session.get(MeasurementImport, import_id)
    return measurement_import if measurement_import is not None and measurement_import.project_id == project.id else None


# Job states in which the job will never finish its work.
STOPPED_STATES = frozenset({"failed", "stopped", "canceled", "missing"})


@dataclass(frozen=True)
class ImportProgress:
    # The RQ job's status; "missing" when Redis no longer has the job, "unknown" while
    # Redis does not answer.
    state: str
    done: int
    total: int

    @property
    def stopped(self) -> bool:
        return self.state in STOPPED_STATES


def import_progress(measurement_import: MeasurementImport) -> ImportProgress:
    """Rows checked or saved so far by the background job, from its metadata in Redis."""
    planned = measurement_import.new_count + measurement_import.corrected_count
    try:
        job = Job.fetch(measurement_import.job_id, connection=get_redis())
        state = job.get_status(refresh=True).value
    except NoSuchJobError:
        return ImportProgress("missing", 0, planned)
    except RedisError:
        return ImportProgress("unknown", 0, planned)
    return ImportProgress(state, job.meta.get("rows_done", 0), job.meta.get("rows_total", planned))
