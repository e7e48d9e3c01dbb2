"""The JSON documents of the open data API, built from published records only."""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from localvision.models import Project, ProjectPartner, Sector


def licence() -> dict[str, str]:
    return {"name": current_app.config["OPEN_DATA_LICENCE_NAME"], "url": current_app.config["OPEN_DATA_LICENCE_URL"]}


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


def partners(project: Project) -> list[dict[str, Any]]:
    ordered = sorted(project.partners, key=lambda p: (list(Sector).index(p.organisation.sector), p.organisation.name))
    return [partner(p) for p in ordered]


def project_document(project: Project) -> dict[str, Any]:
    return {**project_summary(project), "partners": partners(project), "licence": licence()}
