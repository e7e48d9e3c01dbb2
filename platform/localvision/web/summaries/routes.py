"""The contribution summary of a project: its own page, and the section htmx refreshes."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import render_template, request

from localvision.permissions.policy import Access
from localvision.queries.barriers import figures as barrier_figures
from localvision.queries.contribution_figures import contribution_figures
from localvision.web.context import project_context
from localvision.web.summaries import blueprint


@blueprint.route("/projects/<slug>/summary")
def show(slug: str):
    context = project_context(slug, Access.VIEWER)
    summary = contribution_figures(context.project.id, context.is_member)
    state = {"summary": summary, "pending": summary.pending, "paused": summary.paused}
    if request.htmx:
        on_summary_page = urlsplit(request.htmx.current_url or "").path == request.path
        return render_template("summaries/_section.html", project=context.project,
                               on_summary_page=on_summary_page, **state)
    return render_template("summaries/show.html", context=context, project=context.project,
                           on_summary_page=True, barrier_figures=barrier_figures(context.project, date.today()), **state)
