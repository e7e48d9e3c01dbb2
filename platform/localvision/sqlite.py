"""Make the embedded SQLite database behave like the production database where it matters.

SQLite has one writer at a time. In WAL mode a transaction that began by reading and then
writes cannot wait for that lock if another connection committed in between: SQLite
refuses at once with "database is locked", whatever the busy timeout. So every
transaction takes the write lock when it begins (``BEGIN IMMEDIATE``), and waits its turn
for it, unless the unit of work around it declared that it reads first and is safe to
repeat (``reads_first``): the web layer does so for GET and HEAD requests, which then
read side by side with a writer and, in the rare case one writes after all and is
refused, run again taking the lock first.
"""
from __future__ import annotations

import contextlib
import sqlite3
from contextvars import ContextVar
from typing import Any, Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a writer waits for the lock; long enough for any one transaction of the
# platform's to finish, short enough that a stuck one shows as an error.
BUSY_TIMEOUT_MILLISECONDS = 20_000

_lock_at_begin: ContextVar[bool] = ContextVar("sqlite_lock_at_begin", default=True)


@contextlib.contextmanager
def reads_first() -> Iterator[None]:
    """Transactions begun inside the block take no lock until they write: for units of
    work that only read, or that can be repeated when a write of theirs is refused."""
    token = _lock_at_begin.set(False)
    try:
        yield
    finally:
        _lock_at_begin.reset(token)


def reading_first() -> bool:
    return not _lock_at_begin.get()


def is_busy(error: BaseException) -> bool:
    """Whether a database error is SQLite's "database is locked" (another connection
    holds the write lock), as opposed to a database that cannot be reached."""
    original = getattr(error, "orig", error)
    return (isinstance(original, sqlite3.OperationalError)
            and getattr(original, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY)


def configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, open transactions, so savepoints work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _lock_at_begin.get() else "BEGIN")
