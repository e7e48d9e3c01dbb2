"""The barrier log: what gets in the way, raised by the front line or the public, and the
partnership's answers (Merton's feedback loops)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import BarrierSource, BarrierStatus
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column, updated_at_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.actions import Action
    from localvision.models.decisions import Decision
    from localvision.models.indicators import Indicator
    from localvision.models.organisations import Organisation
    from localvision.models.projects import Project

# Column sizes, which the forms' length limits repeat.
WHAT_MAX, WHERE_MAX, WHO_MAX, NAME_MAX, EMAIL_MAX, ANSWER_MAX = 2000, 300, 300, 120, 320, 5000


class Barrier(Base):
    __tablename__ = "barriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(WHERE_MAX))
    who_affected: Mapped[str] = mapped_column(String(WHO_MAX))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    source: Mapped[BarrierSource] = enum_column(BarrierSource)
    status: Mapped[BarrierStatus] = enum_column(BarrierStatus, index=True)
    # Who raised it: a person of the project, or a name and address a member of the public
    # chose to give. Neither is ever published.
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raiser_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    raiser_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    raised_at: Mapped[datetime] = created_at_column()
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    wont_remove_reason: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What the partnership turned it into: kept so the barrier's page links to it.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    updated_at: Mapped[datetime] = updated_at_column()

    project: Mapped["Project"] = relationship()
    indicator: Mapped["Indicator | None"] = relationship()
    raised_by: Mapped["User | None"] = relationship(foreign_keys=[raised_by_id])
    moderated_by: Mapped["User | None"] = relationship(foreign_keys=[moderated_by_id])
    owner_organisation: Mapped["Organisation | None"] = relationship(lazy="selectin")
    decision: Mapped["Decision | None"] = relationship()
    action: Mapped["Action | None"] = relationship()
    answers: Mapped[list["BarrierAnswer"]] = relationship(
        back_populates="barrier", order_by="BarrierAnswer.id", cascade="all, delete-orphan")

    @property
    def first_answer_at(self) -> datetime | None:
        return self.answers[0].answered_at if self.answers else None


class BarrierAnswer(Base):
    """One public answer to a barrier, with the status it left the barrier in."""

    __tablename__ = "barrier_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    barrier_id: Mapped[int] = mapped_column(ForeignKey("barriers.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[BarrierStatus] = enum_column(BarrierStatus)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    answered_at: Mapped[datetime] = created_at_column()

    barrier: Mapped[Barrier] = relationship(back_populates="answers")
    author: Mapped["User"] = relationship()
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
