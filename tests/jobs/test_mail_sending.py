"""Sending the outbox to a real SMTP server: each message arrives once, with its
Message-ID, through a Redis outage, a temporary refusal and a worker killed mid-send."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from rq import Queue
from sqlalchemy import select, update

import factories
from localvision import create_app, job_queue
from localvision.config import PROJECT_ROOT
from localvision.domain.vocabulary import OutboxState
from localvision.extensions import db
from localvision.jobs.schedule import OUTBOX_SWEEP_INTERVAL_SECONDS, build_scheduler
from localvision.jobs.worker import build_worker
from localvision.mail_transport import parse_mail_url
from localvision.models import OutboxMessage
from localvision.schema import build_schema
from localvision.services import mail
from localvision.services.outbox import MAX_ATTEMPTS, send_message, sweep_outbox
from smtp_server import html_of, text_of
from support import separate_database, settings_for_tests


def run_worker(app) -> None:
    build_worker(app).work(burst=True)
    db.session.expire_all()


def queue_reset_email(person, link="https://lv.example/reset/abc") -> OutboxMessage:
    return mail.queue_message(to=person.email, template="password_reset", kind="account.password_reset",
                              user=person, context={"name": person.name, "link": link, "hours": 1},
                              headers={"List-Unsubscribe": "<https://lv.example/unsubscribe>"})


def received_ids(smtp_server) -> list[str]:
    return [message["Message-ID"] for message in smtp_server.messages]


def test_a_queued_message_arrives_with_both_bodies_and_its_message_id(app, session, redis, smtp_server):
    person = factories.user(name="Grace Hopper", email="grace@example.org")
    message = queue_reset_email(person)
    session.commit()
    run_worker(app)

    [received] = smtp_server.messages
    assert received["To"] == "grace@example.org"
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["Subject"] == "Reset your Local Vision password"
    assert received["Message-ID"] == message.message_id
    assert received["List-Unsubscribe"] == "<https://lv.example/unsubscribe>"
    assert "https://lv.example/reset/abc" in text_of(received)
    assert '<a href="https://lv.example/reset/abc">' in html_of(received)
    stored = session.get(OutboxMessage, message.id)
    assert stored.state is OutboxState.SENT and stored.attempts == 1 and stored.sent_at is not None


def test_a_message_queued_twice_is_sent_once(app, session, redis, smtp_server):
    message = queue_reset_email(factories.user())
    session.commit()
    job_queue.enqueue(send_message, message.id)  # a second job for the same message
    job_queue.enqueue(sweep_outbox)  # and the sweep, which queues it a third time
    run_worker(app)
    assert received_ids(smtp_server) == [message.message_id]


def test_a_refusing_server_is_retried_later_then_the_message_is_marked_failed(app, session, redis, smtp_server):
    smtp_server.handler.refuse_with = "451 Try again later"
    message = queue_reset_email(factories.user())
    session.commit()
    run_worker(app)

    stored = session.get(OutboxMessage, message.id)
    assert stored.state is OutboxState.QUEUED and stored.attempts == 1
    assert "451" in stored.last_error
    next_attempt = stored.next_attempt_at.replace(tzinfo=stored.next_attempt_at.tzinfo or timezone.utc)
    assert next_attempt > datetime.now(timezone.utc)
    job_queue.enqueue(sweep_outbox)  # not due yet: the sweep leaves it, and a stray job cannot claim it
    job_queue.enqueue(send_message, message.id)
    run_worker(app)
    assert session.get(OutboxMessage, message.id).attempts == 1

    for _ in range(MAX_ATTEMPTS - 1):
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                        .values(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        session.commit()
        job_queue.enqueue(sweep_outbox)
        run_worker(app)
    stored = session.get(OutboxMessage, message.id)
    assert stored.state is OutboxState.FAILED and stored.attempts == MAX_ATTEMPTS
    assert smtp_server.messages == []


def test_a_message_committed_while_redis_is_down_is_sent_by_the_sweep(
        app, session, redis, smtp_server, unreachable_redis):
    message = queue_reset_email(factories.user())
    session.commit()  # the job cannot be queued, and the change still succeeds
    assert session.get(OutboxMessage, message.id).state is OutboxState.QUEUED

    app.extensions["localvision_redis"] = redis  # Redis is back
    scheduler = build_scheduler(redis)
    assert OUTBOX_SWEEP_INTERVAL_SECONDS in {job.interval for job in scheduler.get_jobs()
                                             if job.func_name == "localvision.services.outbox.sweep_outbox"}
    scheduler.enqueue_jobs()
    run_worker(app)
    assert received_ids(smtp_server) == [message.message_id]
    assert session.get(OutboxMessage, message.id).state is OutboxState.SENT


def test_mail_url_forms():
    starttls = parse_mail_url("smtp://ada%40lv.example:s3cret@mail.example.org:587?starttls=true")
    assert (starttls.host, starttls.port, starttls.starttls, starttls.tls) == ("mail.example.org", 587, True, False)
    assert (starttls.username, starttls.password) == ("ada@lv.example", "s3cret")
    tls = parse_mail_url("smtps://ada:pw@mail.example.org")
    assert (tls.port, tls.tls, tls.starttls) == (465, True, False)
    relay = parse_mail_url("smtp://relay.internal")
    assert (relay.port, relay.username, relay.starttls) == (25, None, False)
    for wrong in ("http://mail.example.org", "smtp://", "smtp://host:notaport"):
        with pytest.raises(ValueError):
            parse_mail_url(wrong)


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path, smtp_server):
    """A real worker process is killed while the SMTP server is slow to accept a recipient
    (before the message data is sent); a new worker and the sweep deliver every message
    exactly once."""
    with separate_database("mail_kill", tmp_path) as database_url:
        settings = {**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url,
                    "MAIL_URL": smtp_server.url, "MAIL_SENDING_LEASE_SECONDS": 1}
        app = create_app(settings, instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            smtp_server.handler.slow_recipients, smtp_server.handler.slow_seconds = 1, 20
            message_ids = [queue_reset_email(factories.user()).message_id for _ in range(3)]
            db.session.commit()
            assert len(Queue("default", connection=redis)) == 3
            db.session.remove()

        environment = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=app.config["REDIS_URL"],
                           MAIL_URL=smtp_server.url, SECRET_KEY="test", LOCALVISION_ENV="development")
        worker = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "worker.py")], env=environment,
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert smtp_server.handler.slow_rcpt_started.wait(60), "the worker never reached the mail server"
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        assert smtp_server.messages == []

        with app.app_context():
            states = list(db.session.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))
            assert states == [OutboxState.SENDING, OutboxState.QUEUED, OutboxState.QUEUED]
            db.session.rollback()  # end this read, to see what the worker writes
            time.sleep(1.1)  # the claim's lease runs out
            job_queue.enqueue(sweep_outbox)  # what the scheduler does every minute
            run_worker(app)  # a worker started again
            assert sorted(received_ids(smtp_server)) == sorted(message_ids)
            assert set(db.session.scalars(select(OutboxMessage.state))) == {OutboxState.SENT}
            db.session.remove()
            db.engine.dispose()
