"""The learning log: what a partnership tried, what happened and what it would do
differently, entry by entry, each published on its own."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import Phase
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column, updated_at_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.decisions import Decision
    from localvision.models.indicators import Indicator
    from localvision.models.projects import Project

TITLE_MAX, TEXT_MAX = 200, 10_000

learning_decisions = Table(
    "learning_decisions", Base.metadata,
    Column("entry_id", ForeignKey("learning_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
)
learning_indicators = Table(
    "learning_indicators", Base.metadata,
    Column("entry_id", ForeignKey("learning_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
)


class LearningEntry(Base):
    __tablename__ = "learning_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    phase: Mapped[Phase] = enum_column(Phase)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    tried: Mapped[str] = mapped_column(Text)
    happened: Mapped[str] = mapped_column(Text)
    differently: Mapped[str] = mapped_column(Text)
    is_published: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    project: Mapped["Project"] = relationship()
    author: Mapped["User"] = relationship()
    decisions: Mapped[list["Decision"]] = relationship(secondary=learning_decisions, order_by="Decision.title")
    indicators: Mapped[list["Indicator"]] = relationship(secondary=learning_indicators, order_by="Indicator.name")
