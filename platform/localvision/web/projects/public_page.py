"""The project page as the public sees it: published and agreed records only.

People of a project get their working page instead; everyone else (anonymous visitors,
people of other projects, administrators) gets this one.
"""
from __future__ import annotations

from flask import render_template

from localvision.permissions.policy import ProjectContext
from localvision.queries.overview import project_overview


def render_public_project(context: ProjectContext) -> str:
    return render_template("public/project.html", context=context, overview=project_overview(context))
