"""Outgoing email through an outbox table.

``queue_message`` renders a message and adds one ``OutboxMessage`` row to the caller's
transaction: the caller's service commits it with the change that caused it, and if
that change rolls back no message exists. After the commit a sending job is queued
automatically (an ``after_commit`` hook); if Redis is unreachable then, the row waits
in ``queued`` and the scheduler's sweep queues it once Redis is back.

Templates: ``templates/mail/<name>.txt`` and ``templates/mail/<name>.html``. The FIRST
LINE of the rendered ``.txt`` is the subject; the rest (after the blank line) is the
plain-text body. Both templates get the same context, plus ``service_name``.

Without ``MAIL_URL`` (the embedded default) messages are ``held``: nothing is sent and
platform administrators read them at /admin/outbox, so every flow can be followed.
"""
from __future__ import annotations

from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.models import OutboxMessage, User
from localvision.services import outbox

_PENDING = "outbox_message_ids"


def queue_message(*, to: str, template: str, context: dict[str, Any], kind: str,
                  user: User | None = None, headers: dict[str, str] | None = None) -> OutboxMessage:
    """Render ``templates/mail/<template>`` and add the message to the current transaction."""
    [message] = queue_messages([dict(to=to, template=template, context=context, kind=kind, user=user,
                                     headers=headers)])
    return message


def queue_messages(messages: list[dict[str, Any]]) -> list[OutboxMessage]:
    """Many messages at once (each given as ``queue_message``'s keyword arguments), written
    in one flush: how a job mailing thousands of people avoids a round trip per message."""
    made = [_render(**message) for message in messages]
    db.session.add_all(made)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).extend(m.id for m in made if m.state is OutboxState.QUEUED)
    return made


def _render(*, to: str, template: str, context: dict[str, Any], kind: str,
            user: User | None = None, headers: dict[str, str] | None = None) -> OutboxMessage:
    context = {"service_name": current_app.config["SERVICE_NAME"], **context}
    subject, _, text_body = render_template(f"mail/{template}.txt", **context).partition("\n")
    return OutboxMessage(
        to_address=to,
        user_id=user.id if user is not None else None,
        kind=kind,
        subject=subject.strip()[:300],
        text_body=text_body.strip() + "\n",
        html_body=render_template(f"mail/{template}.html", subject=subject.strip(), **context),
        message_id=make_msgid(domain=sender_domain()),
        state=OutboxState.QUEUED if mail_server_configured() else OutboxState.HELD,
        attempts=0,
        headers=headers or None,
    )


def mail_server_configured() -> bool:
    return bool(current_app.config.get("MAIL_URL"))


def sender_domain() -> str:
    sender = current_app.config["MAIL_FROM"]
    return sender.rpartition("@")[2].rstrip(">").strip() or "localvision.invalid"


def _send_after_commit(session: Session) -> None:
    message_ids = session.info.pop(_PENDING, None)
    if message_ids:
        outbox.queue_sending(message_ids)


def _forget_after_rollback(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen on every Flask-SQLAlchemy session, including the ones tests make."""
    for name, listener in (("after_commit", _send_after_commit), ("after_soft_rollback", _forget_after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
