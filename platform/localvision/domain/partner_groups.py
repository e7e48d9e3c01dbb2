"""How a project's partners are listed: by sector in the usual order, then by name."""
from __future__ import annotations

from typing import Iterable, TypeVar

from localvision.domain.vocabulary import Sector

Partner = TypeVar("Partner")


def grouped_by_sector(partners: Iterable[tuple[str, Sector, Partner]]) -> list[tuple[Sector, list[Partner]]]:
    """(organisation name, sector, partner) in; each sector with its partners out, names alphabetical."""
    grouped: dict[Sector, list[Partner]] = {}
    for _name, sector, partner in sorted(partners, key=lambda entry: entry[0]):
        grouped.setdefault(sector, []).append(partner)
    return [(sector, grouped[sector]) for sector in Sector if sector in grouped]
