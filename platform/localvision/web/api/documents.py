"""The JSON documents of the open data API, built from published records only."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import url_for

from localvision.models import Project, ProjectPartner
from localvision.published import open_data_licence
from localvision.web.vision.state import AgreedVision
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
            "vision": url_for("api.vision", slug=project.slug, _external=True),
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


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC datetimes
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def vision(agreed: AgreedVision | None) -> dict[str, Any] | None:
    """The vision every partner endorses; drafts and positions on them stay private."""
    if agreed is None:
        return None
    return {
        "version": agreed.version.number,
        "text": agreed.version.text,
        "agreed_since": _timestamp(agreed.agreed_since),
        "endorsements": [
            {"organisation_id": position.organisation_id, "name": position.organisation.name,
             "stance": position.stance.value}
            for position in agreed.endorsements
        ],
    }


def project_document(project: Project, project_partners: list[ProjectPartner],
                     agreed: AgreedVision | None) -> dict[str, Any]:
    return {**project_summary(project), "partners": partners(project_partners), "vision": vision(agreed),
            "licence": open_data_licence()}
