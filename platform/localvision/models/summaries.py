"""Stored contribution summaries: one snapshot per project and one for the platform.

A snapshot row is replaced by a single UPDATE, so a reader sees either the old figures or
the new ones, never a mixture. Two counters say whether it is stale without trusting any
clock: every change to a project's data adds one to ``changes_requested``; a recompute
records the value it started from in ``changes_computed``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from localvision.models.base import Base


class ProjectSummary(Base):
    __tablename__ = "project_summaries"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    changes_requested: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    changes_computed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the latest change arrived: the page says how long a recompute has been waiting.
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_pending(self) -> bool:
        return self.changes_requested > self.changes_computed


class PlatformSummary(Base):
    """The platform-wide summary of published projects; a single row with id 1."""

    __tablename__ = "platform_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
