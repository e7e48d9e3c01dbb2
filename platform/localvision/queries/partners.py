"""A project's partners grouped for its pages and API document."""
from __future__ import annotations

from typing import Iterable

from localvision.domain.partner_groups import grouped_by_sector
from localvision.domain.vocabulary import Sector
from localvision.models import ProjectPartner


def partners_by_sector(partners: Iterable[ProjectPartner]) -> list[tuple[Sector, list[ProjectPartner]]]:
    return grouped_by_sector((partner.organisation.name, partner.organisation.sector, partner) for partner in partners)
