"""Measurements of outcome indicators: adding one, and correcting one while keeping the
earlier value as a revision. Importing a CSV of them is ``measurement_imports.py``.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from localvision.domain.measurement_imports import format_period
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind
from localvision.extensions import db
from localvision.models import Indicator, Measurement, MeasurementRevision
from localvision.models.indicators import at_stored_scale
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import events

MEASUREMENT_FIELDS = ("period", "value", "note", "source")


def add_measurement(context: ProjectContext, indicator: Indicator, period: date, value: Decimal, note: str,
                    source: str) -> Measurement:
    """One value per indicator and period: a second is a correction of the first."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project add measurements.")
    existing = db.session.scalar(select(Measurement.id).where(Measurement.indicator_id == indicator.id,
                                                              Measurement.period == period))
    if existing is not None:
        raise Refused(f"There is already a value for {format_period(period)}: correct that value instead of adding "
                      f"another", field="period")
    measurement = Measurement(indicator=indicator, period=period, value=at_stored_scale(value), note=note.strip(),
                              source=source.strip(), entered_by=context.actor)
    db.session.add(measurement)
    events.record(EventKind.MEASUREMENT_ADDED, measurement, actor=context.actor, project=context.project,
                  label=f"{indicator.name}, {format_period(period)}",
                  after=events.snapshot(measurement, MEASUREMENT_FIELDS),
                  payload={"indicator_id": indicator.id, "period": period})
    db.session.commit()
    return measurement


def correct_measurement(context: ProjectContext, measurement: Measurement, value: Decimal, note: str,
                        source: str) -> MeasurementRevision | None:
    """Replace a measurement's value, note and source, keeping what they were as a revision.
    Returns the revision, or None when nothing changed (and nothing is written)."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project correct measurements.")
    value, note, source = at_stored_scale(value), note.strip(), source.strip()
    if (value, note, source) == (measurement.value, measurement.note, measurement.source):
        return None
    before = events.snapshot(measurement, MEASUREMENT_FIELDS)
    revision = MeasurementRevision(
        measurement=measurement, value=measurement.value, note=measurement.note, source=measurement.source,
        entered_by_id=measurement.entered_by_id, entered_at=measurement.entered_at, replaced_by=context.actor,
    )
    db.session.add(revision)
    measurement.value, measurement.note, measurement.source = value, note, source
    measurement.entered_by = context.actor
    measurement.entered_at = datetime.now(timezone.utc)
    old, new = events.changed_fields(before, events.snapshot(measurement, MEASUREMENT_FIELDS))
    events.record(EventKind.MEASUREMENT_CORRECTED, measurement, actor=context.actor, project=context.project,
                  label=f"{measurement.indicator.name}, {format_period(measurement.period)}", before=old, after=new,
                  payload={"indicator_id": measurement.indicator_id, "period": measurement.period})
    db.session.commit()
    return revision
