"""Stored contribution summaries: one snapshot per project and one for the platform.

A snapshot row is replaced by a single UPDATE, so a reader sees either the old figures or
the new ones, never a mixture. Two counters say whether it is stale without trusting any
clock: every change to a project's data adds one to ``changes_requested``; a recompute
records the value it started from in ``changes_computed``.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, true
from sqlalchemy.orm import Mapped, mapped_column

from localvision.models.base import Base, UtcDateTime


class ProjectSummary(Base):
    __tablename__ = "project_summaries"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    changes_requested: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    changes_computed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the latest change arrived: the page says how long a recompute has been waiting.
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def is_pending(self) -> bool:
        return self.changes_requested > self.changes_computed


class PlatformSummary(Base):
    """The platform-wide summary of published projects; a single row with id 1."""

    __tablename__ = "platform_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DecisionTotal(Base):
    """An agreed decision's funding: the set of sectors that put something in (one bit per
    sector) and the sum. Kept in the transaction of each change, so a summary groups
    these rows instead of every contribution."""

    __tablename__ = "decision_totals"
    # A set of sectors' row in ``SectorSetTotal`` is recomputed from its decisions alone.
    __table_args__ = (Index("ix_decision_totals_project_id_sector_mask", "project_id", "sector_mask"),)

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    sector_mask: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    # Whether outsiders may know who funded it (``Decision.is_disclosed``).
    is_disclosed: Mapped[bool] = mapped_column(Boolean, server_default=true())


class OrganisationTotal(Base):
    """One organisation's running totals in one project, kept in the transaction of each
    change: what it put into agreed decisions by kind (all, and disclosed ones only, as
    strings of exact decimals), how many agreed decisions it co-funded (all, and disclosed
    ones only), how many it
    proposed, to how many (not withdrawn) it responded, and how many follow-up actions its
    people own and have done (overdue ones depend on the day, so they are counted then)."""

    __tablename__ = "organisation_totals"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    amounts: Mapped[dict[str, str]] = mapped_column(JSON)
    disclosed_amounts: Mapped[dict[str, str]] = mapped_column(JSON)
    decisions_cofunded: Mapped[int] = mapped_column(Integer)
    disclosed_decisions_cofunded: Mapped[int] = mapped_column(Integer, server_default="0")
    decisions_proposed: Mapped[int] = mapped_column(Integer)
    positions_recorded: Mapped[int] = mapped_column(Integer)
    actions_owned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    actions_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SectorSetTotal(Base):
    """The agreed, funded decisions of a project funded by exactly one set of sectors (the
    mask of ``DecisionTotal``): how many and their sum. A project has at most a few hundred
    sets however many decisions it takes, so the pair matrix and the cross-sector share
    are worked out from these rows."""

    __tablename__ = "sector_set_totals"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    sector_mask: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    decisions: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    # The same of the disclosed decisions alone: what outsiders are shown.
    disclosed_decisions: Mapped[int] = mapped_column(Integer, server_default="0")
    disclosed_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), server_default="0")


class ProjectTotal(Base):
    """How many of a project's decisions are agreed, how many count for responses (all but
    withdrawn ones) and how many agreed ones aim at an indicator."""

    __tablename__ = "project_totals"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    agreed_decisions: Mapped[int] = mapped_column(Integer)
    counted_decisions: Mapped[int] = mapped_column(Integer)
    linked_decisions: Mapped[int] = mapped_column(Integer)


class IndicatorTotal(Base):
    """The agreed decisions aimed at an indicator: how many and the funding they pooled."""

    __tablename__ = "indicator_totals"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    decisions: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    disclosed_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), server_default="0")
