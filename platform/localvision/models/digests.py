"""Digests sent: one row per person and period, the proof that their digest went."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from localvision.models.base import Base, created_at_column


class DigestSent(Base):
    """Written in the transaction that queues the digest's email: a rerun, a retry or a
    second worker finds the row (or trips on the unique constraint) and sends nothing."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # "daily:2026-11-30" or "weekly:2026-W49" (domain/digests.py)
    period_key: Mapped[str] = mapped_column(String(40))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = created_at_column()
