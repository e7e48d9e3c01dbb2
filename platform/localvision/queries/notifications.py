"""A person's notifications, how many are unread, and how they chose to hear of each kind."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localvision.domain.notifications import DEFAULT_DIGEST_FREQUENCY, chosen_delivery
from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.extensions import db
from localvision.models import Notification, NotificationPreference, NotificationSettings, User


def notifications_page(user: User, page: int, per_page: int) -> Pagination:
    """One page of the person's own notifications, newest first."""
    return db.paginate(
        select(Notification).where(Notification.user_id == user.id)
        .options(selectinload(Notification.project))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page, per_page=per_page, error_out=False,
    )


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def choices_of(user: User) -> dict[NotificationKind, Delivery]:
    """Every kind's delivery for this person (their choice or the default)."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen_delivery(kind, chosen) for kind in NotificationKind}


def digest_frequency_of(user: User) -> DigestFrequency:
    return db.session.scalar(select(NotificationSettings.digest_frequency)
                             .where(NotificationSettings.user_id == user.id)) or DEFAULT_DIGEST_FREQUENCY
