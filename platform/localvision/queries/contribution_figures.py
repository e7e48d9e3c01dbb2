"""A project's stored contribution figures as its pages and the API show them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from localvision import job_queue
from localvision.extensions import db
from localvision.models.summaries import PlatformSummary, ProjectSummary


@dataclass(frozen=True)
class ContributionFigures:
    """The stored contribution figures as one viewer may see them: the people of the project
    see every figure; everyone else the figures computed from disclosed decisions alone."""

    figures: dict[str, Any] | None
    computed_at: datetime | None
    pending: bool  # waiting for a recompute
    paused: bool  # waiting, and the job queue cannot be reached


def contribution_figures(project_id: int, is_member: bool) -> ContributionFigures:
    stored = db.session.get(ProjectSummary, project_id)
    figures = stored.figures if stored is not None else None
    if figures is not None and not is_member:
        # A snapshot stored before the public figures were computed has none: it is
        # recomputed, and shown as pending meanwhile.
        figures = figures.get("public")
    pending = stored is None or stored.is_pending or figures is None
    return ContributionFigures(figures, stored.computed_at if stored is not None and figures else None,
                               pending, pending and job_queue.paused())


def platform_summary() -> PlatformSummary | None:
    """The figures across every published project, once they have been computed."""
    return db.session.get(PlatformSummary, 1)
