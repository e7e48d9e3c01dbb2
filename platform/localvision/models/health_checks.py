"""The partnership health check: rounds, who has answered, and the answers themselves.

Answers are anonymous by construction: an answer row holds no person, no time and no
number that follows the order of answering (its key is random), and the record that a
person has answered holds nothing of what they said. Neither table can be joined to the
other. The grouping rule that keeps published figures anonymous is in
``localvision.domain.health_checks``.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import Sector
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column


class HealthCheckRound(Base):
    __tablename__ = "health_check_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # Set when a lead closes the round or its closing date has passed; answers stop then.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The aggregate results are public only when a lead publishes them, on a published project.
    is_published: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    project = relationship("Project")
    result: Mapped["HealthCheckResult | None"] = relationship(back_populates="round", cascade="all, delete-orphan")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def accepts_answers_on(self, today: date) -> bool:
        return not self.is_closed and self.opens_on <= today <= self.closes_on

    def __repr__(self) -> str:
        return f"<HealthCheckRound {self.id} {self.title!r}>"


class HealthCheckRespondent(Base):
    """That a person has answered a round: one answer each. Nothing of the answer is here."""

    __tablename__ = "health_check_respondents"

    round_id: Mapped[int] = mapped_column(ForeignKey("health_check_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


def _random_key() -> str:
    return secrets.token_hex(16)


class HealthCheckAnswer(Base):
    """One person's ratings and comments, with only their organisation and its sector."""

    __tablename__ = "health_check_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    round_id: Mapped[int] = mapped_column(ForeignKey("health_check_rounds.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    sector: Mapped[Sector] = enum_column(Sector)
    # Statement value -> rating 1 to 5, and statement value -> comment (only those written).
    ratings: Mapped[dict[str, int]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON)


class HealthCheckResult(Base):
    """A closed round's aggregate figures, computed by a background job and replaced whole."""

    __tablename__ = "health_check_results"

    round_id: Mapped[int] = mapped_column(ForeignKey("health_check_rounds.id", ondelete="CASCADE"), primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())

    round: Mapped[HealthCheckRound] = relationship(back_populates="result")
