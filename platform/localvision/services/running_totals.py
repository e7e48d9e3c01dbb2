"""The nightly check of the running totals against the records they are kept from."""
from __future__ import annotations

from sqlalchemy import select

from localvision.domain.vocabulary import EventKind
from localvision.extensions import db
from localvision.job_queue import job
from localvision.models import Project
from localvision.services import events
from localvision.summaries import drift, freshness, totals


@job(timeout=1800)
def check_running_totals() -> int:
    """The nightly check of the running totals: recompute each project's from the base
    rows, compare, and where they drifted record it in the audit trail, repair them and
    recompute the summary. Returns how many projects had drifted."""
    drifted = 0
    for project in db.session.scalars(select(Project).order_by(Project.id)).all():
        connection = db.session.connection()
        wrong = drift.drift(connection, project.id)
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
