"""RQ jobs that compute and store contribution summaries."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import case, select

from localvision import data_versions
from localvision.extensions import db
from localvision.jobs import job
from localvision.models import Project
from localvision.models.summaries import PlatformSummary, ProjectSummary
from localvision.redis_connection import get_redis
from localvision.services import events
from localvision.services.events import EventKind
from localvision.summaries import figures, freshness, totals

# Seconds before each retry, growing so that a brief database or Redis outage passes.
RECOMPUTE_RETRIES = (5, 30, 120)


@job(timeout=300, retries=RECOMPUTE_RETRIES)
def recompute_project_summary(project_id: int) -> None:
    # Changes from here on queue a new job, whatever this one sees of them.
    get_redis().delete(freshness.queued_key(project_id))
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
    freshness.request_platform_recompute()


@job(timeout=300, retries=RECOMPUTE_RETRIES)
def recompute_platform_summary() -> None:
    get_redis().delete(freshness.queued_key("platform"))
    _upsert(PlatformSummary, {"id": 1, "figures": figures.platform_figures(),
                              "computed_at": datetime.now(timezone.utc)}, key="id")
    db.session.commit()


@job(timeout=180)
def sweep_stale_summaries() -> int:
    """Queue every project whose summary is stale: catches up after Redis was away or a
    worker died mid-job. Returns how many were stale."""
    stale = freshness.stale_project_ids()
    # This job came from Redis, so Redis is back: queue even if a write failed moments ago.
    freshness.request_recompute(stale, even_if_recently_unreachable=True)
    return len(stale)


@job(timeout=180)
def recompute_all_summaries() -> int:
    """The nightly refresh: every project, then the platform."""
    project_ids = list(db.session.scalars(select(Project.id)))
    freshness.request_recompute(project_ids, even_if_recently_unreachable=True)
    freshness.request_platform_recompute()
    return len(project_ids)


@job(timeout=1800)
def check_running_totals() -> int:
    """The nightly check of the running totals: recompute each project's from the base
    rows, compare, and where they drifted record it in the audit trail, repair them and
    recompute the summary. Returns how many projects had drifted."""
    drifted = 0
    for project in db.session.scalars(select(Project).order_by(Project.id)).all():
        connection = db.session.connection()
        wrong = totals.drift(connection, project.id)
        if any(wrong.values()):
            drifted += 1
            totals.rebuild_project(connection, project.id)
            events.record(EventKind.SUMMARY_TOTALS_REPAIRED, project, actor=None, project=project,
                          label=f"{len(wrong['decisions'])} decision, {len(wrong['sector_sets'])} sector set, "
                                f"{len(wrong['organisations'])} organisation, {len(wrong['indicators'])} indicator "
                                f"and {len(wrong['projects'])} project totals differed from the records and were "
                                f"recomputed",
                          payload={"decision_ids": wrong["decisions"], "sector_masks": wrong["sector_sets"],
                                   "organisation_ids": wrong["organisations"], "indicator_ids": wrong["indicators"],
                                   "project_ids": wrong["projects"]})
            freshness.note_bulk_change(db.session, project.id)
        # One project per transaction: a long check holds no locks on the rest.
        db.session.commit()
    return drifted


def _upsert(model: type, values: dict[str, Any], key: str) -> None:
    """Insert the row or replace its figures in one statement: readers see old or new, never half."""
    dialect_insert = freshness.insert_for(db.session.get_bind().dialect.name)
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
