"""Keeping summaries fresh.

Every flush that changes data a summary depends on marks the project's summary stale in
the same transaction, so the mark is saved exactly when the change is. After the commit a
recompute is queued, once per burst: a Redis key set with NX stands for "a job is already
waiting", and the job deletes it as it starts, so changes made while it runs queue one more.

With Redis unreachable the write still succeeds and the mark stays in the database; the
sweep job, run every minute by the scheduler, queues every stale project once Redis is back.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from flask import current_app
from flask_sqlalchemy.session import Session
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from localvision import data_versions, jobs
from localvision.extensions import db
# A module reference, read when a job is queued: the job module imports this one too.
from localvision.jobs import summaries as summary_jobs
from localvision.models import Project
from localvision.models.summaries import ProjectSummary
from localvision.redis_connection import get_redis

log = logging.getLogger(__name__)

# Longer than a job waits in a healthy queue. It matters when the job is lost but the
# mark is not (Redis stopped between the two): until the mark expires nothing queues that
# project, so it is short; a job that waits longer only gets a harmless second one.
QUEUED_KEY_SECONDS = 120
# After Redis fails to answer, writes skip it for a while rather than each waiting for
# the connection timeout; the database mark keeps the work.
PAUSE_AFTER_FAILURE_SECONDS = 30

_project_of: dict[type, Callable[[Any], int | None]] = {}


def watch(model: type, project_of: Callable[[Any], int | None]) -> None:
    """Changes to rows of ``model`` make the summary of ``project_of(row)`` stale."""
    _project_of[model] = project_of


def install() -> None:
    """Listen on every Flask-SQLAlchemy session, including the ones tests make."""
    for name, listener in (("after_flush", _mark_changed_projects), ("after_commit", _queue_marked_projects),
                           ("after_soft_rollback", _forget_marked_projects)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def queued_key(project_id: int | str) -> str:
    return f"localvision:summary-queued:{project_id}"


def _mark_changed_projects(session: Session, flush_context: Any) -> None:
    project_ids: set[int] = set()
    # Each of these builds a new set when read: read once, not once per object (quadratic).
    new, dirty, deleted = session.new, session.dirty, session.deleted
    deleted_projects = {obj.id for obj in deleted if isinstance(obj, Project)}
    for obj in (*new, *dirty, *deleted):
        project_of = _project_of.get(type(obj))
        if project_of is None or (obj in dirty and not session.is_modified(obj)):
            continue
        project_id = project_of(obj)
        if project_id is not None and project_id not in deleted_projects:
            project_ids.add(project_id)
    if project_ids:
        for project_id in project_ids:
            data_versions.note_change(session, project_id)
        mark_stale(session.connection(), project_ids)
        session.info.setdefault("summary_projects", set()).update(project_ids)


def note_bulk_change(session: Session, project_id: int) -> None:
    """For writes that bypass the ORM (bulk inserts): mark the summary stale now and queue
    its recompute after the commit, as a flush of ORM objects would."""
    mark_stale(session.connection(), [project_id])
    session.info.setdefault("summary_projects", set()).add(project_id)


def mark_stale(connection: Connection, project_ids: Iterable[int]) -> None:
    """Add one to each project's change counter, creating its summary row if need be."""
    dialect_insert = insert_for(connection.dialect.name)
    now = datetime.now(timezone.utc)
    table = ProjectSummary.__table__
    statement = dialect_insert(table).values(
        [{"project_id": project_id, "changes_requested": 1, "changes_computed": 0, "requested_at": now}
         for project_id in sorted(project_ids)]  # a fixed order: concurrent writers lock rows alike
    )
    connection.execute(statement.on_conflict_do_update(
        index_elements=[table.c.project_id],
        set_={"changes_requested": table.c.changes_requested + 1, "requested_at": statement.excluded.requested_at},
    ))


def insert_for(dialect_name: str) -> Callable[..., Any]:
    """The INSERT that knows ON CONFLICT on this database (PostgreSQL, or SQLite in development)."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def _queue_marked_projects(session: Session) -> None:
    project_ids = session.info.pop("summary_projects", set())
    if project_ids:
        request_recompute(project_ids)


def _forget_marked_projects(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop("summary_projects", None)


def request_recompute(project_ids: Iterable[int], even_if_recently_unreachable: bool = False) -> None:
    """Queue a recompute for each project that has none waiting. Never raises for Redis."""
    if even_if_recently_unreachable:
        _redis_state()["failed_at"] = None
    for project_id in project_ids:
        _queue_once(queued_key(project_id), summary_jobs.recompute_project_summary, project_id)


def request_platform_recompute() -> None:
    _queue_once(queued_key("platform"), summary_jobs.recompute_platform_summary)


def _queue_once(key: str, job: Callable[..., Any], *args: Any) -> None:
    if summaries_paused(check=False):
        return
    try:
        redis = get_redis()
        if redis.set(key, "1", nx=True, ex=QUEUED_KEY_SECONDS):
            try:
                jobs.enqueue(job, *args, description=f"{job.__name__}{args or ''}")
            except RedisError:
                redis.delete(key)
                raise
    except RedisError as error:
        _redis_state()["failed_at"] = time.monotonic()
        log.warning("summary recompute not queued, Redis unreachable (%s); the sweep will catch up", error)


def summaries_paused(check: bool = True) -> bool:
    """True while Redis is unreachable. With ``check`` the queue is asked unless it failed
    moments ago; without, only a recent failure counts."""
    state = _redis_state()
    if state.get("failed_at") is not None and time.monotonic() - state["failed_at"] < PAUSE_AFTER_FAILURE_SECONDS:
        return True
    if not check:
        return False
    try:
        get_redis().ping()
    except RedisError:
        state["failed_at"] = time.monotonic()
        return True
    state["failed_at"] = None
    return False


def _redis_state() -> dict[str, float | None]:
    return current_app.extensions.setdefault("localvision_summary_queue", {})


def stale_project_ids() -> list[int]:
    return list(db.session.scalars(
        select(ProjectSummary.project_id).where(ProjectSummary.changes_requested > ProjectSummary.changes_computed)
    ))
