from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.projects import Project


class Notification(Base):
    """One thing one person is told, on the notifications page and by email or digest.

    ``dedupe_key`` is unique per person: a notification is inserted with ON CONFLICT DO
    NOTHING, so the same event (``event:<id>``) or the same clock occasion tells a person
    once however often the producing job runs. ``delivery`` is the person's choice when it
    was made; ``outbox_message_id`` the email sent at once, ``digested_at`` when a digest
    carried it."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    headline: Mapped[str] = mapped_column(String(300))
    # The page of the thing it is about, as a path on this site (``/projects/…``).
    link: Mapped[str] = mapped_column(String(500))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    delivery: Mapped[Delivery] = enum_column(Delivery)
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    digested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Whether what it asked for is done, worked out when read (queries/notifications.py).
    is_done: Mapped[bool | None] = query_expression()

    user: Mapped["User"] = relationship()
    project: Mapped["Project | None"] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind.value} user={self.user_id}>"


class NotificationPreference(Base):
    """A person's choice for one kind; kinds without a row take the default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    delivery: Mapped[Delivery] = enum_column(Delivery)


class NotificationSettings(Base):
    """How often a person's digest comes; people without a row get the default (weekly)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest_frequency: Mapped[DigestFrequency] = enum_column(DigestFrequency)


class NotifiedEvent(Base):
    """A domain event the fan-out has turned into notifications (see services/notifications.py)."""

    __tablename__ = "notified_events"

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), primary_key=True)
    processed_at: Mapped[datetime] = created_at_column()
