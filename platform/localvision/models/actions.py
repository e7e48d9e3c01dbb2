"""Follow-up actions on joint decisions: one named owner each, and a due date."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import ActionStatus
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.decisions import Decision


class Action(Base):
    __tablename__ = "actions"
    # A summary counts the overdue actions, a few open ones, not every action ever set.
    __table_args__ = (Index("ix_actions_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.OPEN)
    dropped_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    decision: Mapped["Decision"] = relationship(back_populates="actions")
    owner: Mapped["User"] = relationship(foreign_keys=[owner_id], lazy="selectin")
    created_by: Mapped["User"] = relationship(foreign_keys=[created_by_id])

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today
