"""The project page as the public sees it: published and agreed records only.

People of a project get their working page instead; everyone else (anonymous visitors,
people of other projects, administrators) gets this one.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for

from localvision.access import ProjectContext
from localvision.models import Project
from localvision.published import has_agreed_grants, open_data_licence, partners_with_organisations
from localvision.web.partner_groups import partners_by_sector
from localvision.web.summaries.routes import summary_state
from localvision.web.vision.state import agreed_vision


@dataclass(frozen=True)
class Download:
    title: str
    url: str
    format: str


def downloads(project: Project) -> list[Download]:
    available = [
        Download("Project and partners", url_for("api.project", slug=project.slug), "JSON"),
        Download("Partner organisations", url_for("api.partners", slug=project.slug), "JSON"),
        Download("Agreed shared vision", url_for("api.vision", slug=project.slug), "JSON"),
        Download("Joint decisions", url_for("decisions.download", slug=project.slug), "CSV"),
        Download("Joint decisions with contributions and positions", url_for("api.decisions", slug=project.slug),
                 "JSON"),
        Download("Contributions to decisions", url_for("open_data.contributions", slug=project.slug), "CSV"),
        Download("Outcome indicators with their measurements", url_for("api.indicators", slug=project.slug), "JSON"),
        Download("Measurements of outcome indicators", url_for("open_data.measurements", slug=project.slug), "CSV"),
        Download("Contribution summary", url_for("api.summary", slug=project.slug), "JSON"),
    ]
    # The 360Giving standard has no empty package: it is offered once there is a grant.
    if has_agreed_grants(project):
        available.append(Download("Agreed grants to named recipients",
                                  url_for("open_data.threesixtygiving", slug=project.slug), "360Giving JSON"))
    return available


def render_public_project(context: ProjectContext) -> str:
    project = context.project
    partners = partners_with_organisations(project)
    return render_template(
        "public/project.html",
        context=context,
        project=project,
        partner_count=len(partners),
        partner_groups=partners_by_sector(partners),
        agreed_vision=agreed_vision(project),
        downloads=downloads(project) if project.is_published else [],
        licence=open_data_licence(),
        **summary_state(project.id),
    )
