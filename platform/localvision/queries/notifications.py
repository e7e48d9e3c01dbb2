"""A person's notifications, how many are unread, and how they chose to hear of each kind."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, and_, exists, func, not_, select
from sqlalchemy.orm import selectinload, with_expression

from localvision.domain.notifications import ANSWERED_BY_A_POSITION, DEFAULT_DIGEST_FREQUENCY, chosen_delivery
from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.extensions import db
from localvision.models import Notification, NotificationPreference, NotificationSettings, Position, User


def _done(user: User) -> ColumnElement[bool]:
    """A notification whose action is done: it asked the person's organisation for its
    position on a decision, and the organisation has one now. Read from the positions
    themselves, so it holds however and by whomever the position was recorded."""
    return and_(Notification.kind.in_(ANSWERED_BY_A_POSITION), Notification.object_type == "Decision",
                exists().where(Position.decision_id == Notification.object_id,
                               Position.organisation_id == user.organisation_id))


def notifications_page(user: User, page: int, per_page: int) -> Pagination:
    """One page of the person's own notifications, newest first, each knowing whether it is done."""
    return db.paginate(
        select(Notification).where(Notification.user_id == user.id)
        .options(selectinload(Notification.project), with_expression(Notification.is_done, _done(user)))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page, per_page=per_page, error_out=False,
    )


def notification_of(user: User, notification_id: int) -> Notification | None:
    """One of the person's own notifications; nobody else's."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user.id))


def unread_count(user: User) -> int:
    """What the person has yet to read, leaving out what is done already."""
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                    not_(_done(user)))) or 0


def choices_of(user: User) -> dict[NotificationKind, Delivery]:
    """Every kind's delivery for this person (their choice or the default)."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen_delivery(kind, chosen) for kind in NotificationKind}


def digest_frequency_of(user: User) -> DigestFrequency:
    return db.session.scalar(select(NotificationSettings.digest_frequency)
                             .where(NotificationSettings.user_id == user.id)) or DEFAULT_DIGEST_FREQUENCY
