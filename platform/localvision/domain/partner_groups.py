from __future__ import annotations

from typing import Iterable

from localvision.models import ProjectPartner, Sector


def partners_by_sector(partners: Iterable[ProjectPartner]) -> list[tuple[Sector, list[ProjectPartner]]]:
    """Partners grouped by sector, sectors in their usual order, names alphabetical."""
    grouped: dict[Sector, list[ProjectPartner]] = {}
    for partner in sorted(partners, key=lambda p: p.organisation.name):
        grouped.setdefault(partner.organisation.sector, []).append(partner)
    return [(sector, grouped[sector]) for sector in Sector if sector in grouped]
