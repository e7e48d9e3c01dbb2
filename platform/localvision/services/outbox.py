"""Sending the outbox: one job per message, and a sweep that catches up.

A message is CLAIMED before it is sent: one committed UPDATE moves it from ``queued`` to
``sending``, and only the worker whose UPDATE changed the row sends it, so two workers
(or a job queued twice) never both send. Once the mail server has accepted it the row
becomes ``sent``.

Delivery is at least once, made as close to exactly once as SMTP allows: a worker
killed between the server accepting the message and the ``sent`` commit leaves it in
``sending``; after the lease the sweep sends it again with the same ``Message-ID``, so
the duplicate is recognisable (and mail clients fold it). That window is one local
UPDATE long. A worker killed earlier, while the server is still receiving, leaves no
delivered copy, and the resend is the only one.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, or_, select, update

from localvision import job_queue
from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.job_queue import job
from localvision.mail_transport import MailTransportError, send_email
from localvision.models import OutboxMessage

log = logging.getLogger(__name__)

# Minutes before each further attempt; after the last, the message is marked failed.
RETRY_DELAYS_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(RETRY_DELAYS_MINUTES) + 1


def queue_sending(message_ids: list[int]) -> None:
    """Queue a sending job for each message; if Redis is unreachable the sweep queues them later."""
    try:
        for message_id in message_ids:
            job_queue.enqueue(send_message, message_id)
    except RedisError:
        log.warning("Redis unreachable: %d message(s) wait for the outbox sweep", len(message_ids))


def _now() -> datetime:
    return datetime.now(timezone.utc)


@job(timeout=120)
def send_message(message_id: int) -> str:
    """Claim, send and mark one message. Returns what happened, for the job's result."""
    if not _claim(message_id):
        return "not queued"
    message = db.session.get(OutboxMessage, message_id)
    email = build_email(message)
    # No transaction stays open while the mail server takes its time: on the embedded
    # database an open transaction holds the write lock.
    db.session.commit()
    try:
        send_email(current_app.config["MAIL_URL"], email)
    except MailTransportError as error:
        _record_failure(message, str(error))
        return "failed attempt"
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(state=OutboxState.SENT, sent_at=_now(), last_error=None))
    db.session.commit()
    return "sent"


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)


def _claim(message_id: int) -> bool:
    """One committed UPDATE: only the job that changes the row may send the message, and a
    message waiting for its retry time is left alone (a job queued twice finds it taken)."""
    now = _now()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.QUEUED, _due(now))
        .values(state=OutboxState.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
    ).rowcount == 1
    db.session.commit()
    return claimed


def _record_failure(message: OutboxMessage, error: str) -> None:
    log.warning("Sending message %s failed (attempt %s): %s", message.id, message.attempts, error)
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = OutboxState.FAILED
    else:
        message.state = OutboxState.QUEUED
        message.next_attempt_at = _now() + timedelta(minutes=RETRY_DELAYS_MINUTES[message.attempts - 1])
    db.session.commit()


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at if message.created_at.tzinfo
                                    else message.created_at.replace(tzinfo=timezone.utc))
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


@job(timeout=120)
def sweep_outbox() -> int:
    """Queue messages left behind: committed while Redis was away, due for a retry, or
    claimed by a worker that died (``sending`` past the lease). Returns how many."""
    now = _now()
    lease = timedelta(seconds=current_app.config["MAIL_SENDING_LEASE_SECONDS"])
    abandoned = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.claimed_at < now - lease)
        .values(state=OutboxState.QUEUED, next_attempt_at=None)
    ).rowcount
    if abandoned:
        log.warning("%d message(s) abandoned mid-send are queued again", abandoned)
    db.session.commit()
    # A message whose job is still waiting in the queue gets a second job; whichever
    # runs first claims it and the other finds nothing to do.
    due = list(db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.state == OutboxState.QUEUED, _due(now)).order_by(OutboxMessage.id)
    ))
    queue_sending(due)
    return len(due)
