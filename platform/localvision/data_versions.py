"""Each published project's data version, readable without a database transaction.

A public page's ETag follows the version of the data it shows. The database holds the
truth (the newest audit event of the project, and its summary's counter), but asking it
costs a pool check-out, BEGIN, the query and ROLLBACK on every request. So Redis keeps a
counter per project, one for changes that belong to no project, and one bumped with every
other (the version of pages listing all projects), each bumped after every commit that
records an event or a new summary for it. A worker remembers, for each
slug, the project it showed and the counters it read *before* asking the database; while
the counters still read the same, nothing about the project has changed (publishing and
unpublishing are events too), so its version is known without SQL.

Redis is a cache here, never the truth: when it is unreachable the database is asked, as
before. A bump lost because Redis failed at the moment of a commit is retried by that
process at its next bump; should the process end first, the epoch key expires within
``EPOCH_SECONDS`` and every worker asks the database again, so a lost bump is seen within
minutes. A Redis server that restarts empty starts a new epoch, so counters that begin
again from zero can never repeat an old version.
"""
from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from localvision.models import AuditEvent
from localvision.redis_connection import get_redis

log = logging.getLogger(__name__)

EPOCH_KEY = "localvision:data-version:epoch"
SITE_KEY = "localvision:data-version:site"
# Bumped with every other counter: the version of pages listing every published project.
ALL_KEY = "localvision:data-version:all"
EPOCH_SECONDS = 300
# After Redis fails to answer, requests go straight to the database for a while rather
# than each waiting for the connection timeout.
PAUSE_AFTER_FAILURE_SECONDS = 30
SITE = "site"  # the changes that belong to no project: organisations, for example


def project_key(project_id: int) -> str:
    return f"localvision:data-version:project:{project_id}"


def init_app(app: Flask) -> None:
    app.extensions["localvision_data_versions"] = {"slugs": {}, "unsent": set(), "failed_at": None}


def install() -> None:
    """Listen on every Flask-SQLAlchemy session, including the ones tests make."""
    for name, listener in (("after_flush", _note_changes), ("after_commit", _bump_noted),
                           ("after_soft_rollback", _forget_noted)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _state() -> dict[str, Any]:
    return current_app.extensions["localvision_data_versions"]


def note_change(session: Session, project_id: int | None) -> None:
    """The project's public pages change when this transaction commits (for writes that
    record no audit event, such as a recomputed summary)."""
    session.info.setdefault("data_versions", set()).add(SITE if project_id is None else project_id)


def _note_changes(session: Session, flush_context: Any) -> None:
    for obj in session.new:
        if isinstance(obj, AuditEvent):
            note_change(session, obj.project_id)


def _forget_noted(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop("data_versions", None)


def _bump_noted(session: Session) -> None:
    changed = session.info.pop("data_versions", set())
    if changed:
        bump(changed)


def bump(changed: set[int | str]) -> None:
    """Add one to each counter; never raises for Redis, keeping what it could not send."""
    state = _state()
    pending = state["unsent"] | changed
    try:
        with get_redis().pipeline(transaction=False) as pipeline:
            for item in sorted(pending, key=str):
                pipeline.incr(SITE_KEY if item == SITE else project_key(item))
            if pending:
                pipeline.incr(ALL_KEY)
            pipeline.execute()
        state["unsent"] = set()
    except RedisError as error:
        state["unsent"] = pending
        state["failed_at"] = time.monotonic()
        log.warning("data versions not bumped, Redis unreachable (%s); public pages ask the database", error)


def counters(project_id: int) -> tuple[str, int, int] | None:
    """The epoch and the site's and project's counters, in one round trip; None when Redis
    cannot be trusted (unreachable, or bumps of this process not yet sent)."""
    read = _read(SITE_KEY, project_key(project_id))
    return None if read is None else (read[0], read[1], read[2])


def all_counter() -> tuple[str, int] | None:
    """The epoch and the counter of every change, for pages that list every project; None
    when Redis cannot be trusted."""
    read = _read(ALL_KEY)
    return None if read is None else (read[0], read[1])


def _read(*keys: str) -> tuple[Any, ...] | None:
    """The epoch and these counters, in one round trip; a new epoch if Redis has none."""
    state = _state()
    if state["failed_at"] is not None and time.monotonic() - state["failed_at"] < PAUSE_AFTER_FAILURE_SECONDS:
        return None
    if state["unsent"]:
        bump(set())
        if state["unsent"]:
            return None
    try:
        redis = get_redis()
        epoch, *values = redis.mget(EPOCH_KEY, *keys)
        if epoch is None:
            epoch = secrets.token_hex(8).encode()
            if not redis.set(EPOCH_KEY, epoch, nx=True, ex=EPOCH_SECONDS):
                epoch = redis.get(EPOCH_KEY)
                if epoch is None:
                    return None
    except RedisError as error:
        state["failed_at"] = time.monotonic()
        log.warning("data versions unreadable, Redis unreachable (%s); public pages ask the database", error)
        return None
    state["failed_at"] = None
    return (epoch.decode(), *(int(value or 0) for value in values))


def remembered(slug: str) -> tuple[int, tuple[str, int, int]] | None:
    """The project this worker last found published at this slug, and the counters read then."""
    return _state()["slugs"].get(slug)


def remember(slug: str, project_id: int, seen: tuple[str, int, int]) -> None:
    _state()["slugs"][slug] = (project_id, seen)


def forget(slug: str) -> None:
    _state()["slugs"].pop(slug, None)
