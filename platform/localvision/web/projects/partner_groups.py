from __future__ import annotations

from localvision.models import Project, ProjectPartner, Sector


def partners_by_sector(project: Project) -> list[tuple[Sector, list[ProjectPartner]]]:
    """Partners grouped by sector, sectors in their usual order, names alphabetical."""
    grouped: dict[Sector, list[ProjectPartner]] = {}
    for partner in sorted(project.partners, key=lambda p: p.organisation.name):
        grouped.setdefault(partner.organisation.sector, []).append(partner)
    return [(sector, grouped[sector]) for sector in Sector if sector in grouped]
