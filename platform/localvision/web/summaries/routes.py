"""The contribution summary of a project: its own page, and the section htmx refreshes."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request

from localvision.services.policy import Access
from localvision.web.context import project_context
from localvision.extensions import db
from localvision.models import Sector
from localvision.models.summaries import ProjectSummary
from localvision.summaries.freshness import summaries_paused
from localvision.web.summaries import blueprint


def summary_state(project_id: int) -> dict:
    """What the summary section needs: the stored snapshot, and whether it waits for a recompute."""
    summary = db.session.get(ProjectSummary, project_id)
    pending = summary is None or summary.is_pending
    return {"summary": summary, "pending": pending, "paused": pending and summaries_paused()}


@blueprint.route("/projects/<slug>/summary")
def show(slug: str):
    context = project_context(slug, Access.VIEWER)
    state = summary_state(context.project.id)
    if request.htmx:
        on_summary_page = urlsplit(request.htmx.current_url or "").path == request.path
        return render_template("summaries/_section.html", project=context.project,
                               on_summary_page=on_summary_page, **state)
    return render_template("summaries/show.html", context=context, project=context.project,
                           on_summary_page=True, **state)


@blueprint.app_template_global()
def sector_pair_matrix(figures: dict) -> tuple[list[Sector], dict[tuple[str, str], dict]]:
    """The sectors that funded decisions together, and each pair's cell, both ways round."""
    cells: dict[tuple[str, str], dict] = {}
    for pair in figures["sector_pairs"]:
        first, second = pair["sectors"]
        cells[first, second] = cells[second, first] = pair
    involved = {sector for pair in cells for sector in pair}
    return [sector for sector in Sector if sector.value in involved], cells
