"""A person's notifications, for the notifications page."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision.extensions import db
from localvision.models import Notification, User


def notifications_page(user: User, page: int, per_page: int) -> Pagination:
    """One page of the person's own notifications, newest first."""
    return db.paginate(
        select(Notification).where(Notification.user_id == user.id)
        .options(selectinload(Notification.project))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page, per_page=per_page, error_out=False,
    )
