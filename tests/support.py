"""Settings, databases and helpers shared by several test folders."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Iterator

import psutil
import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

import factories
from localvision.extensions import db
from localvision.models import AuditEvent, OutboxMessage, ProjectPartner

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def settings_for_tests(instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{instance_path}/test.sqlite",
        "REDIS_URL": TEST_REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }


@contextlib.contextmanager
def _postgres_database(name: str, template: str | None = None) -> Iterator[str]:
    """A database made on the server of TEST_DATABASE_URL (a copy of ``template`` if
    given), dropped afterwards."""
    admin_engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@contextlib.contextmanager
def separate_database(purpose: str, sqlite_folder: Path) -> Iterator[str]:
    """A new, empty database for tests that commit or migrate: on the PostgreSQL server
    of TEST_DATABASE_URL when given, else a SQLite file."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{sqlite_folder}/{purpose}.sqlite"
        return
    with _postgres_database(f"localvision_{purpose}_{uuid.uuid4().hex[:8]}") as url:
        yield url


@contextlib.contextmanager
def copied_database(url: str, folder: Path) -> Iterator[str]:
    """A copy of the database at ``url`` (made by separate_database), dropped afterwards:
    PostgreSQL copies it as a template, SQLite copies the file."""
    original = make_url(url).database
    if not url.startswith("postgresql"):
        copy = folder / "copy.sqlite"
        shutil.copyfile(original, copy)
        yield f"sqlite:///{copy}"
        return
    with _postgres_database(f"{original}_{uuid.uuid4().hex[:8]}", template=original) as copy_url:
        yield copy_url


def empty_database() -> None:
    """Drop every table of the app's database, the migrations' own record included (on
    PostgreSQL the whole public schema, whatever an older version of the suite left)."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def last_event(session, kind: str | None = None) -> AuditEvent:
    """The newest audit event, or the newest of the given kind."""
    newest = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    return session.scalar(newest if kind is None else newest.where(AuditEvent.kind == kind))


def events_of(session, kind: str) -> list[AuditEvent]:
    """Every audit event of the kind, oldest first."""
    return session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)).all()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def sign_in(client, email: str, password: str = factories.PASSWORD, next_url: str | None = None):
    """Sign in through the form, as a person does; the response to the form."""
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def day_month_year(value: date) -> list[str]:
    """A date as the day, month and year boxes of a GOV.UK date input."""
    return [str(value.day), str(value.month), str(value.year)]


@contextlib.contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        # Savepoints belong to the test's rolled-back transaction, not to the page.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def link_mailed_to(address: str, path_fragment: str) -> str:
    """The newest link containing ``path_fragment`` in a message held in the outbox for
    ``address``: how a person (and a test) reads it without an email service."""
    bodies = db.session.scalars(select(OutboxMessage.text_body).where(OutboxMessage.to_address == address)
                                .order_by(OutboxMessage.id.desc()))
    for body in bodies:
        for link in re.findall(r"https?://\S+", body):
            if path_fragment in link:
                return link
    raise AssertionError(f"no link with {path_fragment!r} was mailed to {address}")


def token_mailed_to(address: str) -> str:
    """The token of the newest invitation link mailed to ``address``."""
    return link_mailed_to(address, "/invitations/").rstrip("/").rsplit("/", 1)[-1]


def invite_and_accept(client_for, lead, project, organisation) -> None:
    """Through the pages: a lead invites the organisation, and one of its own people
    (an administrator made for the purpose) accepts, so it becomes a partner."""
    accepter = factories.user(organisation, organisation_admin=True)
    db.session.commit()
    invited = client_for(lead).post(f"/projects/{project.slug}/partners",
                                    data={"invite-organisation_id": organisation.id})
    assert invited.status_code == 302, invited.get_data(as_text=True)[:300]
    invited_id = db.session.scalar(select(ProjectPartner.id).where(ProjectPartner.project_id == project.id,
                                                                   ProjectPartner.organisation_id == organisation.id))
    accepted = client_for(accepter).post(f"/organisation/invitations/{invited_id}", data={"accept": "Accept invitation"})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:300]
    db.session.expire_all()


def start_worker_process(database_url: str, redis_url: str) -> subprocess.Popen[bytes]:
    """A real worker process (`worker.py`) on the given database and Redis, leading a
    process group of its own so a test can kill it with everything it started."""
    environment = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY="test",
                       LOCALVISION_ENV="development")
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve().parents[1] / "worker.py")],
                            env=environment, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_someone_waits_for_a_lock(engine, tries: int, failure: str) -> None:
    """Poll PostgreSQL until a session of this database waits on a lock (the job reached
    the row the test holds), or fail the test with ``failure``."""
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'")
    with engine.connect() as watcher:
        for _ in range(tries):
            blocked = watcher.execute(waiting).scalar()
            watcher.rollback()  # activity statistics are read once per transaction
            if blocked:
                return
            time.sleep(0.1)
    pytest.fail(failure)


def kill_a_worker_once_it_waits_for_a_lock(database_url: str, redis_url: str, engine, tries: int,
                                           failure: str) -> None:
    """Start a real worker, wait until its job blocks on the row the test holds, then
    SIGKILL it with every process it started: a worker dying mid-job."""
    worker = start_worker_process(database_url, redis_url)
    try:
        wait_until_someone_waits_for_a_lock(engine, tries, failure)
        for process in [*psutil.Process(worker.pid).children(recursive=True), psutil.Process(worker.pid)]:
            process.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
