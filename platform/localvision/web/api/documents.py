"""The JSON documents of the open data API, built from published records only."""
from __future__ import annotations

from typing import Any

from flask import url_for

from localvision.models import Project, ProjectPartner
from localvision.published import open_data_licence
from localvision.domain.partner_groups import partners_by_sector


def project_summary(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "title": project.title,
        "place": project.place,
        "theme": project.theme,
        "summary": project.summary,
        "phase": project.phase.value,
        "decision_rule": project.decision_rule.value,
        "is_demonstration": project.is_demo,
        "links": {
            "self": url_for("api.project", slug=project.slug, _external=True),
            "html": url_for("projects.show", slug=project.slug, _external=True),
            "partners": url_for("api.partners", slug=project.slug, _external=True),
        },
    }


def partner(partner: ProjectPartner) -> dict[str, Any]:
    organisation = partner.organisation
    return {
        "organisation_id": organisation.id,
        "name": organisation.name,
        "sector": organisation.sector.value,
        "sector_label": organisation.sector.label,
        "role": partner.role.value,
        "website": organisation.website,
    }


def partners(project_partners: list[ProjectPartner]) -> list[dict[str, Any]]:
    """Partners in the order the project page shows them: by sector, then by name."""
    return [partner(p) for _sector, group in partners_by_sector(project_partners) for p in group]


def project_document(project: Project, project_partners: list[ProjectPartner]) -> dict[str, Any]:
    return {**project_summary(project), "partners": partners(project_partners), "licence": open_data_licence()}
