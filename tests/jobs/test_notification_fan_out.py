"""The notification fan-out run by real worker processes: a worker killed in the middle of
it leaves every event told exactly once, once the next run has caught up."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, select, text

import factories
from localvision import create_app, job_queue
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import Notification, User
from localvision.permissions import policy
from localvision.schema import build_schema
from localvision.services import actions, decisions
from localvision.services.decisions import DecisionDetails
from localvision.services.notification_events import fan_out_notifications
from support import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    kill_a_worker_once_it_waits_for_a_lock,
    separate_database,
    settings_for_tests,
)


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql") or not TEST_REDIS_URL,
                    reason="needs PostgreSQL and a Redis server (TEST_DATABASE_URL, TEST_REDIS_URL)")
def test_a_worker_killed_mid_fan_out_tells_everyone_exactly_once(tmp_path, smtp_server, monkeypatch):
    with separate_database("notify_killed", tmp_path) as database_url:
        settings = {**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url,
                    "MAIL_URL": smtp_server.url}
        app = create_app(settings, instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            plymouth = factories.Partnership(db.session)
            today = date.today()
            # Two events: Dan's decision awaits four people; then an action is given to Dan alone.
            decision = decisions.propose_decision(
                policy.context_for(plymouth.worker, plymouth.project),
                DecisionDetails(title="Fund a night bus", rationale="Safer routes home",
                                category=factories.DecisionCategory.GRANT, opens_on=today,
                                closes_on=today + timedelta(days=14)))
            actions.add_action(policy.context_for(plymouth.lead, plymouth.project), decision, "Ask the bus company",
                               plymouth.worker.id, today + timedelta(days=7))
            dan = plymouth.worker.id
            addresses = {person.id: person.email for person in db.session.scalars(select(User))}
            db.session.remove()

        engine = create_engine(database_url)
        blocker = engine.connect()
        # Hold Dan's row: the second event's notification waits for it, after the first event is done.
        blocker.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": dan})
        monkeypatch.setenv("MAIL_URL", smtp_server.url)
        try:
            # The worker dies mid-job, with any process it started.
            kill_a_worker_once_it_waits_for_a_lock(database_url, TEST_REDIS_URL, engine, 300,
                                                   "the fan-out never reached the second event")
        finally:
            blocker.rollback()
            blocker.close()

        with app.app_context():
            # The first event was told and committed; the second rolled back with the worker.
            assert len(db.session.scalars(select(Notification.id)).all()) == 4
            assert db.session.scalar(select(Notification).where(Notification.user_id == dan)) is None
            job_queue.enqueue(fan_out_notifications)  # what the scheduler does every minute
            build_worker(app).work(burst=True)
            db.session.expire_all()

            told = Counter((n.user_id, n.event_id) for n in db.session.scalars(select(Notification)))
            assert set(told.values()) == {1}
            assert len(told) == 5  # four people of the decision, and Dan for his action
            received = Counter((message["To"], message["Subject"].strip()) for message in smtp_server.messages)
            assert set(received.values()) == {1}
            assert {to for to, _ in received} == {addresses[user_id] for user_id, _ in told}
            assert len(received) == 5
            redis.flushdb()
            db.session.remove()
            db.engine.dispose()
        engine.dispose()
