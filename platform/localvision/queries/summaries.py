"""A project's contribution summary as its pages show it."""
from __future__ import annotations

from localvision.extensions import db
from localvision.models.summaries import ProjectSummary
from localvision.summaries.freshness import summaries_paused


def summary_state(project_id: int) -> dict:
    """What the summary section needs: the stored snapshot, and whether it waits for a recompute."""
    summary = db.session.get(ProjectSummary, project_id)
    pending = summary is None or summary.is_pending
    return {"summary": summary, "pending": pending, "paused": pending and summaries_paused()}
