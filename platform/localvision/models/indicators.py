"""Outcome indicators a partnership wants to move, and their dated measurements."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import Direction, Frequency, Unit
from localvision.models.base import Base, ExactDecimal, UtcDateTime, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.decisions import Decision
    from localvision.models.organisations import Organisation
    from localvision.models.projects import Project

# Measurements keep four decimal places: enough for rates per 100,000.
MEASUREMENT_SCALE = 4


def at_stored_scale(value: Decimal) -> Decimal:
    """The value as the database keeps it, so an audit trail's "after" shows what was saved."""
    return value.quantize(Decimal(1).scaleb(-MEASUREMENT_SCALE))


def measurement_value_column(**kwargs):  # type: ignore[no-untyped-def]
    return mapped_column(ExactDecimal(18, MEASUREMENT_SCALE), **kwargs)


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[Unit] = enum_column(Unit)
    decimal_places: Mapped[int] = mapped_column(Integer, default=0)
    direction: Mapped[Direction] = enum_column(Direction)
    baseline_value: Mapped[Decimal | None] = measurement_value_column()
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[Decimal | None] = measurement_value_column()
    target_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    frequency: Mapped[Frequency] = enum_column(Frequency)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    project: Mapped["Project"] = relationship()
    owner_organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    measurements: Mapped[list["Measurement"]] = relationship(
        back_populates="indicator", order_by="Measurement.period", cascade="all, delete-orphan"
    )
    # The joint decisions that aim to move this indicator.
    decisions: Mapped[list["Decision"]] = relationship(secondary="decision_indicators", order_by="Decision.opens_on")

    def __repr__(self) -> str:
        return f"<Indicator {self.name!r}>"


class Measurement(Base):
    """The current value for one indicator and period; earlier values live in revisions."""

    __tablename__ = "measurements"
    # The unique constraint's index also serves lookups by indicator and period.
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = measurement_value_column()
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = created_at_column()

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")
    entered_by: Mapped["User | None"] = relationship()
    revisions: Mapped[list["MeasurementRevision"]] = relationship(
        back_populates="measurement", order_by="MeasurementRevision.id.desc()", cascade="all, delete-orphan"
    )


class MeasurementRevision(Base):
    """A value a correction replaced: kept so nothing is overwritten silently."""

    __tablename__ = "measurement_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("measurements.id"), index=True)
    value: Mapped[Decimal] = measurement_value_column()
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replaced_at: Mapped[datetime] = created_at_column()

    measurement: Mapped[Measurement] = relationship(back_populates="revisions")
    entered_by: Mapped["User | None"] = relationship(foreign_keys=[entered_by_id])
    replaced_by: Mapped["User | None"] = relationship(foreign_keys=[replaced_by_id])


class DecisionIndicator(Base):
    """A joint decision linked to an outcome indicator it aims to move."""

    __tablename__ = "decision_indicators"
    __table_args__ = (UniqueConstraint("decision_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    linked_at: Mapped[datetime] = created_at_column()
