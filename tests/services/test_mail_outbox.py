"""Queueing a message: one outbox row in the caller's transaction, a sending job after
its commit, nothing at all if it rolls back, and held for administrators without a server."""
from __future__ import annotations

from rq import Queue
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.models import OutboxMessage
from localvision.services import mail


def queued_job_args(redis) -> list[tuple]:
    return [job.args for job in Queue("default", connection=redis).get_jobs()
            if job.func_name == "localvision.services.outbox.send_message"]


def reset_message(person):
    return mail.queue_message(to=person.email, template="password_reset", kind="account.password_reset",
                              user=person, context={"name": person.name, "link": "https://lv.example/r/abc",
                                                    "hours": 1})


def test_a_message_commits_with_the_change_and_is_queued_after_it(app, session, redis, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", "smtp://127.0.0.1:2525")
    person = factories.user(name="Ada Lovelace")
    message = reset_message(person)
    assert queued_job_args(redis) == []  # nothing is sent before the commit
    session.commit()

    assert queued_job_args(redis) == [(message.id,)]
    stored = session.get(OutboxMessage, message.id)
    assert stored.state is OutboxState.QUEUED
    assert stored.subject == "Reset your Local Vision password"
    assert "Hello Ada Lovelace," in stored.text_body and "https://lv.example/r/abc" in stored.text_body
    assert '<a href="https://lv.example/r/abc">' in stored.html_body
    assert stored.message_id.startswith("<") and stored.message_id.endswith("@localvision.example>")
    assert stored.user_id == person.id and stored.attempts == 0


def test_a_rolled_back_change_leaves_no_message_and_queues_nothing(app, session, redis, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", "smtp://127.0.0.1:2525")
    person = factories.user()
    session.commit()
    reset_message(person)
    session.rollback()
    session.commit()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert queued_job_args(redis) == []


def test_without_a_mail_server_messages_are_held_for_administrators(app, session, redis):
    person = factories.user()
    message = reset_message(person)
    session.commit()
    assert db.session.get(OutboxMessage, message.id).state is OutboxState.HELD
    assert queued_job_args(redis) == []


def test_each_message_has_its_own_message_id(app, session):
    person = factories.user()
    assert reset_message(person).message_id != reset_message(person).message_id
