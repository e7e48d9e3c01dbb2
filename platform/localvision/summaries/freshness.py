"""Marking summaries stale.

Every flush that changes data a summary depends on marks the project's summary stale in
the same transaction, so the mark is saved exactly when the change is. After the commit a
recompute is queued (``recompute.py``); with Redis unreachable the mark stays in the
database and the sweep queues the project once Redis is back.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Connection

from localvision import data_versions
from localvision.models import Project
from localvision.models.statements import insert_for
from localvision.models.summaries import ProjectSummary
from localvision.summaries.recompute import request_recompute

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


def _queue_marked_projects(session: Session) -> None:
    project_ids = session.info.pop("summary_projects", set())
    if project_ids:
        request_recompute(project_ids)


def _forget_marked_projects(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop("summary_projects", None)
