"""Reads of the outbox for the administrators' outbox page."""
from __future__ import annotations

from sqlalchemy import func, select

from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.models import OutboxMessage

MESSAGES_SHOWN = 200


def recent_messages(limit: int = MESSAGES_SHOWN) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def counts_by_state() -> dict[OutboxState, int]:
    return dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
