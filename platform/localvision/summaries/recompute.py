"""Recomputing summaries: the jobs that compute and store them, queued once per burst.

A Redis key set with NX stands for "a job is already waiting", and the job deletes it as it
starts, so changes made while it runs queue one more. With Redis unreachable the write that
asked still succeeds; the sweep, run every minute by the scheduler, queues every stale
project once Redis is back.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from redis.exceptions import RedisError
from sqlalchemy import case, select

from localvision import data_versions, job_queue
from localvision.extensions import db
from localvision.job_queue import job
from localvision.models import Project
from localvision.models.statements import insert_for
from localvision.models.summaries import PlatformSummary, ProjectSummary
from localvision.redis_connection import get_redis
from localvision.summaries import figures

log = logging.getLogger(__name__)

# Longer than a job waits in a healthy queue. It matters when the job is lost but the
# mark is not (Redis stopped between the two): until the mark expires nothing queues that
# project, so it is short; a job that waits longer only gets a harmless second one.
QUEUED_KEY_SECONDS = 120


def queued_key(project_id: int | str) -> str:
    return f"localvision:summary-queued:{project_id}"


def request_recompute(project_ids: Iterable[int], even_if_recently_unreachable: bool = False) -> None:
    """Queue a recompute for each project that has none waiting. Never raises for Redis."""
    if even_if_recently_unreachable:
        job_queue.forget_unreachable()
    for project_id in project_ids:
        _queue_once(queued_key(project_id), recompute_project_summary, project_id)


def request_platform_recompute() -> None:
    _queue_once(queued_key("platform"), recompute_platform_summary)


def _queue_once(key: str, job: Callable[..., Any], *args: Any) -> None:
    if job_queue.paused(check=False):
        return
    try:
        redis = get_redis()
        if redis.set(key, "1", nx=True, ex=QUEUED_KEY_SECONDS):
            try:
                job_queue.enqueue(job, *args, description=f"{job.__name__}{args or ''}")
            except RedisError:
                redis.delete(key)
                raise
    except RedisError as error:
        job_queue.note_unreachable()
        log.warning("summary recompute not queued, Redis unreachable (%s); the sweep will catch up", error)


def stale_project_ids() -> list[int]:
    return list(db.session.scalars(
        select(ProjectSummary.project_id).where(ProjectSummary.changes_requested > ProjectSummary.changes_computed)
    ))


# Seconds before each retry, growing so that a brief database or Redis outage passes.
RECOMPUTE_RETRIES = (5, 30, 120)


@job(timeout=300, retries=RECOMPUTE_RETRIES)
def recompute_project_summary(project_id: int) -> None:
    # Changes from here on queue a new job, whatever this one sees of them.
    get_redis().delete(queued_key(project_id))
    if db.session.get(Project, project_id) is None:
        return
    changes_seen = db.session.scalar(
        select(ProjectSummary.changes_requested).where(ProjectSummary.project_id == project_id)
    ) or 0
    project_figures = figures.project_figures(project_id)
    _upsert(ProjectSummary, {"project_id": project_id, "figures": project_figures,
                             "computed_at": datetime.now(timezone.utc), "changes_computed": changes_seen},
            key="project_id")
    data_versions.note_change(db.session, project_id)
    db.session.commit()
    request_platform_recompute()


@job(timeout=300, retries=RECOMPUTE_RETRIES)
def recompute_platform_summary() -> None:
    get_redis().delete(queued_key("platform"))
    _upsert(PlatformSummary, {"id": 1, "figures": figures.platform_figures(),
                              "computed_at": datetime.now(timezone.utc)}, key="id")
    db.session.commit()


@job(timeout=180)
def sweep_stale_summaries() -> int:
    """Queue every project whose summary is stale: catches up after Redis was away or a
    worker died mid-job. Returns how many were stale."""
    stale = stale_project_ids()
    # This job came from Redis, so Redis is back: queue even if a write failed moments ago.
    request_recompute(stale, even_if_recently_unreachable=True)
    return len(stale)


@job(timeout=180)
def recompute_all_summaries() -> int:
    """The nightly refresh: every project, then the platform."""
    project_ids = list(db.session.scalars(select(Project.id)))
    request_recompute(project_ids, even_if_recently_unreachable=True)
    request_platform_recompute()
    return len(project_ids)


def _upsert(model: type, values: dict[str, Any], key: str) -> None:
    """Insert the row or replace its figures in one statement: readers see old or new, never half."""
    dialect_insert = insert_for(db.session.get_bind().dialect.name)
    table = model.__table__
    statement = dialect_insert(table).values(values)
    replaced = {name: statement.excluded[name] for name in values if name != key}
    if "changes_computed" in values:
        # A slower job that started earlier must not mark newer changes as computed.
        replaced["changes_computed"] = case(
            (table.c.changes_computed > statement.excluded.changes_computed, table.c.changes_computed),
            else_=statement.excluded.changes_computed,
        )
    db.session.execute(statement.on_conflict_do_update(index_elements=[table.c[key]], set_=replaced))
